/*
 * processes.c - the talk's slide "Multitasking #1: Processes", point by
 * point, each point proved by a small experiment with fork():
 *
 *   PROS  a whole other program (fork, fork+exec), simple, more than one core
 *   CONS  kernel land, slow to start, no shared memory without IPC, overhead
 *
 * RUNS (default 200) sets how many times each measurement repeats, and how
 * many rounds of CPU-bound work the cores experiment does (WORK overrides
 * that). Nothing here waits, so TIME_SCALE changes nothing in this stage.
 *
 * Every child leaves with _exit(), never exit(): the stdio buffers and the
 * atexit handlers it inherited belong to the parent.
 */
#ifdef __APPLE__
/* In POSIX mode macOS hides what is not POSIX: rusage's ru_maxrss and
 * ru_nvcsw, sysconf's _SC_NPROCESSORS_ONLN. Linux shows them anyway. */
#define _DARWIN_C_SOURCE
#endif
#include "talk.h"

#include <errno.h>
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

/* ---- Processes ---------------------------------------------------------- */

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

/* ---- PRO: a whole other program ----------------------------------------- */

/* fork() copies the whole process; both copies go on from the same line,
 * told apart only by what fork() returned (0 in the child). */
static void show_fork(void)
{
    pid_t pid = fork_or_die();
    if (pid == 0) {
        printf("  child %ld: a copy of parent %ld, running on from fork()\n",
               (long)getpid(), (long)getppid());
        _exit(0);
    }
    int status = wait_for(pid);
    printf("  parent %ld: child %ld exited with status %d\n", (long)getpid(),
           (long)pid, status);
}

/* fork() then exec(): the copy replaces itself with another program. */
static void show_exec(void)
{
    pid_t pid = fork_or_die();
    if (pid == 0) {
        execl("/bin/echo", "echo",
              "  /bin/echo: exec turned the child into a whole other program",
              (char *)NULL);
        perror("exec /bin/echo");
        _exit(127);
    }
    int status = wait_for(pid);
    printf("  parent %ld: child %ld ran /bin/echo, exited with status %d\n",
           (long)getpid(), (long)pid, status);
}

/* ---- CON: no shared memory without IPC ---------------------------------- */

/* The child writes new_value into *variable and exits; returns *variable as
 * the parent sees it afterwards. The child wrote into its own copy of the
 * memory, so the parent still sees the old value. */
static int value_after_child_writes(int *variable, int new_value)
{
    pid_t pid = fork_or_die();
    if (pid == 0) {
        *variable = new_value;
        _exit(*variable == new_value ? 0 : 1);
    }
    if (wait_for(pid) != 0)
        die("the child could not write its copy", NULL);
    return *variable;
}

/* IPC: to hand data over, processes go through the kernel. The child writes
 * message into a pipe, the kernel copies it, the parent reads it into
 * received (NUL-terminated). Returns how many bytes arrived. */
static size_t send_through_pipe(const char *message, char *received,
                                size_t size)
{
    int ends[2];
    if (pipe(ends) == -1)
        die("pipe", "too many open files? see ulimit -n");
    pid_t pid = fork_or_die();
    if (pid == 0) {
        close(ends[0]);
        /* Shorter than PIPE_BUF, so one write() carries it whole. */
        size_t length = strlen(message);
        ssize_t written = write(ends[1], message, length);
        close(ends[1]);
        _exit(written == (ssize_t)length ? 0 : 1);
    }
    /* Close our copy of the write end, or read() never sees end-of-file. */
    close(ends[1]);
    size_t got = 0;
    while (got + 1 < size) {
        ssize_t n = read(ends[0], received + got, size - 1 - got);
        if (n == 0)
            break;
        if (n == -1 && errno != EINTR)
            die("read from the pipe", NULL);
        if (n > 0)
            got += (size_t)n;
    }
    received[got] = '\0';
    close(ends[0]);
    wait_for(pid);
    return got;
}

/* ---- PRO: can use more than one cpu core -------------------------------- */

#define MAX_WORKERS 64

/* Worker `index` of `workers` takes its share of the rounds. */
static long share_of(long rounds, long workers, long index)
{
    return rounds / workers + (index < rounds % workers ? 1 : 0);
}

/* Shares the rounds out among `workers` processes, all at once; returns the
 * seconds until the last one has finished. The kernel spreads them over the
 * cores. */
static double run_workers(long workers, long rounds)
{
    pid_t pids[MAX_WORKERS];
    double start = monotonic_now();
    for (long i = 0; i < workers; i++) {
        pids[i] = fork_or_die();
        if (pids[i] == 0) {
            sink = burn_cpu(share_of(rounds, workers, i));
            _exit(0);
        }
    }
    for (long i = 0; i < workers; i++)
        wait_for(pids[i]);
    return monotonic_now() - start;
}

/* The same rounds done one after another, in this process alone. */
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
    printf("  the same rounds shared by %ld processes: %.3f s (%.1fx faster, "
           "%ld cores)\n",
           workers, parallel, serial / parallel, cores);
}

/* ---- CON: kernel land --------------------------------------------------- */

/* How many times the kernel took `who`'s processes off a core: because they
 * waited (in a system call) or because their time slice was up. */
static long context_switches(int who)
{
    struct rusage usage;
    getrusage(who, &usage);
    return usage.ru_nvcsw + usage.ru_nivcsw;
}

/* ---- CON: slow to start ------------------------------------------------- */

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

/* ---- CON: lots of overhead (program memory) ----------------------------- */

/* The peak resident memory of the largest child so far, in KiB: each child
 * had its own address space, a copy of ours (shared copy-on-write with us
 * until one of them writes a page). */
static long largest_child_kib(void)
{
    struct rusage usage;
    getrusage(RUSAGE_CHILDREN, &usage);
#ifdef __APPLE__
    return usage.ru_maxrss / 1024; /* macOS counts bytes */
#else
    return usage.ru_maxrss; /* Linux and the BSDs count KiB */
#endif
}

#ifndef STAGE_NO_MAIN
static const char USAGE[] =
    "usage: processes [--help]\n"
    "  Stage 01: the talk's slide on processes, each point an experiment\n"
    "  with fork().\n"
    "environment:\n"
    "  RUNS=N  how many times each measurement repeats (default 200)\n"
    "  WORK=N  rounds of CPU-bound work per core (default RUNS)\n";

int main(int argc, char **argv)
{
    talk_init(argv);
    take_no_arguments(argc, argv, USAGE);
    long count = runs();
    long cores = cores_online();
    printf("Multitasking #1: Processes (parent pid %ld, %ld cores online)\n",
           (long)getpid(), cores);

    printf("\nPROS:\n\n- Whole other program\n");
    show_fork();
    show_exec();
    printf("- Simple\n");
    printf("  each child above is plain sequential code: it shares nothing, "
           "so it needs no lock\n");
    printf("- can use more than one cpu core\n");
    show_cores(cores);

    printf("\nCONS:\n\n- kernel land\n");
    printf("  fork, exec, waitpid, pipe: system calls; the kernel took our "
           "children off a core %ld times\n",
           context_switches(RUSAGE_CHILDREN));
    printf("- slow to start\n");
    printf("  fork+exit+waitpid: median %.0f us over %ld runs\n",
           measure_startup(time_one_fork, count), count);
    printf("- no shared memory without IPC\n");
    int value = 1;
    printf("  child set value = 42; parent still sees value = %d\n",
           value_after_child_writes(&value, 42));
    char received[64];
    size_t got = send_through_pipe("hello through the kernel", received,
                                   sizeof received);
    printf("  child wrote into a pipe; parent read %zu bytes: \"%s\"\n", got,
           received);
    printf("- lots of overhead (program memory)\n");
    printf("  each child is a whole process: the largest had %ld KiB "
           "resident\n",
           largest_child_kib());
    return 0;
}
#endif
