/*
 * test_twins.c - every program a stage runs in `make NN`, beside its Python
 * twin (processes.py ... talk_loop.py, demo.py, echo_server.py): both run
 * with the same arguments and knobs (TIME_SCALE=0.05, RUNS=5, TRACE=1
 * where the loop draws a timeline) against the same demo server, and must
 * print the same lines. Times and measured figures are masked; the only
 * tolerances are the ones the stage READMEs name: a polling line printed
 * once more or once less (04, 05, 06: a look that lands on a tick), and
 * the "Actual event loop" sketch's 6 to 9 steps with either task first (07,
 * 08). Without python3 (3.8 or later) the test says so and checks nothing.
 */
#include <criterion/criterion.h>

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- running a program and its twin ---- */

/* python3 on PATH, 3.8 or later, or NULL: run_program execs a full path. */
static const char *python3(void)
{
    static char path[1024];
    static bool looked;
    if (looked)
        return *path ? path : NULL;
    looked = true;
    const char *dirs = getenv("PATH");
    for (const char *d = dirs ? dirs : ""; *d;) {
        size_t len = strcspn(d, ":");
        snprintf(path, sizeof path, "%.*s/python3", (int)len, d);
        if (len > 0 && access(path, X_OK) == 0)
            break;
        *path = '\0';
        d += len + (d[len] == ':');
    }
    if (!*path)
        return NULL;
    const char *argv[] = {
        path, "-c", "import sys; sys.exit(sys.version_info < (3, 8))", NULL};
    Run run = run_program(argv, NULL, 10);
    if (run.status != 0)
        *path = '\0';
    run_free(&run);
    return *path ? path : NULL;
}

/* Every test starts with it: true when the twins cannot run here (the
 * test twins/python3_is_there says so on stderr, once). */
static bool no_python(void)
{
    return python3() == NULL;
}

/* The source path of a twin, "05-generators/generators.py". */
static const char *source(const char *relative)
{
    static char paths[4][512];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", SOURCE_DIR, relative);
    return path;
}

/* The C program's and the twin's output, each masked. */
typedef struct {
    char *c, *py;         /* stdout */
    char *c_err, *py_err; /* stderr */
} Pair;

/* Runs the C program and its twin with the same argument (may be NULL)
 * and environment (NULL-terminated, up to 6 entries); asserts both exit 0
 * and masks both outputs with mask. */
static Pair run_both(const char *program, const char *twin, const char *arg,
                     const char *const env[], char *(*mask)(const char *))
{
    const char *py_env[8] = {"PYTHONDONTWRITEBYTECODE=1"};
    for (int i = 0; env && env[i] && i < 6; i++)
        py_env[i + 1] = env[i];
    const char *c_argv[] = {bin(program), arg, NULL};
    const char *py_argv[] = {python3(), source(twin), arg, NULL};
    Run c = run_program(c_argv, env, 30);
    Run py = run_program(py_argv, py_env, 30);
    cr_assert_eq(c.status, 0, "%s %s: status %d, stderr: %s", program,
                 arg ? arg : "", c.status, c.err);
    cr_assert_eq(py.status, 0, "%s %s: status %d, stderr: %s", twin,
                 arg ? arg : "", py.status, py.err);
    Pair pair = {mask(c.out), mask(py.out), strdup(c.err), strdup(py.err)};
    run_free(&c);
    run_free(&py);
    return pair;
}

static void pair_free(Pair *pair)
{
    free(pair->c);
    free(pair->py);
    free(pair->c_err);
    free(pair->py_err);
}

/* Same lines, and nothing on stderr from either. */
static void expect_same(Pair pair)
{
    expect_trace(pair.py, pair.c);
    cr_assert_str_empty(pair.c_err);
    cr_assert_str_empty(pair.py_err);
}

/* The C trace with each run of a polling line written "@N line", for
 * expect_trace_polling: the twin may print it once more or once less. */
static char *as_polling(const char *trace, const char *const polling[])
{
    char *out = calloc(1, 2 * strlen(trace) + 1), *w = out;
    for (const char *line = trace; *line;) {
        size_t len = strcspn(line, "\n");
        const char *next = line + len + (line[len] == '\n');
        bool polls = false;
        for (int i = 0; polling[i]; i++)
            polls |= strlen(polling[i]) == len &&
                     strncmp(line, polling[i], len) == 0;
        int times = 1;
        while (polls && strncmp(next, line, len + 1) == 0) {
            next += len + 1;
            times++;
        }
        if (polls)
            w += sprintf(w, "@%d ", times);
        w += sprintf(w, "%.*s\n", (int)len, line);
        line = next;
    }
    return out;
}

/* ---- the sketch: its README's tolerance ---- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text other than the loop's queue, sorted. */
static int other_lines(char *text, char *lines[], int max, int *steps)
{
    int n = 0;
    *steps = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "loop queue [", 12) == 0)
            ++*steps;
        else if (n < max)
            lines[n++] = line;
    }
    qsort(lines, (size_t)n, sizeof *lines, compare_strings);
    return n;
}

/* Each answer lands on a look of the loop, or the next: 6 to 9 steps,
 * and either task may finish first; every other line is the same. */
static void expect_same_sketch(Pair pair)
{
    char *c_lines[32], *py_lines[32];
    int c_steps, py_steps;
    char *c = strdup(pair.c), *py = strdup(pair.py);
    int n = other_lines(c, c_lines, 32, &c_steps);
    cr_assert_eq(other_lines(py, py_lines, 32, &py_steps), n,
                 "C:\n%s\nPython:\n%s", pair.c, pair.py);
    for (int i = 0; i < n; i++)
        cr_assert_str_eq(py_lines[i], c_lines[i], "C:\n%s\nPython:\n%s", pair.c,
                         pair.py);
    cr_assert(c_steps >= 6 && c_steps <= 9, "C: %d steps\n%s", c_steps, pair.c);
    cr_assert(py_steps >= 6 && py_steps <= 9, "Python: %d steps\n%s", py_steps,
              pair.py);
    free(c);
    free(py);
}

static char *no_mask(const char *text)
{
    return strdup(text);
}

/* ---- the tests ---- */

Test(twins, python3_is_there)
{
    if (no_python())
        note_skipped("test_twins: no python3 (3.8 or later) on PATH: the "
                     "Python twins were not compared with the C programs");
}

Test(twins, stage_01_processes, .timeout = 60 * BUILD_SLOWDOWN)
{
    if (no_python())
        return;
    const char *env[] = {"RUNS=5", NULL};
    Pair pair = run_both("01-processes/processes", "01-processes/processes.py",
                         NULL, env, mask_numbers);
    expect_same(pair);
    pair_free(&pair);
}

Test(twins, stage_02_threads, .timeout = 60 * BUILD_SLOWDOWN)
{
    if (no_python())
        return;
    const char *env[] = {"RUNS=5", NULL};
    Pair pair = run_both("02-threads/threads", "02-threads/threads.py", NULL,
                         env, mask_numbers);
    expect_same(pair);
    pair_free(&pair);
    /* The locked counter's figures are certain: compare them unmasked. */
    pair = run_both("02-threads/threads", "02-threads/threads.py", "mutex", env,
                    no_mask);
    expect_same(pair);
    pair_free(&pair);
}

/* The stages that are clients of the demo server: a run of each. */
static Pair run_client(const char *program, const char *twin, const char *arg,
                       const char *trace)
{
    const char *env[] = {port_env(&demo_server), "TIME_SCALE=0.05", trace,
                         NULL};
    return run_both(program, twin, arg, env, mask_times);
}

Test(twins, stage_03_blocking_io, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    if (no_python())
        return;
    Pair pair = run_client("03-blocking-io/blocking_io",
                           "03-blocking-io/blocking_io.py", NULL, NULL);
    expect_same(pair);
    pair_free(&pair);
}

/* server.py: the C client gets from it what it gets from server.c. */
Test(twins, stage_03_server_py_answers_as_the_c_server,
     .init = start_demo_server, .fini = stop_demo_server,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    if (no_python())
        return;
    const char *argv[] = {python3(), source("03-blocking-io/server.py"), NULL};
    const char *server_env[] = {"TIME_SCALE=0.05", "PYTHONDONTWRITEBYTECODE=1",
                                NULL};
    Server twin = server_start(argv, server_env);
    const char *client[] = {bin("03-blocking-io/blocking_io"), NULL};
    const char *c_env[] = {port_env(&demo_server), "TIME_SCALE=0.05", NULL};
    Run by_c = run_program(client, c_env, 30);
    const char *py_env[] = {port_env(&twin), "TIME_SCALE=0.05", NULL};
    Run by_py = run_program(client, py_env, 30);
    cr_assert_eq(by_py.status, 0, "stderr: %s", by_py.err);
    char *c = mask_times(by_c.out), *py = mask_times(by_py.out);
    expect_trace(py, c);
    cr_assert_eq(server_stop(&twin), 0, "server.py exits 0 on SIGTERM");
    free(c);
    free(py);
    run_free(&by_c);
    run_free(&by_py);
}

/* A client of the demo server whose trace polls: the twin may print each
 * polling line once more or once less than the C run did. */
static void expect_same_polling(const char *program, const char *twin,
                                const char *const polling[])
{
    Pair pair = run_client(program, twin, NULL, NULL);
    char *expected = as_polling(pair.c, polling);
    expect_trace_polling(pair.py, expected);
    cr_assert_str_empty(pair.c_err);
    cr_assert_str_empty(pair.py_err);
    free(expected);
    pair_free(&pair);
}

Test(twins, stage_04_select, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *polling[] = {"[T] socket not ready to read", NULL};
    if (!no_python())
        expect_same_polling("04-select/select", "04-select/select_demo.py",
                            polling);
}

Test(twins, stage_05_generators, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *polling[] = {"waiting...", NULL};
    if (!no_python())
        expect_same_polling("05-generators/generators",
                            "05-generators/generators.py", polling);
}

Test(twins, stage_06_executor, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *polling[] = {"[T] trying to read", "executor waiting...", NULL};
    if (!no_python())
        expect_same_polling("06-executor/executor", "06-executor/executor.py",
                            polling);
}

/* A loop run with TRACE=1: the same trace on stdout, the same timeline
 * on stderr, row for row. */
static void expect_same_loop_run(const char *program, const char *twin,
                                 const char *run)
{
    Pair pair = run_client(program, twin, run, "TRACE=1");
    expect_trace(pair.py, pair.c);
    expect_trace(pair.py_err, pair.c_err);
    pair_free(&pair);
}

/* Every run of a talk loop (runs: NULL-terminated) with its timeline,
 * then its "Actual event loop" sketch. */
static void expect_same_loop(const char *program, const char *twin,
                             const char *const runs[])
{
    for (int i = 0; runs[i]; i++)
        expect_same_loop_run(program, twin, runs[i]);
    Pair pair = run_client(program, twin, "sketch", NULL);
    expect_same_sketch(pair);
    pair_free(&pair);
}

Test(twins, stage_07_futures_cell_by_cell, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 120 * BUILD_SLOWDOWN)
{
    const char *cells[] = {"36", "37", "28", "41", "47", "48", NULL};
    if (!no_python())
        expect_same_loop("07-futures/futures", "07-futures/futures.py", cells);
}

Test(twins, stage_08_talk_loop_run_by_run, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 120 * BUILD_SLOWDOWN)
{
    const char *runs[] = {"56",   "fix1", "fix2",   "fix3",
                          "fix4", "fix5", "shared", NULL};
    if (!no_python())
        expect_same_loop("08-event-loop/talk_loop",
                         "08-event-loop/talk_loop.py", runs);
}

/* demo.py on asyncio's loop: the same lines as demo.c on ours (asyncio
 * draws no timeline: no TRACE here). */
Test(twins, stage_08_demo_on_asyncio, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    if (no_python())
        return;
    raise_our_fd_limit(2200); /* 1,000 clients, and the server's side */
    Pair pair = run_client("08-event-loop/event_loop", "08-event-loop/demo.py",
                           NULL, NULL);
    expect_same(pair);
    pair_free(&pair);
}

/* Each echo client against each echo server: four times the same line. */
Test(twins, stage_08_echo_server_py_answers_as_the_c_one,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    if (no_python())
        return;
    const char *c_argv[] = {bin("08-event-loop/echo_server"), NULL};
    const char *py_argv[] = {python3(), source("08-event-loop/echo_server.py"),
                             NULL};
    const char *py_env[] = {"PYTHONDONTWRITEBYTECODE=1", NULL};
    Server servers[2] = {server_start(c_argv, NULL),
                         server_start(py_argv, py_env)};
    for (int s = 0; s < 2; s++) {
        const char *env[] = {port_env(&servers[s]), NULL};
        Pair pair = run_both("08-event-loop/event_loop",
                             "08-event-loop/demo.py", "--echo", env, no_mask);
        expect_same(pair);
        cr_assert_str_eq(pair.py, "echo_server answered \"Hello, echo 1\"\n");
        pair_free(&pair);
    }
    cr_assert_eq(server_stop(&servers[0]), 0);
    cr_assert_eq(server_stop(&servers[1]), 0,
                 "echo_server.py exits 0 on SIGTERM, as echo_server does");
}
