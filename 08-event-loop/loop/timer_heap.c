/*
 * timer_heap.c - a binary min-heap of TimerHandle pointers. Each timer
 * remembers its index in the heap, so cancelling one is O(log n) instead of
 * asyncio's lazy "mark it cancelled and skip it when it comes up".
 */
#include "timer_heap.h"
#include "memory.h"

static bool fires_before(const TimerHandle *a, const TimerHandle *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void place(TimerHeap *heap, size_t i, TimerHandle *t)
{
    heap->items[i] = t;
    t->heap_index = (int)i;
}

static void sift_up(TimerHeap *heap, size_t i)
{
    TimerHandle *t = heap->items[i];
    while (i > 0 && fires_before(t, heap->items[(i - 1) / 2])) {
        place(heap, i, heap->items[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    place(heap, i, t);
}

static void sift_down(TimerHeap *heap, size_t i)
{
    TimerHandle *t = heap->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= heap->count)
            break;
        if (child + 1 < heap->count &&
            fires_before(heap->items[child + 1], heap->items[child]))
            child++;
        if (!fires_before(heap->items[child], t))
            break;
        place(heap, i, heap->items[child]);
        i = child;
    }
    place(heap, i, t);
}

void timer_heap_push(TimerHeap *heap, TimerHandle *t)
{
    if (heap->count == heap->cap) {
        heap->cap = GROW_CAPACITY(heap->cap, 64);
        heap->items = reallocate(heap->items, heap->cap, sizeof *heap->items);
    }
    t->seq = heap->next_seq++;
    heap->items[heap->count] = t;
    sift_up(heap, heap->count++);
}

void timer_heap_remove(TimerHeap *heap, TimerHandle *t)
{
    if (t->heap_index < 0)
        return;
    size_t i = (size_t)t->heap_index;
    t->heap_index = -1;
    TimerHandle *last = heap->items[--heap->count];
    if (i == heap->count)
        return;
    place(heap, i, last);
    sift_down(heap, i);
    sift_up(heap, (size_t)last->heap_index);
}

TimerHandle *timer_heap_top(const TimerHeap *heap)
{
    return heap->count > 0 ? heap->items[0] : NULL;
}

void timer_heap_free(TimerHeap *heap)
{
    *heap = (TimerHeap){.items = reallocate(heap->items, 0, 0)};
}
