/*
 * cancel_self_then_await.c - a task that cancels itself, then awaits a
 * future nobody completes: the future is cancelled at once and the task
 * ends cancelled. As cancel_self_then_await.py.
 */
#include "scenario.h"

#include <stdio.h>

static Loop *loop;
static Task task;

typedef struct {
    Gen gen;
    Future fut;
    FutureAwait await;
    void *ignored;
    int error;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    future_init(&m->fut, loop);
    printf("task cancels itself\n");
    task_cancel(&task);
    printf("task awaits a future nobody completes\n");
    future_await(&m->await, &m->fut);
    TRY_AWAIT(g, &m->await.gen, m->ignored, m->error);
    if (m->error == ECANCELED) {
        printf("task got CancelledError; the future is cancelled: %s\n",
               py_bool(future_cancelled(&m->fut)));
        RAISE(g, m->error);
    }
    GEN_END(g);
}

int main(void)
{
    if (new_loop() == -1)
        return 1;
    Main m;
    create_task(loop, &task, gen_init(&m.gen, main_step, "main"), "main");
    run_task_then_close(&task);
    if (future_cancelled(&task.future))
        printf("run_until_complete raised CancelledError; task cancelled: "
               "True\n");
    return 0;
}
