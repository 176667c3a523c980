/*
 * queue_put_get.c - a Queue of maxsize 2: put waits while it is full and
 * get while it is empty, each line first come first served; join returns
 * once every item had its task_done. queue_put_get.py is the same in
 * asyncio.
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>

static Queue queue;

typedef struct {
    Gen gen;
    const char *name;
    int item;
    QueueOp op;
    Sleep sleep;
    void *got;
} Actor;

static GenStatus producer_step(Gen *g)
{
    Actor *a = (Actor *)g;
    GEN_BEGIN(g);
    for (a->item = 0; a->item < 5; a->item++) {
        printf("put %d\n", a->item);
        queue_put(&a->op, &queue, (void *)(intptr_t)a->item);
        AWAIT(g, &a->op.gen, a->got);
    }
    printf("producer done\n");
    GEN_END(g);
}

static GenStatus consumer_step(Gen *g)
{
    Actor *a = (Actor *)g;
    GEN_BEGIN(g);
    for (;;) {
        queue_get(&a->op, &queue);
        AWAIT(g, &a->op.gen, a->got);
        printf("%s got %d\n", a->name, (int)(intptr_t)a->got);
        asleep(&a->sleep, loop, 0);
        AWAIT(g, &a->sleep.gen, a->got);
        queue_task_done(&queue);
    }
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Actor actors[3];
    Task tasks[3];
    Future *consumers[2];
    void *results[2];
    int errors[2];
    Gather gather;
    FutureAwait await;
    EventWait join;
    void *ignored;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    static const char *const names[] = {"c1", "c2", "producer"};
    GEN_BEGIN(g);
    queue_init(&queue, loop, 2);
    for (int i = 0; i < 3; i++) {
        m->actors[i].name = names[i];
        gen_init(&m->actors[i].gen, i < 2 ? consumer_step : producer_step,
                 names[i]);
        create_task(loop, &m->tasks[i], &m->actors[i].gen, NULL);
    }
    future_await(&m->await, &m->tasks[2].future);
    AWAIT(g, &m->await.gen, m->ignored);
    printf("qsize %d\n", queue_qsize(&queue));
    queue_join(&m->join, &queue);
    AWAIT(g, &m->join.gen, m->ignored);
    printf("joined\n");
    for (int i = 0; i < 2; i++) {
        task_cancel(&m->tasks[i]);
        m->consumers[i] = &m->tasks[i].future;
    }
    future_await(&m->await,
                 gather_return_exceptions(&m->gather, loop, m->consumers, 2,
                                          m->results, m->errors));
    AWAIT(g, &m->await.gen, m->ignored);
    printf("empty: %s\n", queue_empty(&queue) ? "True" : "False");
    GEN_END(g);
}

int main(void)
{
    static Main m;
    int status = run_main(gen_init(&m.gen, main_step, "main"));
    queue_free(&queue);
    return status;
}
