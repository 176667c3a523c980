/*
 * event.h - asyncio.Event: a flag that tasks can wait to see set.
 */
#ifndef LOOP_EVENT_H
#define LOOP_EVENT_H

#include "waiters.h"

typedef struct {
    Loop *loop;
    bool value;
    WaiterLine waiters;
} Event;

/* Python: asyncio.Event(): not set. */
void event_init(Event *e, Loop *loop);
/* Python: event.is_set(). */
bool event_is_set(const Event *e);
/* Python: event.set(): wakes every waiting task, and whoever waits later
 * returns at once, until event_clear. */
void event_set(Event *e);
/* Python: event.clear(). */
void event_clear(Event *e);

/* Python: await event.wait(). Returns at once if the event is set. */
typedef struct {
    Gen gen;
    Event *event;
    WaitInLine line;
    void *ignored;
} EventWait;
Gen *event_wait(EventWait *frame, Event *e);

#endif
