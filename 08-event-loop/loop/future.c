/*
 * future.c - asyncio's Future (asyncio/futures.py).
 *
 * The talk's last loop re-queued a task from inside set_result. Here, as in
 * asyncio, set_result only schedules the done callbacks (call_soon): they
 * run on the loop's next pass, in the order they were added, never in the
 * middle of whoever completed the future.
 */
#include "future.h"
#include "exception.h"
#include "memory.h"

#include <stdio.h>

void future_init(Future *f, Loop *loop)
{
    *f = (Future){.loop = loop, .state = FUTURE_PENDING};
}

bool future_done(const Future *f)
{
    return f->state != FUTURE_PENDING;
}

bool future_cancelled(const Future *f)
{
    return f->state == FUTURE_CANCELLED;
}

static Handle *callback_at(Future *f, int i)
{
    return i < 2 ? &f->callbacks[i] : &f->more[i - 2];
}

/* Python: __schedule_callbacks. They run later, each once, in order. */
static void schedule_callbacks(Future *f)
{
    for (int i = 0; i < f->ncallbacks; i++) {
        Handle *h = callback_at(f, i);
        call_soon(f->loop, h->fn, h->arg);
    }
    f->ncallbacks = 0;
}

static int invalid_state(const Future *f, const char *what)
{
    fprintf(stderr,
            "InvalidStateError: %s on a future that is already %s (hint: "
            "check future_done() first)\n",
            what, f->state == FUTURE_CANCELLED ? "cancelled" : "done");
    return -1;
}

static void complete(Future *f, FutureState state, void *result, int error)
{
    f->state = state;
    f->result = result;
    f->error = error;
    schedule_callbacks(f);
}

int future_set_result(Future *f, void *result)
{
    if (future_done(f))
        return invalid_state(f, "set_result");
    complete(f, FUTURE_FINISHED, result, 0);
    return 0;
}

int future_set_exception(Future *f, int error)
{
    if (future_done(f))
        return invalid_state(f, "set_exception");
    complete(f, FUTURE_FINISHED, NULL, error ? error : EINVAL);
    return 0;
}

bool future_set_cancelled(Future *f)
{
    if (future_done(f))
        return false;
    complete(f, FUTURE_CANCELLED, NULL, ECANCELED);
    return true;
}

bool future_cancel(Future *f)
{
    return f->cancel ? f->cancel(f) : future_set_cancelled(f);
}

int future_result(const Future *f, void **result)
{
    if (!future_done(f)) {
        fprintf(stderr, "InvalidStateError: Result is not set (hint: await "
                        "the future, or check future_done() first)\n");
        return -1;
    }
    if (f->error == 0 && result)
        *result = f->result;
    return f->error;
}

void future_add_done_callback(Future *f, Callback fn, void *arg)
{
    if (future_done(f)) { /* Python: already done, so scheduled at once */
        call_soon(f->loop, fn, arg);
        return;
    }
    if (f->ncallbacks >= 2 && f->ncallbacks - 2 == f->more_cap) {
        f->more_cap = GROW_CAPACITY(f->more_cap, 4);
        f->more = reallocate(f->more, (size_t)f->more_cap, sizeof *f->more);
    }
    *callback_at(f, f->ncallbacks++) = (Handle){fn, arg};
}

int future_remove_done_callback(Future *f, Callback fn, void *arg)
{
    int kept = 0, removed = 0;
    for (int i = 0; i < f->ncallbacks; i++) {
        Handle h = *callback_at(f, i);
        if (h.fn == fn && h.arg == arg)
            removed++;
        else
            *callback_at(f, kept++) = h;
    }
    f->ncallbacks = kept;
    return removed;
}

void future_free(Future *f)
{
    f->more = reallocate(f->more, 0, 0);
    f->more_cap = 0;
}

void future_wake(void *future)
{
    Future *f = future;
    if (!future_done(f))
        future_set_result(f, NULL);
}

/* Python: Future.__await__:
 *     if not self.done(): yield self   # the task parks on us
 *     return self.result()             # or raises */
static GenStatus future_await_step(Gen *g)
{
    FutureAwait *aw = (FutureAwait *)g;
    GEN_BEGIN(g);
    if (!future_done(aw->future))
        YIELD(g, aw->future);
    if (error_pending()) /* thrown in by the task: cancelled */
        RAISE(g, error_fetch());
    if (!future_done(aw->future)) {
        fprintf(stderr, "future_await: resumed before its future was done "
                        "(hint: only a task may step a coroutine that awaits "
                        "futures)\n");
        RAISE(g, EINVAL);
    }
    if (aw->future->error)
        RAISE(g, aw->future->error);
    GEN_RETURN(g, aw->future->result);
    GEN_END(g);
}

Gen *future_await(FutureAwait *aw, Future *f)
{
    aw->future = f;
    return gen_init(&aw->gen, future_await_step, "Future.__await__");
}
