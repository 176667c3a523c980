/*
 * cells_what_we_learned.c - In [56]: with the talk's bugs in, parent_task
 * is parked on a future whose callback never comes, and vanishes.
 */
#include "cells_what_we_learned.h"
#include "asleep.h"
#include "bugs.h"
#include "future.h"
#include "loop.h"

#include <stdio.h>

/* Python: async def background_task(): await asleep(2);
 * print('finished background task') */
typedef struct {
    Gen gen;
    Asleep sleep;
    void *slept;
} BackgroundTask;

static GenStatus background_task_step(Gen *g)
{
    BackgroundTask *f = (BackgroundTask *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 2); /* Python: await asleep(2) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    printf("finished background task\n");
    GEN_END(g);
}

static Gen *background_task(BackgroundTask *frame)
{
    return gen_init(&frame->gen, background_task_step, "background_task");
}

/* Python: In [56]'s parent_task: two background tasks, awaited. */
typedef struct {
    Gen gen;
    Loop *loop;
    BackgroundTask background1, background2;
    Task *task1, *task2;
    Asleep sleep;
    FutureAwait await1, await2;
    void *slept, *result1, *result2;
} ParentTask;

static GenStatus parent_task_step(Gen *g)
{
    ParentTask *f = (ParentTask *)g;
    GEN_BEGIN(g);
    f->task1 =
        loop_create_task(f->loop, background_task(&f->background1), "task1");
    f->task2 =
        loop_create_task(f->loop, background_task(&f->background2), "task2");
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    printf("finished main task\n");
    future_await(&f->await1, &f->task1->future); /* Python: await task1 */
    AWAIT(g, &f->await1.gen, f->result1);
    future_await(&f->await2, &f->task2->future); /* Python: await task2 */
    AWAIT(g, &f->await2.gen, f->result2);
    printf("finished waiting for background tasks\n");
    GEN_END(g);
}

static Gen *parent_task(ParentTask *frame, Loop *l)
{
    frame->loop = l;
    return gen_init(&frame->gen, parent_task_step, "parent_task");
}

/* In [56], with the given bugs still in. */
void in_56(unsigned bugs_left)
{
    bugs = bugs_left;
    future_callbacks.count = 0; /* a fresh class for each run */
    Loop l;
    loop_init(&l);
    ParentTask coro;
    loop_create_task(&l, parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}
