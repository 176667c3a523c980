/*
 * sleep.h - await asyncio.sleep(seconds): a future that a timer resolves.
 */
#ifndef LOOP_SLEEP_H
#define LOOP_SLEEP_H

#include "future.h"

/* asleep(0) yields exactly once (asyncio's bare yield). */
typedef struct {
    Gen gen;
    Loop *loop;
    double seconds;
    Future future;
    TimerHandle timer;
    FutureAwait await;
    void *ignored;
} Sleep;
Gen *asleep(Sleep *frame, Loop *loop, double seconds);

#endif
