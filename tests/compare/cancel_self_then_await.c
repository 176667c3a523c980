/*
 * cancel_self_then_await.c - a task that cancels itself, then awaits a
 * future nobody completes: the future is cancelled at once and the task
 * ends cancelled. As cancel_self_then_await.py.
 */
#include "../../08-event-loop/loop/asyncio.h"

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
               future_cancelled(&m->fut) ? "True" : "False");
        RAISE(g, m->error);
    }
    GEN_END(g);
}

int main(void)
{
    loop = loop_new(NULL);
    if (!loop)
        return 1;
    Main m;
    create_task(loop, &task, gen_init(&m.gen, main_step, "main"), "main");
    if (run_until_complete(loop, &task.future) == 0 &&
        future_cancelled(&task.future))
        printf("run_until_complete raised CancelledError; task cancelled: "
               "True\n");
    loop_close(loop);
    return 0;
}
