/*
 * selector_epoll.h - epoll(7), Linux only: HAVE_EPOLL says it is there.
 */
#ifndef LOOP_SELECTOR_EPOLL_H
#define LOOP_SELECTOR_EPOLL_H

#include "selector.h"

#ifdef __linux__
#define HAVE_EPOLL 1
extern const SelectorOps selector_epoll;
#endif

#endif
