/*
 * bench.h - what the benchmark programs share: a nanosecond clock, medians,
 * a fatal-error helper, raising the fd limit, and reading another process's
 * CPU time and peak memory (Linux /proc; elsewhere "unknown", said so).
 *
 * Bench-only code: the stages never include it.
 */
#ifndef BENCH_H
#define BENCH_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* 127.0.0.1. POSIX.1-2008's <netinet/in.h> does not name it, so macOS
 * hides INADDR_LOOPBACK in POSIX mode (-D_POSIX_C_SOURCE). */
#ifndef INADDR_LOOPBACK
#define INADDR_LOOPBACK 0x7f000001
#endif

/* Nanoseconds on CLOCK_MONOTONIC. */
uint64_t now_ns(void);

/* Median of n values (sorts them in place). 0 when n is 0. */
double median(double *values, size_t n);

/* Sleeps ms milliseconds (nanosleep: usleep is not POSIX.1-2008). */
void sleep_ms(long ms);

/* "program: what: strerror(errno)" on stderr, exit 1 (errno 0: no reason). */
_Noreturn void fail(const char *what);

/* Raises the soft RLIMIT_NOFILE to the hard limit (macOS: to OPEN_MAX,
 * 10,240, at most); returns the new soft limit (a server holding 10,000
 * connections needs more than 1,024). */
long bench_raise_fd_limit(void);

/* Listens on 127.0.0.1:port (0: any), backlog SOMAXCONN; returns the fd and
 * prints "listening on 127.0.0.1:N" on stderr, as every server here does. */
int listen_local(int port);

/* PORT from the environment, or --port N in argv (which wins). */
int port_from(int argc, char **argv);

/* CPU seconds (user + system) a process has used so far, children that are
 * still alive included when with_children: a process-per-connection server
 * spends its time in its children. -1 where it cannot be known. */
double process_cpu_seconds(pid_t pid, int with_children);

/* The same, split: seconds in user space and in the kernel (utime and stime
 * of /proc/PID/stat, every thread of the process, no children). Both are
 * counted in clock ticks (10 ms), so the split is as sharp as the window is
 * long. -1 (and both -1) where it cannot be known. */
int process_cpu_split(pid_t pid, double *user, double *kernel);

/* Peak resident memory of a process in KiB: VmHWM from /proc/PID/status.
 * With children alive, the sum of Pss (each shared page divided among its
 * sharers, so the sum is the real footprint) over the process and them.
 * -1 where it cannot be known. *nprocs receives how many were counted. */
long process_peak_kb(pid_t pid, int *nprocs);

/* A field of /proc/self/status (or of pid) in KiB, e.g. "VmRSS"; -1. */
long status_kb(pid_t pid, const char *field);

#endif
