/*
 * memory.c - reallocate(): one place where the loop gets memory, and one
 * way it fails (memory.h says why).
 */
#include "memory.h"
#include "../talk.h"

#include <stdlib.h>
#include <string.h>

void *grow_zeroed(void *array, int *capacity, int index, size_t size)
{
    if (index < *capacity)
        return array;
    int cap = *capacity;
    while (cap <= index)
        cap = GROW_CAPACITY(cap, 64);
    char *grown = reallocate(array, (size_t)cap, size);
    memset(grown + (size_t)*capacity * size, 0,
           (size_t)(cap - *capacity) * size);
    *capacity = cap;
    return grown;
}

void *reallocate(void *pointer, size_t count, size_t size)
{
    if (count == 0) {
        free(pointer);
        return NULL;
    }
    if (count > (size_t)-1 / size)
        die("out of memory", "an array grew past what size_t can count");
    void *grown = realloc(pointer, count * size);
    if (!grown)
        die("out of memory", "fewer connections or tasks, or more memory");
    return grown;
}
