/*
 * test_07_futures.c - stage 07: each cell of the talk's first loop prints
 * the talk's trace (In [36], [37], [28], [41], and this repository's runs
 * of the "Actual event loop" sketch, In [47] and In [48]); TRACE=1 draws one
 * timeline row per loop step without touching stdout; and the pieces the
 * traces rest on: asleep, isfuture, the two awaits.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>

#include "harness.h"

#include "../07-futures/futures.c"

/* Runs one cell of the stage program at TIME_SCALE=0.05, times masked. */
static Run run_cell(const char *cell, const char *extra_env)
{
    const char *argv[] = {bin("07-futures/futures"), cell, NULL};
    const char *env[] = {"TIME_SCALE=0.05", extra_env, NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_not(run.timedout, "futures %s did not finish", cell);
    return run;
}

static void expect_cell(const char *cell, const char *expected)
{
    Run run = run_cell(cell, NULL);
    char *masked = mask_times(run.out);
    expect_trace(masked, expected);
    cr_assert_eq(run.status, 0, "exit status; stderr: %s", run.err);
    free(masked);
    run_free(&run);
}

Test(trace, in_36_two_wait_and_print_tasks)
{
    expect_cell("36", "--- In [36]: two wait_and_print tasks take turns ---\n"
                      "loop queue [<task1>, <task2>]\n"
                      "loop queue [<task2>, <task1>]\n"
                      "loop queue [<task1>, <task2>]\n"
                      "loop queue [<task2>, <task1>]\n"
                      "loop queue [<task1>, <task2>]\n"
                      " -> received \"Hello world 1\"\n"
                      "task <task1> result: \"Hello world 1\"\n"
                      "loop queue [<task2>]\n"
                      " -> received \"Hello world 2\"\n"
                      "task <task2> result: \"Hello world 2\"\n");
}

Test(trace, in_37_run_subtask)
{
    expect_cell("37", "--- In [37]: run_subtask ---\n"
                      "loop queue [<run_subtask>]\n"
                      "loop queue [<run_subtask>]\n"
                      "loop queue [<run_subtask>]\n"
                      "task <run_subtask> result: \"None\"\n");
}

Test(trace, in_28_parent_finishes_before_its_background_task)
{
    expect_cell(
        "28", "--- In [28]: the parent does not await its background task ---\n"
              "loop queue [<parent_task>]\n"
              "loop queue [<background_task>, <parent_task>]\n"
              "loop queue [<parent_task>, <background_task>]\n"
              "task <parent_task> result: \"None\"\n"
              "loop queue [<background_task>]\n"
              "loop queue [<background_task>]\n"
              "loop queue [<background_task>]\n"
              "finished background task\n"
              "task <background_task> result: \"None\"\n");
}

static const char in_41_trace[] =
    "--- In [41]: Task as a NaiveFuture: await polls ---\n"
    "loop queue [<parent_task>]\n"
    "loop queue [<task1>, <task2>, <parent_task>]\n"
    "loop queue [<task2>, <parent_task>, <task1>]\n"
    "loop queue [<parent_task>, <task1>, <task2>]\n"
    "finished main task\n"
    "await future <task1>\n"
    "await future yield <task1>, PENDING\n"
    "loop queue [<task1>, <task2>, <parent_task>]\n"
    "loop queue [<task2>, <parent_task>, <task1>]\n"
    "loop queue [<parent_task>, <task1>, <task2>]\n"
    "await future yield <task1>, PENDING\n"
    "loop queue [<task1>, <task2>, <parent_task>]\n"
    "set_result <task1>: \n"
    "task <task1> result: \"None\"\n"
    "loop queue [<task2>, <parent_task>]\n"
    "set_result <task2>: \n"
    "task <task2> result: \"None\"\n"
    "loop queue [<parent_task>]\n"
    "await future <task2>\n"
    "set_result <parent_task>: \n"
    "task <parent_task> result: \"None\"\n";

Test(trace, in_41_naive_future_polls_until_done)
{
    expect_cell("41", in_41_trace);
}

Test(trace, in_47_future_yields_once_and_runs_its_callbacks)
{
    expect_cell("47", "--- In [47]: Future: await yields once, set_result runs "
                      "callbacks ---\n"
                      "step 1: yielded <fut>, a future: the coroutine waits\n"
                      "set_result <fut>: 42\n"
                      "callback: <fut> is done, result 42\n"
                      "step 2: returned \"42\"\n");
}

Test(trace, in_48_old_loop_steps_a_task_whose_future_is_not_ready)
{
    expect_cell("48", "[on purpose] the next cell fails on purpose, as in the "
                      "talk: In [24]'s loop steps a task whose future is not "
                      "ready\n"
                      "--- In [48]: Task as a Future, on In [24]'s loop ---\n"
                      "loop queue [<parent_task>]\n"
                      "loop queue [<task1>, <task2>, <parent_task>]\n"
                      "loop queue [<task2>, <parent_task>, <task1>]\n"
                      "loop queue [<parent_task>, <task1>, <task2>]\n"
                      "finished main task\n"
                      "loop queue [<task1>, <task2>, <parent_task>]\n"
                      "loop queue [<task2>, <parent_task>, <task1>]\n"
                      "loop queue [<parent_task>, <task1>, <task2>]\n"
                      "Exception: Future is not ready\n"
                      "loop stopped: task <parent_task> raised\n"
                      "[on purpose] that failure was expected: stage 08's "
                      "loop parks a waiting task on its future instead (make "
                      "08)\n");
}

/* Counts the lines of text that start with prefix. */
static int count_prefixed(const char *text, const char *prefix)
{
    int n = 0;
    for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
        n += strncmp(line, prefix, strlen(prefix)) == 0;
        if (!strchr(line, '\n'))
            break;
    }
    return n;
}

Test(timeline, rows_one_per_step_one_runner_each_stdout_unchanged)
{
    Run run = run_cell("41", "TRACE=1");
    char *masked = mask_times(run.out);
    expect_trace(masked,
                 in_41_trace); /* stdout: exactly the trace without TRACE */
    cr_assert_str_eq(run.err,
                     "timeline: # ran  . waiting in the queue  - done\n"
                     "step | parent_task task1 task2\n"
                     "   1 | #           .     .\n"
                     "   2 | .           #     .\n"
                     "   3 | .           .     #\n"
                     "   4 | #           .     .\n"
                     "   5 | .           #     .\n"
                     "   6 | .           .     #\n"
                     "   7 | #           .     .\n"
                     "   8 | .           #     .\n"
                     "   9 | .           -     #\n"
                     "  10 | #           -     -\n");
    free(masked);
    run_free(&run);
}

/* "Actual event loop": two requests to the demo server, on this loop. */
Test(trace, sketch_two_requests_on_the_loop, .init = start_demo_server,
     .fini = stop_demo_server)
{
    Run run = run_cell("sketch", port_env(&demo_server));
    char *masked = mask_times(run.out);
    /* The server answers 2 s after each request: exactly when the loop
     * takes its 4th look at that task. Each answer is seen on that look or
     * the next, so the queue lines number 6 to 9, and who finishes first
     * can change; everything else is fixed. */
    int looks = count_prefixed(masked, "loop queue [");
    cr_assert(looks >= 6 && looks <= 9, "%d loop steps:\n%s", looks, masked);
    cr_assert_eq(count_lines(masked, "task <task1> result: \"Hello world\""), 1,
                 "%s", masked);
    cr_assert_eq(count_lines(masked, "task <task2> result: \"Hello world\""), 1,
                 "%s", masked);
    cr_assert_eq(count_lines(masked, "[T] two requests, both answered"), 1,
                 "%s", masked);
    const char *start = "--- Actual event loop: two awaitable_non_blocking_io "
                        "tasks ---\nloop queue [<task1>, <task2>]\n";
    cr_assert(strncmp(masked, start, strlen(start)) == 0, "%s", masked);
    cr_assert_eq(run.status, 0, "stderr: %s", run.err);
    free(masked);
    run_free(&run);
}

Test(program, unknown_cell_is_an_error_with_a_hint)
{
    Run run = run_cell("99", NULL);
    cr_assert_eq(run.status, 2);
    cr_assert(strstr(run.err, "futures: 99: no such cell: one of 36 37"), "%s",
              run.err);
    cr_assert(strstr(run.err, "(hint: futures --help)"), "%s", run.err);
    run_free(&run);
}

/* ---- the pieces, in-process ---- */

Test(asleep, polls_until_its_deadline_fixed_at_the_first_step)
{
    setenv("TIME_SCALE", "0.01", 1);
    Asleep frame;
    Gen *gen = asleep(&frame, 1); /* 10 ms */
    double start = monotonic_now();
    int yields = 0;
    while (gen_next(gen) == GEN_YIELDED)
        yields++;
    cr_assert_geq(monotonic_now() - start, 0.01, "returned before 10 ms");
    cr_assert_gt(yields, 0, "a busy poll yields while it waits");
    cr_assert_null(gen->result, "asleep returns None");
}

Test(isfuture, tells_a_future_from_a_bare_yield_and_a_base_task)
{
    Future naive, fut;
    future_init(&naive, NAIVE_FUTURE, "naive");
    future_init(&fut, FUTURE, "fut");
    Task base_task = {.coro = NULL};
    future_init(&base_task.future, NOT_A_FUTURE, "base");
    cr_assert(isfuture(&naive));
    cr_assert(isfuture(&fut));
    cr_assert_not(isfuture(NULL), "a bare yield is no future");
    cr_assert_not(isfuture(&base_task), "In [21]'s BaseTask is no future");
}

Test(future, naive_await_yields_while_pending_then_returns_the_result,
     .init = cr_redirect_stdout)
{
    Future fut;
    future_init(&fut, NAIVE_FUTURE, "fut");
    FutureAwait frame;
    Gen *gen = future_await(&frame, &fut);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(gen_next(gen), GEN_YIELDED);
        cr_assert_eq(gen->yielded, &fut, "it yields itself");
    }
    future_set_result(&fut, "done");
    cr_assert_eq(gen_next(gen), GEN_RETURNED);
    cr_assert_str_eq(gen->result, "done");
}

static int callback_calls;
static void count_call(Future *done, void *arg)
{
    (void)done;
    (void)arg;
    callback_calls++;
}

Test(future, await_yields_once_and_set_result_runs_the_callback,
     .init = cr_redirect_stdout)
{
    Future fut;
    future_init(&fut, FUTURE, "fut");
    future_register_callback(&fut, count_call, NULL);
    FutureAwait frame;
    Gen *gen = future_await(&frame, &fut);
    cr_assert_eq(gen_next(gen), GEN_YIELDED);
    cr_assert_eq(gen->yielded, &fut);
    cr_assert_eq(callback_calls, 0);
    future_set_result(&fut, "done");
    cr_assert_eq(callback_calls, 1);
    cr_assert_eq(gen_next(gen), GEN_RETURNED);
    cr_assert_str_eq(gen->result, "done");
}
