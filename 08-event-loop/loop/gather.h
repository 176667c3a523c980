/*
 * gather.h - asyncio.gather(*futures): one future for many.
 */
#ifndef LOOP_GATHER_H
#define LOOP_GATHER_H

#include "future.h"

/* A future whose result is the array results[] in argument order. The
 * first child to fail (or be cancelled) in time fails it with its error;
 * cancelling it cancels the children, and it fails with ECANCELED once
 * one of them has finished cancelling. Until a child is done, its slot of
 * results[] points back at the Gather (its done callback's argument). The
 * Gather must live until it is done; it then leaves no callback behind on
 * a child. */
typedef struct {
    Future outer; /* first: the Gather's cancel() is the outer's */
    Future **children;
    void **results;
    int *errors; /* return_exceptions: each child's error; else NULL */
    int n, ndone;
    bool cancel_requested; /* Python: _GatheringFuture._cancel_requested */
} Gather;
Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results);

/* Python: gather(*futures, return_exceptions=True): waits for every child,
 * whatever it did; then results[i] is child i's result (NULL if it failed)
 * and errors[i] its error: 0, an errno, or ECANCELED if it was cancelled.
 * The outer future fails only by being cancelled itself. */
Future *gather_return_exceptions(Gather *g, Loop *loop, Future **children,
                                 int n, void **results, int *errors);

#endif
