/*
 * wait.h - done, pending = await asyncio.wait(fs, timeout, return_when).
 */
#ifndef LOOP_WAIT_H
#define LOOP_WAIT_H

#include "future.h"

/* Python: asyncio.FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED. */
typedef enum { FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED } ReturnWhen;

/* Waits until return_when holds for fs[0..n-1], or timeout seconds have
 * passed (timeout < 0: no limit, Python's None). It never raises for a
 * timeout or for an error of fs: it returns, and then `ndone` counts the
 * futures done, future_done(fs[i]) says which (Python's done set) and the
 * others are pending. Nothing of fs is cancelled. n == 0 raises EINVAL. */
typedef struct {
    Gen gen;
    Loop *loop;
    Future **fs;
    int n;
    ReturnWhen return_when;
    double timeout;
    int not_done; /* Python: _wait's counter */
    Future waiter;
    TimerHandle timer;
    FutureAwait await;
    void *ignored;
    int error;
    int ndone;
} Wait;
Gen *wait_futures(Wait *frame, Loop *loop, Future **fs, int n,
                  ReturnWhen return_when, double timeout);

#endif
