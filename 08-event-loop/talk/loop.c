/*
 * loop.c - In [23] BaseLoop and In [54] Loop: pop the first task, step it;
 * if it yielded a future, park it until the future's callback queues it
 * again, else put it back at the end; sleep 0.5 s, until no task is left.
 */
#include "loop.h"
#include "bugs.h"
#include "talk.h"
#include "timeline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void loop_init(Loop *l)
{
    *l = (Loop){0};
    l->timeline.on = env_long("TRACE", 0, 0, 1) == 1;
}

void loop_free(Loop *l)
{
    for (int i = 0; i < l->n_created; i++)
        free(l->created[i]);
    *l = (Loop){0};
}

/* Python: _schedule_task(task, immediately). */
static void loop_schedule_task(Loop *l, Task *task, bool immediately)
{
    if (l->n_tasks == MAX_TASKS) {
        errno = 0;
        die("_schedule_task: the queue is full", "raise MAX_TASKS");
    }
    if (immediately) {
        memmove(&l->tasks[1], &l->tasks[0], sizeof l->tasks[0] * l->n_tasks);
        l->tasks[0] = task;
    } else {
        l->tasks[l->n_tasks] = task;
    }
    l->n_tasks++;
}

/* Python: self.tasks.pop(0). */
static Task *loop_pop_first(Loop *l)
{
    Task *first = l->tasks[0];
    l->n_tasks--;
    memmove(&l->tasks[0], &l->tasks[1], sizeof l->tasks[0] * l->n_tasks);
    return first;
}

/* Python: create_task(coro, name): a Task, queued. */
Task *loop_create_task(Loop *l, Gen *coro, const char *name)
{
    Task *task = malloc(sizeof *task);
    if (task == NULL || l->n_created == MAX_TASKS) {
        errno = 0;
        die("create_task: too many tasks", "raise MAX_TASKS");
    }
    *task = (Task){.coro = coro, .loop = l};
    future_init(&task->future, FUTURE, name);
    l->created[l->n_created++] = task;
    loop_schedule_task(l, task, false);
    return task;
}

/* Python: print('loop queue', self.tasks), each task's repr being <name>. */
static void print_queue(const Loop *l)
{
    printf("loop queue [");
    for (int i = 0; i < l->n_tasks; i++)
        printf("%s<%s>", i ? ", " : "", l->tasks[i]->future.name);
    printf("]\n");
}

/* Python: lambda task: self._schedule_task(task), the callback In [54]
 * registers: called as c(future) once the future is done. The talk's
 * lambda names its parameter `task`, hiding the task that waits: it
 * queues the finished future (a Task here) again (bug 3). Fixed, it
 * wakes the task that waited: lambda _: self._schedule_task(task). */
static void wake_up(Future *done, void *waiting)
{
    Task *task = waiting;
    /* every awaited future in this program is a Task */
    if (has_bug(BUG_SHADOWED_TASK))
        task = (Task *)done;
    task->fut_waiter = NULL;
    loop_schedule_task(task->loop, task, false);
}

/* Python: Loop.advance(task), In [54]: step the task; if it yielded a
 * future, park it: the future's done callback will queue it again. If it
 * yielded anything else, queue it again at once. Returns -1 if it raised. */
static int loop_advance(Loop *l, Task *task)
{
    switch (task_step(task)) {
    case GEN_YIELDED:
        if (isfuture(task->coro->yielded)) {
            task->fut_waiter = task->coro->yielded;
            future_register_callback(task->fut_waiter, wake_up, task);
        } else {
            loop_schedule_task(l, task, false);
        }
        return 0;
    case GEN_RETURNED:
        printf("task <%s> result: %s\n", task->future.name,
               show(task->coro->result));
        return 0;
    case GEN_ERROR:
        break;
    }
    printf("loop stopped: task <%s> raised\n", task->future.name);
    return -1;
}

/* Python: run_until_complete(): pop, step, sleep 0.5 s, until no task is
 * left. Returns -1 if a task raised (Python: the exception propagates). */
int loop_run_until_complete(Loop *l)
{
    timeline_start(l);
    while (l->n_tasks != 0) {
        print_queue(l);
        Task *task = loop_pop_first(l);
        int status = loop_advance(l, task);
        timeline_row(l, task);
        if (status == -1)
            return -1;
        sleep_scaled(0.5);
    }
    timeline_end(l);
    return 0;
}
