/*
 * shield.c - asyncio.shield (asyncio/tasks.py): an outer future that
 * mirrors an inner one. A task awaiting the outer future parks on it, so
 * cancelling the task cancels the outer future, and the inner one never
 * hears of it.
 */
#include "shield.h"

/* Python: _inner_done_callback. */
static void inner_done(void *arg)
{
    Shield *s = arg;
    if (future_cancelled(&s->outer))
        return;
    if (future_cancelled(s->inner))
        future_cancel(&s->outer);
    else if (s->inner->error)
        future_set_exception(&s->outer, s->inner->error);
    else
        future_set_result(&s->outer, s->inner->result);
}

/* Python: _outer_done_callback: the outer future was cancelled first, so
 * inner must not call back into a Shield that may be gone. */
static void outer_done(void *arg)
{
    Shield *s = arg;
    if (!future_done(s->inner))
        future_remove_done_callback(s->inner, inner_done, s);
}

Future *shield(Shield *s, Future *inner)
{
    if (future_done(inner))
        return inner;
    future_init(&s->outer, inner->loop);
    s->inner = inner;
    future_add_done_callback(inner, inner_done, s);
    future_add_done_callback(&s->outer, outer_done, s);
    return &s->outer;
}
