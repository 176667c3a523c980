/*
 * talk.h - what every stage shares with the notebook's first cell (In [1]):
 * the Timer that prefixes each trace line with the time since it started,
 * and the knobs every program reads from the environment:
 *
 *   TIME_SCALE  multiplies every wait (0.05 runs the talk 20x faster)
 *   PORT        the demo server's port on 127.0.0.1 (default 8080)
 *   RUNS        how many repetitions a measurement takes
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

/* Python: socket.socket(); s.connect(('127.0.0.1', PORT)). Blocking. */
int connect_to_server(void);

#endif
