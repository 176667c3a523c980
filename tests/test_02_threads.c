/*
 * test_02_threads.c - stage 02: the pthread experiments one by one (shared
 * memory, the racy counter, the mutex counter, start-up costs), then the
 * whole program's trace, line by line, with its measured figures masked.
 */
#ifdef __APPLE__
/* What threads.c defines for macOS, here before any system header: the
 * first one fixes what POSIX mode hides (rusage's ru_maxrss, ru_nvcsw). */
#define _DARWIN_C_SOURCE
#endif
#include <criterion/criterion.h>

#include "harness.h"

#include "../02-threads/threads.c"

Test(threads, median_of_an_odd_count_is_the_middle_sample)
{
    double seconds[] = {30e-6, 10e-6, 20e-6};
    cr_assert_float_eq(median_us(seconds, 3), 20.0, 1e-9);
}

Test(threads, a_threads_write_is_visible_to_main)
{
    int value = 1;
    cr_assert_eq(value_after_thread_writes(&value, 42), 42);
    cr_assert_eq(value, 42);
}

Test(threads, a_thread_hands_bytes_over_through_memory)
{
    char received[64] = "";
    size_t got = send_through_memory("hello through shared memory", received,
                                     sizeof received);
    cr_assert_eq(got, strlen("hello through shared memory"));
    cr_assert_str_eq(received, "hello through shared memory");
}

Test(threads, the_mutex_counter_is_exact)
{
    for (int round = 0; round < 3; round++)
        cr_assert_eq(count_with_mutex(COUNTING_THREADS, 20000),
                     COUNTING_THREADS * 20000L);
}

/* Lost updates make the racy total smaller, never larger: each store writes
 * one more than some value that was there. The known worst case is 2. (How
 * many are lost depends on the machine: on one core, or under valgrind,
 * often none, so no test demands a loss.) */
Test(threads, the_racy_counter_never_counts_more_than_was_added)
{
    for (int round = 0; round < 3; round++) {
        long total = count_without_lock(COUNTING_THREADS, 20000);
        cr_assert_leq(total, COUNTING_THREADS * 20000L);
        cr_assert_geq(total, 2L);
    }
}

Test(threads, a_thread_starts_and_joins_in_measurable_time)
{
    cr_assert_gt(measure_startup(time_one_thread, 5), 0.0);
}

Test(threads, the_workers_share_the_rounds_and_are_all_joined)
{
    cr_assert_gt(run_workers(3, 3), 0.0);
    long total = 0;
    for (long i = 0; i < 3; i++)
        total += share_of(3, 3, i);
    cr_assert_eq(total, 3);
}

Test(threads, the_default_stack_is_reported)
{
    cr_assert_gt(thread_stack_kib(), 0);
}

/* The program's whole trace, every line, numbers masked. */
static const char *const expected_trace =
    "Multitasking #N: Threads (main pid N, N cores online)\n"
    "\n"
    "PROS:\n"
    "\n"
    "- Same program, shared memory\n"
    "  thread: runs a function of this program, inside pid N (main's pid: "
    "N)\n"
    "  main N: thread joined\n"
    "  exec from any thread replaces the whole process: a thread is never "
    "another program\n"
    "  thread set value = N; main sees value = N\n"
    "  thread wrote into main's buffer; main found N bytes: \"hello through "
    "shared memory\"\n"
    "  N threads x N unlocked counter++: N, N increments lost (a data race)\n"
    "  N threads x N counter++ under a mutex: N, N increments lost\n"
    "- faster to boot (not a full process)\n"
    "  pthread_create+join: median N us over N runs\n"
    "  fork+exit+waitpid: median N us over N runs (Nx a thread)\n"
    "\n"
    "CONS:\n"
    "\n"
    "- kernel land\n"
    "  pthread_create, join, a mutex that waits: system calls; the kernel "
    "took us off a core N times\n"
    "- still slow to start\n"
    "  N connections, one thread each: N ms of start-up alone\n"
    "  and each thread reserves its own stack: N KiB\n"
    "\n"
    "Parrallelism\n"
    "\n"
    "- multiple process\n"
    "- multiple threads\n"
    "  N rounds of CPU work, one after another: N s\n"
    "  the same rounds shared by N threads: N s (Nx faster, N cores)\n"
    "\n"
    "Concurrency\n"
    "\n"
    "- coroutines: many tasks on one thread, no kernel in between (stage N "
    "on)\n";

static Run run_threads(const char *part)
{
    const char *argv[] = {bin("02-threads/threads"), part, NULL};
    const char *env[] = {"RUNS=5", "TIME_SCALE=0.05", NULL};
    Run run = run_program(argv, env, 10);
    cr_assert(!run.timedout, "timed out");
    return run;
}

Test(threads, the_trace_shows_every_point_of_the_slide)
{
    Run run = run_threads(NULL);
    cr_assert_eq(run.status, 0, "exit status %d, stderr: %s", run.status,
                 run.err);
    cr_assert_str_empty(run.err);
    char *masked = mask_numbers(run.out);
    expect_trace(masked, expected_trace);
    /* The figures the masks hide, where they are certain. */
    cr_assert(strstr(run.out, "main sees value = 42\n"));
    cr_assert(strstr(run.out, "main found 27 bytes"));
    cr_assert(strstr(run.out, "under a mutex: 100000, 0 increments lost\n"),
              "RUNS=5: 4 threads x 25000 increments\n%s", run.out);
    cr_assert(strstr(run.out, " over 5 runs (")); /* fork, measured again */
    free(masked);
    run_free(&run);
}

Test(threads, race_runs_the_racy_counter_alone)
{
    Run run = run_threads("race");
    cr_assert_eq(run.status, 0);
    char *masked = mask_numbers(run.out);
    expect_trace(masked, "  N threads x N unlocked counter++: N, N "
                         "increments lost (a data race)\n");
    free(masked);
    run_free(&run);
}

Test(threads, mutex_runs_the_mutex_counter_alone)
{
    Run run = run_threads("mutex");
    cr_assert_eq(run.status, 0);
    expect_trace(run.out, "  4 threads x 25000 counter++ under a mutex: "
                          "100000, 0 increments lost\n");
    run_free(&run);
}

Test(threads, an_unknown_argument_fails_with_a_hint)
{
    Run run = run_threads("racy");
    cr_assert_eq(run.status, 2);
    cr_assert_str_empty(run.out);
    cr_assert(strstr(run.err, "threads: racy: not a part: all, race or "
                              "mutex (hint: threads --help)"),
              "stderr: %s", run.err);
    run_free(&run);
}
