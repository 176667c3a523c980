/*
 * test_08_trace.c - TRACE=1 on the real loop (08-event-loop/loop/trace.c):
 * a legend first, one clock that never goes back, at most 16 columns then
 * "+N more", a closing summary that counts the tasks and names the one
 * that never finished, and a length with a fixed bound.
 *
 * The tasks only ever await asleep(0) or a future: no timer, no socket, so
 * every iteration happens whatever the machine's speed, and the trace's
 * length cannot depend on it.
 */
#include "../08-event-loop/loop/asyncio.h"
#include "harness.h"
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { WORKERS = 100, STEPS = 40, LATER_RUNS = 10, LATER_WORKERS = 20 };

/* async def worker(): for _ in range(STEPS): await asyncio.sleep(0) */
typedef struct {
    Gen gen;
    Loop *loop;
    int i;
    Sleep sleep;
    void *ignored;
} Worker;

static GenStatus worker_step(Gen *g)
{
    Worker *w = (Worker *)g;
    GEN_BEGIN(g);
    for (w->i = 0; w->i < STEPS; w->i++) {
        asleep(&w->sleep, w->loop, 0);
        AWAIT(g, &w->sleep.gen, w->ignored);
    }
    GEN_END(g);
}

/* async def raiser(): raise OSError(EIO) */
static GenStatus raiser_step(Gen *g)
{
    GEN_BEGIN(g);
    RAISE(g, EIO);
    GEN_END(g);
}

/* async def stuck(): await a future nobody completes */
typedef struct {
    Gen gen;
    Future never;
    FutureAwait await;
    void *ignored;
} Stuck;

static GenStatus stuck_step(Gen *g)
{
    Stuck *s = (Stuck *)g;
    GEN_BEGIN(g);
    future_await(&s->await, &s->never);
    AWAIT(g, &s->await.gen, s->ignored);
    GEN_END(g);
}

/* Runs n workers, gathered, to completion. */
static void run_workers(Loop *loop, int n)
{
    Worker *w = calloc((size_t)n, sizeof *w);
    Task *t = calloc((size_t)n, sizeof *t);
    Future **f = calloc((size_t)n, sizeof *f);
    void **results = calloc((size_t)n, sizeof *results);
    cr_assert(w && t && f && results);
    for (int i = 0; i < n; i++) {
        w[i].loop = loop;
        gen_init(&w[i].gen, worker_step, "worker");
        f[i] = &create_task(loop, &t[i], &w[i].gen, "worker")->future;
    }
    Gather all;
    cr_assert_eq(run_until_complete(loop, gather(&all, loop, f, n, results)),
                 0);
    for (int i = 0; i < n; i++)
        future_free(f[i]);
    future_free(&all.outer);
    free(w);
    free(t);
    free(f);
    free(results);
}

/* What the scenario prints on stderr with TRACE=1. */
static char *traced_scenario(void)
{
    setenv("TRACE", "1", 1);
    FILE *captured = tmpfile();
    cr_assert(captured);
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(captured), 2);

    Loop *loop = loop_new(NULL);
    cr_assert(loop);
    cr_assert(trace_from_env(loop, NULL), "TRACE=1 drew nothing");
    Stuck stuck;
    Task stuck_task, raising, cancelled;
    Gen raiser, never_run;
    future_init(&stuck.never, loop);
    create_task(loop, &stuck_task, gen_init(&stuck.gen, stuck_step, "stuck"),
                "stuck");
    create_task(loop, &raising, gen_init(&raiser, raiser_step, "raiser"),
                "raiser");
    create_task(loop, &cancelled, gen_init(&never_run, raiser_step, "c"),
                "cancelled");
    task_cancel(&cancelled);
    run_workers(loop, WORKERS);
    for (int r = 0; r < LATER_RUNS; r++)
        run_workers(loop, LATER_WORKERS);
    loop_close(loop); /* the summary */

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    long size = ftell(captured);
    rewind(captured);
    char *text = calloc(1, (size_t)size + 1);
    cr_assert(text && fread(text, 1, (size_t)size, captured) == (size_t)size);
    fclose(captured);
    return text;
}

static int lines_in(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

Test(trace, has_a_legend_a_bounded_length_and_a_summary)
{
    char *text = traced_scenario();
    cr_assert(strncmp(text, "trace: the loop's timeline", 26) == 0,
              "no legend first:\n%.300s", text);
    int lines = lines_in(text);
    /* 303 tasks, over 600 iterations: drawn in full it would be thousands */
    cr_assert_lt(lines, 300, "TRACE=1 printed %d lines", lines);
    cr_assert(strstr(text, "columns 2 to 16 are <worker>") ||
                  strstr(text, "columns 4 to 16 are <worker>"),
              "no column for the workers:\n%s", text);
    cr_assert(strstr(text, "| +"), "no '+N more' for tasks past 16:\n%s", text);
    cr_assert(strstr(text, "trace: summary: 303 tasks: 300 finished, 1 "
                           "raised, 1 cancelled, 1 never finished\n"),
              "no summary, or wrong counts:\n%s", text);
    cr_assert(strstr(text, "trace:   <stuck> never finished: waits on "
                           "another future\n"),
              "the summary does not name the stuck task:\n%s", text);
    free(text);
}

/* Every timed line counts from the same start: a time never goes back. */
Test(trace, one_clock_for_every_line)
{
    char *text = traced_scenario();
    double last = 0;
    int timed = 0;
    for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
        int h, m;
        double s;
        if (sscanf(line, "[%d:%d:%lf]", &h, &m, &s) == 3) {
            double t = h * 3600 + m * 60 + s;
            cr_assert_geq(t, last, "time went back: %.40s", line);
            last = t;
            timed++;
        }
    }
    cr_assert_gt(timed, 10, "hardly any timed line:\n%s", text);
    free(text);
}
