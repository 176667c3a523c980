/*
 * future.h - asyncio.Future (asyncio/futures.py): a result that is not
 * there yet, and the callbacks to schedule when it is.
 *
 * It needs nothing of the loop but call_soon: done callbacks are scheduled
 * when the future completes, never run inside set_result.
 */
#ifndef LOOP_FUTURE_H
#define LOOP_FUTURE_H

#include "../coro.h"
#include "loop.h"

#include <stdbool.h>

typedef enum { FUTURE_PENDING, FUTURE_FINISHED, FUTURE_CANCELLED } FutureState;

typedef struct Future Future;
struct Future {
    Loop *loop;
    FutureState state;
    int error; /* Python: the exception, as an errno (ECANCELED: cancelled) */
    void *result;
    /* Python: cancel() as a subclass overrides it (Task does); NULL for a
     * plain future, which cancels itself. */
    bool (*cancel)(Future *self);
    int ncallbacks;
    Handle callbacks[2]; /* most futures have one or two: no malloc */
    Handle *more;        /* the rest, from the third on */
    int more_cap;
};

void future_init(Future *f, Loop *loop);
bool future_done(const Future *f);
bool future_cancelled(const Future *f);
/* Python: set_result / set_exception. On a done future: a message and -1
 * (Python: InvalidStateError), nothing changed. */
int future_set_result(Future *f, void *result);
int future_set_exception(Future *f, int error);
/* Python: fut.result(). 0 and *result; the error if it failed or was
 * cancelled; -1 and a message if it is still pending. */
int future_result(const Future *f, void **result);
/* Python: fut.cancel() (a task's own cancel for a task). false if done. */
bool future_cancel(Future *f);
/* Python: Future.cancel itself, what Task.cancel reaches as super().cancel():
 * marks f cancelled and schedules its callbacks. false if already done. */
bool future_set_cancelled(Future *f);
/* Python: fut.add_done_callback(fn). Cannot fail. */
void future_add_done_callback(Future *f, Callback fn, void *arg);
/* Removes every (fn, arg) pair; returns how many. */
int future_remove_done_callback(Future *f, Callback fn, void *arg);
/* Frees what add_done_callback may have allocated; the future is done. */
void future_free(Future *f);

/* Python: futures._set_result_unless_cancelled(fut, None), as a callback
 * whose argument is the future: what wakes a sleep, a wait_for and a
 * descriptor wait. Does nothing to a future already done. */
void future_wake(void *future);

/* Python: fut.__await__(): a tiny generator that yields the future while it
 * is pending, then returns its result or raises its error. */
typedef struct {
    Gen gen;
    Future *future;
} FutureAwait;
Gen *future_await(FutureAwait *aw, Future *f);

#endif
