/*
 * cancel_and_exceptions.c - cancel on a sleeping task, on one not started
 * yet (it never runs) and on one already done (false); an exception
 * travels through every await; set_result twice and the result of a
 * pending future are InvalidStateError (-1, and a line on stderr). As
 * cancel_and_exceptions.py (EIO stands for OSError(5)).
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    Gen gen;
    const char *name;
    Sleep sleep;
    void *ignored;
    int error;
} Sleeper;

static GenStatus sleeper_step(Gen *g)
{
    Sleeper *s = (Sleeper *)g;
    GEN_BEGIN(g);
    printf("%s starts, sleeps\n", s->name);
    asleep(&s->sleep, loop, 10);
    TRY_AWAIT(g, &s->sleep.gen, s->ignored, s->error);
    if (s->error == ECANCELED)
        printf("%s gets CancelledError\n", s->name);
    if (s->error)
        RAISE(g, s->error);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Sleep sleep;
    void *ignored;
} Failing;

static GenStatus failing_step(Gen *g)
{
    Failing *f = (Failing *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, loop, 0);
    AWAIT(g, &f->sleep.gen, f->ignored);
    RAISE(g, EIO);
    GEN_END(g);
}

/* await a new task running failing(): its error passes through. */
typedef struct {
    Gen gen;
    Failing failing;
    Task task;
    FutureAwait await;
    void *result;
} Middle;

static GenStatus middle_step(Gen *g)
{
    Middle *m = (Middle *)g;
    GEN_BEGIN(g);
    create_task(loop, &m->task,
                gen_init(&m->failing.gen, failing_step, "failing"), "failing");
    future_await(&m->await, &m->task.future);
    AWAIT(g, &m->await.gen, m->result);
    GEN_RETURN(g, m->result);
    GEN_END(g);
}

static GenStatus quick_step(Gen *g)
{
    GEN_BEGIN(g);
    GEN_RETURN(g, "done");
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Sleeper sleeping_frame, not_started_frame;
    Task sleeping, not_started, finished, middle_task;
    Gen quick;
    Middle middle;
    Task *task;
    int i;
    Sleep sleep;
    FutureAwait await;
    Future fut;
    void *result;
    int error;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    m->sleeping_frame.name = "sleeping task";
    create_task(loop, &m->sleeping,
                gen_init(&m->sleeping_frame.gen, sleeper_step, "sleeper"), "s");
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->result);
    printf("cancel sleeping task: %s\n", py_bool(task_cancel(&m->sleeping)));
    m->not_started_frame.name = "not started task";
    create_task(loop, &m->not_started,
                gen_init(&m->not_started_frame.gen, sleeper_step, "sleeper"),
                "n");
    printf("cancel not started task: %s\n",
           py_bool(task_cancel(&m->not_started)));
    create_task(loop, &m->finished, gen_init(&m->quick, quick_step, "quick"),
                "q");
    future_await(&m->await, &m->finished.future);
    AWAIT(g, &m->await.gen, m->result);
    printf("cancel finished task: %s\n", py_bool(task_cancel(&m->finished)));
    for (m->i = 0; m->i < 2; m->i++) {
        m->task = m->i == 0 ? &m->sleeping : &m->not_started;
        future_await(&m->await, &m->task->future);
        TRY_AWAIT(g, &m->await.gen, m->result, m->error);
        if (m->error == ECANCELED)
            printf("awaiting it raises CancelledError; cancelled: %s\n",
                   py_bool(future_cancelled(&m->task->future)));
    }
    create_task(loop, &m->middle_task,
                gen_init(&m->middle.gen, middle_step, "middle"), "m");
    future_await(&m->await, &m->middle_task.future);
    TRY_AWAIT(g, &m->await.gen, m->result, m->error);
    if (m->error)
        printf("the error travelled up two awaits: errno %d\n", m->error);
    future_init(&m->fut, loop);
    if (future_result(&m->fut, &m->result) == -1)
        printf("result() of a pending future: InvalidStateError\n");
    future_set_result(&m->fut, (void *)(intptr_t)1);
    if (future_set_result(&m->fut, (void *)(intptr_t)2) == -1) {
        future_result(&m->fut, &m->result);
        printf("set_result twice: InvalidStateError; result stays %d\n",
               (int)(intptr_t)m->result);
    }
    GEN_END(g);
}

int main(void)
{
    static Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
