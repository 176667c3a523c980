/*
 * task.c - Task._step(): one step of the task's coroutine, and, once the
 * coroutine returns, the result of the task as a future.
 */
#include "task.h"
#include "bugs.h"

#include <stdio.h>

static void *stop_iteration(StopIteration *e, void *value)
{
    snprintf(e->str, sizeof e->str, "%s", value ? (char *)value : "");
    e->value = value;
    return e;
}

/* Python: Task._step(). Steps the coroutine once; when it returns, the task
 * (a future) sets its own result: fix 2, for In [48]'s Task did not. Fix 5:
 * the result is the coroutine's return value, not the StopIteration. */
GenStatus task_step(Task *task)
{
    if (gen_finished(task->coro)) {
        printf("RuntimeError: cannot reuse already awaited coroutine\n");
        return GEN_ERROR;
    }
    GenStatus status = gen_next(task->coro);
    if (status == GEN_RETURNED && !has_bug(BUG_NO_SET_RESULT))
        future_set_result(&task->future,
                          has_bug(BUG_STOP_ITERATION_RESULT)
                              ? stop_iteration(&task->stop, task->coro->result)
                              : task->coro->result);
    return status;
}
