/*
 * memory.h - the loop's one answer to running out of memory, as clox's
 * memory.h: every allocation and every growth goes through reallocate(),
 * which stops the program with a one-line message when malloc fails. No
 * caller has a failure to handle, so none can forget to: a lost callback
 * would be a task that silently never wakes.
 */
#ifndef LOOP_MEMORY_H
#define LOOP_MEMORY_H

#include <stddef.h>

/* Python: the interpreter's allocator, which raises MemoryError. Resizes
 * pointer to count items of size bytes (pointer NULL: a new block; count
 * 0: frees it and returns NULL). Never returns NULL for count > 0. */
void *reallocate(void *pointer, size_t count, size_t size);

/* An array of *capacity items of size bytes, grown (doubling, from 64)
 * until index is inside it, the new items zeroed: a table indexed by
 * descriptor. Returns the array; *capacity is updated. */
void *grow_zeroed(void *array, int *capacity, int index, size_t size);

/* The next capacity of an array that is full: doubles, from `first`. */
#define GROW_CAPACITY(capacity, first)                                         \
    ((capacity) < (first) ? (first) : (capacity)*2)

#endif
