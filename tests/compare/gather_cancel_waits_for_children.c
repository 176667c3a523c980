/*
 * gather_cancel_waits_for_children.c - cancelling a task that awaits
 * gather cancels the children at once; the task sees CancelledError only
 * after they cleaned up. As gather_cancel_waits_for_children.py.
 */
#include "scenario.h"

#include <stdio.h>

typedef struct {
    Gen gen;
    LongSleep child[2];
    Task task[2];
    Future *children[2];
    void *results[2];
    Gather gather;
    FutureAwait await;
    void *ignored;
    int error;
} Parent;

static GenStatus parent_step(Gen *g)
{
    Parent *p = (Parent *)g;
    GEN_BEGIN(g);
    for (int i = 0; i < 2; i++)
        p->children[i] = &create_task(loop, &p->task[i],
                                      long_sleep(&p->child[i],
                                                 i == 0 ? "child 1" : "child 2",
                                                 "cleans up"),
                                      "child")
                              ->future;
    future_await(&p->await,
                 gather(&p->gather, loop, p->children, 2, p->results));
    TRY_AWAIT(g, &p->await.gen, p->ignored, p->error);
    if (p->error == ECANCELED)
        printf("parent sees CancelledError\n");
    if (p->error)
        RAISE(g, p->error);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Parent parent;
    Task task;
    Sleep sleep;
    FutureAwait await;
    void *ignored;
    int error;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    create_task(loop, &m->task, gen_init(&m->parent.gen, parent_step, "parent"),
                "parent");
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->ignored);
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->ignored);
    printf("main cancels parent\n");
    task_cancel(&m->task);
    future_await(&m->await, &m->task.future);
    TRY_AWAIT(g, &m->await.gen, m->ignored, m->error);
    if (m->error == ECANCELED)
        printf("main: parent cancelled: %s\n",
               py_bool(future_cancelled(&m->task.future)));
    GEN_END(g);
}

int main(void)
{
    Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
