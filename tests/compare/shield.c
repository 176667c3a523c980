/*
 * shield.c - shield: cancelling a task that awaits a shielded task cancels
 * only the waiting; the inner task runs on, and a shield passes its result
 * on when nobody cancels. shield.py is the same in asyncio.
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>

static Future release;

typedef struct {
    Gen gen;
    FutureAwait await;
    void *ignored;
} Inner;

static GenStatus inner_step(Gen *g)
{
    Inner *f = (Inner *)g;
    GEN_BEGIN(g);
    printf("inner starts\n");
    future_await(&f->await, &release);
    AWAIT(g, &f->await.gen, f->ignored);
    printf("inner finishes\n");
    GEN_RETURN(g, (void *)7);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Task *task;
    Shield shield;
    FutureAwait await;
    void *ignored;
    int error;
} Waiter;

static GenStatus waiter_step(Gen *g)
{
    Waiter *f = (Waiter *)g;
    GEN_BEGIN(g);
    future_await(&f->await, shield(&f->shield, &f->task->future));
    TRY_AWAIT(g, &f->await.gen, f->ignored, f->error);
    if (f->error == ECANCELED)
        printf("waiter cancelled\n");
    if (f->error)
        RAISE(g, f->error);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Inner inner, inner2;
    Waiter waiter;
    Task t, w, t2;
    Sleep sleep;
    Shield shield;
    FutureAwait await;
    void *result;
    int error;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    future_init(&release, loop);
    create_task(loop, &m->t, gen_init(&m->inner.gen, inner_step, "inner"),
                NULL);
    m->waiter.task = &m->t;
    create_task(loop, &m->w, gen_init(&m->waiter.gen, waiter_step, "waiter"),
                NULL);
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->result);
    task_cancel(&m->w);
    future_await(&m->await, &m->w.future);
    TRY_AWAIT(g, &m->await.gen, m->result, m->error);
    if (m->error == ECANCELED)
        printf("main sees the waiter cancelled\n");
    printf("inner cancelled: %s\n",
           future_cancelled(&m->t.future) ? "True" : "False");
    future_set_result(&release, NULL);
    future_await(&m->await, &m->t.future);
    AWAIT(g, &m->await.gen, m->result);
    printf("inner result: %d\n", (int)(intptr_t)m->result);
    create_task(loop, &m->t2, gen_init(&m->inner2.gen, inner_step, "inner"),
                NULL);
    future_await(&m->await, shield(&m->shield, &m->t2.future));
    AWAIT(g, &m->await.gen, m->result);
    printf("shielded result: %d\n", (int)(intptr_t)m->result);
    GEN_END(g);
}

int main(void)
{
    static Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
