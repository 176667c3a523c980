/*
 * talk.h - what every stage shares with the notebook's first cell (In [1]):
 * the Timer that prefixes each trace line with the time since it started,
 * and the knobs every program reads from the environment:
 *
 *   TIME_SCALE  multiplies every wait (0.05 runs the talk 20x faster)
 *   PORT        the demo server's port on 127.0.0.1 (default 8080)
 *   RUNS        how many repetitions a measurement takes
 *   SLOWDOWN    how many times slower this build runs (make check sets it
 *               for sanitizers and valgrind): clients wait that much longer
 *   INVOKED_AS  what the user typed ("make 04"), set by the Makefile: error
 *               messages start with it instead of the program's name
 *
 * This file and talk.c are identical in every stage, so `make diff-NN`
 * never shows them: a diff between two stages is only what the new stage
 * teaches.
 */
#ifndef TALK_H
#define TALK_H

#include <netinet/in.h>
#include <stddef.h>

/* 127.0.0.1. POSIX.1-2008's <netinet/in.h> does not name it, so macOS
 * hides INADDR_LOOPBACK in POSIX mode (-D_POSIX_C_SOURCE). */
#ifndef INADDR_LOOPBACK
#define INADDR_LOOPBACK 0x7f000001
#endif

/* Call first in main: names the program in error messages, makes stdout
 * line-buffered (traces stay in order through pipes and forks), and checks
 * TIME_SCALE and PORT so a typo fails at once with a hint. */
void talk_init(char **argv);

/* Python: class Timer. prefix may be NULL (no "[prefix]" printed). */
typedef struct {
    double start; /* monotonic seconds when the timer was created */
    const char *prefix;
} Timer;

Timer timer_start(const char *prefix);

/* Python: t.log(message). Prints "[prefix][0:00:02.001454] message". */
void timer_log(const Timer *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Formats seconds as Python's timedelta does: H:MM:SS.ffffff. */
void format_delta(char *buf, size_t size, double seconds);

/* Seconds on CLOCK_MONOTONIC: never jumps when the wall clock is set. */
double monotonic_now(void);

/* TIME_SCALE from the environment (default 1); exits with a hint if invalid. */
double time_scale(void);

/* Python: time.sleep(seconds), scaled by TIME_SCALE; resumes after EINTR. */
void sleep_scaled(double seconds);

/* PORT from the environment (default 8080; 0 lets the kernel choose). */
int env_port(void);

/* A whole number from the environment, or fallback when unset. */
long env_long(const char *name, long fallback, long min, long max);

/* Prints "program: what: strerror(errno) (hint)" on one line, exits 1. */
_Noreturn void die(const char *what, const char *hint);

/* The environment variables of every client of the demo server, for the
 * end of its --help text. */
#define CLIENT_ENVIRONMENT                                                     \
    "environment:\n"                                                           \
    "  PORT=N        the demo server's port on 127.0.0.1 (default 8080)\n"     \
    "  TIME_SCALE=x  multiply every wait by x (default 1; 0.1: 10x faster)\n"  \
    "  SLOWDOWN=x    a slower build (sanitizers): give up x times later\n"     \
    "  INVOKED_AS    the command to name in error messages (make sets it)\n"

/* --help: prints usage (the program's options and environment variables)
 * on stdout and exits 0. Every program calls it first thing in main. */
void help_if_asked(int argc, char **argv, const char *usage);

/* A wrong argument: says which and why on one line, exits 2. */
_Noreturn void bad_argument(const char *argument, const char *why);

/* For a program that takes no argument but --help. */
void take_no_arguments(int argc, char **argv, const char *usage);

/* SLOWDOWN from the environment: how many times slower this build runs
 * (default 1, at least 1). */
double env_slowdown(void);

/* How long a client waits for the demo server's answer before it gives
 * up: five times the server's 2 s delay, scaled by TIME_SCALE and
 * SLOWDOWN, and never under a second (times SLOWDOWN). */
double patience(void);

/* The demo server's answer did not come within patience(): says so on one
 * line, with what to try, and exits 1. */
_Noreturn void give_up(void);

/* Gives up (above) if patience() has passed since asked_at, the
 * monotonic_now() when the question was sent: a polling loop's check. */
void give_up_if_late(double asked_at);

/* Python: socket.socket(); s.connect(('127.0.0.1', PORT)). Blocking; a
 * blocking recv() on it fails with EAGAIN after patience(). */
int connect_to_server(void);

#endif
