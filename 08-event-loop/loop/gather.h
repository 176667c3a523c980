/*
 * gather.h - asyncio.gather(*futures): one future for many.
 */
#ifndef LOOP_GATHER_H
#define LOOP_GATHER_H

#include "future.h"

/* A future whose result is the array results[] in argument order. The
 * first error fails it; cancelling it cancels the children. The Gather
 * must outlive the children. */
typedef struct {
    Future outer;
    Future **children;
    void **results;
    int *errors; /* return_exceptions: each child's error; else NULL */
    int n, ndone;
} Gather;
Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results);

/* Python: gather(*futures, return_exceptions=True): waits for every child,
 * whatever it did; then results[i] is child i's result (NULL if it failed)
 * and errors[i] its error: 0, an errno, or ECANCELED if it was cancelled.
 * The outer future fails only by being cancelled itself. */
Future *gather_return_exceptions(Gather *g, Loop *loop, Future **children,
                                 int n, void **results, int *errors);

#endif
