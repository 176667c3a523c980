/*
 * selector.h - "which of these descriptors can I read or write now?", asked
 * of the kernel through one small interface with three backends, as
 * Python's selectors module does (DefaultSelector):
 *
 *   epoll   Linux            O(ready events) per wait
 *   kqueue  macOS and BSD    O(ready events) per wait
 *   poll    everywhere       O(registered descriptors) per wait
 *
 * The default is chosen at build time (epoll on Linux, kqueue on macOS/BSD,
 * poll elsewhere); poll is always compiled in, and ASYNCIO_SELECTOR=poll
 * picks it at run time, so the tests and the benchmark can compare them.
 * select() is not offered: its fd_set is a bitmap of FD_SETSIZE (1024)
 * bits, so a descriptor numbered 1024 or more cannot even be asked about.
 */
#ifndef SELECTOR_H
#define SELECTOR_H

enum {
    SELECT_READ = 1,
    SELECT_WRITE = 2
}; /* Python: EVENT_READ, EVENT_WRITE */

typedef struct {
    int fd;
    int events; /* SELECT_READ | SELECT_WRITE */
} SelectorEvent;

typedef struct Selector Selector;
struct pollfd;

/* What a backend provides: four functions, called through this table. */
typedef struct {
    const char *name;
    int (*open)(Selector *s);
    void (*close)(Selector *s);
    /* Python: register/modify/unregister in one: the kernel watches fd for
     * `events` from now on (0: stop watching). Returns 0 or -1 with errno. */
    int (*watch)(Selector *s, int fd, int old_events, int events);
    /* Python: select(timeout). Waits up to timeout_ms (-1: no limit) and
     * fills out[] with at most max events; returns their count, or -1 with
     * errno (EINTR included: the caller decides). */
    int (*wait)(Selector *s, int timeout_ms, SelectorEvent *out, int max);
} SelectorOps;

struct Selector {
    const SelectorOps *ops;
    int kernel_fd;       /* epoll or kqueue descriptor; -1 for poll */
    void *kernel_events; /* epoll and kqueue: what their wait fills in */
    int kernel_events_cap;
    /* poll's own state: the pollfd array and where each fd sits in it. */
    struct pollfd *pollfds;
    int npollfds, pollfds_cap;
    int *slot_of_fd; /* index in pollfds, or -1; grown on demand */
    int slots_cap;
};

extern const SelectorOps selector_poll;
#ifdef __linux__
extern const SelectorOps selector_epoll;
#endif
#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||      \
    defined(__NetBSD__) || defined(__DragonFly__)
#define HAVE_KQUEUE 1
extern const SelectorOps selector_kqueue;
#endif

/* The backend named name ("epoll", "kqueue", "poll"), or when name is NULL
 * or empty the build's default. NULL if this build has no such backend. */
const SelectorOps *selector_by_name(const char *name);

#endif
