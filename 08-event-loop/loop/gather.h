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
    int n, ndone;
} Gather;
Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results);

#endif
