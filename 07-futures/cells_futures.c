/*
 * cells_futures.c - In [41], In [47] and In [48]: a Task that is a
 * NaiveFuture, then a Future, and what In [24]'s loop does with them.
 */
#include "cells_futures.h"
#include "asleep.h"
#include "cells_tasks.h"
#include "future.h"
#include "loop.h"

#include <stdio.h>

/* Python: In [41]'s parent_task: two background tasks, awaited. */
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
    f->task1 = loop_create_task(
        f->loop, background_task(&f->background1, false), "task1");
    f->task2 = loop_create_task(
        f->loop, background_task(&f->background2, false), "task2");
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    printf("finished main task\n");
    future_await(&f->await1, &f->task1->future); /* Python: await task1 */
    AWAIT(g, &f->await1.gen, f->result1);
    future_await(&f->await2, &f->task2->future); /* Python: await task2 */
    AWAIT(g, &f->await2.gen, f->result2);
    GEN_END(g);
}

static Gen *parent_task(ParentTask *frame, Loop *l)
{
    frame->loop = l;
    return gen_init(&frame->gen, parent_task_step, "parent_task");
}

/* In [41]: Task is a NaiveFuture; the parent polls its children. */
void in_41(void)
{
    Loop l;
    loop_init(&l, NAIVE_FUTURE);
    ParentTask coro;
    loop_create_task(&l, parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* In [47]: a Future, stepped by hand: await yields it once; set_result
 * runs its callbacks; the next step returns the result. */
typedef struct {
    Gen gen;
    Future *future;
    FutureAwait await;
    void *result;
} WaitFor;

static GenStatus wait_for_step(Gen *g)
{
    WaitFor *f = (WaitFor *)g;
    GEN_BEGIN(g);
    future_await(&f->await, f->future); /* Python: await future */
    AWAIT(g, &f->await.gen, f->result);
    GEN_RETURN(g, f->result);
    GEN_END(g);
}

static void say_done(Future *done, void *arg)
{
    (void)arg;
    printf("callback: <%s> is done, result %s\n", done->name,
           show(done->result));
}

void in_47(void)
{
    Future fut;
    future_init(&fut, FUTURE, "fut");
    future_register_callback(&fut, say_done, NULL);
    WaitFor coro = {.future = &fut};
    Gen *gen = gen_init(&coro.gen, wait_for_step, "wait_for");
    if (gen_next(gen) == GEN_YIELDED && isfuture(gen->yielded))
        printf("step 1: yielded <%s>, a future: the coroutine waits\n",
               ((Future *)gen->yielded)->name);
    future_set_result(&fut, "42");
    if (gen_next(gen) == GEN_RETURNED)
        printf("step 2: returned \"%s\"\n", show(gen->result));
    future_callbacks.count = 0; /* the class's list outlives this cell */
}

/* In [48]: Task is now a Future, but In [24]'s Loop steps a waiting task
 * again anyway: the await finds its future not ready and raises. */
void in_48(void)
{
    Loop l;
    loop_init(&l, FUTURE);
    ParentTask coro;
    loop_create_task(&l, parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}
