/*
 * selector_poll.c - the portable backend: poll(2) over an array of every
 * watched descriptor. Each wait hands the kernel the whole array and then
 * scans it for the few that are ready: O(descriptors), not O(ready). With
 * 10,000 idle connections beside 100 busy ones, every message pays for the
 * 10,000. It works everywhere, and unlike select() it has no FD_SETSIZE.
 */
#include "selector.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

static int poll_open(Selector *s)
{
    s->kernel_fd = -1;
    s->pollfds = NULL;
    s->npollfds = s->pollfds_cap = s->slots_cap = 0;
    s->slot_of_fd = NULL;
    return 0;
}

static void poll_close(Selector *s)
{
    free(s->pollfds);
    free(s->slot_of_fd);
    s->pollfds = NULL;
    s->slot_of_fd = NULL;
}

static int grow_slots(Selector *s, int fd)
{
    int cap = s->slots_cap ? s->slots_cap : 64;
    while (cap <= fd)
        cap *= 2;
    int *slots = realloc(s->slot_of_fd, (size_t)cap * sizeof *slots);
    if (!slots)
        return -1;
    for (int i = s->slots_cap; i < cap; i++)
        slots[i] = -1;
    s->slot_of_fd = slots;
    s->slots_cap = cap;
    return 0;
}

static int add_pollfd(Selector *s, int fd)
{
    if (s->npollfds == s->pollfds_cap) {
        int cap = s->pollfds_cap ? s->pollfds_cap * 2 : 64;
        struct pollfd *p = realloc(s->pollfds, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        s->pollfds = p;
        s->pollfds_cap = cap;
    }
    s->slot_of_fd[fd] = s->npollfds;
    s->pollfds[s->npollfds++] = (struct pollfd){.fd = fd};
    return 0;
}

/* Unwatching moves the last entry into the hole: O(1), order is free. */
static void remove_pollfd(Selector *s, int fd)
{
    int slot = s->slot_of_fd[fd];
    struct pollfd last = s->pollfds[--s->npollfds];
    s->pollfds[slot] = last;
    s->slot_of_fd[last.fd] = slot;
    s->slot_of_fd[fd] = -1;
}

static int poll_watch(Selector *s, int fd, int old_events, int events)
{
    (void)old_events;
    if (fd >= s->slots_cap && grow_slots(s, fd) == -1)
        return -1;
    if (s->slot_of_fd[fd] == -1) {
        if (events == 0)
            return 0;
        if (add_pollfd(s, fd) == -1)
            return -1;
    } else if (events == 0) {
        remove_pollfd(s, fd);
        return 0;
    }
    s->pollfds[s->slot_of_fd[fd]].events =
        (short)(((events & SELECT_READ) ? POLLIN : 0) |
                ((events & SELECT_WRITE) ? POLLOUT : 0));
    return 0;
}

static int poll_wait(Selector *s, int timeout_ms, SelectorEvent *out, int max)
{
    int n = poll(s->pollfds, (nfds_t)s->npollfds, timeout_ms);
    if (n <= 0)
        return n;
    int count = 0;
    for (int i = 0; i < s->npollfds && count < max && n > 0; i++) {
        short r = s->pollfds[i].revents;
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
        out[count++] = (SelectorEvent){s->pollfds[i].fd, events};
    }
    return count;
}

const SelectorOps selector_poll = {"poll", poll_open, poll_close, poll_watch,
                                   poll_wait};

const SelectorOps *selector_by_name(const char *name)
{
    if (!name || !*name) {
#if defined(__linux__)
        return &selector_epoll;
#elif defined(HAVE_KQUEUE)
        return &selector_kqueue;
#else
        return &selector_poll;
#endif
    }
    if (strcmp(name, "poll") == 0)
        return &selector_poll;
#ifdef __linux__
    if (strcmp(name, "epoll") == 0)
        return &selector_epoll;
#endif
#ifdef HAVE_KQUEUE
    if (strcmp(name, "kqueue") == 0)
        return &selector_kqueue;
#endif
    return NULL;
}
