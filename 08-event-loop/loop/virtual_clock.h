/*
 * virtual_clock.h - a clock that moves only when told: the loop's time for
 * tests and the fuzzer (loop_set_clock). Python: the time generator of
 * asyncio's test_utils.TestLoop.
 */
#ifndef LOOP_VIRTUAL_CLOCK_H
#define LOOP_VIRTUAL_CLOCK_H

#include "loop.h"

typedef struct {
    LoopClock clock; /* what loop_set_clock takes */
    double now;      /* seconds; a test may move it on by hand */
} VirtualClock;

/* Starts vc at `start` seconds and returns the LoopClock to hand the loop.
 * Each jump the loop asks for moves it forward, never back. */
const LoopClock *virtual_clock_init(VirtualClock *vc, double start);

#endif
