/*
 * awaitable.c - In [18], class Awaitable and make_awaitable.
 */
#include "awaitable.h"

#include <stddef.h> /* NULL, which coro.h's GEN_END uses */

static GenStatus awaitable_await_step(Gen *g)
{
    Awaitable *self = (Awaitable *)g;
    GEN_BEGIN(g);
    YIELD_FROM(g, self->inner, self->ret); /* ret = yield from self._gen */
    GEN_RETURN(g, self->ret);
    GEN_END(g);
}

/* Python: make_awaitable(f)(*args) == Awaitable(f(*args)). C has no
 * closures, so we wrap the generator f(*args) already made. */
Gen *make_awaitable(Awaitable *frame, Gen *gen)
{
    frame->inner = gen;
    return gen_init(&frame->gen, awaitable_await_step, gen->name); /* @wraps */
}
