/*
 * wait.c - asyncio.wait (asyncio/tasks.py's _wait): one waiter future, a
 * done callback on every future that counts them and releases the waiter
 * when return_when holds, and a timer that releases it on timeout.
 */
#include "wait.h"
#include "exception.h"

#include <stdio.h>

/* FIRST_EXCEPTION's question: has one of fs failed (a cancel is not a
 * failure)? O(n), asked once per completion: wait is for a handful of
 * futures (a gather of thousands counts without looking). */
static bool one_failed(const Wait *w)
{
    for (int i = 0; i < w->n; i++)
        if (future_done(w->fs[i]) && !future_cancelled(w->fs[i]) &&
            w->fs[i]->error)
            return true;
    return false;
}

/* Python: _on_completion. */
static void on_completion(void *arg)
{
    Wait *w = arg;
    w->not_done--;
    if (w->not_done <= 0 || w->return_when == FIRST_COMPLETED ||
        (w->return_when == FIRST_EXCEPTION && one_failed(w)))
        future_wake(&w->waiter);
}

static GenStatus wait_step(Gen *g)
{
    Wait *w = (Wait *)g;
    GEN_BEGIN(g);
    if (w->n <= 0) {
        fprintf(stderr, "wait: no futures to wait for (hint: Python raises "
                        "ValueError: Set of Futures is empty)\n");
        RAISE(g, EINVAL);
    }
    future_init(&w->waiter, w->loop);
    w->not_done = w->n;
    if (w->timeout >= 0)
        call_later(w->loop, &w->timer, w->timeout, future_wake, &w->waiter);
    for (int i = 0; i < w->n; i++)
        future_add_done_callback(w->fs[i], on_completion, w);
    future_await(&w->await, &w->waiter);
    TRY_AWAIT(g, &w->await.gen, w->ignored, w->error);
    /* Python: finally: cancel the timer, remove the callbacks. */
    timer_cancel(w->loop, &w->timer);
    for (int i = 0; i < w->n; i++)
        future_remove_done_callback(w->fs[i], on_completion, w);
    if (w->error) /* the waiting task was cancelled */
        RAISE(g, w->error);
    w->ndone = 0;
    for (int i = 0; i < w->n; i++)
        w->ndone += future_done(w->fs[i]);
    GEN_END(g);
}

Gen *wait_futures(Wait *frame, Loop *loop, Future **fs, int n,
                  ReturnWhen return_when, double timeout)
{
    frame->loop = loop;
    frame->fs = fs;
    frame->n = n;
    frame->return_when = return_when;
    frame->timeout = timeout;
    frame->timer.heap_index = -1;
    frame->ndone = 0;
    return gen_init(&frame->gen, wait_step, "wait");
}
