/*
 * waiters.h - the line of futures that Event, Lock and Queue keep
 * (Python: their _waiters, _getters and _putters deques).
 */
#ifndef LOOP_WAITERS_H
#define LOOP_WAITERS_H

#include "future.h"

/* A future in a line. It lives in the frame of the coroutine that waits
 * on it, so a line allocates nothing, and leaving it is O(1). */
typedef struct LineWaiter {
    Future future;
    struct LineWaiter *prev, *next;
    bool in_line;
} LineWaiter;

typedef struct {
    LineWaiter *first, *last;
} WaiterLine;

/* Python: fut = loop.create_future(); waiters.append(fut). */
void waiter_join(WaiterLine *line, LineWaiter *w, Loop *loop);
/* Python: waiters.remove(fut), where a ValueError is caught: harmless if
 * w already left the line. */
void waiter_leave(WaiterLine *line, LineWaiter *w);
/* Python: Lock._wake_up_first: the first waiter, if it is pending, gets
 * its result; it stays in line until its coroutine resumes. */
void waiters_wake_first(WaiterLine *line);
/* Python: Queue._wakeup_next: waiters leave the line, first first, until
 * one that was still pending has been woken. */
void waiters_wake_next(WaiterLine *line);
/* Python: Event.set's loop: every pending waiter gets its result. */
void waiters_wake_all(WaiterLine *line);
/* Python: all(w.cancelled() for w in waiters): true for an empty line. */
bool waiters_all_cancelled(const WaiterLine *line);

/* Python: try: await fut  finally: waiters.remove(fut)  -- the await that
 * Event.wait, Lock.acquire, Queue.get and Queue.put share. It raises what
 * the await raised (ECANCELED); `waiter` tells afterwards whether the
 * future itself was cancelled or had been woken. */
typedef struct {
    Gen gen;
    WaiterLine *line;
    Loop *loop;
    LineWaiter waiter;
    FutureAwait await;
    void *ignored;
    int error;
} WaitInLine;
Gen *wait_in_line(WaitInLine *frame, WaiterLine *line, Loop *loop);

#endif
