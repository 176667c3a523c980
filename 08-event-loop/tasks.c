/*
 * tasks.c - asyncio's Future and Task (asyncio/futures.py, tasks.py) on the
 * loop of event_loop.c, and what is built from them: cancel, gather,
 * wait_for, asleep.
 *
 * The talk's last loop re-queued a task from inside set_result. Here, as in
 * asyncio, set_result only schedules the done callbacks (call_soon): they
 * run on the loop's next pass, in the order they were added, never in the
 * middle of whoever completed the future.
 */
#include "event_loop.h"

#include <stdio.h>
#include <stdlib.h>

/* --- the exception in flight --------------------------------------------- */

static int error_in_flight; /* one loop per thread, as asyncio */

void error_set(int error)
{
    error_in_flight = error;
}

int error_fetch(void)
{
    int error = error_in_flight;
    error_in_flight = 0;
    return error;
}

bool error_pending(void)
{
    return error_in_flight != 0;
}

/* --- Future -------------------------------------------------------------- */

void future_init(Future *f, Loop *loop)
{
    *f = (Future){.loop = loop, .state = FUTURE_PENDING, .waits_on = 'f'};
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

static int complete(Future *f, FutureState state, void *result, int error)
{
    f->state = state;
    f->result = result;
    f->error = error;
    schedule_callbacks(f);
    return 0;
}

int future_set_result(Future *f, void *result)
{
    if (future_done(f))
        return invalid_state(f, "set_result");
    return complete(f, FUTURE_FINISHED, result, 0);
}

int future_set_exception(Future *f, int error)
{
    if (future_done(f))
        return invalid_state(f, "set_exception");
    return complete(f, FUTURE_FINISHED, NULL, error ? error : EINVAL);
}

/* Python: Future.cancel, which Task.cancel calls as super().cancel(). */
static bool cancel_future(Future *f)
{
    if (future_done(f))
        return false;
    complete(f, FUTURE_CANCELLED, NULL, ECANCELED);
    return true;
}

bool future_cancel(Future *f)
{
    return f->is_task ? task_cancel((Task *)f) : cancel_future(f);
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

int future_add_done_callback(Future *f, Callback fn, void *arg)
{
    if (future_done(f)) /* Python: already done, so scheduled at once */
        return call_soon(f->loop, fn, arg);
    if (f->ncallbacks >= 2 && f->ncallbacks - 2 == f->more_cap) {
        int cap = f->more_cap ? f->more_cap * 2 : 4;
        Handle *grown = realloc(f->more, (size_t)cap * sizeof *grown);
        if (!grown)
            return -1;
        f->more = grown;
        f->more_cap = cap;
    }
    *callback_at(f, f->ncallbacks++) = (Handle){fn, arg};
    return 0;
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
    free(f->more);
    f->more = NULL;
    f->more_cap = 0;
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

/* --- Task ---------------------------------------------------------------- */

static void task_step(void *arg);

Task *create_task(Loop *loop, Task *task, Gen *coro, const char *name)
{
    future_init(&task->future, loop);
    task->future.is_task = true;
    task->coro = coro;
    task->waiting_on = NULL;
    task->must_cancel = false;
    task->name = name;
    trace_task(loop, task, true);
    call_soon(loop, task_step, task); /* runs on the next iteration */
    return task;
}

/* What the coroutine's last step yielded: a future to park on, or NULL
 * (a bare yield: asyncio.sleep(0)) to run again on the next iteration. */
static void park(Task *task, Future *yielded)
{
    if (!yielded) {
        call_soon(task->future.loop, task_step, task);
        return;
    }
    task->waiting_on = yielded;
    future_add_done_callback(yielded, task_step, task); /* Python: __wakeup */
}

/* Python: Task.__step: one coroutine.send(None), or a throw of
 * CancelledError when cancel() was called while the task sat in the ready
 * queue. Our frames cannot be thrown into, so the throw is the error in
 * flight, which every suspension point (future_await, asleep(0)) raises as
 * soon as it resumes. A coroutine not started yet is not run at all. */
static void task_step(void *arg)
{
    Task *task = arg;
    if (future_done(&task->future))
        return;
    task->waiting_on = NULL;
    if (task->must_cancel) {
        task->must_cancel = false;
        if (task->coro->resume_at == 0) {
            cancel_future(&task->future);
            trace_task(task->future.loop, task, false);
            return;
        }
        error_set(ECANCELED);
    }
    GenStatus status = gen_next(task->coro);
    int error = error_fetch(); /* raised, or a throw nobody caught */
    if (status == GEN_YIELDED && error == 0)
        park(task, task->coro->yielded);
    else if (status == GEN_RETURNED && error == 0)
        future_set_result(&task->future, task->coro->result);
    else if (error == ECANCELED || (status != GEN_ERROR && error))
        cancel_future(&task->future); /* Python: super().cancel() */
    else
        future_set_exception(&task->future, error ? error : EINVAL);
    trace_task(task->future.loop, task, false);
}

/* Python: Task.cancel: cancel what it waits on (its wake-up then raises
 * CancelledError inside the coroutine); if it waits on nothing, throw the
 * cancellation in at its next step. */
bool task_cancel(Task *task)
{
    if (future_done(&task->future))
        return false;
    if (task->waiting_on && future_cancel(task->waiting_on))
        return true;
    task->must_cancel = true;
    return true;
}

/* Python: run_until_complete's done callback, _run_until_complete_cb:
 * loop.stop(). Stopping, not just returning once the future is done,
 * lets the callbacks scheduled beside this one run too (a gather's own
 * done callback, say) before the caller frees what they point to. */
static void stop_loop(void *loop)
{
    loop_stop(loop);
}

static int give_up(Future *f, const char *why)
{
    future_remove_done_callback(f, stop_loop, f->loop);
    loop_stopped(f->loop); /* a stop already made must not end the next run */
    if (why)
        fprintf(stderr, "run_until_complete: %s\n", why);
    return -1;
}

int run_until_complete(Loop *loop, Future *f)
{
    future_add_done_callback(f, stop_loop, loop);
    while (!loop_stopped(loop)) {
        if (loop_run_once(loop) == -1)
            return give_up(f, NULL);
        if (!future_done(f) && !loop_has_work(loop))
            return give_up(f, "nothing is ready and nothing can become "
                              "ready (no timer, no reader, no writer), so "
                              "the future can never finish (hint: does a "
                              "task await a future nobody completes?)");
    }
    if (!future_done(f))
        return give_up(f, "the loop was stopped before the future finished "
                          "(hint: who called loop_stop?)");
    return 0;
}

/* --- asleep -------------------------------------------------------------- */

static void sleep_wake(void *arg)
{
    Sleep *s = arg;
    if (!future_done(&s->future))
        future_set_result(&s->future, NULL);
}

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
    s->future.waits_on = 't';
    call_later(s->loop, &s->timer, s->seconds, sleep_wake, s);
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

/* --- gather -------------------------------------------------------------- */

static void gather_child_done(void *arg)
{
    Gather *g = arg;
    g->ndone++;
    if (future_done(&g->outer))
        return;
    for (int i = 0; i < g->n; i++) /* the first error wins */
        if (future_done(g->children[i]) && g->children[i]->error) {
            future_set_exception(&g->outer, g->children[i]->error);
            return;
        }
    if (g->ndone < g->n)
        return;
    for (int i = 0; i < g->n; i++) /* argument order, not finishing order */
        g->results[i] = g->children[i]->result;
    future_set_result(&g->outer, g->results);
}

static void gather_outer_done(void *arg)
{
    Gather *g = arg;
    if (!future_cancelled(&g->outer))
        return;
    for (int i = 0; i < g->n; i++)
        future_cancel(g->children[i]);
}

Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results)
{
    future_init(&g->outer, loop);
    g->children = children;
    g->results = results;
    g->n = n;
    g->ndone = 0;
    future_add_done_callback(&g->outer, gather_outer_done, g);
    for (int i = 0; i < n; i++)
        future_add_done_callback(children[i], gather_child_done, g);
    if (n == 0)
        future_set_result(&g->outer, results);
    return &g->outer;
}

/* --- wait_for ------------------------------------------------------------ */

static void release_waiter(void *arg)
{
    WaitFor *w = arg;
    if (!future_done(&w->waiter))
        future_set_result(&w->waiter, NULL);
}

/* Cleanup that must run however the wait ends, cancellation included. */
static void waiter_done(void *arg)
{
    WaitFor *w = arg;
    timer_cancel(w->loop, &w->timer);
    if (future_cancelled(&w->waiter)) {
        future_remove_done_callback(w->inner, release_waiter, w);
        future_cancel(w->inner);
    }
}

static GenStatus wait_for_step(Gen *g)
{
    WaitFor *w = (WaitFor *)g;
    GEN_BEGIN(g);
    future_init(&w->waiter, w->loop);
    w->waiter.waits_on = 't';
    future_add_done_callback(&w->waiter, waiter_done, w);
    call_later(w->loop, &w->timer, w->timeout, release_waiter, w);
    future_add_done_callback(w->inner, release_waiter, w);
    future_await(&w->await, &w->waiter);
    AWAIT(g, &w->await.gen, w->ignored);
    if (!future_done(w->inner)) { /* timed out: cancel, wait, raise */
        future_remove_done_callback(w->inner, release_waiter, w);
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
