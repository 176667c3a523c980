/*
 * selector_epoll.c - the Linux backend. The kernel keeps the watched set
 * (epoll_ctl changes it, one descriptor at a time) and epoll_wait returns
 * only the descriptors that are ready: a wait costs O(ready events), however
 * many idle connections are registered. That is what lets one thread hold
 * 10,000 connections. Level-triggered, as Python's EpollSelector.
 */
#ifdef __linux__
#include "selector.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

static int epoll_open(Selector *s)
{
    s->kernel_fd = epoll_create1(EPOLL_CLOEXEC);
    s->kernel_events = NULL;
    s->kernel_events_cap = 0;
    return s->kernel_fd == -1 ? -1 : 0;
}

static void epoll_close(Selector *s)
{
    close(s->kernel_fd);
    free(s->kernel_events);
    s->kernel_events = NULL;
}

static int epoll_watch(Selector *s, int fd, int old_events, int events)
{
    struct epoll_event ev = {
        .events = ((events & SELECT_READ) ? EPOLLIN : 0u) |
                  ((events & SELECT_WRITE) ? EPOLLOUT : 0u),
        .data.fd = fd,
    };
    int op = old_events == 0 ? EPOLL_CTL_ADD
             : events == 0   ? EPOLL_CTL_DEL
                             : EPOLL_CTL_MOD;
    return epoll_ctl(s->kernel_fd, op, fd, &ev);
}

static int epoll_wait_events(Selector *s, int timeout_ms, SelectorEvent *out,
                             int max)
{
    if (s->kernel_events_cap < max) {
        void *grown =
            realloc(s->kernel_events, (size_t)max * sizeof(struct epoll_event));
        if (!grown)
            return -1;
        s->kernel_events = grown;
        s->kernel_events_cap = max;
    }
    struct epoll_event *ev = s->kernel_events;
    int n = epoll_wait(s->kernel_fd, ev, max, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint32_t e = ev[i].events;
        /* A hang-up or an error wakes both sides: recv or send says which. */
        out[i].fd = ev[i].data.fd;
        out[i].events =
            ((e & (EPOLLIN | EPOLLHUP | EPOLLERR)) ? SELECT_READ : 0) |
            ((e & (EPOLLOUT | EPOLLHUP | EPOLLERR)) ? SELECT_WRITE : 0);
    }
    return n;
}

const SelectorOps selector_epoll = {"epoll", epoll_open, epoll_close,
                                    epoll_watch, epoll_wait_events};
#else
typedef int epoll_is_linux_only; /* an empty file is not valid C11 */
#endif
