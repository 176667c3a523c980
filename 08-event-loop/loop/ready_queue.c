/*
 * ready_queue.c - a FIFO of Handles in a ring buffer: push at the tail,
 * pop at the head, both O(1); the ring doubles when it is full. Cancelling
 * a queued handle is O(1) too: its number says where it sits.
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

SoonHandle ready_queue_push(ReadyQueue *q, Callback fn, void *arg)
{
    if (q->count == q->cap)
        grow(q);
    q->ring[(q->head + q->count) & (q->cap - 1)] = (Handle){fn, arg};
    q->count++;
    return (SoonHandle){q->popped + q->count - 1};
}

/* What a cancelled handle runs when its turn comes (Python: _run skips a
 * handle whose _cancelled is set): the ring keeps its order untouched. */
static void cancelled(void *arg)
{
    (void)arg;
}

bool ready_queue_cancel(ReadyQueue *q, SoonHandle h)
{
    if (h.seq < q->popped || h.seq - q->popped >= q->count)
        return false; /* it ran already, or never was */
    Handle *waiting = &q->ring[(q->head + (h.seq - q->popped)) & (q->cap - 1)];
    if (waiting->fn == cancelled)
        return false;
    *waiting = (Handle){cancelled, NULL};
    return true;
}

Handle ready_queue_pop(ReadyQueue *q)
{
    Handle h = q->ring[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->count--;
    q->popped++;
    return h;
}

void ready_queue_free(ReadyQueue *q)
{
    *q = (ReadyQueue){.ring = reallocate(q->ring, 0, 0)};
}
