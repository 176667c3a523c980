/*
 * handle_cancel.c - a cancelled handle never runs: call_soon's, and a
 * timer cancelled by a callback of the iteration it fell due in; call_at
 * and call_later share one clock. handle_cancel.py is the same in asyncio.
 */
#include "scenario.h"

#include <stdio.h>

static TimerHandle t1, t2, later, at, stopper;

static void t1_cancels_t2(void *arg)
{
    (void)arg;
    printf("t1 cancels t2, due too\n");
    timer_cancel(loop, &t2);
}

int main(void)
{
    if (new_loop() == -1)
        return 1;
    SoonHandle a = call_soon(loop, say, "a");
    SoonHandle b = call_soon(loop, say, "b");
    call_soon(loop, say, "c");
    handle_cancel(loop, b);
    double now = loop_time(loop);
    call_at(loop, &t1, now, t1_cancels_t2, NULL);
    call_at(loop, &t2, now, say, "t2");
    call_later(loop, &later, 0.02, say, "call_later(0.02)");
    call_at(loop, &at, now + 0.01, say, "call_at(now + 0.01)");
    call_later(loop, &stopper, 0.03, stop, NULL);
    loop_run_forever(loop);
    handle_cancel(loop, a); /* it ran already: nothing happens */
    printf("done\n");
    loop_close(loop);
    return 0;
}
