/*
 * event_and_lock.c - event_set wakes every waiter in the order they began
 * to wait; a Lock has one holder at a time and serves the others first
 * come first served, passing over one cancelled while it waited.
 * event_and_lock.py is the same in asyncio.
 */
#include "scenario.h"

#include <stdio.h>

static Event event;
static Lock lock;

typedef struct {
    Gen gen;
    const char *name;
    EventWait wait;
    LockAcquire acquire;
    Sleep sleep;
    void *ignored;
    int error;
} Actor;

static GenStatus waiter_step(Gen *g)
{
    Actor *a = (Actor *)g;
    GEN_BEGIN(g);
    printf("%s waits\n", a->name);
    event_wait(&a->wait, &event);
    AWAIT(g, &a->wait.gen, a->ignored);
    printf("%s sees the event\n", a->name);
    GEN_END(g);
}

static GenStatus worker_step(Gen *g)
{
    Actor *a = (Actor *)g;
    GEN_BEGIN(g);
    printf("%s wants the lock\n", a->name);
    lock_acquire(&a->acquire, &lock);
    TRY_AWAIT(g, &a->acquire.gen, a->ignored, a->error);
    if (a->error == ECANCELED)
        printf("%s cancelled while waiting\n", a->name);
    if (a->error)
        RAISE(g, a->error);
    printf("%s holds the lock\n", a->name);
    asleep(&a->sleep, loop, 0);
    AWAIT(g, &a->sleep.gen, a->ignored);
    lock_release(&lock);
    printf("%s released it\n", a->name);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Actor actors[7];
    Task tasks[6];
    Future *fs[4];
    void *results[4];
    int errors[4];
    Gather gather;
    FutureAwait await;
    Sleep sleep;
    void *ignored;
} Main;

static Gen *actor(Actor *a, GenStatus (*step)(Gen *), const char *name)
{
    a->name = name;
    return gen_init(&a->gen, step, name);
}

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    static const char *const names[] = {"a", "b", "w1", "w2", "w3", "w4"};
    GEN_BEGIN(g);
    event_init(&event, loop);
    for (int i = 0; i < 2; i++) {
        create_task(loop, &m->tasks[i],
                    actor(&m->actors[i], waiter_step, names[i]), NULL);
        m->fs[i] = &m->tasks[i].future;
    }
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->ignored);
    printf("main sets the event\n");
    event_set(&event);
    future_await(&m->await, gather(&m->gather, loop, m->fs, 2, m->results));
    AWAIT(g, &m->await.gen, m->ignored);
    actor(&m->actors[6], waiter_step, "c");
    AWAIT(g, &m->actors[6].gen, m->ignored);
    lock_init(&lock, loop);
    for (int i = 0; i < 4; i++) {
        create_task(loop, &m->tasks[2 + i],
                    actor(&m->actors[2 + i], worker_step, names[2 + i]), NULL);
        m->fs[i] = &m->tasks[2 + i].future;
    }
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->ignored);
    task_cancel(&m->tasks[4]);
    future_await(&m->await, gather_return_exceptions(&m->gather, loop, m->fs, 4,
                                                     m->results, m->errors));
    AWAIT(g, &m->await.gen, m->ignored);
    printf("locked: %s\n", lock_locked(&lock) ? "True" : "False");
    GEN_END(g);
}

int main(void)
{
    static Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
