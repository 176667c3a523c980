/*
 * selector_kqueue.c - the macOS and BSD backend. Like epoll, the kernel
 * keeps the watched set and kevent() returns only what is ready: O(ready
 * events) per wait. Unlike epoll, reading and writing are two separate
 * filters (EVFILT_READ, EVFILT_WRITE), each added or deleted on its own,
 * and one ready descriptor can come back as two events.
 */
#ifdef __APPLE__
#define _DARWIN_C_SOURCE /* sys/event.h uses BSD types POSIX mode hides */
#endif
#include "selector.h"

#ifdef HAVE_KQUEUE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

static int kqueue_open(Selector *s)
{
    s->kernel_fd = kqueue();
    s->kernel_events = NULL;
    s->kernel_events_cap = 0;
    if (s->kernel_fd != -1)
        fcntl(s->kernel_fd, F_SETFD, FD_CLOEXEC);
    return s->kernel_fd == -1 ? -1 : 0;
}

static void kqueue_close(Selector *s)
{
    close(s->kernel_fd);
    free(s->kernel_events);
    s->kernel_events = NULL;
}

static int kqueue_watch(Selector *s, int fd, int old_events, int events)
{
    struct kevent changes[2];
    int n = 0;
    int added = events & ~old_events, removed = old_events & ~events;
    if (added & SELECT_READ)
        EV_SET(&changes[n++], fd, EVFILT_READ, EV_ADD, 0, 0, NULL);
    if (removed & SELECT_READ)
        EV_SET(&changes[n++], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    if (added & SELECT_WRITE)
        EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_ADD, 0, 0, NULL);
    if (removed & SELECT_WRITE)
        EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
    if (n == 0)
        return 0;
    return kevent(s->kernel_fd, changes, n, NULL, 0, NULL) == -1 ? -1 : 0;
}

static int kqueue_wait(Selector *s, int timeout_ms, SelectorEvent *out, int max)
{
    if (s->kernel_events_cap < max) {
        void *grown =
            realloc(s->kernel_events, (size_t)max * sizeof(struct kevent));
        if (!grown)
            return -1;
        s->kernel_events = grown;
        s->kernel_events_cap = max;
    }
    struct kevent *ev = s->kernel_events;
    struct timespec ts = {timeout_ms / 1000,
                          (long)(timeout_ms % 1000) * 1000000L};
    int n = kevent(s->kernel_fd, NULL, 0, ev, max, timeout_ms < 0 ? NULL : &ts);
    for (int i = 0; i < n; i++) {
        out[i].fd = (int)ev[i].ident;
        /* EV_EOF or EV_ERROR: let recv or send find out which. */
        out[i].events =
            ev[i].filter == EVFILT_WRITE ? SELECT_WRITE : SELECT_READ;
    }
    return n;
}

const SelectorOps selector_kqueue = {"kqueue", kqueue_open, kqueue_close,
                                     kqueue_watch, kqueue_wait};
#else
typedef int kqueue_is_bsd_only; /* an empty file is not valid C11 */
#endif
