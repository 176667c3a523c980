/*
 * selector.c - Python's DefaultSelector: which backend a name stands for,
 * and which one this build uses when none is named.
 */
#include "selector.h"
#include "proactor.h"
#include "selector_epoll.h"
#include "selector_kqueue.h"
#include "selector_poll.h"

#include <string.h>

const SelectorOps *selector_by_name(const char *name)
{
    if (!name || !*name) {
#if defined(HAVE_EPOLL)
        return &selector_epoll;
#elif defined(HAVE_KQUEUE)
        return &selector_kqueue;
#else
        return &selector_poll;
#endif
    }
    if (strcmp(name, "poll") == 0)
        return &selector_poll;
#ifdef HAVE_EPOLL
    if (strcmp(name, "epoll") == 0)
        return &selector_epoll;
#endif
#ifdef HAVE_KQUEUE
    if (strcmp(name, "kqueue") == 0)
        return &selector_kqueue;
#endif
#ifdef HAVE_PROACTOR
    if (strcmp(name, "io_uring") == 0)
        return &selector_uring; /* the proactor, in a selector's place */
#endif
    return NULL;
}
