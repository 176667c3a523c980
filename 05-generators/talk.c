/*
 * talk.c - the Timer, TIME_SCALE, PORT and error helpers of talk.h.
 * Identical in every stage.
 */
#include "talk.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *program = "asyncio-in-c";
static char program_dir[256]; /* argv[0]'s folder, as typed; "" if none */

/* What the user typed: "make 04" when the Makefile ran us, else our name. */
static const char *program_name(void)
{
    const char *invoked_as = getenv("INVOKED_AS");
    return invoked_as && *invoked_as ? invoked_as : program;
}

void talk_init(char **argv)
{
    const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;
    program = slash ? slash + 1 : (argv[0] ? argv[0] : program);
    if (slash)
        snprintf(program_dir, sizeof program_dir, "%.*s",
                 (int)(slash - argv[0]), argv[0]);
    /* One line at a time, even into a pipe: traces interleave correctly
     * with child processes and with stderr, as in a terminal. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    time_scale(); /* a bad TIME_SCALE or PORT stops us now, not mid-trace */
    env_port();
}

_Noreturn void die(const char *what, const char *hint)
{
    const char *reason = errno ? strerror(errno) : NULL;
    fprintf(stderr, "%s: %s%s%s%s%s%s\n", program_name(), what,
            reason ? ": " : "", reason ? reason : "", hint ? " (hint: " : "",
            hint ? hint : "", hint ? ")" : "");
    exit(1);
}

void help_if_asked(int argc, char **argv, const char *usage)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
}

_Noreturn void bad_argument(const char *argument, const char *why)
{
    fprintf(stderr, "%s: %s: %s (hint: %s --help)\n", program_name(), argument,
            why, program);
    exit(2);
}

void take_no_arguments(int argc, char **argv, const char *usage)
{
    help_if_asked(argc, argv, usage);
    if (argc > 1)
        bad_argument(argv[1], "this program takes no argument");
}

double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Timer timer_start(const char *prefix)
{
    return (Timer){.start = monotonic_now(), .prefix = prefix};
}

void format_delta(char *buf, size_t size, double seconds)
{
    long long micros = seconds > 0 ? (long long)(seconds * 1e6 + 0.5) : 0;
    long long secs = micros / 1000000;
    snprintf(buf, size, "%lld:%02lld:%02lld.%06lld", secs / 3600,
             secs / 60 % 60, secs % 60, micros % 1000000);
}

void timer_log(const Timer *t, const char *fmt, ...)
{
    char delta[32];
    format_delta(delta, sizeof delta, monotonic_now() - t->start);
    if (t->prefix)
        printf("[%s]", t->prefix);
    printf("[%s] ", delta);
    va_list args;
    va_start(args, fmt);
    vprintf(fmt, args);
    va_end(args);
    putchar('\n');
}

/* Reads a number from the environment; exits with a hint when it is not one. */
static double env_double(const char *name, double fallback, double min,
                         double max)
{
    const char *text = getenv(name);
    if (!text || !*text)
        return fallback;
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || *end || !(value >= min && value <= max)) {
        fprintf(stderr,
                "%s: %s=%s is not a number from %g to %g (hint: try "
                "%s=%g, or unset it)\n",
                program_name(), name, text, min, max, name, fallback);
        exit(2);
    }
    return value;
}

double time_scale(void)
{
    return env_double("TIME_SCALE", 1.0, 0.0, 1000.0);
}

long env_long(const char *name, long fallback, long min, long max)
{
    double value = env_double(name, (double)fallback, (double)min, (double)max);
    if (value != (double)(long)value) {
        fprintf(stderr, "%s: %s must be a whole number (hint: try %s=%ld)\n",
                program_name(), name, name, fallback);
        exit(2);
    }
    return (long)value;
}

int env_port(void)
{
    return (int)env_long("PORT", 8080, 0, 65535);
}

/* The command that starts the demo server from where the user is: `make
 * server` works in the top folder and in every stage's (its Makefile hands
 * the work up); from elsewhere, make -C the program's folder. */
static const char *make_server(void)
{
    static char command[300];
    int saved = errno; /* die() is about to report it */
    bool here = access("Makefile", F_OK) == 0 || !program_dir[0];
    errno = saved;
    if (here)
        return "make server";
    snprintf(command, sizeof command, "make -C %s server", program_dir);
    return command;
}

double env_slowdown(void)
{
    return env_double("SLOWDOWN", 1.0, 1.0, 1000.0);
}

double patience(void)
{
    double wait = 5 * 2.0 * time_scale();
    return (wait > 1 ? wait : 1) * env_slowdown();
}

_Noreturn void give_up(void)
{
    char what[96], hint[480];
    snprintf(what, sizeof what, "no answer from 127.0.0.1:%d within %.1f s",
             env_port(), patience());
    snprintf(hint, sizeof hint,
             "is that the demo server, at TIME_SCALE=%g? start one with "
             "`TIME_SCALE=%g %s` in another terminal",
             time_scale(), time_scale(), make_server());
    errno = 0;
    die(what, hint);
}

void give_up_if_late(double asked_at)
{
    if (monotonic_now() - asked_at > patience())
        give_up();
}

void sleep_scaled(double seconds)
{
    double total = seconds * time_scale();
    struct timespec left = {.tv_sec = (time_t)total,
                            .tv_nsec =
                                (long)((total - (double)(time_t)total) * 1e9)};
    while (nanosleep(&left, &left) == -1 && errno == EINTR)
        continue;
}

int connect_to_server(void)
{
    int port = env_port();
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1)
        die("socket", "too many open files? check ulimit -n");
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        char what[64], hint[400];
        snprintf(what, sizeof what, "cannot connect to 127.0.0.1:%d", port);
        snprintf(hint, sizeof hint,
                 "is the demo server running? start it in another terminal "
                 "with `%s`, or set PORT",
                 make_server());
        die(what, hint);
    }
    /* A server that never answers must not keep a blocking recv() forever. */
    double wait = patience();
    struct timeval timeout = {
        .tv_sec = (time_t)wait,
        .tv_usec = (suseconds_t)((wait - (double)(time_t)wait) * 1e6)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
}
