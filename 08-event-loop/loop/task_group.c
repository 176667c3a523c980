/*
 * task_group.c - asyncio.TaskGroup (asyncio/taskgroups.py). A done
 * callback on every task counts them down; the first to fail cancels the
 * others and the parent (whatever the body awaits stops with ECANCELED),
 * and the group's end waits for the count to reach zero before it raises.
 */
#include "task_group.h"
#include "exception.h"

#include <stdio.h>

void task_group_init(TaskGroup *tg, Loop *loop, Task *parent)
{
    *tg = (TaskGroup){.loop = loop, .parent = parent};
}

/* Python: _abort. */
static void abort_tasks(TaskGroup *tg)
{
    tg->aborting = true;
    for (GroupTask *m = tg->first; m; m = m->next)
        if (!future_done(&m->task.future))
            task_cancel(&m->task);
}

static void add_error(TaskGroup *tg, GroupTask *failed)
{
    if (tg->last_failed)
        tg->last_failed->next_failed = failed;
    else
        tg->first_failed = failed;
    tg->last_failed = failed;
    tg->nerrors++;
}

/* Python: _on_task_done. */
static void on_task_done(void *arg)
{
    GroupTask *member = arg;
    TaskGroup *tg = member->group;
    tg->running--;
    if (tg->waiting && tg->running == 0)
        future_wake(&tg->on_completed);
    Future *f = &member->task.future;
    if (future_cancelled(f) || f->error == 0)
        return;
    add_error(tg, member);
    if (!tg->parent || future_done(&tg->parent->future))
        return; /* Python: call_exception_handler; nobody left to tell */
    if (!tg->aborting && !tg->parent_cancel_requested) {
        abort_tasks(tg);
        tg->parent_cancel_requested = true;
        task_cancel(tg->parent); /* stops whatever the body awaits */
    }
}

static Task *refuse(const char *why)
{
    fprintf(stderr,
            "RuntimeError: TaskGroup %s (hint: create tasks before "
            "task_group_wait, and not after a task failed)\n",
            why);
    return NULL;
}

Task *task_group_create_task(TaskGroup *tg, GroupTask *member, Gen *coro,
                             const char *name)
{
    if (tg->exiting && tg->running == 0)
        return refuse("is finished");
    if (tg->aborting)
        return refuse("is shutting down");
    *member = (GroupTask){.group = tg};
    if (tg->last)
        tg->last->next = member;
    else
        tg->first = member;
    tg->last = member;
    tg->running++;
    create_task(tg->loop, &member->task, coro, name);
    future_add_done_callback(&member->task.future, on_task_done, member);
    return &member->task;
}

static GenStatus task_group_wait_step(Gen *g)
{
    TaskGroup *tg = (TaskGroup *)g;
    GEN_BEGIN(g);
    tg->exiting = true;
    /* A cancel the group asked for is taken back (Python: uncancel). */
    if (tg->body_error == ECANCELED && !tg->parent_cancel_requested)
        tg->propagate_cancel = true;
    if (tg->body_error && !tg->aborting)
        abort_tasks(tg);
    while (tg->running > 0) {
        future_init(&tg->on_completed, tg->loop);
        tg->waiting = true;
        future_await(&tg->await, &tg->on_completed);
        TRY_AWAIT(g, &tg->await.gen, tg->ignored, tg->error);
        tg->waiting = false;
        if (tg->error == ECANCELED && !tg->aborting) {
            tg->propagate_cancel = true; /* cancelled from outside */
            abort_tasks(tg);
        }
    }
    if (tg->propagate_cancel && !tg->first_failed)
        RAISE(g, ECANCELED);
    if (tg->first_failed)
        RAISE(g, tg->first_failed->task.future.error);
    if (tg->body_error && tg->body_error != ECANCELED)
        RAISE(g, tg->body_error);
    GEN_END(g);
}

Gen *task_group_wait(TaskGroup *tg, int body_error)
{
    tg->body_error = body_error;
    tg->propagate_cancel = false;
    return gen_init(&tg->gen, task_group_wait_step, "TaskGroup.__aexit__");
}
