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
    int n, ndone;
    bool cancel_requested; /* Python: _GatheringFuture._cancel_requested */
} Gather;
Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results);

#endif
