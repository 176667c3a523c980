/*
 * harness.h - what the tests share: run a stage program and capture what it
 * prints, mask the times in a trace, compare a trace line by line, and start
 * and stop a server on a free port (always by its PID).
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

/* 127.0.0.1. POSIX.1-2008's <netinet/in.h> does not name it, so macOS
 * hides INADDR_LOOPBACK in POSIX mode (-D_POSIX_C_SOURCE). */
#ifndef INADDR_LOOPBACK
#define INADDR_LOOPBACK 0x7f000001
#endif

/* What a finished program printed, and how it ended. */
typedef struct {
    char *out;     /* everything on stdout */
    char *err;     /* everything on stderr */
    int status;    /* exit status, or 128 + signal number */
    bool timedout; /* killed because it ran past its time */
} Run;

/* How many times slower than the plain build a sanitized build runs, as
 * a constant (Criterion's .timeout must be one): the suite's slowest steps
 * (fork, thread start, a crowd of connections) take 2-4 times longer under
 * ASan+UBSan and up to 10 times under TSan. gcc names the sanitizers with
 * __SANITIZE_*__, clang with __has_feature. */
#if defined(__SANITIZE_THREAD__)
#define BUILD_SLOWDOWN 10
#elif defined(__SANITIZE_ADDRESS__)
#define BUILD_SLOWDOWN 4
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BUILD_SLOWDOWN 10
#elif __has_feature(address_sanitizer)
#define BUILD_SLOWDOWN 4
#endif
#endif
#ifndef BUILD_SLOWDOWN
#define BUILD_SLOWDOWN 1
#endif

/* How many times slower than the plain build this test's programs run:
 * BUILD_SLOWDOWN, or TEST_SLOWDOWN from the environment, which wins (make
 * check sets it where a plain test drives sanitized servers). Every wait
 * and every upper bound on a time is multiplied by it, so a bound written
 * for the plain build holds there. Criterion's .timeout, a hang's last
 * stop, is written N * BUILD_SLOWDOWN. */
double slowdown(void);

/* seconds * slowdown(). */
double scaled(double seconds);

/* A path to a built program: bin("04-select/select"). Honours make's O=. */
const char *bin(const char *relative);

/* Runs argv with extra "NAME=value" environment entries (NULL-terminated,
 * may be NULL), for at most scaled(timeout) seconds: the timeout only
 * stops a program that hangs. Free with run_free(). */
Run run_program(const char *const argv[], const char *const env[],
                double timeout);
void run_free(Run *run);

/* Replaces every H:MM:SS.ffffff time with "T", so traces compare. */
char *mask_times(const char *text);

/* Replaces every number (digits, with a decimal point or not) with "N":
 * pids, times and counts change from run to run, the words around them
 * must not. Free the result. */
char *mask_numbers(const char *text);

/* Asserts that actual equals expected line by line, whitespace included;
 * a failure names the first line that differs. */
void expect_trace(const char *actual, const char *expected);

/* The same, where an expected line written "@N line" stands for N copies
 * of line, give or take one: a polling line that lands on a tick boundary
 * (a 2 s delay is exactly four 0.5 s ticks) may be printed once more or
 * once less than in the talk. */
void expect_trace_polling(const char *actual, const char *expected);

/* Counts the lines of text that equal line exactly. */
int count_lines(const char *text, const char *line);

/* A server started on a port the kernel chose. */
typedef struct {
    pid_t pid;
    int port;
    int err_fd;      /* read end of its stderr */
    char said[1024]; /* its stderr up to its "listening on" line */
} Server;

/* Starts argv with PORT=0 (plus env) and waits for its "listening on
 * 127.0.0.1:N" line. Asserts on failure. */
Server server_start(const char *const argv[], const char *const env[]);

/* SIGTERM, then SIGKILL after scaled(3) s; returns the exit status (as
 * Run.status).
 * Safe to call twice, and on a server that never started. */
int server_stop(Server *server);
/* The same with another signal, or none (0) when the test sent it already:
 * a second signal could land while the server exits and kill it. */
int server_stop_by(Server *server, int signo);

/* The stage-03 demo server at TIME_SCALE=0.05 (it answers after 0.1 s),
 * for the stages that are its clients: a suite's or a test's .init and
 * .fini. Starting it also sets PORT and TIME_SCALE in the test's own
 * environment, for the stage functions a test calls directly. */
extern Server demo_server;
void start_demo_server(void);
void stop_demo_server(void);

/* Raises this process's soft descriptor limit to `wanted`, or as far as
 * the hard limit (and, on macOS, OPEN_MAX: 10,240) allow. Servers started
 * afterwards inherit it. */
void raise_our_fd_limit(long wanted);

/* Says on stderr which check could not run here, and why ("[SKIP] ...").
 * Not cr_log_warn: Criterion exits non-zero on any warning. */
void note_skipped(const char *fmt, ...);

/* "PORT=N" for the server, in a static buffer. */
const char *port_env(const Server *server);

/* A blocking TCP connection to 127.0.0.1:port, or -1. */
int tcp_connect(int port);

/* A socket on 127.0.0.1 on a port the kernel chose (set in *port): with
 * listening true, a program that is not the demo server, which lets
 * clients connect (the kernel's backlog) and never says a word; with
 * listening false, a port where nothing listens (connect() is refused)
 * and that no one else can take while the socket is open. Close it. */
int hold_port(int *port, bool listening);

/* Open descriptors of a process (Linux: /proc/PID/fd), or -1 elsewhere. */
int count_fds(pid_t pid);

#endif
