/*
 * event.c - exercise: asyncio.Event, what a task waits on until another
 * says "go".
 *
 *   event = asyncio.Event()
 *   await event.wait()    # returns at once if set, else parks the task
 *   event.set()           # wakes every task waiting, in order, once
 *   event.clear()         # later waits park again
 *
 * In stage 07's loop, a task that awaits something not ready is parked
 * and a callback puts it back in the queue later. Here the parking is
 * explicit: event_wait() either says "go on" or keeps the waiter, and
 * event_set() hands each kept waiter to the loop's wake function (the
 * loop's "put this task back in the queue"). Your part is event_wait()
 * and event_set(). Check it with `make exercise-07`.
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
    /* TODO: set: return true. Otherwise park waiter at the end of the
     * list (if there is room) and return false. */
    (void)e;
    (void)waiter;
    return true;
}

/* Python: event.set(). Every parked waiter is woken, once, in order. */
void event_set(Event *e)
{
    /* TODO: mark the event set, wake each parked waiter in order with
     * e->wake(waiter), and empty the list, so a second set() wakes no
     * one twice. */
    (void)e;
}

/* Python: event.clear(). */
void event_clear(Event *e)
{
    e->is_set = false;
}
