/*
 * gather_first_error_in_time.c - gather fails with the error of the first
 * child to fail in time, not with the first failed one in argument order.
 * Both fail in one pass, child 2 first. As gather_first_error_in_time.py (child
 * 1's error is EDOM, child 2's ERANGE: an errno stands for the exception).
 */
#include "scenario.h"

#include <stdio.h>

static const char *who(int error)
{
    return error == EDOM ? "child 1" : error == ERANGE ? "child 2" : "?";
}

typedef struct {
    Gen gen;
    int turns, error;
    Sleep sleep;
    void *ignored;
} Child;

static GenStatus child_step(Gen *g)
{
    Child *c = (Child *)g;
    GEN_BEGIN(g);
    for (; c->turns > 0; c->turns--) {
        asleep(&c->sleep, loop, 0);
        AWAIT(g, &c->sleep.gen, c->ignored);
    }
    printf("%s fails\n", who(c->error));
    RAISE(g, c->error);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Child child[2];
    Task task[2];
    Future *children[2];
    void *results[2];
    Gather gather;
    FutureAwait await;
    void *ignored;
    int error;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    m->child[0] = (Child){.turns = 1, .error = EDOM};
    m->child[1] = (Child){.turns = 1, .error = ERANGE};
    for (int i = 1; i >= 0; i--) /* child 2 steps first */
        m->children[i] =
            &create_task(loop, &m->task[i],
                         gen_init(&m->child[i].gen, child_step, "child"),
                         "child")
                 ->future;
    future_await(&m->await,
                 gather(&m->gather, loop, m->children, 2, m->results));
    TRY_AWAIT(g, &m->await.gen, m->ignored, m->error);
    if (m->error)
        printf("gather raised the error of %s\n", who(m->error));
    future_await(&m->await, &m->task[0].future);
    TRY_AWAIT(g, &m->await.gen, m->ignored, m->error);
    if (m->error)
        printf("child 1 raised %s\n", who(m->error));
    GEN_END(g);
}

int main(void)
{
    Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
