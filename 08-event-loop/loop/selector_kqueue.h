/*
 * selector_kqueue.h - kqueue(2), macOS and the BSDs only: HAVE_KQUEUE says
 * it is there.
 */
#ifndef LOOP_SELECTOR_KQUEUE_H
#define LOOP_SELECTOR_KQUEUE_H

#include "selector.h"

#if defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) ||      \
    defined(__NetBSD__) || defined(__DragonFly__)
#define HAVE_KQUEUE 1
extern const SelectorOps selector_kqueue;
#endif

#endif
