/*
 * timer_ties_in_call_order.c - timers run by deadline: one set last but
 * due first runs first; two due at the same moment run in the order set.
 * As timer_ties_in_call_order.py (call_later from one clock reading, as
 * call_at there).
 */
#include "scenario.h"

#include <stdio.h>

int main(void)
{
    if (new_loop() == -1)
        return 1;
    TimerHandle t[4];
    call_later(loop, &t[0], 0.01, say, "timer A runs");
    t[1] = t[0]; /* the same deadline: call_at(when) twice */
    t[1].handle.arg = "timer B runs";
    timer_heap_push(&loop->timers, &t[1]);
    call_later(loop, &t[2], 0.005, say, "timer set last, due first, runs");
    call_later(loop, &t[3], 0.02, stop, NULL);
    loop_run_forever(loop);
    loop_close(loop);
    return 0;
}
