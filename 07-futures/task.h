/*
 * task.h - the talk's Task, three times over: In [21] BaseTask, In [39]
 * Task(BaseTask, NaiveFuture) and In [48] Task(BaseTask, Future).
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

typedef struct {
    Future future;      /* first: a Task is a Future, a Task * is a Future * */
    Gen *coro;          /* Python: self._coro */
    StopIteration stop; /* what the finished coroutine raised */
} Task;

GenStatus task_step(Task *task);

#endif
