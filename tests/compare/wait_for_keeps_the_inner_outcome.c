/*
 * wait_for_keeps_the_inner_outcome.c - wait_for on a timeout cancels the
 * inner task and waits for it: a result or an error it returns instead of
 * the cancellation is wait_for's; only a cancelled inner is a TimeoutError.
 * As wait_for_keeps_the_inner_outcome.py (EINVAL stands for ValueError).
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    Gen gen;
    const char *name, *on_cancel;
    Sleep sleep;
    void *ignored;
    int error;
} Inner;

static GenStatus inner_step(Gen *g)
{
    Inner *in = (Inner *)g;
    GEN_BEGIN(g);
    asleep(&in->sleep, loop, 10);
    TRY_AWAIT(g, &in->sleep.gen, in->ignored, in->error);
    if (in->error == ECANCELED) {
        printf("%s: cancelled, %s\n", in->name, in->on_cancel);
        if (strcmp(in->on_cancel, "returns 7") == 0)
            GEN_RETURN(g, (void *)(intptr_t)7);
        if (strcmp(in->on_cancel, "raises ValueError") == 0)
            RAISE(g, EINVAL);
        RAISE(g, ECANCELED);
    }
    GEN_END(g);
}

static const char *const ON_CANCEL[] = {"returns 7", "raises ValueError",
                                        "lets it through"};

typedef struct {
    Gen gen;
    int i;
    Inner inner;
    Task task;
    WaitFor wait;
    void *result;
    int error;
} Main;

static Future *start_inner(Main *m, const char *name, const char *on_cancel)
{
    m->inner = (Inner){.name = name, .on_cancel = on_cancel};
    return &create_task(loop, &m->task,
                        gen_init(&m->inner.gen, inner_step, "inner"), "inner")
                ->future;
}

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    for (m->i = 0; m->i < 3; m->i++) {
        wait_for(&m->wait, loop, start_inner(m, "inner", ON_CANCEL[m->i]),
                 0.01);
        TRY_AWAIT(g, &m->wait.gen, m->result, m->error);
        if (m->error == 0)
            printf("wait_for returned %d\n", (int)(intptr_t)m->result);
        else if (m->error == EINVAL)
            printf("wait_for raised ValueError\n");
        else if (m->error == ETIMEDOUT)
            printf("wait_for raised TimeoutError\n");
    }
    wait_for(&m->wait, loop, start_inner(m, "not started", "lets it through"),
             0);
    TRY_AWAIT(g, &m->wait.gen, m->result, m->error);
    if (m->error == ETIMEDOUT)
        printf("timeout 0: TimeoutError, the task never ran: %s\n",
               py_bool(future_cancelled(&m->task.future)));
    GEN_END(g);
}

int main(void)
{
    Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
