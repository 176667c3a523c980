/*
 * virtual_clock.c - a LoopClock whose time is a number in memory: reading
 * it costs nothing and it never moves on its own, so a test knows exactly
 * when each timer fires.
 */
#include "virtual_clock.h"

static double virtual_now(void *ctx)
{
    return ((VirtualClock *)ctx)->now;
}

/* The loop would have slept until `to`: the time is `to` at once. */
static void virtual_jump(void *ctx, double to)
{
    VirtualClock *vc = ctx;
    if (to > vc->now)
        vc->now = to;
}

const LoopClock *virtual_clock_init(VirtualClock *vc, double start)
{
    vc->clock = (LoopClock){virtual_now, virtual_jump, vc};
    vc->now = start;
    return &vc->clock;
}
