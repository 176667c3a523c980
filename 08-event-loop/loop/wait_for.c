/*
 * wait_for.c - asyncio.wait_for (as in Python 3.7 to 3.11): a waiter future
 * released by a timer or by the inner future, whichever comes first.
 */
#include "wait_for.h"
#include "exception.h"

/* Cleanup that must run however the wait ends, cancellation included. */
static void waiter_done(void *arg)
{
    WaitFor *w = arg;
    timer_cancel(w->loop, &w->timer);
    if (future_cancelled(&w->waiter)) {
        future_remove_done_callback(w->inner, future_wake, &w->waiter);
        future_cancel(w->inner);
    }
}

static GenStatus wait_for_step(Gen *g)
{
    WaitFor *w = (WaitFor *)g;
    GEN_BEGIN(g);
    future_init(&w->waiter, w->loop);
    future_add_done_callback(&w->waiter, waiter_done, w);
    /* Python: _release_waiter, by the timer or by the inner future. */
    call_later(w->loop, &w->timer, w->timeout, future_wake, &w->waiter);
    future_add_done_callback(w->inner, future_wake, &w->waiter);
    future_await(&w->await, &w->waiter);
    AWAIT(g, &w->await.gen, w->ignored);
    if (!future_done(w->inner)) { /* timed out: cancel, wait, raise */
        future_remove_done_callback(w->inner, future_wake, &w->waiter);
        future_cancel(w->inner);
        future_await(&w->await, w->inner);
        TRY_AWAIT(g, &w->await.gen, w->ignored, w->error);
        RAISE(g, ETIMEDOUT);
    }
    future_await(&w->await, w->inner);
    AWAIT(g, &w->await.gen, w->ignored);
    GEN_RETURN(g, w->ignored);
    GEN_END(g);
}

Gen *wait_for(WaitFor *frame, Loop *loop, Future *inner, double timeout)
{
    frame->loop = loop;
    frame->inner = inner;
    frame->timeout = timeout;
    frame->timer.heap_index = -1;
    return gen_init(&frame->gen, wait_for_step, "wait_for");
}
