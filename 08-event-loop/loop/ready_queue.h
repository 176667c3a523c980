/*
 * ready_queue.h - the loop's ready queue (Python: BaseEventLoop._ready, a
 * collections.deque of Handles): callbacks waiting for their turn, run
 * first in, first out.
 */
#ifndef LOOP_READY_QUEUE_H
#define LOOP_READY_QUEUE_H

#include <stdbool.h>
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
    unsigned long long popped; /* every pop so far: numbers the handles */
} ReadyQueue;

/* Python: the Handle that call_soon returns, to cancel it with. It is the
 * number of the push that queued it: push n sits n - popped places behind
 * the head while it waits, so finding it is O(1) and it costs no memory. */
typedef struct {
    unsigned long long seq;
} SoonHandle;

/* Appends (fn, arg). Cannot fail: growing goes through reallocate(). */
SoonHandle ready_queue_push(ReadyQueue *q, Callback fn, void *arg);
/* Python: Handle.cancel(): if h still waits in q, it will do nothing when
 * its turn comes. false if it already ran (or was cancelled). */
bool ready_queue_cancel(ReadyQueue *q, SoonHandle h);
/* Removes and returns the oldest; the queue must not be empty. */
Handle ready_queue_pop(ReadyQueue *q);
void ready_queue_free(ReadyQueue *q);

#endif
