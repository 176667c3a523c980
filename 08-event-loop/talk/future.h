/*
 * future.h - the talk's In [47] Future, whose await yields it once and
 * whose set_result runs callbacks, and what it should have been.
 */
#ifndef FUTURE_H
#define FUTURE_H

#include "coro.h"

#include <stdbool.h>

/* Python values, in C: a result is a C string, or NULL for None. */
const char *show(const void *value);

typedef enum { PENDING, FINISHED } FutureState;

/* Python: type(future). Stage 07's NaiveFuture is gone: every future and
 * every task is now a Future. */
typedef enum {
    NOT_A_FUTURE, /* In [21]: BaseTask, with no result to await */
    FUTURE,       /* In [47]: await yields once; set_result runs callbacks */
} FutureClass;

typedef struct Future Future;
typedef void (*Callback)(Future *done, void *arg);

#define MAX_CALLBACKS 8
typedef struct {
    int count;
    struct {
        Callback fn;
        void *arg; /* what a Python closure would have captured */
    } items[MAX_CALLBACKS];
} CallbackList;

struct Future {
    FutureClass cls; /* first field: what isfuture() reads */
    const char *name;
    FutureState state;
    void *result;
    CallbackList callbacks; /* fix 1: Python's self._callbacks = [] */
};

/* Python: _callbacks = [] in the class body of Future: ONE list, shared by
 * every future (bug 1). */
extern CallbackList future_callbacks;

Future *future_init(Future *fut, FutureClass cls, const char *name);
bool future_done(const Future *fut);
bool isfuture(const void *yielded);
void future_register_callback(Future *fut, Callback fn, void *arg);
int future_set_result(Future *fut, void *result);

/* Python: future.__await__(), the generator that `await future` drives. */
typedef struct {
    Gen gen;
    Future *future;
} FutureAwait;

Gen *future_await(FutureAwait *frame, Future *fut);

#endif
