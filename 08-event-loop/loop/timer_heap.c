/*
 * timer_heap.c - a min-heap of TimerHandle pointers, each beside its key
 * (TimerSlot). Each timer remembers its index in the heap, so cancelling
 * one is O(log n) instead of asyncio's lazy "mark it cancelled and skip it
 * when it comes up".
 *
 * Four children a node, not two: half as many levels, so a timer that
 * fires moves half as many slots, each of which must tell its timer its
 * new index (a cache miss at a million timers); the four children sit
 * side by side in the array, so comparing them costs little more than
 * comparing two.
 */
#include "timer_heap.h"
#include "memory.h"

enum { ARITY = 4 };

static size_t parent(size_t i)
{
    return (i - 1) / ARITY;
}

static bool fires_before(const TimerSlot *a, const TimerSlot *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void place(TimerHeap *heap, size_t i, TimerSlot slot)
{
    heap->items[i] = slot;
    slot.timer->heap_index = (int)i;
}

static void sift_up(TimerHeap *heap, size_t i)
{
    TimerSlot slot = heap->items[i];
    while (i > 0 && fires_before(&slot, &heap->items[parent(i)])) {
        place(heap, i, heap->items[parent(i)]);
        i = parent(i);
    }
    place(heap, i, slot);
}

static void sift_down(TimerHeap *heap, size_t i)
{
    TimerSlot slot = heap->items[i];
    for (;;) {
        size_t first = ARITY * i + 1, child = first;
        if (first >= heap->count)
            break;
        for (size_t c = first + 1; c < first + ARITY && c < heap->count; c++)
            if (fires_before(&heap->items[c], &heap->items[child]))
                child = c;
        if (!fires_before(&heap->items[child], &slot))
            break;
        place(heap, i, heap->items[child]);
        i = child;
    }
    place(heap, i, slot);
}

void timer_heap_push(TimerHeap *heap, TimerHandle *t)
{
    if (heap->count == heap->cap) {
        heap->cap = GROW_CAPACITY(heap->cap, 64);
        heap->items = reallocate(heap->items, heap->cap, sizeof *heap->items);
    }
    t->seq = heap->next_seq++;
    heap->items[heap->count] = (TimerSlot){t->when, t->seq, t};
    sift_up(heap, heap->count++);
}

void timer_heap_remove(TimerHeap *heap, TimerHandle *t)
{
    if (t->heap_index < 0)
        return;
    size_t i = (size_t)t->heap_index;
    t->heap_index = -1;
    TimerSlot last = heap->items[--heap->count];
    if (i == heap->count)
        return;
    place(heap, i, last);
    sift_down(heap, i);
    sift_up(heap, (size_t)last.timer->heap_index);
}

TimerHandle *timer_heap_top(const TimerHeap *heap)
{
    return heap->count > 0 ? heap->items[0].timer : NULL;
}

void timer_heap_free(TimerHeap *heap)
{
    *heap = (TimerHeap){.items = reallocate(heap->items, 0, 0)};
}
