/*
 * selector_epoll.c - the Linux backend. The kernel keeps the watched set
 * (epoll_ctl changes it, one descriptor at a time) and epoll_wait returns
 * only the descriptors that are ready: a wait costs O(ready events), however
 * many idle connections are registered. That is what lets one thread hold
 * 10,000 connections. Level-triggered, as Python's EpollSelector.
 */
#include "selector_epoll.h"

#ifdef HAVE_EPOLL
#include "memory.h"

#include <sys/epoll.h>
#include <unistd.h>

typedef struct {
    Selector base;
    int epfd;
    struct epoll_event ready[SELECTOR_MAX_EVENTS]; /* what a wait fills */
} EpollSelector;

static Selector *epoll_open(void)
{
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd == -1)
        return NULL;
    EpollSelector *e = reallocate(NULL, 1, sizeof *e);
    e->base.ops = &selector_epoll;
    e->epfd = epfd;
    return &e->base;
}

static void epoll_close(Selector *s)
{
    EpollSelector *e = (EpollSelector *)s;
    close(e->epfd);
    reallocate(e, 0, 0);
}

static int epoll_watch(Selector *s, int fd, int old_events, int events)
{
    EpollSelector *e = (EpollSelector *)s;
    struct epoll_event ev = {
        .events = ((events & SELECT_READ) ? EPOLLIN : 0u) |
                  ((events & SELECT_WRITE) ? EPOLLOUT : 0u),
        .data.fd = fd,
    };
    int op = old_events == 0 ? EPOLL_CTL_ADD
             : events == 0   ? EPOLL_CTL_DEL
                             : EPOLL_CTL_MOD;
    return epoll_ctl(e->epfd, op, fd, &ev);
}

static int epoll_wait_events(Selector *s, int timeout_ms, SelectorEvent *out)
{
    EpollSelector *e = (EpollSelector *)s;
    int n = epoll_wait(e->epfd, e->ready, SELECTOR_MAX_EVENTS, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint32_t r = e->ready[i].events;
        /* A hang-up or an error wakes both sides: recv or send says which. */
        out[i].fd = e->ready[i].data.fd;
        out[i].events =
            ((r & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? SELECT_READ : 0) |
            ((r & (EPOLLOUT | EPOLLHUP | EPOLLERR)) ? SELECT_WRITE : 0);
    }
    return n;
}

const SelectorOps selector_epoll = {"epoll", epoll_open, epoll_close,
                                    epoll_watch, epoll_wait_events};
#else
typedef int epoll_is_linux_only; /* an empty file is not valid C11 */
#endif
