/*
 * task.h - asyncio.Task (asyncio/tasks.py): a future that drives a
 * coroutine, one step per turn of the loop.
 */
#ifndef LOOP_TASK_H
#define LOOP_TASK_H

#include "future.h"

typedef struct Task {
    Future future; /* first: a Task * is a Future * (class Task(Future)) */
    Gen *coro;
    Future *waiting_on; /* Python: _fut_waiter */
    bool must_cancel;
    const char *name;
} Task;

/* Python: loop.create_task(coro, name=name). The task's memory is the
 * caller's; it first runs on the next loop iteration. */
Task *create_task(Loop *loop, Task *task, Gen *coro, const char *name);
/* Python: task.cancel(). false if it was already done. */
bool task_cancel(Task *task);

#endif
