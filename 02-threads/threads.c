/*
 * threads.c - the talk's slide "Multitasking #2: Threads", point by point,
 * each point proved by the experiments of stage 01 redone with pthreads:
 *
 *   PROS  same program, shared memory (and its price: a data race, then the
 *         mutex that fixes it), faster to boot (measured against fork)
 *   CONS  kernel land, still slow to start
 *   and the slide "Parrallelism": threads, like processes, use every core.
 *
 * RUNS (default 200) sets how many times each measurement repeats, how many
 * increments each counting thread makes (RUNS x 5000), and how many rounds
 * of CPU-bound work the cores experiment does (WORK overrides that).
 *
 * `threads race` and `threads mutex` run one counter alone, so that
 * ThreadSanitizer can be shown reporting the first and passing the second.
 */
#ifdef __APPLE__
/* In POSIX mode macOS hides what is not POSIX: rusage's ru_maxrss and
 * ru_nvcsw, sysconf's _SC_NPROCESSORS_ONLN. Linux shows them anyway. */
#define _DARWIN_C_SOURCE
#endif
#include "talk.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- The knobs ---------------------------------------------------------- */

/* How many times each measurement repeats: RUNS=3 keeps valgrind short. */
#define MAX_RUNS 10000
static long runs(void)
{
    return env_long("RUNS", 200, 1, MAX_RUNS);
}

/* Rounds of CPU-bound work the cores experiment shares out (default RUNS). */
static long work_rounds(void)
{
    return env_long("WORK", runs(), 1, 100000);
}

static long cores_online(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? cores : 1;
}

/* ---- Measuring ---------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The middle of count durations in seconds, in microseconds. Unlike the mean,
 * one slow run (the machine busy elsewhere) does not move it. Sorts them. */
static double median_us(double *seconds, long count)
{
    qsort(seconds, (size_t)count, sizeof *seconds, compare_doubles);
    double middle = count % 2
                        ? seconds[count / 2]
                        : (seconds[count / 2 - 1] + seconds[count / 2]) / 2;
    return middle * 1e6;
}

/* One round of pure CPU work: a xorshift chain the optimiser cannot skip,
 * since each step needs the one before and the result is kept in `sink`. */
#define STEPS_PER_ROUND 1000000
static volatile uint64_t sink;

static uint64_t burn_cpu(long rounds)
{
    uint64_t x = 88172645463325252u;
    for (long i = 0; i < rounds * STEPS_PER_ROUND; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}

/* ---- Processes (kept to compare their start-up cost with threads') ------ */

/* fork() or exit with a hint. Flushes stdout first, or the child would
 * inherit (and print again) whatever the parent had not written yet. */
static pid_t fork_or_die(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == -1)
        die("fork", "too many processes? see ulimit -u");
    return pid;
}

/* Waits for a child; returns its exit status (128 + signal if killed). */
static int wait_for(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) == -1)
        if (errno != EINTR)
            die("waitpid", NULL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- Threads ------------------------------------------------------------ */

/* pthread_create() or exit with a hint. pthreads return the error number
 * instead of setting errno. */
static void start_thread(pthread_t *thread, void *(*body)(void *), void *arg)
{
    int error = pthread_create(thread, NULL, body, arg);
    if (error) {
        errno = error;
        die("pthread_create", "too many threads? see ulimit -u");
    }
}

/* Waits for a thread to return (the thread twin of waitpid). */
static void join_thread(pthread_t thread)
{
    int error = pthread_join(thread, NULL);
    if (error) {
        errno = error;
        die("pthread_join", NULL);
    }
}

/* ---- PRO: same program -------------------------------------------------- */

static void *say_where_i_run(void *main_pid)
{
    printf("  thread: runs a function of this program, inside pid %ld "
           "(main's pid: %ld)\n",
           (long)getpid(), *(const long *)main_pid);
    return NULL;
}

/* pthread_create() starts a function of this very program, in this very
 * process: no copy, same pid, same memory. */
static void show_same_program(void)
{
    long main_pid = (long)getpid();
    pthread_t thread;
    start_thread(&thread, say_where_i_run, &main_pid);
    join_thread(thread);
    printf("  main %ld: thread joined\n", main_pid);
    printf("  exec from any thread replaces the whole process: a thread is "
           "never another program\n");
}

/* ---- PRO: shared memory ------------------------------------------------- */

typedef struct {
    int *variable;
    int new_value;
} Assignment;

static void *assign(void *arg)
{
    Assignment *assignment = arg;
    *assignment->variable = assignment->new_value;
    return NULL;
}

/* The thread writes new_value into *variable; returns *variable as main
 * sees it after the join. It is the same memory: main sees the new value. */
static int value_after_thread_writes(int *variable, int new_value)
{
    Assignment assignment = {variable, new_value};
    pthread_t thread;
    start_thread(&thread, assign, &assignment);
    join_thread(thread);
    return *variable;
}

typedef struct {
    const char *message;
    char *received;
    size_t size;
} Copy;

static void *copy_message(void *arg)
{
    Copy *copy = arg;
    snprintf(copy->received, copy->size, "%s", copy->message);
    return NULL;
}

/* No kernel in between: the thread writes message straight into main's
 * buffer received (NUL-terminated). Returns how many bytes main finds. */
static size_t send_through_memory(const char *message, char *received,
                                  size_t size)
{
    Copy copy = {message, received, size};
    pthread_t thread;
    start_thread(&thread, copy_message, &copy);
    join_thread(thread); /* after the join, its writes are visible to us */
    return strlen(received);
}

/* ---- The price of shared memory: a data race, and the mutex that fixes it */

#define COUNTING_THREADS 4

/* How many times each counting thread adds one. */
static long increments(void)
{
    return runs() * 5000;
}

/* volatile makes each ++ a real load, add and store in memory, one after
 * another, like Python's bytecode does (the optimiser would otherwise add
 * everything in a register and store once). It does NOT make ++ atomic: two
 * threads load the same value, both add one, both store it, and one
 * increment is lost. C11 calls this a data race: undefined behaviour. It is
 * the lesson, not a pattern to copy; ThreadSanitizer reports it. */
static volatile int racy_counter;

static void *increment_without_lock(void *times)
{
    for (long i = 0; i < *(const long *)times; i++)
        racy_counter++;
    return NULL;
}

/* The fix: a mutex lets one thread at a time through load, add, store. */
static int locked_counter;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;

static void *increment_with_mutex(void *times)
{
    for (long i = 0; i < *(const long *)times; i++) {
        pthread_mutex_lock(&counter_lock);
        locked_counter++;
        pthread_mutex_unlock(&counter_lock);
    }
    return NULL;
}

/* Runs `count` threads of body(&times) at once and waits for them all. */
static void run_counting_threads(int count, void *(*body)(void *), long times)
{
    pthread_t threads[COUNTING_THREADS];
    for (int i = 0; i < count; i++)
        start_thread(&threads[i], body, &times);
    for (int i = 0; i < count; i++)
        join_thread(threads[i]);
}

/* The counter after `threads` threads each added one `times` times. */
static long count_without_lock(int threads, long times)
{
    racy_counter = 0;
    run_counting_threads(threads, increment_without_lock, times);
    return racy_counter;
}

static long count_with_mutex(int threads, long times)
{
    locked_counter = 0;
    run_counting_threads(threads, increment_with_mutex, times);
    return locked_counter;
}

static void show_race(void)
{
    long times = increments(), expected = COUNTING_THREADS * times;
    long total = count_without_lock(COUNTING_THREADS, times);
    printf("  %d threads x %ld unlocked counter++: %ld, %ld increments lost "
           "(a data race)\n",
           COUNTING_THREADS, times, total, expected - total);
}

static void show_mutex(void)
{
    long times = increments(), expected = COUNTING_THREADS * times;
    long total = count_with_mutex(COUNTING_THREADS, times);
    printf("  %d threads x %ld counter++ under a mutex: %ld, %ld increments "
           "lost\n",
           COUNTING_THREADS, times, total, expected - total);
}

/* ---- Parrallelism: threads use more than one cpu core too --------------- */

#define MAX_WORKERS 64

/* Worker `index` of `workers` takes its share of the rounds. */
static long share_of(long rounds, long workers, long index)
{
    return rounds / workers + (index < rounds % workers ? 1 : 0);
}

typedef struct {
    long rounds;
    uint64_t result;
} Work;

static void *do_work(void *arg)
{
    Work *work = arg;
    work->result = burn_cpu(work->rounds);
    return NULL;
}

/* Shares the rounds out among `workers` threads, all at once; returns the
 * seconds until the last one has finished. The kernel spreads them over the
 * cores. */
static double run_workers(long workers, long rounds)
{
    pthread_t threads[MAX_WORKERS];
    Work work[MAX_WORKERS];
    double start = monotonic_now();
    for (long i = 0; i < workers; i++) {
        work[i] = (Work){share_of(rounds, workers, i), 0};
        start_thread(&threads[i], do_work, &work[i]);
    }
    for (long i = 0; i < workers; i++) {
        join_thread(threads[i]);
        sink = work[i].result;
    }
    return monotonic_now() - start;
}

/* The same rounds done one after another, in this thread alone. */
static double run_serial(long rounds)
{
    double start = monotonic_now();
    sink = burn_cpu(rounds);
    return monotonic_now() - start;
}

static void show_cores(long cores)
{
    long workers = cores < MAX_WORKERS ? cores : MAX_WORKERS;
    long rounds = work_rounds();
    double serial = run_serial(rounds);
    double parallel = run_workers(workers, rounds);
    printf("  %ld rounds of CPU work, one after another: %.3f s\n", rounds,
           serial);
    printf("  the same rounds shared by %ld threads: %.3f s (%.1fx faster, "
           "%ld cores)\n",
           workers, parallel, serial / parallel, cores);
}

/* ---- CON: kernel land --------------------------------------------------- */

/* How many times the kernel took `who`'s threads off a core: because they
 * waited (in a system call) or because their time slice was up. */
static long context_switches(int who)
{
    struct rusage usage;
    getrusage(who, &usage);
    return usage.ru_nvcsw + usage.ru_nivcsw;
}

/* ---- PRO: faster to boot; CON: still slow to start ---------------------- */

/* One fork(), the child's _exit(), the parent's waitpid(): in seconds. */
static double time_one_fork(void)
{
    double start = monotonic_now();
    pid_t pid = fork_or_die();
    if (pid == 0)
        _exit(0);
    wait_for(pid);
    return monotonic_now() - start;
}

static void *do_nothing(void *arg)
{
    return arg;
}

/* One pthread_create() of a thread that returns at once, and its join. */
static double time_one_thread(void)
{
    double start = monotonic_now();
    pthread_t thread;
    start_thread(&thread, do_nothing, NULL);
    join_thread(thread);
    return monotonic_now() - start;
}

/* The median of `count` timings of start_one(), in microseconds. The samples
 * live in static memory, not on the heap: a child forked in the middle of
 * the loop would otherwise exit still holding a block it cannot free. */
static double measure_startup(double (*start_one)(void), long count)
{
    static double seconds[MAX_RUNS];
    for (long i = 0; i < count; i++)
        seconds[i] = start_one();
    return median_us(seconds, count);
}

/* ---- And each thread's own memory: its stack ---------------------------- */

/* The stack a new thread reserves by default, in KiB: address space set
 * aside for each thread, though only the pages it touches become resident. */
static long thread_stack_kib(void)
{
    pthread_attr_t attr;
    size_t size = 0;
    pthread_attr_init(&attr);
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
    return (long)(size / 1024);
}

#ifndef STAGE_NO_MAIN
static const char USAGE[] =
    "usage: threads [--help] [all | race | mutex]\n"
    "  Stage 02: the talk's slide on threads, each point an experiment with\n"
    "  pthreads. race or mutex runs that counter alone; all (default):\n"
    "  everything.\n"
    "environment:\n"
    "  RUNS=N  how many times each measurement repeats (default 200)\n"
    "  WORK=N  rounds of CPU-bound work per core (default RUNS)\n";

int main(int argc, char **argv)
{
    talk_init(argv);
    help_if_asked(argc, argv, USAGE);
    const char *part = argc > 1 ? argv[1] : "all";
    if (argc > 2)
        bad_argument(argv[2], "one part at a time: all, race or mutex");
    if (strcmp(part, "all") && strcmp(part, "race") && strcmp(part, "mutex"))
        bad_argument(part, "not a part: all, race or mutex");
    if (strcmp(part, "race") == 0) {
        show_race();
        return 0;
    }
    if (strcmp(part, "mutex") == 0) {
        show_mutex();
        return 0;
    }
    long count = runs();
    long cores = cores_online();
    printf("Multitasking #2: Threads (main pid %ld, %ld cores online)\n",
           (long)getpid(), cores);

    printf("\nPROS:\n\n- Same program, shared memory\n");
    show_same_program();
    int value = 1;
    printf("  thread set value = 42; main sees value = %d\n",
           value_after_thread_writes(&value, 42));
    char received[64];
    size_t got = send_through_memory("hello through shared memory", received,
                                     sizeof received);
    printf("  thread wrote into main's buffer; main found %zu bytes: \"%s\"\n",
           got, received);
    show_race();
    show_mutex();
    printf("- faster to boot (not a full process)\n");
    double thread_us = measure_startup(time_one_thread, count);
    double fork_us = measure_startup(time_one_fork, count);
    printf("  pthread_create+join: median %.0f us over %ld runs\n", thread_us,
           count);
    printf("  fork+exit+waitpid: median %.0f us over %ld runs (%.1fx a "
           "thread)\n",
           fork_us, count, fork_us / thread_us);

    printf("\nCONS:\n\n- kernel land\n");
    printf("  pthread_create, join, a mutex that waits: system calls; the "
           "kernel took us off a core %ld times\n",
           context_switches(RUSAGE_SELF));
    printf("- still slow to start\n");
    printf("  10000 connections, one thread each: %.0f ms of start-up alone\n",
           thread_us * 10000 / 1000);
    printf("  and each thread reserves its own stack: %ld KiB\n",
           thread_stack_kib());

    printf("\nParrallelism\n\n- multiple process\n- multiple threads\n");
    show_cores(cores);
    printf("\nConcurrency\n\n- coroutines: many tasks on one thread, no "
           "kernel in between (stage 05 on)\n");
    return 0;
}
#endif
