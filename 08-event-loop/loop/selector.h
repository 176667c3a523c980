/*
 * selector.h - "which of these descriptors can I read or write now?", asked
 * of the kernel through one small interface with three backends, as
 * Python's selectors module does (DefaultSelector):
 *
 *   epoll   Linux            O(ready events) per wait   selector_epoll.c
 *   kqueue  macOS and BSD    O(ready events) per wait   selector_kqueue.c
 *   poll    everywhere       O(registered) per wait     selector_poll.c
 *
 * The default is chosen at build time (epoll on Linux, kqueue on macOS/BSD,
 * poll elsewhere); poll is always compiled in, and ASYNCIO_SELECTOR=poll
 * picks it at run time, so the tests and the benchmark can compare them.
 * select() is not offered: its fd_set is a bitmap of FD_SETSIZE (1024)
 * bits, so a descriptor numbered 1024 or more cannot even be asked about.
 */
#ifndef LOOP_SELECTOR_H
#define LOOP_SELECTOR_H

enum {
    SELECT_READ = 1,
    SELECT_WRITE = 2
}; /* Python: EVENT_READ, EVENT_WRITE */

/* The most events one wait reports; the rest wait for the next one. */
enum { SELECTOR_MAX_EVENTS = 1024 };

typedef struct {
    int fd;
    int events; /* SELECT_READ | SELECT_WRITE */
} SelectorEvent;

typedef struct SelectorOps SelectorOps;

/* Python: a selectors.BaseSelector. Each backend's own state struct starts
 * with one (an EpollSelector * is a Selector *), so the loop holds any of
 * them through this pointer and knows none of their fields. */
typedef struct {
    const SelectorOps *ops;
} Selector;

/* What a backend provides: four functions, called through this table. */
struct SelectorOps {
    const char *name;
    /* A new selector, or NULL with errno (say EMFILE). */
    Selector *(*open)(void);
    void (*close)(Selector *s);
    /* Python: register/modify/unregister in one: the kernel watches fd for
     * `events` from now on (0: stop watching). Returns 0 or -1 with errno. */
    int (*watch)(Selector *s, int fd, int old_events, int events);
    /* Python: select(timeout). Waits up to timeout_ms (-1: no limit) and
     * fills out[] with at most SELECTOR_MAX_EVENTS events; returns their
     * count, or -1 with errno (EINTR included: the caller decides). */
    int (*wait)(Selector *s, int timeout_ms, SelectorEvent *out);
};

/* The backend named name ("epoll", "kqueue", "poll"), or when name is NULL
 * or empty the build's default. NULL if this build has no such backend. */
const SelectorOps *selector_by_name(const char *name);

#endif
