/*
 * sleep.c - asyncio.sleep: a future, and a timer (call_later) that sets
 * its result. The task awaiting it sleeps in the selector meanwhile: no
 * polling, no CPU.
 */
#include "sleep.h"
#include "exception.h"

/* Python: asyncio.sleep's `finally: h.cancel()`, as a done callback so it
 * also runs when the sleeping task is cancelled. */
static void sleep_done(void *arg)
{
    Sleep *s = arg;
    timer_cancel(s->loop, &s->timer);
}

static GenStatus asleep_step(Gen *g)
{
    Sleep *s = (Sleep *)g;
    GEN_BEGIN(g);
    if (s->seconds <= 0) {
        YIELD(g, NULL); /* Python: asyncio.sleep(0)'s bare yield */
        if (error_pending())
            RAISE(g, error_fetch());
        GEN_RETURN(g, NULL);
    }
    future_init(&s->future, s->loop);
    call_later(s->loop, &s->timer, s->seconds, future_wake, &s->future);
    future_add_done_callback(&s->future, sleep_done, s);
    future_await(&s->await, &s->future);
    AWAIT(g, &s->await.gen, s->ignored);
    GEN_END(g);
}

Gen *asleep(Sleep *frame, Loop *loop, double seconds)
{
    frame->loop = loop;
    frame->seconds = seconds;
    frame->timer.heap_index = -1;
    return gen_init(&frame->gen, asleep_step, "asleep");
}
