/*
 * scale.c - how stage 08's real loop grows with the number of tasks and
 * timers (make bench's "Scale" table; scale.py is the same in asyncio):
 *
 *   scale tasks N    N tasks that each await asleep(0.01), gathered:
 *                    asyncio.gather(*(sleeper() for _ in range(N))). The
 *                    time runs from the first create_task to gather's
 *                    result; the bytes are the process's peak resident
 *                    memory over its start, divided by N: the Task, the
 *                    coroutine frame, its timer and gather's share.
 *   scale timers N   N call_later timers, deadlines spread over 10 ms, run
 *                    until the last has fired (timers_libuv.c: the same
 *                    on libuv).
 *
 * One row on stdout: "tasks|timers <TAB> N <TAB> seconds <TAB> bytes per
 * unit". One run per process, so the memory is this run's alone.
 */
#include "../../08-event-loop/loop/asyncio.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* async def sleeper(): await asyncio.sleep(0.01) */
typedef struct {
    Gen gen;
    Loop *loop;
    Sleep sleep;
    void *ignored;
} Sleeper;

static GenStatus sleeper_step(Gen *g)
{
    Sleeper *s = (Sleeper *)g;
    GEN_BEGIN(g);
    asleep(&s->sleep, s->loop, 0.01);
    AWAIT(g, &s->sleep.gen, s->ignored);
    GEN_END(g);
}

static void *checked_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        fail("calloc");
    return p;
}

/* Seconds to create n sleepers, gather them and have the result. */
static double gather_sleepers(Loop *loop, long n)
{
    Sleeper *frames = checked_calloc((size_t)n, sizeof *frames);
    Task *tasks = checked_calloc((size_t)n, sizeof *tasks);
    Future **futures = checked_calloc((size_t)n, sizeof *futures);
    void **results = checked_calloc((size_t)n, sizeof *results);
    Gather all;
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++) {
        frames[i].loop = loop;
        gen_init(&frames[i].gen, sleeper_step, "sleeper");
        futures[i] =
            &create_task(loop, &tasks[i], &frames[i].gen, "sleeper")->future;
    }
    if (run_until_complete(loop,
                           gather(&all, loop, futures, (int)n, results)) == -1)
        fail("run_until_complete");
    double seconds = (double)(now_ns() - start) / 1e9;
    /* Freed after the clock stops, as a Python run's garbage would be. */
    for (long i = 0; i < n; i++)
        future_free(&tasks[i].future);
    free(frames);
    free(tasks);
    free(futures);
    free(results);
    return seconds;
}

static long fired, to_fire;

static void count_fired(void *arg)
{
    Loop *loop = arg;
    if (++fired == to_fire)
        loop_stop(loop);
}

/* Seconds to set n timers over 10 ms and run until the last fired. */
static double run_timers(Loop *loop, long n)
{
    TimerHandle *timers = checked_calloc((size_t)n, sizeof *timers);
    fired = 0;
    to_fire = n;
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++) /* 0 to 10 ms, in a scattered order */
        call_later(loop, &timers[i], (double)(i * 7919 % 10000) / 1e6,
                   count_fired, loop);
    if (loop_run_forever(loop) != RUN_STOPPED || fired != n)
        fail("the timers did not all fire");
    double seconds = (double)(now_ns() - start) / 1e9;
    free(timers);
    return seconds;
}

int main(int argc, char **argv)
{
    long n = argc == 3 ? atol(argv[2]) : 0;
    bool tasks = argc == 3 && strcmp(argv[1], "tasks") == 0;
    if (n <= 0 || (!tasks && strcmp(argv[1], "timers") != 0)) {
        fprintf(stderr, "usage: scale tasks|timers N (N > 0)\n");
        return 2;
    }
    long before_kb = status_kb(getpid(), "VmRSS");
    Loop *loop = loop_new(NULL);
    if (!loop)
        return 1;
    double seconds = tasks ? gather_sleepers(loop, n) : run_timers(loop, n);
    long peak_kb = status_kb(getpid(), "VmHWM");
    double bytes = before_kb < 0 || peak_kb < 0
                       ? -1
                       : (double)(peak_kb - before_kb) * 1024 / (double)n;
    printf("%s\t%ld\t%.4f\t%.0f\n", argv[1], n, seconds, bytes);
    loop_close(loop);
    return 0;
}
