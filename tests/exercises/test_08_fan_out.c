/*
 * test_08_fan_out.c - 08-event-loop/exercises/fan_out.c on the real loop:
 * every job runs once, never more than `limit` at a time, and the results
 * come back in the jobs' order, whatever order they finish in.
 */
#include EXERCISE
#include "loop_fixture.h"

#include <stdio.h>
#include <string.h>

TestSuite(fan_out, .init = open_loop, .fini = close_loop,
          .timeout = HANG_TIMEOUT);

static int running, most_running, runs;

/* async def fetch(id): a few turns of the loop (more for some ids, so
 * they finish out of order), then return f"job {id}". */
typedef struct {
    Gen gen;
    int id, turns;
    Sleep sleep;
    void *ignored;
    char result[16];
} Fetch;

static GenStatus fetch_step(Gen *g)
{
    Fetch *f = (Fetch *)g;
    GEN_BEGIN(g);
    running++;
    runs++;
    most_running = running > most_running ? running : most_running;
    for (f->turns = 1 + (7 - f->id) % 3; f->turns > 0; f->turns--) {
        asleep(&f->sleep, loop, 0);
        AWAIT(g, &f->sleep.gen, f->ignored);
    }
    running--;
    snprintf(f->result, sizeof f->result, "job %d", f->id);
    GEN_RETURN(g, f->result);
    GEN_END(g);
}

static void run_fan_out(int n, int limit, void **results)
{
    static Fetch fetches[16];
    static FanOut fan;
    Gen *jobs[16];
    for (int i = 0; i < n; i++) {
        fetches[i] = (Fetch){.id = i};
        jobs[i] = gen_init(&fetches[i].gen, fetch_step, "fetch");
    }
    Future *all = fan_out(&fan, loop, jobs, n, limit, results);
    cr_assert(all, "fan_out returned NULL");
    cr_assert_eq(run_until_complete(loop, all), 0, "a worker failed");
}

Test(fan_out, runs_every_job_at_most_limit_at_a_time)
{
    void *results[10] = {0};
    run_fan_out(10, 3, results);
    cr_assert_eq(runs, 10,
                 "%d of 10 jobs ran: a worker takes jobs until "
                 "none is left",
                 runs);
    cr_assert_eq(most_running, 3,
                 "%d jobs ran at once with limit 3: each "
                 "worker runs one job at a time",
                 most_running);
    for (int i = 0; i < 10; i++) {
        char expected[16];
        snprintf(expected, sizeof expected, "job %d", i);
        cr_assert(results[i] && strcmp(results[i], expected) == 0,
                  "results[%d] is \"%s\", not \"%s\": each job's result "
                  "goes to its own slot",
                  i, results[i] ? (char *)results[i] : "NULL", expected);
    }
}

Test(fan_out, then_fewer_jobs_than_the_limit)
{
    void *results[2] = {0};
    run_fan_out(2, 5, results);
    cr_assert_eq(runs, 2, "2 jobs, limit 5: %d ran", runs);
    cr_assert(results[0] && results[1], "a result is missing");
}
