/*
 * awaitable.h - the talk's In [18] ("Awaitable"): make_awaitable, which
 * wraps any generator in an object whose __await__ drives it.
 * Identical in stages 06, 07 and 08 (tests/test_repo.c checks it).
 */
#ifndef AWAITABLE_H
#define AWAITABLE_H

#include "coro.h"

/* Python: In [18] make_awaitable's class Awaitable. It holds any generator
 * and drives it with yield from: that is its __await__. Whoever awaits it
 * (AWAIT) or runs it (run_until_complete) sees one Gen, a step function and
 * a frame, and never needs to know what is inside. */
typedef struct {
    Gen gen;    /* __await__: the generator the awaiter steps */
    Gen *inner; /* self._gen */
    void *ret;
} Awaitable;

Gen *make_awaitable(Awaitable *frame, Gen *gen);

#endif
