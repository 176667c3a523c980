/*
 * callbacks.c - answer. The list lives in the struct, so each future has
 * its own: the fix for the talk's class attribute. set_result marks the
 * future done before running the callbacks, so a callback that looks at
 * the future (or adds another callback to it) sees it finished. asyncio
 * would schedule the callbacks with call_soon instead of calling them
 * there and then; without a loop, calling them is the nearest thing.
 */
#include <stdbool.h>
#include <stddef.h>

enum { MAX_CALLBACKS = 8 };

typedef struct Future Future;
typedef void (*Callback)(Future *done, void *arg);

struct Future {
    bool done;
    void *result;
    int ncallbacks;
    struct {
        Callback fn;
        void *arg; /* what a Python closure would have captured */
    } callbacks[MAX_CALLBACKS];
};

void future_init(Future *f)
{
    f->done = false;
    f->result = NULL;
    f->ncallbacks = 0;
}

/* Python: f.add_done_callback(fn). A callback added to a done future runs
 * at once. -1 if the list is full. */
int future_add_done_callback(Future *f, Callback fn, void *arg)
{
    if (f->done) {
        fn(f, arg);
        return 0;
    }
    if (f->ncallbacks == MAX_CALLBACKS)
        return -1;
    f->callbacks[f->ncallbacks].fn = fn;
    f->callbacks[f->ncallbacks].arg = arg;
    f->ncallbacks++;
    return 0;
}

/* Python: f.set_result(result): runs each callback once, in the order they
 * were added. -1 if the future is already done (InvalidStateError). */
int future_set_result(Future *f, void *result)
{
    if (f->done)
        return -1;
    f->result = result;
    f->done = true;
    for (int i = 0; i < f->ncallbacks; i++)
        f->callbacks[i].fn(f, f->callbacks[i].arg);
    f->ncallbacks = 0;
    return 0;
}
