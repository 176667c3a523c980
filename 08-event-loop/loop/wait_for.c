/*
 * wait_for.c - asyncio.wait_for (as in Python 3.7 to 3.11): a waiter future
 * released by a timer or by the inner future, whichever comes first. On a
 * timeout, the inner future is cancelled and waited for (_cancel_and_wait),
 * and only its own outcome decides: cancelled, it is a TimeoutError; a
 * result or another error it returned instead is wait_for's.
 */
#include "wait_for.h"
#include "exception.h"

static GenStatus wait_for_step(Gen *g)
{
    WaitFor *w = (WaitFor *)g;
    GEN_BEGIN(g);
    w->cancelled = false;
    if (w->timeout > 0) {
        future_init(&w->waiter, w->loop);
        /* Python: _release_waiter, by the timer or by the inner future. */
        call_later(w->loop, &w->timer, w->timeout, future_wake, &w->waiter);
        future_add_done_callback(w->inner, future_wake, &w->waiter);
        future_await(&w->await, &w->waiter);
        TRY_AWAIT(g, &w->await.gen, w->ignored, w->error);
        timer_cancel(w->loop, &w->timer); /* Python: finally */
        w->cancelled = w->error == ECANCELED;
        if (!future_done(w->inner))
            future_remove_done_callback(w->inner, future_wake, &w->waiter);
    }
    if (!future_done(w->inner)) { /* Python: await _cancel_and_wait(fut) */
        future_init(&w->waiter, w->loop);
        future_add_done_callback(w->inner, future_wake, &w->waiter);
        future_cancel(w->inner);
        future_await(&w->await, &w->waiter);
        TRY_AWAIT(g, &w->await.gen, w->ignored, w->error);
        future_remove_done_callback(w->inner, future_wake, &w->waiter);
        if (w->cancelled || w->error == ECANCELED)
            RAISE(g, ECANCELED); /* we were cancelled: re-raise */
        if (future_cancelled(w->inner))
            RAISE(g, ETIMEDOUT);
    }
    w->error = future_result(w->inner, &w->ignored); /* result, or raise */
    if (w->error)
        RAISE(g, w->error);
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
