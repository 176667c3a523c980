/*
 * gather.c - asyncio.gather: a done callback on every child counts them
 * in; the outer future completes with the last one, or fails with the
 * first error (with return_exceptions, each error is a result).
 */
#include "gather.h"

static void gather_child_done(void *arg)
{
    Gather *g = arg;
    g->ndone++;
    if (future_done(&g->outer))
        return;
    for (int i = 0; i < g->n; i++) /* the first error wins */
        if (future_done(g->children[i]) && g->children[i]->error) {
            future_set_exception(&g->outer, g->children[i]->error);
            return;
        }
    if (g->ndone < g->n)
        return;
    for (int i = 0; i < g->n; i++) /* argument order, not finishing order */
        g->results[i] = g->children[i]->result;
    future_set_result(&g->outer, g->results);
}

static void gather_outer_done(void *arg)
{
    Gather *g = arg;
    if (!future_cancelled(&g->outer))
        return;
    for (int i = 0; i < g->n; i++)
        future_cancel(g->children[i]);
}

/* Both gathers: the outer future, and child_done on every child. */
static Future *gather_start(Gather *g, Loop *loop, Future **children, int n,
                            void **results, Callback child_done)
{
    future_init(&g->outer, loop);
    g->children = children;
    g->results = results;
    g->n = n;
    g->ndone = 0;
    future_add_done_callback(&g->outer, gather_outer_done, g);
    for (int i = 0; i < n; i++)
        future_add_done_callback(children[i], child_done, g);
    if (n == 0)
        future_set_result(&g->outer, results);
    return &g->outer;
}

Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results)
{
    g->errors = NULL;
    return gather_start(g, loop, children, n, results, gather_child_done);
}

/* return_exceptions=True: no child's error ends the wait; each is kept. */
static void gather_child_settled(void *arg)
{
    Gather *g = arg;
    if (++g->ndone < g->n || future_done(&g->outer))
        return;
    for (int i = 0; i < g->n; i++) {
        g->results[i] = g->children[i]->result;
        g->errors[i] = g->children[i]->error;
    }
    future_set_result(&g->outer, g->results);
}

Future *gather_return_exceptions(Gather *g, Loop *loop, Future **children,
                                 int n, void **results, int *errors)
{
    g->errors = errors;
    return gather_start(g, loop, children, n, results, gather_child_settled);
}
