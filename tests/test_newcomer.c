/*
 * test_newcomer.c - the path a newcomer takes, as issue 14 walked it:
 * every program's --help and its bad arguments, every client giving up on
 * a program that is not the demo server, echo_server's flag and bind
 * errors, make from a stage's folder, make test-NN, make help, make 09,
 * and PAUSE=1's prompt on a terminal (a pseudo-terminal here).
 *
 * The make tests run make in the source tree, so they run for the plain
 * build only (make check builds its copies under build/: they skip).
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, grantpt, unlockpt, ptsname */
#include <criterion/criterion.h>

#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

TestSuite(help, .timeout = 30 * BUILD_SLOWDOWN);
TestSuite(give_up, .timeout = 60 * BUILD_SLOWDOWN);
TestSuite(make, .timeout = 120 * BUILD_SLOWDOWN);
static void stop_pause(void);
TestSuite(pause, .fini = stop_pause, .timeout = 30 * BUILD_SLOWDOWN);

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- --help and bad arguments ------------------------------------------- */

static const char *const programs[] = {
    "01-processes/processes",   "02-threads/threads",
    "03-blocking-io/server",    "03-blocking-io/blocking_io",
    "04-select/select",         "05-generators/generators",
    "06-executor/executor",     "07-futures/futures",
    "08-event-loop/talk_loop",  "08-event-loop/event_loop",
    "08-event-loop/echo_server"};

Test(help, every_program_prints_its_usage_and_environment_and_exits_0)
{
    for (size_t i = 0; i < sizeof programs / sizeof programs[0]; i++) {
        const char *argv[] = {bin(programs[i]), "--help", NULL};
        Run run = run_program(argv, NULL, 10);
        char usage[64];
        snprintf(usage, sizeof usage, "usage: %s ",
                 strrchr(programs[i], '/') + 1);
        cr_expect_eq(run.status, 0, "%s --help: exit %d", programs[i],
                     run.status);
        cr_expect(strncmp(run.out, usage, strlen(usage)) == 0 &&
                      strstr(run.out, "environment:\n"),
                  "%s --help printed: %s", programs[i], run.out);
        cr_expect_str_empty(run.err, "%s --help: %s", programs[i], run.err);
        run_free(&run);
    }
}

/* Each bad argument, and the words that must say which and why. */
static const struct {
    const char *program, *argument, *says;
} bad[] = {
    {"01-processes/processes", "--fast",
     "processes: --fast: this program takes no argument (hint: processes "
     "--help)"},
    {"02-threads/threads", "racy", "threads: racy: not a part"},
    {"03-blocking-io/server", "--bogus",
     "server: --bogus: not an option of the demo server"},
    {"03-blocking-io/blocking_io", "8080", "blocking_io: 8080: this program"},
    {"04-select/select", "-v", "select: -v: this program takes no argument"},
    {"05-generators/generators", "x", "generators: x: this program"},
    {"06-executor/executor", "x", "executor: x: this program"},
    {"07-futures/futures", "49", "futures: 49: no such cell"},
    {"08-event-loop/talk_loop", "fix6", "talk_loop: fix6: no such run"},
    {"08-event-loop/event_loop", "--echoo", "event_loop: --echoo: not an"},
    {"08-event-loop/echo_server", "--port",
     "echo_server: --port: needs a port number"},
};

Test(help, every_bad_argument_says_which_and_why_and_exits_2)
{
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *argv[] = {bin(bad[i].program), bad[i].argument, NULL};
        Run run = run_program(argv, NULL, 10);
        cr_expect_eq(run.status, 2, "%s %s: exit %d", bad[i].program,
                     bad[i].argument, run.status);
        cr_expect(strstr(run.err, bad[i].says) && strstr(run.err, "--help)"),
                  "%s %s said: %s", bad[i].program, bad[i].argument, run.err);
        run_free(&run);
    }
}

Test(help, echo_server_port_flag_wins_over_a_bad_port_variable)
{
    const char *argv[] = {bin("08-event-loop/echo_server"), "--port", "0",
                          NULL};
    const char *env[] = {"PORT=abc", NULL};
    Server s = server_start(argv, env);
    cr_assert_gt(s.port, 0);
    cr_assert_eq(server_stop(&s), 0);
}

/* The bind error names the port, and its hint fits EADDRINUSE. */
Test(help, a_port_in_use_is_named_with_a_hint_that_fits)
{
    const char *first[] = {bin("08-event-loop/echo_server"), NULL};
    Server s = server_start(first, NULL);
    char port[16], expected[128];
    snprintf(port, sizeof port, "%d", s.port);
    const char *second[] = {bin("08-event-loop/echo_server"), "--port", port,
                            NULL};
    Run run = run_program(second, NULL, 10);
    snprintf(expected, sizeof expected, "cannot listen on 127.0.0.1:%d",
             s.port);
    cr_expect_eq(run.status, 1);
    cr_expect(strstr(run.err, expected) &&
                  strstr(run.err, "another server holds that port?"),
              "%s", run.err);
    run_free(&run);

    char port_env[32];
    snprintf(port_env, sizeof port_env, "PORT=%d", s.port);
    const char *demo[] = {bin("03-blocking-io/server"), NULL};
    const char *env[] = {port_env, NULL};
    run = run_program(demo, env, 10);
    cr_expect_eq(run.status, 1);
    cr_expect(strstr(run.err, expected) &&
                  strstr(run.err, "is another server on port"),
              "%s", run.err);
    run_free(&run);
    server_stop(&s);
}

Test(help, a_privileged_port_gets_the_privileges_hint)
{
    if (geteuid() == 0) {
        note_skipped("root may listen on port 1: the EACCES hint is not "
                     "checked");
        return;
    }
    const char *argv[] = {bin("08-event-loop/echo_server"), "--port", "1",
                          NULL};
    Run run = run_program(argv, NULL, 10);
    cr_expect_eq(run.status, 1);
    cr_expect(strstr(run.err, "cannot listen on 127.0.0.1:1: ") &&
                  strstr(run.err, "ports below 1024 need privileges"),
              "%s", run.err);
    run_free(&run);
}

/* --- every client gives up on a program that never answers ------------- */

static void expect_gives_up(const char *program, const char *argument)
{
    int port;
    int silent = hold_port(&port, true); /* accepts, never says a word */
    char port_env[32];
    snprintf(port_env, sizeof port_env, "PORT=%d", port);
    const char *argv[] = {bin(program), argument, NULL};
    const char *env[] = {port_env, "TIME_SCALE=0.05", NULL};
    double start = seconds_now();
    Run run = run_program(argv, env, 30);
    double took = seconds_now() - start;
    close(silent);
    cr_assert_not(run.timedout, "%s did not give up", program);
    cr_expect_eq(run.status, 1, "%s: exit %d", program, run.status);
    char expected[128];
    snprintf(expected, sizeof expected,
             ": no answer from 127.0.0.1:%d within %.1f s (hint: is that the "
             "demo server, at TIME_SCALE=0.05?",
             port, slowdown());
    cr_expect(strstr(run.err, expected), "%s said: %s", program, run.err);
    /* patience(): five 0.1 s delays, but never under a second */
    cr_expect_geq(took, slowdown(), "%s gave up after %.2f s", program, took);
    run_free(&run);
}

Test(give_up, stage_03_blocking_client)
{
    expect_gives_up("03-blocking-io/blocking_io", NULL);
}

Test(give_up, stage_04_polling_client)
{
    expect_gives_up("04-select/select", NULL);
}

Test(give_up, stage_05_generator)
{
    expect_gives_up("05-generators/generators", NULL);
}

Test(give_up, stage_06_executor)
{
    expect_gives_up("06-executor/executor", NULL);
}

Test(give_up, stage_07_loop)
{
    expect_gives_up("07-futures/futures", "sketch");
}

Test(give_up, stage_08_talk_loop)
{
    expect_gives_up("08-event-loop/talk_loop", "sketch");
}

Test(give_up, stage_08_real_loop)
{
    expect_gives_up("08-event-loop/event_loop", NULL);
}

/* --- make, as a newcomer types it --------------------------------------- */

/* make in the source tree: for the plain build only (see the top). */
static bool plain_build(void)
{
    if (strcmp(BIN_DIR, SOURCE_DIR) == 0)
        return true;
    note_skipped("make in the source tree: not for a build under O=%s",
                 BIN_DIR);
    return false;
}

/* Runs make with args in dir, as typed at a terminal: none of the calling
 * make's flags (its jobserver is not ours), nor Criterion's BXFI_MAP, which
 * would make a test binary that make runs take itself for our worker. */
static Run run_make(const char *dir, const char *const args[],
                    const char *time_scale)
{
    const char *argv[16] = {
        "/bin/sh", "-c",
        "unset BXFI_MAP; cd \"$1\" && shift && exec make \"$@\"", "sh", dir};
    int n = 5;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char scale[32];
    snprintf(scale, sizeof scale, "TIME_SCALE=%s", time_scale);
    const char *env[] = {"MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=", scale, NULL};
    return run_program(argv, env, 100);
}

Test(make, a_stage_folder_builds_and_runs_on_its_own)
{
    if (!plain_build())
        return;
    Run run =
        run_make(SOURCE_DIR "/05-generators", (const char *[]){NULL}, "0.05");
    cr_assert_eq(run.status, 0, "make in 05-generators: %s", run.err);
    run_free(&run);
    run = run_make(SOURCE_DIR "/05-generators", (const char *[]){"run", NULL},
                   "0.05");
    cr_assert_eq(run.status, 0, "make run in 05-generators: %s", run.err);
    cr_assert(strstr(run.out, "response: \"Hello, world\""), "%s", run.out);
    run_free(&run);
}

Test(make, test_NN_runs_that_stage_s_tests_only)
{
    if (!plain_build())
        return;
    Run run = run_make(SOURCE_DIR, (const char *[]){"test-01", NULL}, "1");
    cr_assert_eq(run.status, 0, "make test-01: %s%s", run.out, run.err);
    cr_assert(strstr(run.out, "test_01_processes"), "%s", run.out);
    cr_assert(strstr(run.out, "\ntests: ") && !strstr(run.out, "test_02"), "%s",
              run.out);
    run_free(&run);
}

Test(make, help_lists_every_target)
{
    if (!plain_build())
        return;
    Run run = run_make(SOURCE_DIR, (const char *[]){"help", NULL}, "1");
    cr_assert_eq(run.status, 0, "%s", run.err);
    static const char *const targets[] = {
        "make run ",     "make server ",     "make test ",  "make run-08-talk ",
        "make bench ",   "make bench-bins ", "make check ", "make test-NN ",
        "make diff-NN ", "make -C NN-name"};
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        cr_expect(strstr(run.out, targets[i]), "make help misses %s",
                  targets[i]);
    run_free(&run);
}

Test(make, an_unknown_stage_lists_the_stages)
{
    if (!plain_build())
        return;
    Run run = run_make(SOURCE_DIR, (const char *[]){"09", NULL}, "1");
    cr_assert_eq(run.status, 2);
    cr_assert(strstr(run.err, "make 09: no such stage (hint: make 01 ... make "
                              "08, or by name: 01-processes 02-threads"),
              "%s", run.err);
    run_free(&run);
    /* A program's path starts with a number too: it is still a file. */
    run = run_make(SOURCE_DIR,
                   (const char *[]){"-n", "03-blocking-io/server", NULL}, "1");
    cr_assert_eq(run.status, 0, "%s", run.err);
    cr_assert_not(strstr(run.err, "no such stage"), "%s", run.err);
    run_free(&run);
}

Test(make, errors_name_what_the_user_typed)
{
    if (!plain_build())
        return;
    const char *argv[] = {
        "/bin/sh",
        "-c",
        "cd \"$1\" && PORT=abc exec make --no-print-directory "
        "04",
        "sh",
        SOURCE_DIR,
        NULL};
    const char *env[] = {"MAKEFLAGS=", "MFLAGS=", "MAKELEVEL=", NULL};
    Run run = run_program(argv, env, 60);
    cr_assert_neq(run.status, 0);
    cr_assert(strstr(run.err, "make 04: PORT=abc is not a number"), "%s",
              run.err);
    run_free(&run);
}

/* --- PAUSE=1: the prompt between two stages, on a terminal --------------- */

typedef struct {
    pid_t pid;
    int master;
} Terminal;

static pid_t pause_pid; /* stopped by .fini if a test failed first */

static void stop_pause(void)
{
    if (pause_pid > 0) {
        kill(pause_pid, SIGKILL);
        waitpid(pause_pid, NULL, 0);
    }
}

/* Runs pause.sh on a new pseudo-terminal, as its controlling terminal,
 * after typed_ahead was typed: keys pressed while the stage ran. */
static Terminal pause_on_a_terminal(const char *typed_ahead)
{
    Terminal t = {.master = posix_openpt(O_RDWR | O_NOCTTY)};
    cr_assert(t.master != -1 && grantpt(t.master) == 0 &&
                  unlockpt(t.master) == 0,
              "no pseudo-terminal: %s", strerror(errno));
    const char *name = ptsname(t.master);
    int slave = open(name, O_RDWR | O_NOCTTY); /* holds what is typed */
    cr_assert(slave != -1);
    cr_assert_eq(write(t.master, typed_ahead, strlen(typed_ahead)),
                 (ssize_t)strlen(typed_ahead));
    t.pid = fork();
    cr_assert(t.pid != -1);
    if (t.pid == 0) {
        setsid(); /* a new session: the terminal opened next is its own */
        int tty = open(name, O_RDWR);
        dup2(tty, 0), dup2(tty, 1), dup2(tty, 2);
        execl(SOURCE_DIR "/pause.sh", "pause.sh", "stage 01 done", NULL);
        _exit(127);
    }
    close(slave);
    pause_pid = t.pid;
    return t;
}

/* Reads the terminal until text appears (true) or it closes (false). */
static bool terminal_shows(Terminal *t, const char *text)
{
    char seen[4096] = "";
    size_t len = 0;
    struct pollfd p = {t->master, POLLIN, 0};
    while (len < sizeof seen - 1 &&
           poll(&p, 1, (int)(scaled(10) * 1000)) == 1) {
        ssize_t n = read(t->master, seen + len, sizeof seen - 1 - len);
        if (n <= 0)
            return false;
        seen[len += (size_t)n] = '\0';
        if (strstr(seen, text))
            return true;
    }
    return false;
}

static int pause_ends(Terminal *t)
{
    int raw = 0;
    waitpid(t->pid, &raw, 0);
    pause_pid = 0;
    close(t->master);
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

Test(pause, keys_typed_ahead_are_forgotten_and_q_quits)
{
    Terminal t = pause_on_a_terminal("\n\n");
    cr_assert(terminal_shows(&t, "[stage 01 done: Enter for the next stage"),
              "no prompt");
    cr_assert_eq(write(t.master, "q\n", 2), 2);
    cr_assert_eq(pause_ends(&t), 1, "the Enter typed ahead went through");
}

Test(pause, enter_goes_on)
{
    Terminal t = pause_on_a_terminal("x");
    cr_assert(terminal_shows(&t, "[stage 01 done: Enter"), "no prompt");
    cr_assert_eq(write(t.master, "\n", 1), 1);
    cr_assert_eq(pause_ends(&t), 0);
}

/* --- the stage READMEs' "Try to break it", where no edit is needed ------ */

TestSuite(readme, .timeout = 30 * BUILD_SLOWDOWN);

/* Runs a stage program with PORT=port (and more env), TIME_SCALE=0.05. */
static Run run_on_port(const char *program, const char *argument, int port)
{
    char port_env[32];
    snprintf(port_env, sizeof port_env, "PORT=%d", port);
    const char *argv[] = {bin(program), argument, NULL};
    const char *env[] = {port_env, "TIME_SCALE=0.05", NULL};
    return run_program(argv, env, 20);
}

/* 03, 04, 05 and 07: "run it with no server": one line, exit 1, a hint. */
Test(readme, every_client_without_a_server_says_so_in_one_line)
{
    static const char *const clients[][2] = {
        {"03-blocking-io/blocking_io", NULL},
        {"04-select/select", NULL},
        {"05-generators/generators", NULL},
        {"07-futures/futures", "sketch"}};
    int port;
    int nothing = hold_port(&port, false);
    for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++) {
        Run run = run_on_port(clients[i][0], clients[i][1], port);
        cr_expect_eq(run.status, 1, "%s: exit %d", clients[i][0], run.status);
        cr_expect(strstr(run.err, "Connection refused (hint: is the demo "
                                  "server running?") &&
                      count_lines(run.err, "") == 0 &&
                      strchr(run.err, '\n') == strrchr(run.err, '\n'),
                  "%s said: %s", clients[i][0], run.err);
        run_free(&run);
    }
    close(nothing);
}

/* 05: "the counter runs, then one line says the connection was refused". */
Test(readme, stage_05_counts_before_it_finds_no_server)
{
    int port;
    int nothing = hold_port(&port, false);
    Run run = run_on_port("05-generators/generators", NULL, port);
    close(nothing);
    cr_assert_eq(run.status, 1);
    cr_assert(strstr(run.out, "inside coroutine 6\n6\nIn [8]:\n"), "%s",
              run.out);
    run_free(&run);
}

/* 04: "TIME_SCALE=1.05 make server, then ./04-select/select": the answer
 * comes at 2.1 s and the sixth look (2.5 s) finds it. Here 5 times faster:
 * the answer at 0.42 s, looks every 0.1 s, 20 ms from the nearest. */
Test(readme, stage_04_shows_the_latency_of_polling)
{
    const char *server_argv[] = {bin("03-blocking-io/server"), NULL};
    const char *server_env[] = {"TIME_SCALE=0.21", NULL};
    Server server = server_start(server_argv, server_env);
    const char *argv[] = {bin("04-select/select"), NULL};
    const char *env[] = {port_env(&server), "TIME_SCALE=0.2", NULL};
    Run run = run_program(argv, env, 20);
    server_stop(&server);
    cr_assert_eq(run.status, 0, "%s", run.err);
    char *masked = mask_times(run.out);
    expect_trace_polling(masked, "@6 [T] socket not ready to read\n"
                                 "response: \"Hello, world\"\n");
    free(masked);
    run_free(&run);
}

/* A hint names the command that works from where the user is: `make
 * server` next to a Makefile, make -C the program's folder elsewhere. */
Test(readme, the_hint_works_from_another_folder)
{
    int port;
    int nothing = hold_port(&port, false);
    char port_env[32], expected[600];
    snprintf(port_env, sizeof port_env, "PORT=%d", port);
    const char *argv[] = {
        "/bin/sh", "-c", "cd / && exec \"$1\"", "sh", bin("04-select/select"),
        NULL};
    const char *env[] = {port_env, NULL};
    Run run = run_program(argv, env, 10);
    close(nothing);
    snprintf(expected, sizeof expected, "with `make -C %s/04-select server`",
             BIN_DIR);
    cr_assert_eq(run.status, 1);
    cr_assert(strstr(run.err, "Connection refused") &&
                  strstr(run.err, expected),
              "%s", run.err);
    run_free(&run);
}

/* Without a terminal (CI, a pipe), PAUSE=1 has nobody to wait for: go on. */
Test(pause, without_a_terminal_goes_on)
{
    pause_pid = fork();
    cr_assert(pause_pid != -1);
    if (pause_pid == 0) {
        setsid(); /* no controlling terminal: /dev/tty cannot open */
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        execl(SOURCE_DIR "/pause.sh", "pause.sh", "stage 01 done", NULL);
        _exit(127);
    }
    int raw = 0;
    waitpid(pause_pid, &raw, 0);
    pause_pid = 0;
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "status %d", raw);
}
