/*
 * gather.c - asyncio.gather: a done callback on every child counts them
 * in; the outer future completes with the last one, or fails with the
 * first one to fail (with return_exceptions, each error is a result).
 * Each callback looks only at its own child, so n children cost O(n) in
 * all, not a scan of every child per completion.
 */
#include "gather.h"

#include <errno.h>

/* The outer future is done early: the children still running keep
 * running (asyncio does not cancel them), but call us back no more. */
static void detach_pending_children(Gather *g, void (*callback)(void *))
{
    for (int i = 0; i < g->n; i++)
        if (!future_done(g->children[i])) {
            future_remove_done_callback(g->children[i], callback,
                                        &g->results[i]);
            g->results[i] = NULL;
        }
}

/* Python: gather's _done_callback(fut). Its argument is the child's slot
 * in results[], which holds the Gather until the child's result lands. */
static void gather_child_done(void *slot)
{
    void **result = slot;
    Gather *g = *result;
    Future *child = g->children[result - g->results];
    g->ndone++;
    if (future_done(&g->outer))
        return;
    if (child->error) { /* failed or cancelled: the first in time wins */
        future_set_exception(&g->outer, child->error);
        detach_pending_children(g, gather_child_done);
        return;
    }
    if (g->ndone < g->n)
        return;
    for (int i = 0; i < g->n; i++) /* argument order, not finishing order */
        g->results[i] = g->children[i]->result;
    if (g->cancel_requested) /* cancelled, but every child returned */
        future_set_exception(&g->outer, ECANCELED);
    else
        future_set_result(&g->outer, g->results);
}

/* Python: _GatheringFuture.cancel: cancel the children, not the outer
 * future; the outer fails when a child has finished cancelling, so
 * whoever awaits the gather resumes after the children cleaned up. */
static bool gather_cancel(Future *outer)
{
    Gather *g = (Gather *)outer;
    if (future_done(outer))
        return false;
    bool any = false;
    for (int i = 0; i < g->n; i++)
        any |= future_cancel(g->children[i]);
    g->cancel_requested |= any;
    return any;
}

/* Both gathers: the outer future, and child_done on every child. */
static Future *gather_start(Gather *g, Loop *loop, Future **children, int n,
                            void **results, Callback child_done)
{
    future_init(&g->outer, loop);
    g->outer.cancel = gather_cancel;
    g->children = children;
    g->results = results;
    g->n = n;
    g->ndone = 0;
    g->cancel_requested = false;
    for (int i = 0; i < n; i++) {
        results[i] = g;
        future_add_done_callback(children[i], child_done, &results[i]);
    }
    if (n == 0)
        future_set_result(&g->outer, results);
    return &g->outer;
}

Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results)
{
    g->errors = NULL;
    return gather_start(g, loop, children, n, results, gather_child_done);
}

/* return_exceptions=True: no child's error ends the wait; each is kept.
 * Its argument is the child's slot in results[], as gather_child_done's. */
static void gather_child_settled(void *slot)
{
    Gather *g = *(void **)slot;
    if (++g->ndone < g->n || future_done(&g->outer))
        return;
    for (int i = 0; i < g->n; i++) {
        g->results[i] = g->children[i]->result;
        g->errors[i] = g->children[i]->error;
    }
    if (g->cancel_requested) /* Python: even with return_exceptions */
        future_set_exception(&g->outer, ECANCELED);
    else
        future_set_result(&g->outer, g->results);
}

Future *gather_return_exceptions(Gather *g, Loop *loop, Future **children,
                                 int n, void **results, int *errors)
{
    g->errors = errors;
    return gather_start(g, loop, children, n, results, gather_child_settled);
}
