/*
 * task_group.h - asyncio.TaskGroup: tasks that end together. The group's
 * end waits for all of them; the first failure cancels the rest.
 */
#ifndef LOOP_TASK_GROUP_H
#define LOOP_TASK_GROUP_H

#include "task.h"

struct TaskGroup;

/* A task of a group: the caller's memory, as any Task's. */
typedef struct GroupTask {
    Task task; /* first: a GroupTask * is a Task * */
    struct TaskGroup *group;
    struct GroupTask *next;        /* the group's tasks, in creation order */
    struct GroupTask *next_failed; /* its errors, in the order they came */
} GroupTask;

/* Python:  async with asyncio.TaskGroup() as tg:
 *              tg.create_task(coro())
 *              ...             # the body
 * in C:    task_group_init(&tg, loop, parent);
 *          task_group_create_task(&tg, &member, coro, name);
 *          ...                 // the body, its error kept
 *          task_group_wait(&tg, body_error);
 *          AWAIT(g, &tg.gen, ignored);
 * Python finds the parent with current_task(); here the parent is named:
 * the task whose coroutine runs the body, cancelled when a task fails
 * (NULL: a body that awaits nothing but the group's end; it stops no
 * other await then). */
typedef struct TaskGroup {
    Gen gen; /* task_group_wait, Python's __aexit__ */
    Loop *loop;
    Task *parent;
    GroupTask *first, *last;
    int running; /* tasks not done yet */
    /* Python: _errors: the tasks that failed, first_failed first; the
     * body's own error is body_error. */
    GroupTask *first_failed, *last_failed;
    int nerrors;
    bool aborting, parent_cancel_requested, exiting, waiting;
    int body_error;
    bool propagate_cancel;
    Future on_completed; /* Python: _on_completed_fut */
    FutureAwait await;
    void *ignored;
    int error;
} TaskGroup;

void task_group_init(TaskGroup *tg, Loop *loop, Task *parent);
/* Python: tg.create_task(coro, name=name). NULL and a message once the
 * group has finished or is cancelling its tasks (Python: RuntimeError). */
Task *task_group_create_task(TaskGroup *tg, GroupTask *member, Gen *coro,
                             const char *name);
/* Python: __aexit__. body_error is what the body raised (0: it ended
 * well; ECANCELED: the group's own cancel, taken back here). Waits for
 * every task; then raises ECANCELED if the parent was cancelled from
 * outside and no task failed, else the first task's error (Python raises
 * an ExceptionGroup of them all: walk first_failed for the rest), else
 * the body's error. */
Gen *task_group_wait(TaskGroup *tg, int body_error);

#endif
