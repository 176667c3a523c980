/*
 * future.c - In [38] NaiveFuture and In [47] Future: a result that is not
 * there yet, what `await` does with it, and the callbacks set_result runs.
 */
#include "future.h"
#include "talk.h"

#include <errno.h>
#include <stdio.h>

static const char *const state_names[] = {"PENDING", "FINISHED"};

CallbackList future_callbacks;

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

/* Python: future.register_callback(cb): cb(future) once it is done. */
void future_register_callback(Future *fut, Callback fn, void *arg)
{
    CallbackList *list = &future_callbacks;
    (void)fut; /* the talk's list is the class's, not this future's */
    if (list->count == MAX_CALLBACKS) {
        errno = 0;
        die("register_callback: too many callbacks",
            "raise MAX_CALLBACKS in future.h");
    }
    list->items[list->count].fn = fn;
    list->items[list->count].arg = arg;
    list->count++;
}

/* Python: NaiveFuture.set_result, and Future.set_result, which then calls
 * every callback. */
void future_set_result(Future *fut, void *result)
{
    printf("set_result <%s>: %s\n", fut->name, show(result));
    fut->result = result;
    fut->state = FINISHED;
    if (fut->cls != FUTURE)
        return;
    for (int i = 0; i < future_callbacks.count; i++)
        future_callbacks.items[i].fn(fut, future_callbacks.items[i].arg);
}

/* In [38]: while the future is pending, yield it and poll again. */
static GenStatus naive_future_await_step(Gen *g)
{
    FutureAwait *f = (FutureAwait *)g;
    GEN_BEGIN(g);
    printf("await future <%s>\n", f->future->name);
    while (!future_done(f->future)) {
        printf("await future yield <%s>, %s\n", f->future->name,
               state_names[f->future->state]);
        YIELD(g, f->future);
    }
    GEN_RETURN(g, f->future->result);
    GEN_END(g);
}

/* In [47]: yield the future once; whoever steps us next must only do so
 * once the future is done. */
static GenStatus future_await_step(Gen *g)
{
    FutureAwait *f = (FutureAwait *)g;
    GEN_BEGIN(g);
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
    return gen_init(&frame->gen,
                    fut->cls == NAIVE_FUTURE ? naive_future_await_step
                                             : future_await_step,
                    "__await__");
}
