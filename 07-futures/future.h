/*
 * future.h - the talk's "Futures" and "Actual futures are not coroutines":
 * In [38] NaiveFuture, whose await polls, and In [47] Future, whose await
 * yields it once and whose set_result runs callbacks.
 */
#ifndef FUTURE_H
#define FUTURE_H

#include "coro.h"

#include <stdbool.h>

/* Python values, in C: a result is a C string, or NULL for None. */
const char *show(const void *value);

typedef enum { PENDING, FINISHED } FutureState;

/* Python: type(future). The notebook redefines Task three times; in C the
 * class is this field, and the functions below look at it. */
typedef enum {
    NOT_A_FUTURE, /* In [21]: BaseTask, with no result to await */
    NAIVE_FUTURE, /* In [38]: await polls until done */
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
};

/* Python: _callbacks = [] in the class body of Future: ONE list, shared by
 * every future. Stage 08 finds out what that costs. */
extern CallbackList future_callbacks;

Future *future_init(Future *fut, FutureClass cls, const char *name);
bool future_done(const Future *fut);
bool isfuture(const void *yielded);
void future_register_callback(Future *fut, Callback fn, void *arg);
void future_set_result(Future *fut, void *result);

/* Python: future.__await__(), the generator that `await future` drives. */
typedef struct {
    Gen gen;
    Future *future;
} FutureAwait;

Gen *future_await(FutureAwait *frame, Future *fut);

#endif
