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
    bool awaited_itself; /* EDEADLK at its next step (Python: RuntimeError) */
    unsigned number;     /* N of the default name "Task-N"; 0 when named */
    const char *name;    /* the caller's string, or NULL: "Task-N" */
} Task;

/* Python: loop.create_task(coro, name=name). The task's memory is the
 * caller's; it first runs on the next loop iteration. A NULL name is
 * "Task-N", N counting the unnamed tasks of this thread from 1 (asyncio
 * counts them per process). */
Task *create_task(Loop *loop, Task *task, Gen *coro, const char *name);

/* Room for the longest default name, "Task-4294967295". */
typedef struct {
    char text[16];
} TaskName;
/* Python: task.get_name(). The name given, else "Task-N" written in buf. */
const char *task_get_name(const Task *task, TaskName *buf);
/* Python: task.set_name(name). The string stays the caller's. */
void task_set_name(Task *task, const char *name);
/* Python: task.cancel(). false if it was already done. */
bool task_cancel(Task *task);

#endif
