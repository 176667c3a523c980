/*
 * cells_tasks.c - In [37] and In [28]: tasks that await, and a task
 * that is left behind.
 */
#include "cells_tasks.h"
#include "loop.h"

#include <stdio.h>

/* Python: async def run_subtask(): await asleep(1) */
typedef struct {
    Gen gen;
    Asleep sleep;
    void *slept;
} RunSubtask;

static GenStatus run_subtask_step(Gen *g)
{
    RunSubtask *f = (RunSubtask *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    GEN_END(g);
}

static Gen *run_subtask(RunSubtask *frame)
{
    return gen_init(&frame->gen, run_subtask_step, "run_subtask");
}

static GenStatus background_task_step(Gen *g)
{
    BackgroundTask *f = (BackgroundTask *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 2); /* Python: await asleep(2) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    if (f->announce)
        printf("finished background task\n");
    GEN_END(g);
}

Gen *background_task(BackgroundTask *frame, bool announce)
{
    frame->announce = announce;
    return gen_init(&frame->gen, background_task_step, "background_task");
}

/* Python: In [28]'s parent_task: starts a background task, never awaits it
 * (`# await task ?`). */
typedef struct {
    Gen gen;
    Loop *loop; /* Python: the global l */
    BackgroundTask background;
    Asleep sleep;
    void *slept;
} LonelyParentTask;

static GenStatus lonely_parent_task_step(Gen *g)
{
    LonelyParentTask *f = (LonelyParentTask *)g;
    GEN_BEGIN(g);
    loop_create_task(f->loop, background_task(&f->background, true),
                     "background_task");
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    GEN_END(g);
}

static Gen *lonely_parent_task(LonelyParentTask *frame, Loop *l)
{
    frame->loop = l;
    return gen_init(&frame->gen, lonely_parent_task_step, "parent_task");
}

/* In [37]: a task whose coroutine awaits a sub-coroutine. */
void in_37(void)
{
    Loop l;
    loop_init(&l, NOT_A_FUTURE);
    RunSubtask coro;
    loop_create_task(&l, run_subtask(&coro), "run_subtask");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* In [28]: the parent finishes first; nobody waits for the background. */
void in_28(void)
{
    Loop l;
    loop_init(&l, NOT_A_FUTURE);
    LonelyParentTask coro;
    loop_create_task(&l, lonely_parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}
