/*
 * micro.c - the talk's slides on processes, threads and coroutines, as
 * numbers: what it costs to start one, to switch between two, and how much
 * memory one takes. Each measurement is one small function below, with a
 * comment saying what it measures and why.
 *
 * Output: one tab-separated row per measurement for run-bench.sh
 *     section <TAB> what <TAB> value <TAB> unit (ns or B) <TAB> how measured
 * Times are medians over repeated runs (the row says how many).
 * RUNS=n scales the repetitions (QUICK=1 in run-bench.sh lowers it).
 *
 * The generator rows use stage 05's coro.h unchanged: a frame is a struct,
 * a resume is gen_next() calling the frame's step function through its
 * function pointer, exactly as the stages do. coro.c is a separate
 * translation unit, so the compiler cannot inline the step away.
 */
#include "../../05-generators/coro.h"
#include "bench.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_SAMPLES = 1000 };

static long runs = 200; /* RUNS: repetitions of the slow measurements */

static void row(const char *section, const char *what, double value,
                const char *unit, const char *how)
{
    printf("%s\t%s\t%.2f\t%s\t%s\n", section, what, value, unit, how);
}

/* Times `op` once per sample, `batch` times per sample; the median sample
 * divided by batch. Slow things use batch 1; nanosecond things a batch big
 * enough to dwarf the clock's own cost (~20 ns). */
static double median_ns(void (*op)(void), long samples, long batch)
{
    static double t[MAX_SAMPLES];
    if (samples > MAX_SAMPLES)
        samples = MAX_SAMPLES;
    for (long s = 0; s < samples; s++) {
        uint64_t start = now_ns();
        for (long i = 0; i < batch; i++)
            op();
        t[s] = (double)(now_ns() - start) / (double)batch;
    }
    return median(t, (size_t)samples);
}

/* --- start-up ------------------------------------------------------- */

/* "Processes are slow to start": the kernel copies the page tables and
 * the descriptor table, the child exits, the parent reaps it. */
static void fork_exit_wait(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    if (pid == -1)
        fail("fork");
    waitpid(pid, NULL, 0);
}

/* A new program on top: exec loads and links a (tiny, dynamic) binary. This
 * is what starting a worker process really costs. */
static const char *self_path;
static void fork_exec_wait(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl(self_path, self_path, "exit", (char *)NULL);
        _exit(127);
    }
    if (pid == -1)
        fail("fork");
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("exec of micro itself failed");
}

/* "Threads are faster to boot, still slow to start": a stack is mapped and
 * the kernel creates a task; join waits for it. */
static void *nothing(void *arg)
{
    return arg;
}
static void thread_create_join(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, nothing, NULL) != 0)
        fail("pthread_create");
    pthread_join(t, NULL);
}

/* "Coroutines: no boot penalty, no syscall": a generator is a frame
 * (malloc'd here, as a task would hold it) that runs to its first yield. */
typedef struct {
    Gen gen;
    unsigned long n; /* the one local that lives across yields */
} Counter;

static GenStatus counter_step(Gen *g)
{
    Counter *f = (Counter *)g;
    GEN_BEGIN(g);
    for (;;) {
        f->n++;
        YIELD(g, &f->n);
    }
    GEN_END(g);
}

static volatile unsigned long sink; /* what we read cannot be optimised out */

static void generator_create_first_yield(void)
{
    Counter *f = malloc(sizeof *f);
    if (!f)
        fail("malloc");
    f->n = 0;
    gen_init(&f->gen, counter_step, "counter");
    gen_next(&f->gen);
    sink = *(unsigned long *)f->gen.yielded;
    free(f);
}

/* --- switching ------------------------------------------------------- */

/* Process ping-pong: one byte each way over two pipes. A round trip is two
 * context switches and four syscalls: the cost of handing work to another
 * process and getting the answer. */
static double process_ping_pong(long rounds)
{
    int ping[2], pong[2];
    if (pipe(ping) == -1 || pipe(pong) == -1)
        fail("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(ping[1]); /* else our own copy keeps read() from seeing EOF */
        close(pong[0]);
        while (read(ping[0], &c, 1) == 1 && write(pong[1], &c, 1) == 1)
            continue;
        _exit(0);
    }
    char c = 'x';
    uint64_t start = now_ns();
    for (long i = 0; i < rounds; i++)
        if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
            fail("ping-pong");
    double per = (double)(now_ns() - start) / (double)rounds;
    close(ping[1]);
    waitpid(pid, NULL, 0);
    close(ping[0]);
    close(pong[0]);
    close(pong[1]);
    return per;
}

/* Thread ping-pong: a turn variable under a mutex, a condition variable
 * each way. The kernel still switches (futex wait/wake). */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int turn; /* 0: main's turn, 1: the other thread's, -1: stop */
} pp = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void *pong_thread(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&pp.lock);
    for (;;) {
        while (pp.turn == 0)
            pthread_cond_wait(&pp.changed, &pp.lock);
        if (pp.turn == -1)
            break;
        pp.turn = 0;
        pthread_cond_broadcast(&pp.changed);
    }
    pthread_mutex_unlock(&pp.lock);
    return NULL;
}

static double thread_ping_pong(long rounds)
{
    pthread_t t;
    pp.turn = 0;
    if (pthread_create(&t, NULL, pong_thread, NULL) != 0)
        fail("pthread_create");
    uint64_t start = now_ns();
    pthread_mutex_lock(&pp.lock);
    for (long i = 0; i < rounds; i++) {
        pp.turn = 1;
        pthread_cond_broadcast(&pp.changed);
        while (pp.turn == 1)
            pthread_cond_wait(&pp.changed, &pp.lock);
    }
    double per = (double)(now_ns() - start) / (double)rounds;
    pp.turn = -1;
    pthread_cond_broadcast(&pp.changed);
    pthread_mutex_unlock(&pp.lock);
    pthread_join(t, NULL);
    return per;
}

/* Generator resume + yield: gen_next() -> frame->step (through the Gen's
 * function pointer) -> switch to the resume point -> one increment -> yield.
 * No syscall, no kernel: two calls and a jump. The yielded value goes to a
 * volatile sink so the work cannot be optimised away. */
static Counter resumed;
static void generator_resume(void)
{
    gen_next(&resumed.gen);
    sink = *(unsigned long *)resumed.gen.yielded;
}

/* --- memory ------------------------------------------------------------ */

/* A process's own memory: a child forked from this small program reports
 * the pages that are its alone (Private_* in smaps_rollup: what it copied on
 * write, its new stack); page tables and kernel structures come on top. An
 * exec'd minimal C program reports its whole RSS (libc mapped included). */
static long child_private_kb(void)
{
    int fds[2];
    if (pipe(fds) == -1)
        fail("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        long kb = 0;
        char line[256];
        FILE *f = fopen("/proc/self/smaps_rollup", "r");
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "Private_", 8) == 0)
                kb += atol(strchr(line, ':') + 1);
        if (f)
            fclose(f);
        if (write(fds[1], &kb, sizeof kb) != (ssize_t)sizeof kb)
            _exit(1);
        _exit(0);
    }
    long kb = -1;
    if (read(fds[0], &kb, sizeof kb) != (ssize_t)sizeof kb)
        kb = -1;
    waitpid(pid, NULL, 0);
    close(fds[0]);
    close(fds[1]);
    return kb;
}

static long exec_rss_kb(void)
{
    int fds[2];
    if (pipe(fds) == -1)
        fail("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        execl(self_path, self_path, "rss", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[64] = "";
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    waitpid(pid, NULL, 0);
    close(fds[0]);
    return n > 0 ? atol(buf) : -1;
}

/* A thread's stack: what pthread reserves by default (virtual memory), and
 * what a thread that blocks at once really touches: RSS grown by N parked
 * threads, divided by N. The threads park on a count under a mutex, not a
 * pthread_barrier_t: barriers are optional in POSIX, and macOS has none. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t arrived, go;
    int parked;   /* threads waiting */
    bool release; /* main has measured: all may go */
} park_lot = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
              PTHREAD_COND_INITIALIZER, 0, false};

static void *park(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&park_lot.lock);
    park_lot.parked++;
    pthread_cond_signal(&park_lot.arrived);
    while (!park_lot.release)
        pthread_cond_wait(&park_lot.go, &park_lot.lock);
    pthread_mutex_unlock(&park_lot.lock);
    return NULL;
}

static double thread_touched_bytes(int n)
{
    pthread_t *t = calloc((size_t)n, sizeof *t);
    park_lot.parked = 0;
    park_lot.release = false;
    long before = status_kb(getpid(), "VmRSS");
    for (int i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, park, NULL) != 0)
            fail("pthread_create");
    pthread_mutex_lock(&park_lot.lock);
    while (park_lot.parked < n)
        pthread_cond_wait(&park_lot.arrived, &park_lot.lock);
    pthread_mutex_unlock(&park_lot.lock);
    long after = status_kb(getpid(), "VmRSS");
    pthread_mutex_lock(&park_lot.lock);
    park_lot.release = true;
    pthread_cond_broadcast(&park_lot.go);
    pthread_mutex_unlock(&park_lot.lock);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    free(t);
    return before < 0 || after < 0 ? -1 : (double)(after - before) * 1024 / n;
}

static size_t default_stack_size(void)
{
    pthread_attr_t attr;
    size_t size = 0;
    pthread_attr_init(&attr);
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
    return size;
}

/* --- main -------------------------------------------------------------- */

static void startup(void)
{
    char how[64];
    char how_exec[64];
    snprintf(how, sizeof how, "median of %ld", runs);
    snprintf(how_exec, sizeof how_exec, "median of %ld", runs / 2 + 1);
    row("startup", "process: fork + _exit + waitpid",
        median_ns(fork_exit_wait, runs, 1), "ns", how);
    row("startup", "process: fork + exec + waitpid",
        median_ns(fork_exec_wait, runs / 2 + 1, 1), "ns", how_exec);
    row("startup", "thread: pthread_create + join",
        median_ns(thread_create_join, runs, 1), "ns", how);
    snprintf(how, sizeof how, "median of %ld batches of 10000", runs / 4 + 1);
    row("startup", "generator (stage 05): malloc frame, run to 1st yield, free",
        median_ns(generator_create_first_yield, runs / 4 + 1, 10000), "ns",
        how);
}

static void switching(void)
{
    long rounds = runs * 50;
    double p[5], t[5];
    for (int i = 0; i < 5; i++) {
        p[i] = process_ping_pong(rounds);
        t[i] = thread_ping_pong(rounds);
    }
    char how[64];
    snprintf(how, sizeof how, "round trip, median of 5 x %ld", rounds);
    row("switch", "process ping-pong over a pipe", median(p, 5), "ns", how);
    row("switch", "thread ping-pong over a condition variable", median(t, 5),
        "ns", how);
    gen_init(&resumed.gen, counter_step, "counter");
    snprintf(how, sizeof how, "median of %ld batches of 1000000",
             runs / 10 + 3);
    row("switch", "generator resume + yield (stage 05, gen_next)",
        median_ns(generator_resume, runs / 10 + 3, 1000000), "ns", how);
}

static void memory(void)
{
    row("memory", "process: forked child's private pages",
        (double)child_private_kb() * 1024, "B",
        "smaps_rollup Private_*; + page tables");
    row("memory", "process: exec'd minimal C program, RSS",
        (double)exec_rss_kb() * 1024, "B", "VmRSS");
    row("memory", "thread: stack reserved (virtual)",
        (double)default_stack_size(), "B", "pthread default");
    row("memory", "thread: memory touched (RSS / thread)",
        thread_touched_bytes(200), "B", "RSS growth over 200 parked threads");
    row("memory", "generator frame (stage 05 Counter)", (double)sizeof(Counter),
        "B", "sizeof; Gen alone is 40 B");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit") == 0)
        return 0; /* the exec'd child of fork_exec_wait */
    if (argc > 1 && strcmp(argv[1], "rss") == 0) {
        printf("%ld\n", status_kb(getpid(), "VmRSS"));
        return 0;
    }
    self_path = argv[0];
    const char *r = getenv("RUNS");
    if (r && atol(r) > 0)
        runs = atol(r);
    const char *part = argc > 1 ? argv[1] : "all";
    if (!strcmp(part, "all") || !strcmp(part, "startup"))
        startup();
    if (!strcmp(part, "all") || !strcmp(part, "switch"))
        switching();
    if (!strcmp(part, "all") || !strcmp(part, "memory"))
        memory();
    return 0;
}
