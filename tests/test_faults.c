/*
 * test_faults.c - system calls that fail at a bad moment, injected by
 * tests/faults/libfaults.so (LD_PRELOAD, FAULT=CALL:ERROR:WHEN), into both
 * servers and the stage programs; and the two servers' limits.
 *
 * A retryable fault is survived: said once on stderr, and every client
 * after it is served, byte for byte. A fatal one ends the program with a
 * one-line error and a non-zero exit. Either way nothing leaks: a server's
 * descriptor count comes back to what it was before any client (/proc),
 * and SIGTERM still makes it exit 0.
 *
 * `make check` runs this, on the plain build and on Linux only (faults.mk
 * says why). No bound is a fixed number of seconds: waits are scaled(),
 * and the idle timeout is checked from below (a connection is never closed
 * before it has been silent that long) and by events (who is served).
 */
#include "harness.h"
#include <criterion/criterion.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *const DEMO = "03-blocking-io/server";
static const char *const ECHO = "08-event-loop/echo_server";

/* An errno and its name, for FAULT=accept:NAME:... */
typedef struct {
    const char *name;
    int value;
} Errno;
#define ERRNO(e)                                                               \
    {                                                                          \
#e, e                                                                  \
    }

/* What accept(2) says to retry like EAGAIN: a client already gone. */
static const Errno CLIENT_GONE[] = {ERRNO(ENETDOWN),     ERRNO(EPROTO),
                                    ERRNO(ENOPROTOOPT),  ERRNO(EHOSTDOWN),
                                    ERRNO(ENONET),       ERRNO(EHOSTUNREACH),
                                    ERRNO(EOPNOTSUPP),   ERRNO(ENETUNREACH),
                                    ERRNO(ECONNABORTED), {NULL, 0}};
/* Out of descriptors or memory: a pause, then accept again. */
static const Errno OUT_OF_RESOURCES[] = {
    ERRNO(EMFILE), ERRNO(ENFILE), ERRNO(ENOBUFS), ERRNO(ENOMEM), {NULL, 0}};

static Server server;
static int fd_baseline;

static void stop_server(void)
{
    server_stop(&server);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *injector(void)
{
    const char *lib = bin("tests/faults/libfaults.so");
    if (access(lib, R_OK) != 0)
        cr_skip_test("no fault injector (%s): it is built on Linux only", lib);
    return lib;
}

/* --- a client ------------------------------------------------------------ */

typedef enum { CLOSED, ECHOED, WRONG_OR_LATE } Echoed;

/* Sends size bytes of a pattern and reads them back, within scaled(seconds)
 * for the whole: ECHOED when every byte came back unchanged, CLOSED when
 * the server closed the connection before (what came was right). */
static Echoed echo_of(int fd, size_t size, double seconds)
{
    char *sent = malloc(size), *back = malloc(size);
    for (size_t i = 0; i < size; i++)
        sent[i] = (char)(i * 7 + size);
    size_t out = 0, in = 0;
    double deadline = now() + scaled(seconds);
    while (in < size && now() < deadline) {
        struct pollfd p = {fd, (short)(POLLIN | (out < size ? POLLOUT : 0)), 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        if ((p.revents & POLLOUT) && out < size) {
            ssize_t n = send(fd, sent + out, size - out, MSG_DONTWAIT);
            out += n > 0 ? (size_t)n : 0;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t n = recv(fd, back + in, size - in, MSG_DONTWAIT);
            if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR))
                break;
            in += n > 0 ? (size_t)n : 0;
        }
    }
    bool right = memcmp(sent, back, in) == 0;
    bool closed = in < size && now() < deadline;
    free(sent);
    free(back);
    return !right       ? WRONG_OR_LATE
           : in == size ? ECHOED
           : closed     ? CLOSED
                        : WRONG_OR_LATE;
}

static bool echoes(int fd, size_t size, double seconds)
{
    return echo_of(fd, size, seconds) == ECHOED;
}

/* A new client that sends size bytes and must get them all back. */
static void expect_served(size_t size, const char *why)
{
    int fd = tcp_connect(server.port);
    cr_assert(fd != -1, "%s: cannot connect: %s", why, strerror(errno));
    cr_assert(echoes(fd, size, 10), "%s: %zu bytes did not all come back", why,
              size);
    close(fd);
}

/* True when the server closes fd (EOF or reset) within scaled(seconds). */
static bool closed_by_server(int fd, double seconds)
{
    struct pollfd p = {fd, POLLIN, 0};
    if (poll(&p, 1, (int)(scaled(seconds) * 1000)) != 1)
        return false;
    char byte;
    ssize_t n = recv(fd, &byte, 1, 0);
    return n == 0 || (n == -1 && errno == ECONNRESET);
}

/* --- a server under a fault ---------------------------------------------- */

/* Starts program with `args` and `env` entries (each NULL-terminated,
 * may be empty), and counts its descriptors before any client. */
static void start_with(const char *program, const char *const *env,
                       const char *const *args)
{
    if (access(bin(program), X_OK) != 0)
        cr_skip_test("%s is not built yet", program);
    const char *argv[8] = {bin(program)};
    for (int i = 0; args && args[i] && i < 6; i++)
        argv[i + 1] = args[i];
    signal(SIGPIPE, SIG_IGN);
    server = server_start(argv, env);
    fd_baseline = count_fds(server.pid);
}

/* Starts program with LD_PRELOAD=the injector and FAULT=fault (NULL:
 * none). */
static void start(const char *program, const char *fault,
                  const char *time_scale, const char *const *args)
{
    static char preload[4096], fault_env[256];
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", injector());
    snprintf(fault_env, sizeof fault_env, "FAULT=%s", fault ? fault : "");
    const char *env[] = {preload, fault_env, time_scale, NULL};
    start_with(program, env, args);
}

/* Everything the server wrote on stderr until it exited (it must, within
 * scaled(10) s), and its exit status. Sends signo first unless it is 0. */
static int wait_exit(int signo, char *err, size_t size)
{
    if (signo)
        kill(server.pid, signo);
    size_t len = 0;
    double deadline = now() + scaled(10);
    struct pollfd p = {server.err_fd, POLLIN, 0};
    while (len < size - 1 && now() < deadline && poll(&p, 1, 100) >= 0) {
        if (!p.revents)
            continue;
        ssize_t n = read(server.err_fd, err + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    err[len] = '\0';
    return server_stop_by(&server, 0);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int count_in(const char *text, const char *what)
{
    int n = 0;
    for (const char *at = text; (at = strstr(at, what)); at += strlen(what))
        n++;
    return n;
}

/* The server's descriptors come back to their count before any client:
 * polled, since closing takes the server a moment. */
static void expect_no_fd_leak(const char *after)
{
    if (fd_baseline < 0)
        return; /* /proc is Linux's, as the injector is */
    double deadline = now() + scaled(5);
    int fds = count_fds(server.pid);
    while (fds != fd_baseline && now() < deadline) {
        nanosleep(&(struct timespec){.tv_nsec = 20000000}, NULL);
        fds = count_fds(server.pid);
    }
    cr_assert_eq(fds, fd_baseline, "after %s: %d descriptors open, %d before",
                 after, fds, fd_baseline);
}

/* SIGTERM: exit 0, having said `said` exactly once on stderr. */
static void expect_clean_stop_saying(const char *said, const char *fault)
{
    char err[8192];
    int status = wait_exit(SIGTERM, err, sizeof err);
    cr_assert_eq(status, 0, "FAULT=%s: exit status %d, not 0; stderr:\n%s",
                 fault, status, err);
    if (said)
        cr_assert_eq(count_in(err, said), 1,
                     "FAULT=%s: \"%s\" must be said once; stderr:\n%s", fault,
                     said, err);
}

/* A retryable fault during the second to fourth calls: a client meets
 * it, and it and the next one are served; the fault is said once. */
static void expect_survived(const char *program, const char *fault,
                            const char *said)
{
    start(program, fault, "TIME_SCALE=0.05", NULL);
    expect_served(100, "the first client");
    expect_served(3000, fault);
    expect_served(3000, "the client after the fault");
    expect_no_fd_leak(fault);
    expect_clean_stop_saying(said, fault);
}

/* A fatal fault: the server exits by itself, non-zero, with one line. */
static void expect_fatal(const char *program, const char *fault,
                         const char *said)
{
    start(program, fault, "TIME_SCALE=0.05", NULL);
    int fd = tcp_connect(server.port);
    char err[8192];
    int status = wait_exit(0, err, sizeof err);
    if (fd != -1)
        close(fd);
    cr_assert(status > 0 && status < 128,
              "FAULT=%s: exit status %d, expected an error exit; stderr:\n%s",
              fault, status, err);
    cr_assert(strstr(err, said) && count_in(err, "\n") == 1,
              "FAULT=%s: expected one line saying \"%s\"; stderr:\n%s", fault,
              said, err);
}

/* --- accept -------------------------------------------------------------- */

/* Each error of the list on accept calls 2 to 4. The real loop's
 * sock_accept retries ECONNABORTED and EPROTO itself, silently:
 * echo_server never sees those two, and says nothing of them. */
static void accept_errors_survived(const char *program, const Errno *list)
{
    for (const Errno *e = list; e->name; e++) {
        char fault[64];
        snprintf(fault, sizeof fault, "accept:%s:2-4", e->name);
        bool silent =
            program == ECHO && (e->value == ECONNABORTED || e->value == EPROTO);
        expect_survived(program, fault, silent ? NULL : strerror(e->value));
    }
}

Test(faults, demo_server_retries_accept_errors_of_a_client_gone,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    accept_errors_survived(DEMO, CLIENT_GONE);
}

Test(faults, echo_server_retries_accept_errors_of_a_client_gone,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    accept_errors_survived(ECHO, CLIENT_GONE);
}

Test(faults, demo_server_says_once_it_is_out_of_descriptors,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    accept_errors_survived(DEMO, OUT_OF_RESOURCES);
}

Test(faults, echo_server_says_once_it_is_out_of_descriptors,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    accept_errors_survived(ECHO, OUT_OF_RESOURCES);
}

/* The same error on every accept from the second on: a storm. The server
 * keeps serving the client it has, and SIGTERM still stops it. */
static void accept_storm_survived(const char *program)
{
    const char *fault = "accept:ENETUNREACH:2+";
    start(program, fault, "TIME_SCALE=0.05", NULL);
    int first = tcp_connect(server.port);
    cr_assert(first != -1 && echoes(first, 100, 10),
              "%s: the first client was not served", program);
    int second = tcp_connect(server.port); /* never accepted: the storm */
    cr_assert(echoes(first, 3000, 10),
              "%s: the first client is starved by "
              "the storm",
              program);
    close(second);
    close(first);
    expect_clean_stop_saying(strerror(ENETUNREACH), fault);
}

Test(faults, a_storm_of_accept_errors_starves_no_one, .fini = stop_server,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    accept_storm_survived(DEMO);
    accept_storm_survived(ECHO);
}

/* EBADF, EINVAL: the listening socket itself is broken. Exit 0 here would
 * tell a supervisor that all went well. */
Test(faults, a_broken_listener_stops_both_servers_with_an_error,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    expect_fatal(DEMO, "accept:EBADF:1", strerror(EBADF));
    expect_fatal(ECHO, "accept:EBADF:1", strerror(EBADF));
    expect_fatal(DEMO, "accept:EINVAL:1", strerror(EINVAL));
    expect_fatal(ECHO, "accept:EINVAL:1", strerror(EINVAL));
}

/* --- recv and send: interrupted, would block, one byte at a time ---------- */

static void bytes_survive(const char *program, const char *fault,
                          const char *time_scale)
{
    start(program, fault, time_scale, NULL);
    for (int i = 0; i < 3; i++)
        expect_served(i == 2 ? 64 * 1024 : 3000, fault);
    expect_no_fd_leak(fault);
    expect_clean_stop_saying(NULL, fault);
}

/* TIME_SCALE=0: one byte per read is one answer delay per byte. */
Test(faults, demo_server_survives_interrupted_and_short_io, .fini = stop_server,
     .timeout = 120 * BUILD_SLOWDOWN)
{
    bytes_survive(DEMO, "recv:EINTR:%0.5/1", "TIME_SCALE=0");
    bytes_survive(DEMO, "send:EINTR:%0.5/2", "TIME_SCALE=0");
    bytes_survive(DEMO, "recv:SHORT:%0.5/3", "TIME_SCALE=0");
    bytes_survive(DEMO, "send:SHORT:1+", "TIME_SCALE=0");
}

Test(faults, echo_server_survives_interrupted_blocked_and_short_io,
     .fini = stop_server, .timeout = 120 * BUILD_SLOWDOWN)
{
    const char *faults[] = {"recv:EINTR:%0.5/1",  "send:EINTR:%0.5/2",
                            "recv:EAGAIN:%0.5/3", "send:EAGAIN:%0.5/4",
                            "recv:SHORT:1+",      "send:SHORT:1+"};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++)
        bytes_survive(ECHO, faults[i], "TIME_SCALE=0.05");
}

/* --- the waits: interrupted ---------------------------------------------- */

Test(faults, interrupted_waits_are_waited_again, .fini = stop_server,
     .timeout = 120 * BUILD_SLOWDOWN)
{
    bytes_survive(DEMO, "poll:EINTR:%0.5/5", "TIME_SCALE=0.05");
    bytes_survive(ECHO, "epoll_wait:EINTR:%0.5/6", "TIME_SCALE=0.05");
    bytes_survive(ECHO, "poll:EINTR:%0.5/7",
                  "ASYNCIO_SELECTOR=poll"); /* echo_server has no delay */
}

/* --- the stage programs ----------------------------------------------------
 */

/* A fatal fault in a stage program: a one-line error with a hint, exit 1. */
static void expect_stage_error(const char *program, const char *arg,
                               const char *fault, const char *said)
{
    if (access(bin(program), X_OK) != 0)
        cr_skip_test("%s is not built yet", program);
    char preload[4096], fault_env[256];
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", injector());
    snprintf(fault_env, sizeof fault_env, "FAULT=%s", fault);
    const char *env[] = {preload, fault_env, "TIME_SCALE=0.05", "RUNS=3", NULL};
    const char *argv[] = {bin(program), arg, NULL};
    Run run = run_program(argv, env, 30);
    cr_assert_eq(run.status, 1, "FAULT=%s %s: exit status %d; stderr:\n%s",
                 fault, program, run.status, run.err);
    cr_assert(strstr(run.err, said) && strstr(run.err, "(hint: ") &&
                  count_in(run.err, "\n") == 1,
              "FAULT=%s %s: expected one line saying \"%s\" with a hint; "
              "stderr:\n%s",
              fault, program, said, run.err);
    run_free(&run);
}

/* --- threads and memory --------------------------------------------------- */

/* The second and third clients get no thread: each is closed at once, the
 * server says so once, and the fourth is served. */
Test(faults, demo_server_without_a_thread_closes_that_client_and_says_once,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    start(DEMO, "pthread_create:EAGAIN:2-3", "TIME_SCALE=0.05", NULL);
    expect_served(100, "the first client");
    for (int i = 0; i < 2; i++) {
        int fd = tcp_connect(server.port);
        cr_assert(fd != -1);
        cr_assert(closed_by_server(fd, 5), "a client with no thread is "
                                           "closed, not left waiting");
        close(fd);
    }
    expect_served(3000, "the client after the threads came back");
    expect_no_fd_leak("pthread_create:EAGAIN");
    expect_clean_stop_saying(strerror(EAGAIN), "pthread_create:EAGAIN:2-3");
}

/* malloc failing at seeded moments: each client is served or closed, never
 * given wrong bytes, and the server neither crashes nor leaks. Failing from
 * the very first call, a program stops with one line. */
static void served_or_closed_when_malloc_fails(const char *program)
{
    const char *fault = "malloc:ENOMEM:20%0.3/11"; /* started first */
    start(program, fault, "TIME_SCALE=0.05", NULL);
    int served = 0;
    for (int i = 0; i < 20; i++) {
        int fd = tcp_connect(server.port);
        Echoed echoed = fd == -1 ? CLOSED : echo_of(fd, 100, 10);
        cr_assert(echoed != WRONG_OR_LATE,
                  "%s, FAULT=%s: client %d got wrong bytes, or nothing and "
                  "no close",
                  program, fault, i);
        served += echoed == ECHOED;
        if (fd != -1)
            close(fd);
    }
    char err[8192];
    if (kill(server.pid, 0) == 0 && count_fds(server.pid) >= 0) {
        expect_no_fd_leak(fault);
        kill(server.pid, SIGTERM);
    }
    int status = wait_exit(0, err, sizeof err);
    bool stopped_cleanly = status == 0 && count_in(err, "\n") <= 1;
    bool died_saying_so =
        status == 1 && count_in(err, "\n") == 1 && strstr(err, "out of memory");
    cr_assert(stopped_cleanly || died_saying_so,
              "%s, FAULT=%s: exit status %d after %d clients served, "
              "stderr:\n%s",
              program, fault, status, served, err);
}

/* Failing from the first call, echo_server cannot make its loop: one line
 * and exit 1. */
Test(faults, echo_server_without_memory_stops_with_one_line,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    expect_stage_error(ECHO, NULL, "malloc:ENOMEM:1+", "out of memory");
}

Test(faults, both_servers_refuse_or_stop_cleanly_when_malloc_fails,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    served_or_closed_when_malloc_fails(DEMO);
    served_or_closed_when_malloc_fails(ECHO);
}

/* The distinct lines of a program's output, numbers masked, sorted: a
 * polling line more or less (a tick boundary) is the same output. */
static char *distinct_lines(const char *text)
{
    char *masked = mask_numbers(text);
    size_t n = 0, size = strlen(masked) + 2;
    char **lines = malloc(size * sizeof *lines);
    for (char *line = strtok(masked, "\n"); line; line = strtok(NULL, "\n"))
        lines[n++] = line;
    qsort(lines, n, sizeof *lines, compare_strings);
    char *out = calloc(size, 1);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
            strcat(strcat(out, lines[i]), "\n");
    free(lines);
    free(masked);
    return out;
}

static Run run_with_fault(const char *program, const char *fault)
{
    char preload[4096], fault_env[256];
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", injector());
    snprintf(fault_env, sizeof fault_env, "FAULT=%s", fault);
    const char *env[] = {preload, fault_env, "RUNS=3", NULL};
    const char *argv[] = {bin(program), NULL};
    return run_program(argv, env, 60);
}

/* Interrupted waits and reads, half of them, seeded: the stage program
 * prints what it prints without them, and exits 0. A talk's client reads
 * once (Python's recv(1024)), so short reads are not among them. */
static void stage_survives_interrupts(const char *program)
{
    if (access(bin(program), X_OK) != 0)
        cr_skip_test("%s is not built yet", program);
    Run plain = run_with_fault(program, "");
    cr_assert_eq(plain.status, 0, "%s: %s", program, plain.err);
    char *expected = distinct_lines(plain.out);
    const char *faults[] = {"recv:EINTR:%0.5/1", "poll:EINTR:%0.5/2",
                            "epoll_wait:EINTR:%0.5/3"};
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        Run run = run_with_fault(program, faults[i]);
        char *lines = distinct_lines(run.out);
        cr_assert(run.status == 0 && strcmp(lines, expected) == 0,
                  "FAULT=%s %s: exit status %d; printed (numbers masked, "
                  "distinct lines):\n%s\ninstead of:\n%s\nstderr:\n%s",
                  faults[i], program, run.status, lines, expected, run.err);
        free(lines);
        run_free(&run);
    }
    free(expected);
    run_free(&plain);
}

/* malloc failing from the first call: the program needs none (exit 0), or
 * stops with one line and exit 1; it never crashes. */
static void stage_without_memory(const char *program)
{
    Run run = run_with_fault(program, "malloc:ENOMEM:1+");
    bool one_line = count_in(run.err, "\n") == 1;
    cr_assert(run.status == 0 || (run.status == 1 && one_line),
              "FAULT=malloc:ENOMEM:1+ %s: exit status %d, stderr:\n%s", program,
              run.status, run.err);
    run_free(&run);
}

#define STAGE_TEST(name, program)                                              \
    Test(faults, name, .init = start_demo_server, .fini = stop_demo_server,    \
         .timeout = 120 * BUILD_SLOWDOWN)                                      \
    {                                                                          \
        stage_survives_interrupts(program);                                    \
        stage_without_memory(program);                                         \
    }
STAGE_TEST(stage_01_processes, "01-processes/processes")
STAGE_TEST(stage_02_threads, "02-threads/threads")
STAGE_TEST(stage_03_blocking_io, "03-blocking-io/blocking_io")
STAGE_TEST(stage_04_select, "04-select/select")
STAGE_TEST(stage_05_generators, "05-generators/generators")
STAGE_TEST(stage_06_executor, "06-executor/executor")
STAGE_TEST(stage_07_futures, "07-futures/futures")
STAGE_TEST(stage_08_talk_loop, "08-event-loop/talk_loop")
STAGE_TEST(stage_08_event_loop, "08-event-loop/event_loop")

Test(faults, stage_01_says_when_fork_fails, .timeout = 60 * BUILD_SLOWDOWN)
{
    expect_stage_error("01-processes/processes", NULL, "fork:EAGAIN:2",
                       "fork: Resource temporarily unavailable");
}

Test(faults, stage_02_says_when_pthread_create_fails,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    expect_stage_error("02-threads/threads", NULL, "pthread_create:EAGAIN:2",
                       "pthread_create: Resource temporarily unavailable");
}

/* --- a parent that leaks descriptors ------------------------------------- */

/* Started by a parent that leaves descriptors 3..1100 open, the demo
 * server's own descriptors are all past FD_SETSIZE (1024), where select()
 * cannot watch them. bash opens them (any number; sh's exec takes one
 * digit), every one, so the server finds no free one below 1101. */
Test(faults, demo_server_started_with_a_thousand_descriptors_open,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    if (access("/bin/bash", X_OK) != 0)
        cr_skip_test("no /bin/bash to leave 1,100 descriptors open");
    if (access(bin(DEMO), X_OK) != 0)
        cr_skip_test("%s is not built yet", DEMO);
    raise_our_fd_limit(4096);
    const char *script = "for ((fd = 3; fd <= 1100; fd++)); do "
                         "eval \"exec $fd</dev/null\"; done; exec \"$0\"";
    const char *argv[] = {"/bin/bash", "-c", script, bin(DEMO), NULL};
    const char *env[] = {"TIME_SCALE=0.05", NULL};
    server = server_start(argv, env);
    fd_baseline = count_fds(server.pid);
    cr_assert(fd_baseline >= 1100, "only %d descriptors open", fd_baseline);
    expect_served(100, "a client of a server with 1,100 descriptors open");
    expect_served(3000, "and the next one");
    expect_clean_stop_saying(NULL, "(none)");
}

/* --- echo_server's limits ------------------------------------------------- */

/* A client that connected and was answered: the server holds it. */
static int connected_client(void)
{
    int fd = tcp_connect(server.port);
    cr_assert(fd != -1 && echoes(fd, 10, 10), "a client is served");
    return fd;
}

/* With a cap of 3 and 3 silent clients, new ones are refused (closed at
 * once, said once) until a silent one leaves. Without a timeout, the
 * silent ones hold their places for as long as they like. */
Test(faults, max_connections_refuses_the_rest_and_says_once,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *args[] = {"--max-connections", "3", NULL};
    start(ECHO, NULL, "TIME_SCALE=0.05", args);
    int silent[3];
    for (int i = 0; i < 3; i++)
        silent[i] = connected_client();
    for (int i = 0; i < 2; i++) {
        int fd = tcp_connect(server.port);
        cr_assert(closed_by_server(fd, 5), "a fourth client is refused");
        close(fd);
    }
    close(silent[0]);
    /* The server learns of the close when it reads the EOF: until then a
     * new client may still be refused. Counted, not timed. */
    bool served = false;
    for (int tries = 0; !served && tries < 100; tries++) {
        int fd = tcp_connect(server.port);
        served = fd != -1 && echoes(fd, 10, 10);
        close(fd);
    }
    cr_assert(served, "a place freed by a client is taken by the next one");
    close(silent[1]);
    close(silent[2]);
    expect_no_fd_leak("--max-connections 3");
    expect_clean_stop_saying("--max-connections", "(none)");
}

/* With --idle-timeout, silent clients are closed once silent that long,
 * never before (a lower bound holds on any machine), and their places go
 * to new clients: idle clients no longer lock new ones out. */
Test(faults, idle_timeout_frees_the_places_silent_clients_hold,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const double timeout = 0.5;
    const char *args[] = {"--max-connections", "3", "--idle-timeout", "0.5",
                          NULL};
    start(ECHO, NULL, "TIME_SCALE=0.05", args);
    int silent[3];
    double last_word[3];
    for (int i = 0; i < 3; i++) {
        last_word[i] = now(); /* before the server can start counting */
        silent[i] = connected_client();
    }
    int refused = tcp_connect(server.port);
    cr_assert(closed_by_server(refused, 5), "a fourth client is refused");
    close(refused);
    for (int i = 0; i < 3; i++) {
        cr_assert(closed_by_server(silent[i], timeout + 5),
                  "silent client %d is closed by the idle timeout", i);
        double silent_for = now() - last_word[i];
        cr_assert(silent_for >= timeout,
                  "silent client %d closed after %.3f s, before the %.1f s "
                  "timeout",
                  i, silent_for, timeout);
        close(silent[i]);
    }
    expect_served(3000, "a new client, once the silent ones are gone");
    expect_no_fd_leak("--idle-timeout");
    expect_clean_stop_saying("--max-connections", "(none)");
}

/* --- the proactor: errors that arrive in completions ----------------------
 *
 * On the proactor the kernel does the IO, so no system call of the server
 * fails: the error comes in a completion entry, out of libfaults.so's
 * reach. A build with -DPROACTOR_FAULTS (make check's faults and ASan
 * builds) turns chosen completions into chosen errors, named by
 * PROACTOR_FAULTS (08-event-loop/loop/proactor_faults.h). Under ASan,
 * LeakSanitizer at the server's exit checks that the error paths free
 * what they hold: the server must still exit 0. */

/* The program says "no io_uring proactor here" when loop_new falls back to
 * the readiness loop (an old kernel, a seccomp filter): ask event_loop,
 * which gives up at once on a port where nothing listens. */
static bool proactor_here(void)
{
    int port;
    int held = hold_port(&port, false);
    char port_env[32];
    snprintf(port_env, sizeof port_env, "PORT=%d", port);
    const char *env[] = {"ASYNCIO_LOOP=proactor", port_env, NULL};
    const char *argv[] = {bin("08-event-loop/event_loop"), NULL};
    Run run = run_program(argv, env, 30);
    bool here = !strstr(run.err, "no io_uring proactor here");
    if (!here)
        note_skipped("proactor faults: %s", run.err);
    run_free(&run);
    close(held);
    return here;
}

/* echo_server --loop proactor, with PROACTOR_FAULTS=faults. */
static void start_on_proactor(const char *faults)
{
#ifndef PROACTOR_FAULTS
    cr_skip_test("built without -DPROACTOR_FAULTS (make check's faults and "
                 "asan builds have it): PROACTOR_FAULTS=%s cannot be injected",
                 faults);
#endif
    if (access(bin(ECHO), X_OK) != 0 || !proactor_here())
        cr_skip_test("no echo_server on io_uring here");
    static char faults_env[256];
    snprintf(faults_env, sizeof faults_env, "PROACTOR_FAULTS=%s", faults);
    const char *env[] = {faults_env, "TIME_SCALE=0.05", NULL};
    const char *args[] = {"--loop", "proactor", NULL};
    start_with(ECHO, env, args);
}

/* Receives complete one at a time here, each client waiting for its
 * echo: the 1st is the bystander's, the 2nd the victim's first message,
 * the 3rd its second, which fails. The victim is closed; the bystander,
 * connected all along, and a new client are served. */
Test(proactor_faults, a_receive_error_closes_only_that_connection,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *fault = "recv:3=ECONNRESET";
    start_on_proactor(fault);
    int bystander = connected_client();
    int victim = connected_client();
    cr_assert_eq(echo_of(victim, 100, 10), CLOSED,
                 "%s: the connection whose receive failed is closed", fault);
    close(victim);
    cr_assert(echoes(bystander, 3000, 10),
              "%s: the other connection is still served", fault);
    close(bystander);
    expect_served(3000, "a new client after the receive error");
    expect_no_fd_leak(fault);
    expect_clean_stop_saying(NULL, fault);
}

/* The 2nd send fails after the kernel sent its bytes: the client gets its
 * echo, then sees the connection closed; the others are served. */
Test(proactor_faults, a_send_error_closes_that_connection, .fini = stop_server,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *fault = "send:2=EPIPE";
    start_on_proactor(fault);
    int bystander = connected_client();
    int victim = connected_client();
    cr_assert(closed_by_server(victim, 10),
              "%s: the connection whose send failed is closed", fault);
    close(victim);
    cr_assert(echoes(bystander, 3000, 10),
              "%s: the other connection is still served", fault);
    close(bystander);
    expect_served(3000, "a new client after the send error");
    expect_no_fd_leak(fault);
    expect_clean_stop_saying(NULL, fault);
}

/* The 2nd accept's completion says EMFILE. The kernel had accepted that
 * client: the proactor closes its descriptor, so that client is closed
 * (with a real EMFILE it would wait in the backlog). The server says once
 * that it is out of descriptors, pauses, and serves the next client. */
Test(proactor_faults, accept_out_of_descriptors_is_said_once_and_recovers,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *fault = "accept:2=EMFILE";
    start_on_proactor(fault);
    expect_served(100, "the first client");
    int refused = tcp_connect(server.port);
    cr_assert(closed_by_server(refused, 10),
              "%s: the client whose accept failed is closed", fault);
    close(refused);
    expect_served(3000, "the client after the accept error");
    expect_no_fd_leak(fault);
    expect_clean_stop_saying(strerror(EMFILE), fault);
}

/* A storm: every receive from the 2nd on fails, over 20 clients at once.
 * The first client's message is echoed; every other client is closed,
 * none sees wrong bytes or hangs, and the server stops cleanly with
 * nothing left open. */
Test(proactor_faults, a_storm_of_receive_errors_leaves_nothing_behind,
     .fini = stop_server, .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *fault = "recv:2+=ECONNRESET";
    start_on_proactor(fault);
    int clients[20];
    for (int i = 0; i < 20; i++) {
        clients[i] = tcp_connect(server.port);
        cr_assert(clients[i] != -1, "client %d cannot connect", i);
    }
    for (int i = 0; i < 20; i++) {
        Echoed e = echo_of(clients[i], 100, 10);
        cr_assert_eq(e, i == 0 ? ECHOED : CLOSED, "%s: client %d: %s", fault, i,
                     e == WRONG_OR_LATE ? "wrong bytes, or no answer"
                     : e == ECHOED      ? "echoed, its receive did not fail"
                                        : "closed");
        close(clients[i]);
    }
    expect_no_fd_leak(fault);
    expect_clean_stop_saying(NULL, fault);
}

/* A connect's completion says ECONNREFUSED: event_loop, a client on the
 * proactor, stops with its one-line error, exit 1, and does not hang on
 * the clients still in flight. */
Test(proactor_faults, a_connect_error_is_one_line_and_exit_1,
     .init = start_demo_server, .fini = stop_demo_server,
     .timeout = 60 * BUILD_SLOWDOWN)
{
    const char *fault = "connect:2=ECONNREFUSED";
#ifndef PROACTOR_FAULTS
    cr_skip_test("built without -DPROACTOR_FAULTS: %s cannot be injected",
                 fault);
#endif
    if (!proactor_here())
        cr_skip_test("no io_uring here");
    const char *env[] = {"ASYNCIO_LOOP=proactor",
                         "PROACTOR_FAULTS=connect:2=ECONNREFUSED", NULL};
    const char *argv[] = {bin("08-event-loop/event_loop"), NULL};
    Run run = run_program(argv, env, 30);
    cr_assert(run.status == 1 && strstr(run.err, strerror(ECONNREFUSED)) &&
                  count_in(run.err, "\n") == 1,
              "%s: exit status %d (expected 1), stderr (expected one line "
              "saying \"%s\"):\n%s",
              fault, run.status, strerror(ECONNREFUSED), run.err);
    run_free(&run);
}
