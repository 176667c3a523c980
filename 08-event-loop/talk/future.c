/*
 * future.c - In [47] Future: a result that is not there yet, what `await`
 * does with it, and the callbacks set_result runs; with bugs 1 and 4 in or
 * fixed.
 */
#include "future.h"
#include "bugs.h"
#include "talk.h"

#include <errno.h>
#include <stdio.h>

CallbackList future_callbacks;

static CallbackList *callbacks_of(Future *fut)
{
    return has_bug(BUG_SHARED_CALLBACKS) ? &future_callbacks : &fut->callbacks;
}

const char *show(const void *value)
{
    return value ? value : "None";
}

/* Python: raise Exception(...) inside a coroutine. A raising generator is
 * finished; GEN_ERROR travels up through every AWAIT to the loop, which
 * stops, as the notebook's cell stopped on the traceback. */
static GenStatus raise_exception(Gen *g, const char *exception)
{
    printf("%s\n", exception);
    g->resume_at = -1;
    return GEN_ERROR;
}

Future *future_init(Future *fut, FutureClass cls, const char *name)
{
    *fut = (Future){.cls = cls, .name = name, .state = PENDING};
    return fut;
}

bool future_done(const Future *fut)
{
    return fut->state != PENDING;
}

/* Python: asyncio.isfuture(x). C cannot ask a void * what it points at, so
 * the coroutines here keep one rule: they yield NULL (a bare `yield`: step
 * me again) or a Future *. A Future's first field names its class, as
 * Python asks type(x)._asyncio_future_blocking; a BaseTask is no future. */
bool isfuture(const void *yielded)
{
    return yielded != NULL && ((const Future *)yielded)->cls != NOT_A_FUTURE;
}

/* Python: future.register_callback(cb): cb(future) once it is done - or
 * now, if it is done already (fix 4: it will never be set again). */
void future_register_callback(Future *fut, Callback fn, void *arg)
{
    if (future_done(fut) && !has_bug(BUG_DONE_FUTURE_PARKS)) {
        fn(fut, arg);
        return;
    }
    CallbackList *list = callbacks_of(fut);
    if (list->count == MAX_CALLBACKS) {
        errno = 0;
        die("register_callback: too many callbacks",
            "raise MAX_CALLBACKS in talk/future.h");
    }
    list->items[list->count].fn = fn;
    list->items[list->count].arg = arg;
    list->count++;
}

/* Python: Future.set_result: store the result, then call every callback,
 * once each, in the order they were registered. A future is set once:
 * a second set_result is a bug of the caller's (asyncio raises
 * InvalidStateError); say so and return -1. */
int future_set_result(Future *fut, void *result)
{
    if (future_done(fut)) {
        fprintf(stderr,
                "set_result: <%s> already has a result (hint: set a future "
                "once; check future_done() first)\n",
                fut->name);
        return -1;
    }
    printf("set_result <%s>: %s\n", fut->name, show(result));
    fut->result = result;
    fut->state = FINISHED;
    CallbackList *list = callbacks_of(fut);
    for (int i = 0; i < list->count; i++)
        list->items[i].fn(fut, list->items[i].arg);
    if (!has_bug(BUG_SHARED_CALLBACKS))
        list->count = 0; /* run once: they belonged to this future alone */
    return 0;
}

/* In [47]: yield the future once; whoever steps us next must only do so
 * once the future is done. Fix 4: a done future has nothing to wait for. */
static GenStatus future_await_step(Gen *g)
{
    FutureAwait *f = (FutureAwait *)g;
    GEN_BEGIN(g);
    if (!future_done(f->future) || has_bug(BUG_DONE_FUTURE_PARKS))
        YIELD(g, f->future);
    if (!future_done(f->future))
        return raise_exception(g, "Exception: Future is not ready");
    GEN_RETURN(g, f->future->result);
    GEN_END(g);
}

/* Python: `await future` calls type(future).__await__. */
Gen *future_await(FutureAwait *frame, Future *fut)
{
    frame->future = fut;
    return gen_init(&frame->gen, future_await_step, "__await__");
}
