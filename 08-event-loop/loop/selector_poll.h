/*
 * selector_poll.h - poll(2), the backend every POSIX system has.
 */
#ifndef LOOP_SELECTOR_POLL_H
#define LOOP_SELECTOR_POLL_H

#include "selector.h"

extern const SelectorOps selector_poll;

#endif
