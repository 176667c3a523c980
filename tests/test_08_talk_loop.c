/*
 * test_08_talk_loop.c - stage 08, the talk's part: In [56]'s trace with the
 * talk's five bugs (parent_task vanishes), the trace after each fix, and the
 * counter-example for fix 1; TRACE=1 shows the parked task; and the fixed
 * Future and Task in-process: results, callbacks once each and in order, a
 * callback added to a done future, a second set_result refused.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>

#include "harness.h"

#include "../08-event-loop/talk_loop.c"

static Run run_talk_loop(const char *name, const char *extra_env)
{
    const char *argv[] = {bin("08-event-loop/talk_loop"), name, NULL};
    const char *env[] = {"TIME_SCALE=0.05", extra_env, NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_not(run.timedout, "talk_loop %s did not finish", name);
    return run;
}

static void expect_run(const char *name, const char *expected)
{
    Run run = run_talk_loop(name, NULL);
    char *masked = mask_times(run.out);
    expect_trace(masked, expected);
    cr_assert_eq(run.status, 0, "exit status; stderr: %s", run.err);
    free(masked);
    run_free(&run);
}

/* The first part of every run: parent_task starts two tasks, sleeps 1 s,
 * then awaits task1; the loop parks it, and only the two tasks remain. */
#define UNTIL_PARKED                                                           \
    "loop queue [<parent_task>]\n"                                             \
    "loop queue [<task1>, <task2>, <parent_task>]\n"                           \
    "loop queue [<task2>, <parent_task>, <task1>]\n"                           \
    "loop queue [<parent_task>, <task1>, <task2>]\n"                           \
    "finished main task\n"                                                     \
    "loop queue [<task1>, <task2>]\n"                                          \
    "loop queue [<task2>, <task1>]\n"                                          \
    "loop queue [<task1>, <task2>]\n"                                          \
    "finished background task\n"

/* The talk's own output of In [56]. */
#define TALK_56_TRACE                                                          \
    UNTIL_PARKED                                                               \
    "task <task1> result: None\n"                                              \
    "loop queue [<task2>]\n"                                                   \
    "finished background task\n"                                               \
    "task <task2> result: None\n"

/* From fix 3 on: task1's callback wakes parent_task. */
#define PARENT_WOKEN(result)                                                   \
    UNTIL_PARKED                                                               \
    "set_result <task1>: " result "\n"                                         \
    "task <task1> result: None\n"                                              \
    "loop queue [<task2>, <parent_task>]\n"                                    \
    "finished background task\n"                                               \
    "set_result <task2>: " result "\n"                                         \
    "task <task2> result: None\n"

Test(trace, in_56_parent_task_vanishes)
{
    expect_run("56", "[on purpose] the talk's loop has bugs, kept on purpose: "
                     "watch parent_task\n"
                     "--- In [56]: the talk's loop: parent_task vanishes "
                     "---\n" TALK_56_TRACE
                     "[on purpose] parent_task never finished: the loop lost "
                     "it, as in the talk; the fixes below find why\n");
}

Test(trace, fix_1_alone_changes_nothing_yet)
{
    expect_run(
        "fix1",
        "[on purpose] four bugs left, on purpose\n"
        "--- fix 1: each future has its own callbacks ---\n" TALK_56_TRACE
        "[on purpose] parent_task still vanishes, as expected: fix 1 alone "
        "changes nothing yet\n");
}

Test(trace, fix_2_callbacks_run_and_requeue_the_finished_task)
{
    expect_run("fix2", "[on purpose] three bugs left, on purpose: this run "
                       "ends in an error\n"
                       "--- fix 2: a Task sets its result, so its callbacks "
                       "run ---\n" UNTIL_PARKED "set_result <task1>: \n"
                       "task <task1> result: None\n"
                       "loop queue [<task2>, <task1>]\n"
                       "finished background task\n"
                       "set_result <task2>: \n"
                       "task <task2> result: None\n"
                       "loop queue [<task1>]\n"
                       "RuntimeError: cannot reuse already awaited coroutine\n"
                       "loop stopped: task <task1> raised\n"
                       "[on purpose] that error was expected: the callback "
                       "queued the finished task1 again, not parent_task (fix "
                       "3)\n");
}

Test(trace, fix_3_parent_wakes_then_parks_on_a_done_task)
{
    expect_run("fix3", "[on purpose] two bugs left, on purpose: this run stops "
                       "short\n"
                       "--- fix 3: the callback wakes the waiting task, not "
                       "the done one ---\n" PARENT_WOKEN(
                           "") "loop queue [<parent_task>]\n"
                               "[on purpose] stopped short, as expected: "
                               "parent_task woke, awaited task2, which was "
                               "already done, and parked for good (fix 4)\n");
}

Test(trace, fix_4_parent_finishes)
{
    expect_run(
        "fix4",
        "--- fix 4: awaiting a done future does not park ---\n" PARENT_WOKEN(
            "") "loop queue [<parent_task>]\n"
                "finished waiting for background tasks\n"
                "set_result <parent_task>: \n"
                "task <parent_task> result: None\n");
}

static const char fixed_trace[] =
    "--- fix 5: set_result gets the value, not the StopIteration "
    "---\n" PARENT_WOKEN("None") "loop queue [<parent_task>]\n"
                                 "finished waiting for background tasks\n"
                                 "set_result <parent_task>: None\n"
                                 "task <parent_task> result: None\n";

Test(trace, fix_5_results_are_values)
{
    expect_run("fix5", fixed_trace);
}

Test(trace, shared_callbacks_wake_the_parent_twice)
{
    expect_run(
        "shared",
        "[on purpose] fix 1 undone on purpose: this run ends in an error\n"
        "--- why fix 1 matters: fixes 2 to 5 with one shared "
        "callback list ---\n" PARENT_WOKEN(
            "None") "loop queue [<parent_task>, <parent_task>]\n"
                    "finished waiting for background tasks\n"
                    "set_result <parent_task>: None\n"
                    "task <parent_task> result: None\n"
                    "loop queue [<parent_task>, <parent_task>]\n"
                    "RuntimeError: cannot reuse already awaited coroutine\n"
                    "loop stopped: task <parent_task> raised\n"
                    "[on purpose] that error was expected: one shared "
                    "callback list woke parent_task twice, and its second "
                    "step raised\n");
}

Test(timeline, shows_the_vanished_parent_parked_and_leaves_stdout_alone)
{
    Run run = run_talk_loop("56", "TRACE=1");
    char *masked = mask_times(run.out);
    expect_trace(masked, "[on purpose] the talk's loop has bugs, kept on "
                         "purpose: watch parent_task\n"
                         "--- In [56]: the talk's loop: parent_task vanishes "
                         "---\n" TALK_56_TRACE
                         "[on purpose] parent_task never finished: the loop "
                         "lost it, as in the talk; the fixes below find why\n");
    cr_assert_str_eq(
        run.err,
        "timeline: # ran  . waiting in the queue  z parked on a future  - "
        "done\n"
        "step | parent_task task1 task2\n"
        "   1 | #           .     .\n"
        "   2 | .           #     .\n"
        "   3 | .           .     #\n"
        "   4 | #           .     .\n"
        "   5 | z           #     .\n"
        "   6 | z           .     #\n"
        "   7 | z           #     .\n"
        "   8 | z           -     #\n"
        "timeline: <parent_task> never finished: parked on <task1>\n");
    free(masked);
    run_free(&run);
}

Test(timeline, fixed_run_ends_with_every_task_done)
{
    Run run = run_talk_loop("fix5", "TRACE=1");
    cr_assert(strstr(run.err, "   7 | .           #     .\n"
                              "   8 | .           -     #\n"
                              "   9 | #           -     -\n"),
              "%s", run.err);
    cr_assert_null(strstr(run.err, "never finished"), "%s", run.err);
    run_free(&run);
}

/* The sketch again: the new loop parks tasks on futures, but a socket is
 * no future, so both tasks are still polled every other step. */
static int count_prefixed(const char *text, const char *prefix)
{
    int n = 0;
    for (const char *line = text; line; line = strchr(line, '\n')) {
        line += *line == '\n';
        n += *line && strncmp(line, prefix, strlen(prefix)) == 0;
    }
    return n;
}

Test(trace, sketch_sockets_still_poll_on_the_new_loop,
     .init = start_demo_server, .fini = stop_demo_server)
{
    Run run = run_talk_loop("sketch", port_env(&demo_server));
    char *masked = mask_times(run.out);
    /* Each answer comes 2 s after its request, when the loop takes its 4th
     * look at that task: seen on that look or the next (6 to 9 steps). */
    int looks = count_prefixed(masked, "loop queue [");
    cr_assert(looks >= 6 && looks <= 9, "%d loop steps:\n%s", looks, masked);
    cr_assert_eq(count_lines(masked, "set_result <task1>: Hello world"), 1,
                 "%s", masked);
    cr_assert_eq(count_lines(masked, "task <task2> result: Hello world"), 1,
                 "%s", masked);
    cr_assert_eq(count_lines(masked, "[T] two requests, both answered"), 1,
                 "%s", masked);
    cr_assert_eq(run.status, 0, "stderr: %s", run.err);
    free(masked);
    run_free(&run);
}

Test(program, unknown_run_is_an_error_with_a_hint)
{
    Run run = run_talk_loop("fix9", NULL);
    cr_assert_eq(run.status, 2);
    cr_assert(strstr(run.err, "talk_loop: fix9: no such run: one of 56 fix1"),
              "%s", run.err);
    cr_assert(strstr(run.err, "(hint: talk_loop --help)"), "%s", run.err);
    run_free(&run);
}

/* ---- the fixed Future and Task, in-process (bugs == 0) ---- */

static int calls[8];
static int n_calls;

static void record(Future *done, void *arg)
{
    (void)done;
    calls[n_calls++] = *(int *)arg;
}

Test(future, set_result_stores_the_result_and_finishes,
     .init = cr_redirect_stdout)
{
    Future fut;
    future_init(&fut, FUTURE, "fut");
    cr_assert_not(future_done(&fut));
    cr_assert_eq(future_set_result(&fut, "value"), 0);
    cr_assert(future_done(&fut));
    cr_assert_str_eq(fut.result, "value");
}

Test(future, callbacks_run_once_each_in_the_order_added,
     .init = cr_redirect_stdout)
{
    static int one = 1, two = 2, three = 3;
    Future fut, other;
    future_init(&fut, FUTURE, "fut");
    future_init(&other, FUTURE, "other");
    future_register_callback(&fut, record, &one);
    future_register_callback(&fut, record, &two);
    future_register_callback(&other, record, &three);
    future_register_callback(&fut, record, &three);
    cr_assert_eq(n_calls, 0, "nothing runs before set_result");
    future_set_result(&fut, NULL);
    cr_assert_eq(n_calls, 3, "three callbacks on fut, once each");
    cr_assert_eq(calls[0], 1);
    cr_assert_eq(calls[1], 2);
    cr_assert_eq(calls[2], 3);
    future_set_result(&other, NULL);
    cr_assert_eq(n_calls, 4, "other's own callback, and only it");
}

Test(future, callback_added_to_a_done_future_still_runs,
     .init = cr_redirect_stdout)
{
    static int late = 7;
    Future fut;
    future_init(&fut, FUTURE, "fut");
    future_set_result(&fut, "early");
    future_register_callback(&fut, record, &late);
    cr_assert_eq(n_calls, 1);
    cr_assert_eq(calls[0], 7);
}

static void redirect_both(void)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
}

Test(future, second_set_result_is_an_error, .init = redirect_both)
{
    static int once = 1;
    Future fut;
    future_init(&fut, FUTURE, "fut");
    future_register_callback(&fut, record, &once);
    cr_assert_eq(future_set_result(&fut, "first"), 0);
    cr_assert_eq(future_set_result(&fut, "second"), -1);
    cr_assert_str_eq(fut.result, "first", "the first result stays");
    cr_assert_eq(n_calls, 1, "callbacks do not run again");
    fflush(stderr);
    cr_assert_stderr_eq_str("set_result: <fut> already has a result (hint: "
                            "set a future once; check future_done() first)\n");
}

Test(future, awaiting_a_done_future_returns_without_yielding)
{
    Future fut;
    future_init(&fut, FUTURE, "fut");
    fut.state = FINISHED;
    fut.result = "ready";
    FutureAwait frame;
    Gen *gen = future_await(&frame, &fut);
    cr_assert_eq(gen_next(gen), GEN_RETURNED);
    cr_assert_str_eq(gen->result, "ready");
}

Test(future, awaiting_a_pending_future_yields_it_once)
{
    Future fut;
    future_init(&fut, FUTURE, "fut");
    FutureAwait frame;
    Gen *gen = future_await(&frame, &fut);
    cr_assert_eq(gen_next(gen), GEN_YIELDED);
    cr_assert_eq(gen->yielded, &fut);
    cr_assert(isfuture(gen->yielded));
}

/* A coroutine that returns its name at once: `async def f(): return name`. */
typedef struct {
    Gen gen;
    const char *value;
} Returns;

static GenStatus returns_step(Gen *g)
{
    GEN_BEGIN(g);
    GEN_RETURN(g, (void *)((Returns *)g)->value);
    GEN_END(g);
}

/* Awaits the task it is given and returns the task's result. */
typedef struct {
    Gen gen;
    Task *task;
    FutureAwait await;
    void *result;
} Awaits;

static GenStatus awaits_step(Gen *g)
{
    Awaits *f = (Awaits *)g;
    GEN_BEGIN(g);
    future_await(&f->await, &f->task->future);
    AWAIT(g, &f->await.gen, f->result);
    GEN_RETURN(g, f->result);
    GEN_END(g);
}

static void fast_loop(void)
{
    cr_redirect_stdout();
    setenv("TIME_SCALE", "0.01", 1);
}

Test(task, sets_its_result_and_wakes_who_awaits_it, .init = fast_loop)
{
    Loop l;
    loop_init(&l);
    Awaits waiter_coro;
    Returns child_coro = {.value = "child's"};
    gen_init(&child_coro.gen, returns_step, "child");
    gen_init(&waiter_coro.gen, awaits_step, "waiter");
    /* The waiter is queued first: it parks on the child, which then runs. */
    Task *waiter = loop_create_task(&l, &waiter_coro.gen, "waiter");
    Task *child = loop_create_task(&l, &child_coro.gen, "child");
    waiter_coro.task = child;
    cr_assert_eq(loop_run_until_complete(&l), 0);
    cr_assert(future_done(&child->future));
    cr_assert_eq(child->future.result, child_coro.value,
                 "the coroutine's value itself, not a StopIteration");
    cr_assert(future_done(&waiter->future), "the waiter was woken");
    cr_assert_str_eq(waiter->future.result, "child's");
    loop_free(&l);
}

Test(task, awaiting_a_finished_task_does_not_park, .init = fast_loop)
{
    Loop l;
    loop_init(&l);
    Awaits waiter_coro;
    Returns child_coro = {.value = "early"};
    gen_init(&child_coro.gen, returns_step, "child");
    gen_init(&waiter_coro.gen, awaits_step, "waiter");
    Task *child = loop_create_task(&l, &child_coro.gen, "child");
    Task *waiter = loop_create_task(&l, &waiter_coro.gen, "waiter");
    waiter_coro.task = child; /* child runs first: done before the await */
    cr_assert_eq(loop_run_until_complete(&l), 0);
    cr_assert(future_done(&waiter->future));
    cr_assert_str_eq(waiter->future.result, "early");
    cr_assert_null(waiter->fut_waiter);
    loop_free(&l);
}
