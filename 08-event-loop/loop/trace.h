/*
 * trace.h - TRACE=1: the loop's timeline on stderr, one line per
 * iteration and one column per task, drawn from the loop's hook (loop.h):
 * neither the loop, nor a Future, nor a Task keeps anything for it.
 */
#ifndef LOOP_TRACE_H
#define LOOP_TRACE_H

#include "../talk.h"
#include "loop.h"

#include <stdbool.h>

/* If TRACE is set (and not 0): prints the legend, draws every iteration of
 * loop from now on, and a summary of its tasks when it closes. Every line
 * counts time from clock's start (NULL: from now), so the program's own
 * lines, timed by the same Timer, share one clock with the trace. Returns
 * whether it is drawing. */
bool trace_from_env(Loop *loop, const Timer *clock);

#endif
