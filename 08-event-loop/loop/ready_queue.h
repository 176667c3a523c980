/*
 * ready_queue.h - the loop's ready queue (Python: BaseEventLoop._ready, a
 * collections.deque of Handles): callbacks waiting for their turn, run
 * first in, first out.
 */
#ifndef LOOP_READY_QUEUE_H
#define LOOP_READY_QUEUE_H

#include <stddef.h>

typedef void (*Callback)(void *arg);

/* Python: asyncio.Handle, a callback and its argument. */
typedef struct {
    Callback fn;
    void *arg;
} Handle;

/* A ring buffer whose capacity is a power of two (index & (cap - 1)). */
typedef struct {
    Handle *ring;
    size_t head, count, cap;
} ReadyQueue;

/* Appends (fn, arg). Cannot fail: growing goes through reallocate(). */
void ready_queue_push(ReadyQueue *q, Callback fn, void *arg);
/* Removes and returns the oldest; the queue must not be empty. */
Handle ready_queue_pop(ReadyQueue *q);
void ready_queue_free(ReadyQueue *q);

#endif
