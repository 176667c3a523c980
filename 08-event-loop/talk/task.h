/*
 * task.h - the talk's In [48] Task(BaseTask, Future), and what it should
 * have been: a task that remembers the future it is parked on.
 */
#ifndef TASK_H
#define TASK_H

#include "coro.h"
#include "future.h"

/* Python: the StopIteration a finished coroutine raises: an object that
 * carries the return value. The talk's Task hands this object itself to
 * set_result (stage 08 fixes that), so it must be a thing we can store and
 * print. Its first field is str(exception), which is what print() shows:
 * the value, or '' when the value is None. */
typedef struct {
    char str[64];
    void *value;
} StopIteration;

typedef struct Loop Loop;

typedef struct {
    Future future;      /* first: a Task is a Future, a Task * is a Future * */
    Gen *coro;          /* Python: self._coro */
    StopIteration stop; /* what the finished coroutine raised */
    Loop *loop;         /* Python: self._loop, for the wake-up callback */
    Future *fut_waiter; /* the future it is parked on (asyncio's name) */
} Task;

GenStatus task_step(Task *task);

#endif
