/*
 * timers_libuv.c - scale.c's timer row on libuv: N uv_timer_t started with
 * deadlines spread over 10 ms, in the same scattered order, and the loop
 * run until the last has fired. The yardstick for stage 08's timer heap.
 *
 * One row on stdout, as scale.c prints: "timers <TAB> N <TAB> seconds
 * <TAB> bytes per timer". Bench-only, built only where libuv is installed.
 */
#ifdef __APPLE__
#define _DARWIN_C_SOURCE /* see srv_libuv.c */
#endif
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>

static long fired, to_fire;

static void count_fired(uv_timer_t *timer)
{
    if (++fired == to_fire)
        uv_stop(timer->loop);
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? atol(argv[1]) : 0;
    if (n <= 0) {
        fprintf(stderr, "usage: timers_libuv N (N > 0)\n");
        return 2;
    }
    long before_kb = status_kb(getpid(), "VmRSS");
    uv_loop_t *loop = uv_default_loop();
    uv_timer_t *timers = calloc((size_t)n, sizeof *timers);
    if (!timers)
        fail("calloc");
    to_fire = n;
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++) {
        uv_timer_init(loop, &timers[i]);
        /* libuv counts in whole milliseconds: 0 to 9 ms */
        uv_timer_start(&timers[i], count_fired,
                       (uint64_t)(i * 7919 % 10000) / 1000, 0);
    }
    uv_run(loop, UV_RUN_DEFAULT);
    if (fired != n)
        fail("the timers did not all fire");
    double seconds = (double)(now_ns() - start) / 1e9;
    long peak_kb = status_kb(getpid(), "VmHWM");
    double bytes = before_kb < 0 || peak_kb < 0
                       ? -1
                       : (double)(peak_kb - before_kb) * 1024 / (double)n;
    printf("timers\t%ld\t%.4f\t%.0f\n", n, seconds, bytes);
    return 0;
}
