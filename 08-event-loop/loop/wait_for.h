/*
 * wait_for.h - await asyncio.wait_for(fut, timeout).
 */
#ifndef LOOP_WAIT_FOR_H
#define LOOP_WAIT_FOR_H

#include "future.h"

/* On timeout it cancels fut and waits for it to finish: if fut then ends
 * cancelled, it raises ETIMEDOUT; if fut caught the cancellation, its
 * result or its error is wait_for's. timeout <= 0: fut is cancelled at
 * once unless done already. */
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
    bool cancelled; /* the task awaiting wait_for was cancelled */
} WaitFor;
Gen *wait_for(WaitFor *frame, Loop *loop, Future *inner, double timeout);

#endif
