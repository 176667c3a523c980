/*
 * asleep.h - the talk's In [19]: @make_awaitable def asleep(s), a
 * coroutine that polls the clock until its time is up.
 */
#ifndef ASLEEP_H
#define ASLEEP_H

#include "awaitable.h"
#include "coro.h"

typedef struct {
    Gen gen;
    double seconds;
    double deadline; /* Python: target, fixed when the body first runs */
} AsleepBody;

/* The generator and the Awaitable that @make_awaitable wraps it in. */
typedef struct {
    AsleepBody body;
    Awaitable awaitable;
} Asleep;

Gen *asleep(Asleep *frame, double seconds);

#endif
