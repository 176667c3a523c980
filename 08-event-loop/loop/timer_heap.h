/*
 * timer_heap.h - the loop's timers (Python: BaseEventLoop._scheduled, a
 * heapq of TimerHandles): a binary min-heap on (deadline, sequence
 * number), so the next timer to fire is always on top.
 */
#ifndef LOOP_TIMER_HEAP_H
#define LOOP_TIMER_HEAP_H

#include "ready_queue.h"

#include <stdbool.h>

/* Python: asyncio.TimerHandle. Lives in the caller's memory; the heap
 * points at it. Ties on `when` fire in the order set (seq), as in libuv. */
typedef struct {
    double when; /* monotonic seconds */
    unsigned long long seq;
    Handle handle;
    int heap_index; /* -1 when not scheduled */
} TimerHandle;

/* A heap slot: the timer's key kept beside its pointer, so that sifting
 * compares within the heap's own array instead of chasing every timer into
 * the frame it lives in (a cache miss each, at a million timers). */
typedef struct {
    double when;
    unsigned long long seq;
    TimerHandle *timer;
} TimerSlot;

typedef struct {
    TimerSlot *items;
    size_t count, cap;
    unsigned long long next_seq;
} TimerHeap;

/* Adds t (its `when` and `handle` set); numbers it after every other. */
void timer_heap_push(TimerHeap *heap, TimerHandle *t);
/* Takes t off the heap; harmless if it is not on it. */
void timer_heap_remove(TimerHeap *heap, TimerHandle *t);
/* The timer that fires first, or NULL if there is none. */
TimerHandle *timer_heap_top(const TimerHeap *heap);
void timer_heap_free(TimerHeap *heap);

#endif
