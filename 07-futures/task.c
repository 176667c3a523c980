/*
 * task.c - Task._step(): one step of the task's coroutine, and, once the
 * coroutine returns, the result of the task as a future.
 */
#include "task.h"

#include <stdio.h>

static void *stop_iteration(StopIteration *e, void *value)
{
    snprintf(e->str, sizeof e->str, "%s", value ? (char *)value : "");
    e->value = value;
    return e;
}

/* Python: Task._step(). Steps the coroutine once; when it returns, In [39]'s
 * Task sets its own result, with the StopIteration as it caught it. */
GenStatus task_step(Task *task)
{
    if (gen_finished(task->coro)) {
        printf("RuntimeError: cannot reuse already awaited coroutine\n");
        return GEN_ERROR;
    }
    GenStatus status = gen_next(task->coro);
    if (status == GEN_RETURNED && task->future.cls == NAIVE_FUTURE)
        future_set_result(&task->future,
                          stop_iteration(&task->stop, task->coro->result));
    return status;
}
