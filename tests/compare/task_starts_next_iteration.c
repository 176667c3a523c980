/*
 * task_starts_next_iteration.c - create_task runs nothing at once: the
 * task's first step is queued behind what is already there; a task
 * awaiting a pending future parks until it is done, and others run
 * meanwhile. As task_starts_next_iteration.py.
 */
#include "scenario.h"

#include <stdio.h>

static Loop *loop;
static Future fut;

typedef struct {
    Gen gen;
    FutureAwait await;
    void *value;
} Waiter;

static GenStatus waiter_step(Gen *g)
{
    Waiter *w = (Waiter *)g;
    GEN_BEGIN(g);
    printf("waiter starts, awaits the future\n");
    future_await(&w->await, &fut);
    AWAIT(g, &w->await.gen, w->value);
    printf("waiter resumes with %s\n", (const char *)w->value);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    int i;
    Sleep sleep;
    void *ignored;
} Other;

static GenStatus other_step(Gen *g)
{
    Other *o = (Other *)g;
    GEN_BEGIN(g);
    for (o->i = 0; o->i < 3; o->i++) {
        printf("other runs, turn %d\n", o->i + 1);
        asleep(&o->sleep, loop, 0);
        AWAIT(g, &o->sleep.gen, o->ignored);
    }
    future_set_result(&fut, "the result");
    printf("other set the result\n");
    GEN_END(g);
}

int main(void)
{
    if (new_loop() == -1)
        return 1;
    future_init(&fut, loop);
    call_soon(loop, say, "callback queued before the tasks runs");
    Waiter w;
    Other o;
    Task waiting, other;
    create_task(loop, &waiting, gen_init(&w.gen, waiter_step, "waiter"),
                "waiter");
    printf("create_task returned: nothing ran yet\n");
    create_task(loop, &other, gen_init(&o.gen, other_step, "other"), "other");
    run_task_then_close(&waiting);
    return 0;
}
