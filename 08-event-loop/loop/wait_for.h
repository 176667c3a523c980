/*
 * wait_for.h - await asyncio.wait_for(fut, timeout).
 */
#ifndef LOOP_WAIT_FOR_H
#define LOOP_WAIT_FOR_H

#include "future.h"

/* On timeout it cancels fut, waits for it to finish, and raises ETIMEDOUT. */
typedef struct {
    Gen gen;
    Loop *loop;
    Future *inner;
    double timeout;
    Future waiter;
    TimerHandle timer;
    FutureAwait await;
    void *ignored;
    int error;
} WaitFor;
Gen *wait_for(WaitFor *frame, Loop *loop, Future *inner, double timeout);

#endif
