/*
 * selector_poll.c - the portable backend: poll(2) over an array of every
 * watched descriptor. Each wait hands the kernel the whole array and then
 * scans it for the few that are ready: O(descriptors), not O(ready). With
 * 10,000 idle connections beside 100 busy ones, every message pays for the
 * 10,000. It works everywhere, and unlike select() it has no FD_SETSIZE.
 */
#include "selector_poll.h"
#include "memory.h"

#include <poll.h>
#include <stdlib.h>

/* What poll needs that epoll and kqueue keep in the kernel: the pollfd
 * array, and where each descriptor sits in it. */
typedef struct {
    Selector base;
    struct pollfd *pollfds;
    int npollfds, pollfds_cap;
    int *slot_of_fd; /* index in pollfds, or -1; indexed by descriptor */
    int slots_cap;
} PollSelector;

static Selector *poll_open(void)
{
    PollSelector *p = reallocate(NULL, 1, sizeof *p);
    *p = (PollSelector){.base.ops = &selector_poll};
    return &p->base;
}

static void poll_close(Selector *s)
{
    PollSelector *p = (PollSelector *)s;
    reallocate(p->pollfds, 0, 0);
    reallocate(p->slot_of_fd, 0, 0);
    reallocate(p, 0, 0);
}

static void grow_slots(PollSelector *p, int fd)
{
    int cap = p->slots_cap;
    while (cap <= fd)
        cap = GROW_CAPACITY(cap, 64);
    p->slot_of_fd = reallocate(p->slot_of_fd, (size_t)cap, sizeof(int));
    for (int i = p->slots_cap; i < cap; i++)
        p->slot_of_fd[i] = -1;
    p->slots_cap = cap;
}

static void add_pollfd(PollSelector *p, int fd)
{
    if (p->npollfds == p->pollfds_cap) {
        p->pollfds_cap = GROW_CAPACITY(p->pollfds_cap, 64);
        p->pollfds =
            reallocate(p->pollfds, (size_t)p->pollfds_cap, sizeof *p->pollfds);
    }
    p->slot_of_fd[fd] = p->npollfds;
    p->pollfds[p->npollfds++] = (struct pollfd){.fd = fd};
}

/* Unwatching moves the last entry into the hole: O(1), order is free. */
static void remove_pollfd(PollSelector *p, int fd)
{
    int slot = p->slot_of_fd[fd];
    struct pollfd last = p->pollfds[--p->npollfds];
    p->pollfds[slot] = last;
    p->slot_of_fd[last.fd] = slot;
    p->slot_of_fd[fd] = -1;
}

static int poll_watch(Selector *s, int fd, int old_events, int events)
{
    PollSelector *p = (PollSelector *)s;
    (void)old_events;
    if (fd >= p->slots_cap)
        grow_slots(p, fd);
    if (p->slot_of_fd[fd] == -1) {
        if (events == 0)
            return 0;
        add_pollfd(p, fd);
    } else if (events == 0) {
        remove_pollfd(p, fd);
        return 0;
    }
    p->pollfds[p->slot_of_fd[fd]].events =
        (short)(((events & SELECT_READ) ? POLLIN : 0) |
                ((events & SELECT_WRITE) ? POLLOUT : 0));
    return 0;
}

static int poll_wait(Selector *s, int timeout_ms, SelectorEvent *out)
{
    PollSelector *p = (PollSelector *)s;
    int n = poll(p->pollfds, (nfds_t)p->npollfds, timeout_ms);
    if (n <= 0)
        return n;
    int count = 0;
    for (int i = 0; i < p->npollfds && count < SELECTOR_MAX_EVENTS && n > 0;
         i++) {
        short r = p->pollfds[i].revents;
        if (r == 0)
            continue;
        n--;
        /* A hang-up or an error is "readable" (recv will say which) and
         * "writable" (send will fail), as selectors.py reports it. */
        int events = 0;
        if (r & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
            events |= SELECT_READ;
        if (r & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
            events |= SELECT_WRITE;
        out[count++] = (SelectorEvent){p->pollfds[i].fd, events};
    }
    return count;
}

const SelectorOps selector_poll = {"poll", poll_open, poll_close, poll_watch,
                                   poll_wait};
