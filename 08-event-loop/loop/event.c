/*
 * event.c - asyncio.Event (asyncio/locks.py): a flag and a line of waiter
 * futures. set() completes every waiter; each waiting task then resumes
 * on the loop's next pass, in the order it began to wait.
 */
#include "event.h"

void event_init(Event *e, Loop *loop)
{
    *e = (Event){.loop = loop};
}

bool event_is_set(const Event *e)
{
    return e->value;
}

void event_set(Event *e)
{
    if (e->value)
        return;
    e->value = true;
    waiters_wake_all(&e->waiters);
}

void event_clear(Event *e)
{
    e->value = false;
}

static GenStatus event_wait_step(Gen *g)
{
    EventWait *f = (EventWait *)g;
    GEN_BEGIN(g);
    if (f->event->value)
        GEN_RETURN(g, NULL);
    wait_in_line(&f->line, &f->event->waiters, f->event->loop);
    AWAIT(g, &f->line.gen, f->ignored);
    GEN_END(g);
}

Gen *event_wait(EventWait *frame, Event *e)
{
    frame->event = e;
    return gen_init(&frame->gen, event_wait_step, "Event.wait");
}
