/*
 * callbacks.c - exercise: a future with callbacks of its own.
 *
 *   class Future:
 *       def __init__(self):
 *           self._callbacks = []     # per future, not one class attribute
 *           self.done = False
 *       def add_done_callback(self, fn):
 *           if self.done: fn(self)   # too late to wait: run it now
 *           else: self._callbacks.append(fn)
 *       def set_result(self, result):
 *           ...                      # each callback once, in order
 *
 * The talk's Future keeps `_callbacks` in the class, one list shared by
 * every future (stage 07's README, "Try to break it"): setting one future
 * runs every future's callbacks. Here each Future has its own list. Your
 * part is future_add_done_callback() and future_set_result(). Check it
 * with `make exercise-07`.
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
    /* TODO: done: call fn(f, arg) now; otherwise append (fn, arg) to this
     * future's own list, or return -1 when it holds MAX_CALLBACKS. */
    (void)f;
    (void)fn;
    (void)arg;
    return 0;
}

/* Python: f.set_result(result): runs each callback once, in the order they
 * were added. -1 if the future is already done (InvalidStateError). */
int future_set_result(Future *f, void *result)
{
    /* TODO: done already: return -1. Otherwise store the result, mark the
     * future done, and run its callbacks in order; forget them afterwards
     * (a callback runs once). */
    (void)f;
    (void)result;
    return 0;
}
