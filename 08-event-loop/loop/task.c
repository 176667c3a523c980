/*
 * task.c - asyncio's Task (asyncio/tasks.py): each step is one gen_next of
 * the coroutine; a yielded future parks the task until the future is
 * done, and the future's done callback is the task's next step.
 */
#include "task.h"
#include "exception.h"

#include <stdio.h>

static void task_step(void *arg);

static bool cancel_task(Future *f)
{
    return task_cancel((Task *)f);
}

/* Python: tasks._task_name_counter. Per thread, as the exception in
 * flight is: each thread runs its own loop. */
static _Thread_local unsigned unnamed_tasks;

Task *create_task(Loop *loop, Task *task, Gen *coro, const char *name)
{
    future_init(&task->future, loop);
    task->future.cancel = cancel_task;
    task->coro = coro;
    task->waiting_on = NULL;
    task->must_cancel = false;
    task->awaited_itself = false;
    task->number = name ? 0 : ++unnamed_tasks;
    task->name = name;
    loop_notify(loop, LOOP_TASK_CREATED, task);
    call_soon(loop, task_step, task); /* runs on the next iteration */
    return task;
}

/* What the coroutine's last step yielded: a future to park on, or NULL
 * (a bare yield: asyncio.sleep(0)) to run again on the next iteration. */
static void park(Task *task, Future *yielded)
{
    if (!yielded) {
        call_soon(task->future.loop, task_step, task);
        return;
    }
    /* Python: RuntimeError('Task cannot await on itself'), thrown in at
     * the next step. Parked on itself, it would never wake, and its
     * cancel would cancel what it waits on, itself, without end. */
    if (yielded == &task->future) {
        task->awaited_itself = true;
        call_soon(task->future.loop, task_step, task);
        return;
    }
    task->waiting_on = yielded;
    future_add_done_callback(yielded, task_step, task); /* Python: __wakeup */
    /* Cancelled while it ran (it cancelled itself, say): the new waiter is
     * cancelled at once, as tasks.py does with _must_cancel, or the task
     * would wait on a future nobody may ever complete. */
    if (task->must_cancel && future_cancel(yielded))
        task->must_cancel = false;
}

/* The coroutine raised error: CancelledError cancels the task (Python:
 * super().cancel()), anything else fails it. */
static void end_raised(Task *task, int error)
{
    if (error == ECANCELED)
        future_set_cancelled(&task->future);
    else
        future_set_exception(&task->future, error);
}

/* One step of the coroutine, and what its status says to do. */
static void step_coroutine(Task *task)
{
    GenStatus status = gen_next(task->coro);
    /* A cancellation thrown in that no suspension point took (the
     * coroutine yielded or returned without passing future_await): in
     * Python the throw would have raised at once, so it does now. */
    if (status != GEN_RAISED && error_pending())
        status = GEN_RAISED;
    if (status == GEN_YIELDED)
        park(task, task->coro->yielded);
    else if (status == GEN_RETURNED && task->must_cancel) {
        task->must_cancel = false; /* cancelled right before it returned */
        future_set_cancelled(&task->future);
    } else if (status == GEN_RETURNED)
        future_set_result(&task->future, task->coro->result);
    else if (status == GEN_RAISED)
        end_raised(task, error_fetch());
    else /* GEN_ERROR: a bug, already said on stderr */
        future_set_exception(&task->future, EINVAL);
}

/* Python: Task.__step: one coroutine.send(None), or a throw of
 * CancelledError when cancel() was called while the task sat in the ready
 * queue. Our frames cannot be thrown into, so the throw is the exception
 * in flight, which every suspension point (future_await, asleep(0)) raises
 * as soon as it resumes. A coroutine not started yet is not run at all. */
static void task_step(void *arg)
{
    Task *task = arg;
    if (future_done(&task->future))
        return;
    task->waiting_on = NULL;
    if (task->must_cancel) {
        task->must_cancel = false;
        if (task->coro->resume_at == 0) {
            future_set_cancelled(&task->future);
            loop_notify(task->future.loop, LOOP_TASK_STEPPED, task);
            return;
        }
        error_set(ECANCELED);
    } else if (task->awaited_itself) {
        error_set(EDEADLK);
    }
    task->awaited_itself = false;
    step_coroutine(task);
    loop_notify(task->future.loop, LOOP_TASK_STEPPED, task);
}

/* Python: Task.cancel: cancel what it waits on (its wake-up then raises
 * CancelledError inside the coroutine); if it waits on nothing, throw the
 * cancellation in at its next step. */
bool task_cancel(Task *task)
{
    if (future_done(&task->future))
        return false;
    if (task->waiting_on && future_cancel(task->waiting_on))
        return true;
    task->must_cancel = true;
    return true;
}

const char *task_get_name(const Task *task, TaskName *buf)
{
    if (task->name)
        return task->name;
    snprintf(buf->text, sizeof buf->text, "Task-%u", task->number);
    return buf->text;
}

void task_set_name(Task *task, const char *name)
{
    task->name = name;
}
