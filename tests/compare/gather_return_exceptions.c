/*
 * gather_return_exceptions.c - gather_return_exceptions (Python:
 * gather(return_exceptions=True)) waits for every child, even after one
 * fails, and gives each result or error in argument order.
 * gather_return_exceptions.py is the same in asyncio.
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>

typedef struct {
    Gen gen;
    Sleep sleep;
    void *ignored;
} Child;

static GenStatus ok_step(Gen *g)
{
    Child *c = (Child *)g;
    GEN_BEGIN(g);
    asleep(&c->sleep, loop, 0);
    AWAIT(g, &c->sleep.gen, c->ignored);
    printf("ok returns 1\n");
    GEN_RETURN(g, (void *)1);
    GEN_END(g);
}

static GenStatus fails_step(Gen *g)
{
    GEN_BEGIN(g);
    printf("fails raises ConnectionResetError\n");
    RAISE(g, ECONNRESET);
    GEN_END(g);
}

static GenStatus slow_step(Gen *g)
{
    Child *c = (Child *)g;
    GEN_BEGIN(g);
    asleep(&c->sleep, loop, 0.01);
    AWAIT(g, &c->sleep.gen, c->ignored);
    printf("slow returns 4\n");
    GEN_RETURN(g, (void *)4);
    GEN_END(g);
}

static const char *error_name(int error)
{
    return error == ECANCELED    ? "CancelledError"
           : error == ECONNRESET ? "ConnectionResetError"
                                 : "OSError";
}

typedef struct {
    Gen gen;
    Child frames[4];
    Task tasks[4];
    Future *children[4];
    void *results[4];
    int errors[4];
    Gather gather;
    FutureAwait await;
    void *ignored;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    static GenStatus (*const steps[4])(Gen *) = {ok_step, fails_step, slow_step,
                                                 slow_step};
    GEN_BEGIN(g);
    for (int i = 0; i < 4; i++) {
        gen_init(&m->frames[i].gen, steps[i], "child");
        create_task(loop, &m->tasks[i], &m->frames[i].gen, NULL);
        m->children[i] = &m->tasks[i].future;
    }
    task_cancel(&m->tasks[3]);
    future_await(&m->await,
                 gather_return_exceptions(&m->gather, loop, m->children, 4,
                                          m->results, m->errors));
    AWAIT(g, &m->await.gen, m->ignored);
    for (int i = 0; i < 4; i++)
        if (m->errors[i])
            printf("%s\n", error_name(m->errors[i]));
        else
            printf("%d\n", (int)(intptr_t)m->results[i]);
    GEN_END(g);
}

int main(void)
{
    static Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
