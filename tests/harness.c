/*
 * harness.c - running programs, comparing traces and handling servers for
 * the Criterion tests. See harness.h.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#ifndef BIN_DIR
#define BIN_DIR "."
#endif

double slowdown(void)
{
    const char *forced = getenv("TEST_SLOWDOWN");
    if (forced && atof(forced) >= 1)
        return atof(forced);
    return BUILD_SLOWDOWN;
}

double scaled(double seconds)
{
    return seconds * slowdown();
}

const char *bin(const char *relative)
{
    static char path[4][1024];
    static int next;
    char *slot = path[next++ % 4];
    snprintf(slot, sizeof path[0], "%s/%s", BIN_DIR, relative);
    return slot;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A growing string that a pipe is read into. */
typedef struct {
    char *data;
    size_t len, cap;
} Buffer;

static void buffer_read(Buffer *b, int fd, bool *open)
{
    if (b->cap - b->len < 4096) {
        b->cap = b->cap * 2 + 8192;
        b->data = realloc(b->data, b->cap);
        cr_assert(b->data, "out of memory");
    }
    ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
    if (n > 0)
        b->len += (size_t)n;
    else if (n == 0 || errno != EINTR)
        *open = false;
    b->data[b->len] = '\0';
}

static int decode_status(int raw)
{
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

static pid_t spawn(const char *const argv[], const char *const env[],
                   int out[2], int err[2])
{
    cr_assert(pipe(out) == 0 && pipe(err) == 0, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    cr_assert(pid != -1, "fork: %s", strerror(errno));
    if (pid == 0) {
#ifdef __linux__
        /* If the test process dies, its servers die with it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        /* A slower build's clients wait longer before they give up
         * (talk.h's patience()); env may say otherwise. */
        char factor[32];
        snprintf(factor, sizeof factor, "%g", slowdown());
        setenv("SLOWDOWN", factor, 1);
        for (int i = 0; env && env[i]; i++) {
            char name[128];
            size_t len = strcspn(env[i], "=");
            snprintf(name, sizeof name, "%.*s", (int)len, env[i]);
            setenv(name, env[i][len] ? env[i] + len + 1 : "", 1);
        }
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    return pid;
}

Run run_program(const char *const argv[], const char *const env[],
                double timeout)
{
    int out[2], err[2];
    pid_t pid = spawn(argv, env, out, err);
    Buffer bo = {0}, be = {0};
    bool out_open = true, err_open = true, timedout = false;
    double deadline = now() + scaled(timeout);
    while (out_open || err_open) {
        struct pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0},
                                {err_open ? err[0] : -1, POLLIN, 0}};
        int wait_ms = (int)((deadline - now()) * 1000);
        if (wait_ms <= 0 || poll(fds, 2, wait_ms) == 0) {
            timedout = true;
            kill(pid, SIGKILL);
            break;
        }
        if (fds[0].revents)
            buffer_read(&bo, out[0], &out_open);
        if (fds[1].revents)
            buffer_read(&be, err[0], &err_open);
    }
    close(out[0]);
    close(err[0]);
    int raw = 0;
    while (waitpid(pid, &raw, 0) == -1 && errno == EINTR)
        continue;
    return (Run){.out = bo.data ? bo.data : strdup(""),
                 .err = be.data ? be.data : strdup(""),
                 .status = decode_status(raw),
                 .timedout = timedout};
}

void run_free(Run *run)
{
    free(run->out);
    free(run->err);
    run->out = run->err = NULL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Does text start with H:MM:SS.ffffff (any number of hour digits)? */
static size_t time_length(const char *text)
{
    size_t i = 0;
    while (is_digit(text[i]))
        i++;
    if (i == 0)
        return 0;
    const char *shape = ":dd:dd.dddddd";
    for (size_t k = 0; shape[k]; k++, i++) {
        bool ok = shape[k] == 'd' ? is_digit(text[i]) : text[i] == shape[k];
        if (!ok)
            return 0;
    }
    return i;
}

char *mask_times(const char *text)
{
    char *masked = malloc(strlen(text) + 1);
    cr_assert(masked, "out of memory");
    char *w = masked;
    for (const char *r = text; *r;) {
        size_t n = (r == text || !is_digit(r[-1])) ? time_length(r) : 0;
        if (n) {
            *w++ = 'T';
            r += n;
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return masked;
}

/* Copies line number `index` (from 1) of text into out; false past the end. */
static bool nth_line(const char *text, int index, char *out, size_t size)
{
    for (int i = 1; i < index; i++) {
        text = strchr(text, '\n');
        if (!text)
            return false;
        text++;
    }
    if (!*text)
        return false;
    size_t len = strcspn(text, "\n");
    snprintf(out, size, "%.*s", (int)len, text);
    return true;
}

char *mask_numbers(const char *text)
{
    char *masked = malloc(strlen(text) + 1);
    cr_assert(masked, "out of memory");
    char *w = masked;
    for (const char *r = text; *r;) {
        if (*r >= '0' && *r <= '9') {
            while ((*r >= '0' && *r <= '9') ||
                   (*r == '.' && r[1] >= '0' && r[1] <= '9'))
                r++;
            *w++ = 'N';
        } else {
            *w++ = *r++;
        }
    }
    *w = '\0';
    return masked;
}

void expect_trace(const char *actual, const char *expected)
{
    char a[1024], e[1024];
    for (int line = 1;; line++) {
        bool has_a = nth_line(actual, line, a, sizeof a);
        bool has_e = nth_line(expected, line, e, sizeof e);
        if (!has_a && !has_e)
            return;
        cr_assert(has_a && has_e && strcmp(a, e) == 0,
                  "trace differs at line %d:\n  expected: \"%s\"\n  "
                  "actual:   \"%s\"\n--- whole output ---\n%s",
                  line, has_e ? e : "(end of trace)",
                  has_a ? a : "(end of output)", actual);
    }
}

void expect_trace_polling(const char *actual, const char *expected)
{
    size_t cap = strlen(actual) + strlen(expected) + 1;
    char *built = calloc(1, cap), *w = built;
    const char *a = actual;
    for (const char *e = expected; *e;) {
        size_t elen = strcspn(e, "\n");
        int talk = 0, used = 0;
        if (sscanf(e, "@%d %n", &talk, &used) == 1 && used > 0) {
            const char *line = e + used;
            size_t len = elen - (size_t)used;
            int seen = 0;
            while (strncmp(a, line, len) == 0 && a[len] == '\n') {
                a += len + 1;
                seen++;
            }
            cr_assert(seen >= talk - 1 && seen <= talk + 1,
                      "\"%.*s\": %d times, the talk has %d (+-1)\n%s", (int)len,
                      line, seen, talk, actual);
            for (int i = 0; i < seen; i++)
                w += sprintf(w, "%.*s\n", (int)len, line);
        } else {
            w += sprintf(w, "%.*s\n", (int)elen, e);
            size_t alen = strcspn(a, "\n");
            a += alen + (a[alen] == '\n');
        }
        e += elen + (e[elen] == '\n');
    }
    expect_trace(actual, built);
    free(built);
}

int count_lines(const char *text, const char *line)
{
    int count = 0;
    size_t len = strlen(line);
    for (const char *p = text; p && *p;) {
        if (strncmp(p, line, len) == 0 && (p[len] == '\n' || !p[len]))
            count++;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return count;
}

Server server_start(const char *const argv[], const char *const env[])
{
    const char *with_port[64] = {"PORT=0"};
    for (int i = 0; env && env[i] && i < 62; i++)
        with_port[i + 1] = env[i];
    int out[2], err[2];
    Server s = {.pid = spawn(argv, with_port, out, err), .port = -1};
    close(out[0]); /* servers print nothing on stdout that the tests read */
    s.err_fd = err[0];
    char seen[4096] = "";
    size_t len = 0;
    double deadline = now() + scaled(10);
    while (s.port < 0 && now() < deadline && len < sizeof seen - 1) {
        struct pollfd p = {s.err_fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n =
            read(s.err_fd, seen + len, 1); /* no further than the line */
        if (n <= 0)
            break;
        seen[++len] = '\0';
        const char *at = strstr(seen, "listening on 127.0.0.1:");
        if (at && strchr(at, '\n'))
            s.port = atoi(at + strlen("listening on 127.0.0.1:"));
    }
    /* The last bytes before "listening" are what a server said of itself
     * (its fallback line); a longer stderr is cut at the front. */
    size_t keep = len < sizeof s.said ? len : sizeof s.said - 1;
    memcpy(s.said, seen + len - keep, keep);
    s.said[keep] = '\0';
    if (s.port <= 0) {
        server_stop(&s);
        cr_assert_fail(
            "%s did not say \"listening on 127.0.0.1:N\"; it said: %s", argv[0],
            seen);
    }
    return s;
}

int server_stop_by(Server *s, int signo)
{
    if (s->pid <= 0)
        return -1;
    if (signo)
        kill(s->pid, signo);
    int raw = 0;
    double deadline = now() + scaled(3);
    pid_t done;
    while ((done = waitpid(s->pid, &raw, WNOHANG)) == 0 && now() < deadline)
        nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    if (done == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &raw, 0);
    }
    s->pid = 0;
    if (s->err_fd > 0)
        close(s->err_fd);
    s->err_fd = -1;
    return decode_status(raw);
}

int server_stop(Server *s)
{
    return server_stop_by(s, SIGTERM);
}

void raise_our_fd_limit(long wanted)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == -1 ||
        limit.rlim_cur >= (rlim_t)wanted)
        return;
    limit.rlim_cur =
        limit.rlim_max < (rlim_t)wanted ? limit.rlim_max : (rlim_t)wanted;
#ifdef __APPLE__
    if (limit.rlim_cur > 10240) /* OPEN_MAX: macOS refuses more */
        limit.rlim_cur = 10240;
#endif
    setrlimit(RLIMIT_NOFILE, &limit); /* best effort: tests say what failed */
}

void note_skipped(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("[SKIP] ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

const char *port_env(const Server *s)
{
    static char text[32];
    snprintf(text, sizeof text, "PORT=%d", s->port);
    return text;
}

int tcp_connect(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1)
        return -1;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

int hold_port(int *port, bool listening)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof addr;
    cr_assert(fd != -1 && bind(fd, (struct sockaddr *)&addr, size) == 0 &&
                  (!listening || listen(fd, 64) == 0) &&
                  getsockname(fd, (struct sockaddr *)&addr, &size) == 0,
              "hold_port: %s", strerror(errno));
    *port = ntohs(addr.sin_port);
    return fd;
}

int count_fds(pid_t pid)
{
#ifndef __linux__
    (void)pid;
    return -1; /* /proc is Linux's; the callers say they skipped the check */
#else
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    int count = 0;
    for (struct dirent *e; (e = readdir(dir));)
        count += e->d_name[0] != '.';
    closedir(dir);
    return count;
#endif
}

Server demo_server;

void start_demo_server(void)
{
    const char *argv[] = {bin("03-blocking-io/server"), NULL};
    const char *env[] = {"TIME_SCALE=0.05", NULL};
    demo_server = server_start(argv, env);
    /* For the stage functions a test calls directly, not through a run. */
    setenv("PORT", port_env(&demo_server) + strlen("PORT="), 1);
    setenv("TIME_SCALE", "0.05", 1);
}

void stop_demo_server(void)
{
    server_stop(&demo_server);
}
