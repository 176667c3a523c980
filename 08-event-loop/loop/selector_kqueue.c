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
#include "selector_kqueue.h"

#ifdef HAVE_KQUEUE
#include "memory.h"

#include <fcntl.h>
#include <sys/event.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

typedef struct {
    Selector base;
    int kq;
    struct kevent ready[SELECTOR_MAX_EVENTS]; /* what a wait fills */
} KqueueSelector;

static Selector *kqueue_open(void)
{
    int kq = kqueue();
    if (kq == -1)
        return NULL;
    fcntl(kq, F_SETFD, FD_CLOEXEC);
    KqueueSelector *k = reallocate(NULL, 1, sizeof *k);
    k->base.ops = &selector_kqueue;
    k->kq = kq;
    return &k->base;
}

static void kqueue_close(Selector *s)
{
    KqueueSelector *k = (KqueueSelector *)s;
    close(k->kq);
    reallocate(k, 0, 0);
}

static int kqueue_watch(Selector *s, int fd, int old_events, int events)
{
    KqueueSelector *k = (KqueueSelector *)s;
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
    return kevent(k->kq, changes, n, NULL, 0, NULL) == -1 ? -1 : 0;
}

static int kqueue_wait(Selector *s, int timeout_ms, SelectorEvent *out)
{
    KqueueSelector *k = (KqueueSelector *)s;
    struct timespec ts = {timeout_ms / 1000,
                          (long)(timeout_ms % 1000) * 1000000L};
    int n = kevent(k->kq, NULL, 0, k->ready, SELECTOR_MAX_EVENTS,
                   timeout_ms < 0 ? NULL : &ts);
    for (int i = 0; i < n; i++) {
        out[i].fd = (int)k->ready[i].ident;
        /* EV_EOF or EV_ERROR: let recv or send find out which. */
        out[i].events =
            k->ready[i].filter == EVFILT_WRITE ? SELECT_WRITE : SELECT_READ;
    }
    return n;
}

const SelectorOps selector_kqueue = {"kqueue", kqueue_open, kqueue_close,
                                     kqueue_watch, kqueue_wait};
#else
typedef int kqueue_is_bsd_only; /* an empty file is not valid C11 */
#endif
