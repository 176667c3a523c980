/*
 * ready_queue.c - a FIFO of Handles in a ring buffer: push at the tail,
 * pop at the head, both O(1); the ring doubles when it is full.
 */
#include "ready_queue.h"
#include "memory.h"

#include <string.h>

/* Doubles the ring. Its used part may wrap around the end: the wrapped
 * start moves to just after the old end, so the handles stay in order. */
static void grow(ReadyQueue *q)
{
    size_t old_cap = q->cap;
    q->cap = GROW_CAPACITY(old_cap, 256);
    q->ring = reallocate(q->ring, q->cap, sizeof *q->ring);
    if (q->head + q->count > old_cap)
        memcpy(q->ring + old_cap, q->ring,
               (q->head + q->count - old_cap) * sizeof *q->ring);
}

void ready_queue_push(ReadyQueue *q, Callback fn, void *arg)
{
    if (q->count == q->cap)
        grow(q);
    q->ring[(q->head + q->count) & (q->cap - 1)] = (Handle){fn, arg};
    q->count++;
}

Handle ready_queue_pop(ReadyQueue *q)
{
    Handle h = q->ring[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
    return h;
}

void ready_queue_free(ReadyQueue *q)
{
    *q = (ReadyQueue){.ring = reallocate(q->ring, 0, 0)};
}
