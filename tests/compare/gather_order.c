/*
 * gather_order.c - gather's results come in argument order, whatever
 * order the children finish in; 10,000 children sleeping 10 ms are
 * gathered the same way. As gather_order.py.
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { NAPPERS = 10000 };

typedef struct {
    Gen gen;
    int value, turns;
    double nap; /* > 0: one sleep of that long, and no line */
    Sleep sleep;
    void *ignored;
} Child;

static GenStatus child_step(Gen *g)
{
    Child *c = (Child *)g;
    GEN_BEGIN(g);
    if (c->nap > 0) {
        asleep(&c->sleep, loop, c->nap);
        AWAIT(g, &c->sleep.gen, c->ignored);
        GEN_RETURN(g, (void *)(intptr_t)c->value);
    }
    for (; c->turns > 0; c->turns--) {
        asleep(&c->sleep, loop, 0);
        AWAIT(g, &c->sleep.gen, c->ignored);
    }
    printf("child %d finishes\n", c->value);
    GEN_RETURN(g, (void *)(intptr_t)c->value);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Child *children;
    Task *tasks;
    Future **futures;
    void **results;
    Gather gather;
    FutureAwait await;
    void *ignored;
    bool in_order;
} Main;

/* Starts n children (their frames in m->children already set). */
static Future *gather_children(Main *m, int n)
{
    for (int i = 0; i < n; i++)
        m->futures[i] =
            &create_task(loop, &m->tasks[i],
                         gen_init(&m->children[i].gen, child_step, "child"),
                         "child")
                 ->future;
    return gather(&m->gather, loop, m->futures, n, m->results);
}

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    m->children[0] = (Child){.value = 1, .turns = 3};
    m->children[1] = (Child){.value = 2, .turns = 1};
    m->children[2] = (Child){.value = 3, .turns = 2};
    future_await(&m->await, gather_children(m, 3));
    AWAIT(g, &m->await.gen, m->ignored);
    printf("gather returned [%d, %d, %d]\n", (int)(intptr_t)m->results[0],
           (int)(intptr_t)m->results[1], (int)(intptr_t)m->results[2]);
    for (int i = 0; i < NAPPERS; i++)
        m->children[i] = (Child){.value = i, .nap = 0.01};
    future_await(&m->await, gather_children(m, NAPPERS));
    AWAIT(g, &m->await.gen, m->ignored);
    m->in_order = true;
    for (int i = 0; i < NAPPERS; i++)
        m->in_order &= m->results[i] == (void *)(intptr_t)i;
    printf("%d children gathered, in argument order: %s\n", NAPPERS,
           py_bool(m->in_order));
    GEN_END(g);
}

int main(void)
{
    Main m = {.children = calloc(NAPPERS, sizeof(Child)),
              .tasks = calloc(NAPPERS, sizeof(Task)),
              .futures = calloc(NAPPERS, sizeof(Future *)),
              .results = calloc(NAPPERS, sizeof(void *))};
    if (!m.children || !m.tasks || !m.futures || !m.results)
        return 1;
    int status = run_main(gen_init(&m.gen, main_step, "main"));
    free(m.children);
    free(m.tasks);
    free(m.futures);
    free(m.results);
    return status;
}
