/*
 * event.c - answer. A set event lets every wait through at once; a clear
 * one keeps its waiters in a list, and set() empties the list as it wakes
 * them, so each is woken exactly once. The list is emptied before the
 * wake-ups, on a copy: a woken waiter that the loop runs straight away
 * may clear the event and wait again, and must land in a fresh list.
 * Stage 08's loop/event.c is the same idea on real futures.
 */
#include <stdbool.h>
#include <stddef.h>

enum { MAX_WAITERS = 16 };

/* The loop's "this task may run again": puts waiter back in its queue. */
typedef void (*Wake)(void *waiter);

typedef struct {
    bool is_set;
    Wake wake;
    void *waiters[MAX_WAITERS]; /* parked, in the order they came */
    int nwaiters;
} Event;

void event_init(Event *e, Wake wake)
{
    e->is_set = false;
    e->wake = wake;
    e->nwaiters = 0;
}

/* Python: await event.wait(), the first step of it. true: the event is
 * set, go on. false: waiter is parked until event_set() wakes it (or the
 * list is full: then it is not parked, and the caller must retry). */
bool event_wait(Event *e, void *waiter)
{
    if (e->is_set)
        return true;
    if (e->nwaiters < MAX_WAITERS)
        e->waiters[e->nwaiters++] = waiter;
    return false;
}

/* Python: event.set(). Every parked waiter is woken, once, in order. */
void event_set(Event *e)
{
    e->is_set = true;
    void *woken[MAX_WAITERS];
    int n = e->nwaiters;
    for (int i = 0; i < n; i++)
        woken[i] = e->waiters[i];
    e->nwaiters = 0;
    for (int i = 0; i < n; i++)
        e->wake(woken[i]);
}

/* Python: event.clear(). */
void event_clear(Event *e)
{
    e->is_set = false;
}
