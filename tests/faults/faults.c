/*
 * faults.c - a fault injector: an LD_PRELOAD library that makes one system
 * call fail when the environment says so, the way a real network, a full
 * descriptor table or a busy kernel sometimes does. Linux (glibc) only.
 *
 *   FAULT=CALL:ERROR:WHEN   e.g.   FAULT=accept:ENETUNREACH:2
 *
 * CALL   accept (accept and accept4), recv, send, poll, epoll_wait, malloc,
 *        pthread_create, fork
 * ERROR  an errno name (EINTR, EMFILE, ...), or SHORT for recv and send:
 *        the call goes through, but moves at most one byte
 * WHEN   N     the Nth call only (the first is 1)
 *        N-M   the Nth to the Mth
 *        N+    the Nth and every one after
 *        %P/S  each call with probability P (0..1), drawn from seed S: the
 *              same calls fail in every run that makes the same calls
 *        N%P/S the same from the Nth call on (a program's start spared)
 *
 * Calls are counted per CALL, across threads; accept counts only the calls
 * that find a connection waiting. Nothing is wall-clock based.
 * malloc (with calloc and realloc, counted together) returns NULL (errno
 * ENOMEM) whatever ERROR says; pthread_create
 * returns ERROR, as it does not set errno. Without FAULT, or with a FAULT
 * naming another call, every call goes straight through.
 */
#define _GNU_SOURCE /* RTLD_NEXT, accept4 */
#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

/* The real calls: glibc's own names for malloc (dlsym itself allocates, so
 * looking malloc up through it would recurse), RTLD_NEXT for the rest. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);

typedef enum { NEVER, ONLY, RANGE, FROM, RANDOM } When;

static struct {
    char call[32];
    int error; /* 0: SHORT */
    When when;
    unsigned long first, last;
    double probability;
    uint64_t seed;
} fault;
static atomic_ulong calls;

static const struct {
    const char *name;
    int value;
} ERRORS[] = {
    {"EINTR", EINTR},
    {"EAGAIN", EAGAIN},
    {"ENETDOWN", ENETDOWN},
    {"EPROTO", EPROTO},
    {"ENOPROTOOPT", ENOPROTOOPT},
    {"EHOSTDOWN", EHOSTDOWN},
    {"ENONET", ENONET},
    {"EHOSTUNREACH", EHOSTUNREACH},
    {"EOPNOTSUPP", EOPNOTSUPP},
    {"ENETUNREACH", ENETUNREACH},
    {"ECONNABORTED", ECONNABORTED},
    {"EMFILE", EMFILE},
    {"ENFILE", ENFILE},
    {"ENOBUFS", ENOBUFS},
    {"ENOMEM", ENOMEM},
    {"EBADF", EBADF},
    {"EINVAL", EINVAL},
    {"ENOTSOCK", ENOTSOCK},
    {"ECONNRESET", ECONNRESET},
    {"SHORT", 0},
};

static void bad_spec(const char *spec)
{
    fprintf(stderr,
            "faults: cannot read FAULT=%s (hint: CALL:ERROR:WHEN, e.g. "
            "accept:ENETUNREACH:2, recv:SHORT:1+, send:EINTR:%%0.5/7)\n",
            spec);
    _exit(2);
}

static void parse_when(const char *when, const char *spec)
{
    char *end;
    unsigned long first = strtoul(when, &end, 10);
    if (*end == '%') {
        fault.when = RANDOM;
        fault.first = end == when ? 1 : first;
        fault.probability = strtod(end + 1, &end);
        if (*end != '/')
            bad_spec(spec);
        fault.seed = strtoull(end + 1, &end, 10);
    } else {
        fault.first = fault.last = strtoul(when, &end, 10);
        fault.when = ONLY;
        if (*end == '+') {
            fault.when = FROM;
            end++;
        } else if (*end == '-') {
            fault.when = RANGE;
            fault.last = strtoul(end + 1, &end, 10);
        }
        if (end == when || fault.first == 0)
            bad_spec(spec);
    }
    if (*end)
        bad_spec(spec);
}

__attribute__((constructor)) static void read_fault(void)
{
    const char *spec = getenv("FAULT");
    if (!spec || !*spec)
        return;
    char error[32];
    const char *when = NULL;
    if (sscanf(spec, "%31[^:]:%31[^:]:", fault.call, error) != 2 ||
        !(when = strchr(strchr(spec, ':') + 1, ':')))
        bad_spec(spec);
    size_t i = 0, n = sizeof ERRORS / sizeof ERRORS[0];
    while (i < n && strcmp(ERRORS[i].name, error) != 0)
        i++;
    if (i == n)
        bad_spec(spec);
    fault.error = ERRORS[i].value;
    parse_when(when + 1, spec);
}

/* splitmix64: one well-mixed number per (seed, call number). */
static double uniform(uint64_t seed, uint64_t n)
{
    uint64_t z = seed + n * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0; /* 2^53 */
}

/* Counts a call to `call`; true when this one must fail. */
static bool must_fail(const char *call)
{
    if (fault.when == NEVER || strcmp(fault.call, call) != 0)
        return false;
    unsigned long n = atomic_fetch_add(&calls, 1) + 1;
    switch (fault.when) {
    case ONLY:
        return n == fault.first;
    case RANGE:
        return n >= fault.first && n <= fault.last;
    case FROM:
        return n >= fault.first;
    case RANDOM:
        return n >= fault.first && uniform(fault.seed, n) < fault.probability;
    default:
        return false;
    }
}

static void *real(const char *name)
{
    void *fn = dlsym(RTLD_NEXT, name);
    if (!fn) {
        fprintf(stderr, "faults: no %s to wrap\n", name);
        _exit(2);
    }
    return fn;
}

/* Looks the real call up on first use (dlsym(3)'s way to fill a function
 * pointer: ISO C has no cast from void * to one). */
#define FIND(next, name)                                                       \
    do {                                                                       \
        if (!next)                                                             \
            *(void **)&next = real(name);                                      \
    } while (0)

/* Fails with fault.error, or (SHORT) lets the call move one byte. */
#define FAIL_OR_SHORTEN(size)                                                  \
    do {                                                                       \
        if (fault.error) {                                                     \
            errno = fault.error;                                               \
            return -1;                                                         \
        }                                                                      \
        if (size > 1)                                                          \
            size = 1;                                                          \
    } while (0)

/* An accept is counted only when a connection is waiting (the real poll
 * says the listener is readable): a call that finds none goes through
 * uncounted, so "the 2nd accept" is the one that meets the 2nd client,
 * however often the server looked before it came. A counted call that
 * fails leaves the connection queued, as EMFILE does. */
static bool accept_must_fail(int listener)
{
    static int (*real_poll)(struct pollfd *, nfds_t, int);
    if (fault.when == NEVER || strcmp(fault.call, "accept") != 0)
        return false;
    FIND(real_poll, "poll");
    struct pollfd p = {listener, POLLIN, 0};
    return real_poll(&p, 1, 0) == 1 && must_fail("accept") && fault.error;
}

/* __SOCKADDR_ARG: glibc declares accept with a transparent union. */
int accept(int fd, __SOCKADDR_ARG addr, socklen_t *len)
{
    static int (*next)(int, __SOCKADDR_ARG, socklen_t *);
    if (accept_must_fail(fd)) {
        errno = fault.error;
        return -1;
    }
    FIND(next, "accept");
    return next(fd, addr, len);
}

int accept4(int fd, __SOCKADDR_ARG addr, socklen_t *len, int flags)
{
    static int (*next)(int, __SOCKADDR_ARG, socklen_t *, int);
    if (accept_must_fail(fd)) {
        errno = fault.error;
        return -1;
    }
    FIND(next, "accept4");
    return next(fd, addr, len, flags);
}

ssize_t recv(int fd, void *buf, size_t size, int flags)
{
    static ssize_t (*next)(int, void *, size_t, int);
    if (must_fail("recv"))
        FAIL_OR_SHORTEN(size);
    FIND(next, "recv");
    return next(fd, buf, size, flags);
}

ssize_t send(int fd, const void *buf, size_t size, int flags)
{
    static ssize_t (*next)(int, const void *, size_t, int);
    if (must_fail("send"))
        FAIL_OR_SHORTEN(size);
    FIND(next, "send");
    return next(fd, buf, size, flags);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    static int (*next)(struct pollfd *, nfds_t, int);
    if (must_fail("poll") && fault.error) {
        errno = fault.error;
        return -1;
    }
    FIND(next, "poll");
    return next(fds, nfds, timeout);
}

int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout)
{
    static int (*next)(int, struct epoll_event *, int, int);
    if (must_fail("epoll_wait") && fault.error) {
        errno = fault.error;
        return -1;
    }
    FIND(next, "epoll_wait");
    return next(epfd, events, max, timeout);
}

/* malloc, calloc and realloc count as one call: "malloc". */
void *malloc(size_t size)
{
    if (must_fail("malloc")) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size)
{
    if (must_fail("malloc")) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size)
{
    if (size > 0 && must_fail("malloc")) {
        errno = ENOMEM;
        return NULL;
    }
    return __libc_realloc(pointer, size);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr,
                   void *(*start)(void *), void *arg)
{
    static int (*next)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                       void *);
    if (must_fail("pthread_create"))
        return fault.error ? fault.error : EAGAIN;
    FIND(next, "pthread_create");
    return next(thread, attr, start, arg);
}

pid_t fork(void)
{
    static pid_t (*next)(void);
    if (must_fail("fork")) {
        errno = fault.error ? fault.error : EAGAIN;
        return -1;
    }
    FIND(next, "fork");
    return next();
}
