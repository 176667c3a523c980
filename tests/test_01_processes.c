/*
 * test_01_processes.c - stage 01: the fork() experiments one by one, then
 * the whole program's trace, line by line, with its measured figures masked.
 */
#ifdef __APPLE__
/* What processes.c defines for macOS, here before any system header: the
 * first one fixes what POSIX mode hides (rusage's ru_maxrss, ru_nvcsw). */
#define _DARWIN_C_SOURCE
#endif
#include <criterion/criterion.h>

#include "harness.h"

#include "../01-processes/processes.c"

Test(processes, mask_numbers_masks_every_number_and_nothing_else)
{
    char *m = mask_numbers("pid 8356: 0.332 s (1.9x), /bin/echo.");
    cr_assert_str_eq(m, "pid N: N s (Nx), /bin/echo.");
    free(m);
}

Test(processes, median_of_an_odd_count_is_the_middle_sample)
{
    double seconds[] = {5e-6, 1e-6, 300e-6, 2e-6, 4e-6};
    cr_assert_float_eq(median_us(seconds, 5), 4.0, 1e-9);
}

Test(processes, median_of_an_even_count_is_the_mean_of_the_two_middle)
{
    double seconds[] = {8e-6, 1e-6, 2e-6, 1000e-6};
    cr_assert_float_eq(median_us(seconds, 4), 5.0, 1e-9);
}

Test(processes, a_childs_write_is_invisible_to_the_parent)
{
    int value = 1;
    cr_assert_eq(value_after_child_writes(&value, 42), 1);
    cr_assert_eq(value, 1);
}

Test(processes, the_pipe_carries_the_exact_bytes)
{
    char received[64];
    size_t got = send_through_pipe("hello through the kernel", received,
                                   sizeof received);
    cr_assert_eq(got, strlen("hello through the kernel"));
    cr_assert_str_eq(received, "hello through the kernel");
}

Test(processes, the_pipe_stops_at_the_buffer_size)
{
    char received[6];
    size_t got = send_through_pipe("hello through the kernel", received,
                                   sizeof received);
    cr_assert_eq(got, 5);
    cr_assert_str_eq(received, "hello");
}

Test(processes, the_shares_add_up_to_all_the_rounds)
{
    for (long workers = 1; workers <= 7; workers++) {
        long total = 0;
        for (long i = 0; i < workers; i++)
            total += share_of(23, workers, i);
        cr_assert_eq(total, 23, "%ld workers share %ld rounds", workers, total);
    }
}

Test(processes, the_workers_are_all_waited_for)
{
    cr_assert_gt(run_workers(3, 3), 0.0);
    errno = 0;
    cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a worker was left behind");
    cr_assert_eq(errno, ECHILD);
}

Test(processes, a_fork_takes_measurable_time_and_leaves_no_child)
{
    cr_assert_gt(measure_startup(time_one_fork, 5), 0.0);
    cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child was left behind");
}

/* The program's whole trace, every line, numbers masked. */
static const char *const expected_trace =
    "Multitasking #N: Processes (parent pid N, N cores online)\n"
    "\n"
    "PROS:\n"
    "\n"
    "- Whole other program\n"
    "  child N: a copy of parent N, running on from fork()\n"
    "  parent N: child N exited with status N\n"
    "  /bin/echo: exec turned the child into a whole other program\n"
    "  parent N: child N ran /bin/echo, exited with status N\n"
    "- Simple\n"
    "  each child above is plain sequential code: it shares nothing, so it "
    "needs no lock\n"
    "- can use more than one cpu core\n"
    "  N rounds of CPU work, one after another: N s\n"
    "  the same rounds shared by N processes: N s (Nx faster, N cores)\n"
    "\n"
    "CONS:\n"
    "\n"
    "- kernel land\n"
    "  fork, exec, waitpid, pipe: system calls; the kernel took our children "
    "off a core N times\n"
    "- slow to start\n"
    "  fork+exit+waitpid: median N us over N runs\n"
    "- no shared memory without IPC\n"
    "  child set value = N; parent still sees value = N\n"
    "  child wrote into a pipe; parent read N bytes: \"hello through the "
    "kernel\"\n"
    "- lots of overhead (program memory)\n"
    "  each child is a whole process: the largest had N KiB resident\n";

Test(processes, the_trace_shows_every_point_of_the_slide)
{
    const char *argv[] = {bin("01-processes/processes"), NULL};
    const char *env[] = {"RUNS=5", "TIME_SCALE=0.05", NULL};
    Run run = run_program(argv, env, 10);
    cr_assert(!run.timedout, "timed out");
    cr_assert_eq(run.status, 0, "exit status %d, stderr: %s", run.status,
                 run.err);
    cr_assert_str_empty(run.err);
    char *masked = mask_numbers(run.out);
    expect_trace(masked, expected_trace);
    /* The figures the masks hide, where they are certain. */
    cr_assert(strstr(run.out, "parent still sees value = 1\n"));
    cr_assert(strstr(run.out, "parent read 24 bytes"));
    cr_assert(strstr(run.out, "median "), "no median");
    cr_assert(strstr(run.out, " over 5 runs\n"), "RUNS=5 was not used");
    free(masked);
    run_free(&run);
}

Test(processes, the_children_all_exit_with_status_0)
{
    const char *argv[] = {bin("01-processes/processes"), NULL};
    const char *env[] = {"RUNS=1", NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_eq(run.status, 0);
    cr_assert(strstr(run.out, "exited with status 0\n"));
    cr_assert(strstr(run.out, "ran /bin/echo, exited with status 0\n"));
    cr_assert_null(strstr(run.out, "status 1"));
    run_free(&run);
}

Test(processes, a_bad_runs_value_fails_at_once_with_a_hint)
{
    const char *argv[] = {bin("01-processes/processes"), NULL};
    const char *env[] = {"RUNS=lots", NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_eq(run.status, 2);
    cr_assert_str_empty(run.out);
    cr_assert(strstr(run.err, "RUNS=lots") && strstr(run.err, "hint"),
              "stderr: %s", run.err);
    run_free(&run);
}
