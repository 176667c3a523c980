/*
 * task_group.c - a TaskGroup: the body's end waits for every task; the
 * first failure cancels the other tasks and the body's own await, and the
 * group raises once all have finished. task_group.py is the same in
 * asyncio.
 */
#include "scenario.h"

#include <stdio.h>

typedef struct {
    Gen gen;
    const char *name;
    double seconds;
    bool fails;
    Sleep sleep;
    void *ignored;
    int error;
} Job;

static GenStatus job_step(Gen *g)
{
    Job *j = (Job *)g;
    GEN_BEGIN(g);
    asleep(&j->sleep, loop, j->seconds);
    TRY_AWAIT(g, &j->sleep.gen, j->ignored, j->error);
    if (j->error == ECANCELED)
        printf("%s cancelled\n", j->name);
    if (j->error)
        RAISE(g, j->error);
    if (j->fails) {
        printf("%s fails\n", j->name);
        RAISE(g, ECONNRESET);
    }
    printf("%s done\n", j->name);
    GEN_END(g);
}

static Gen *job(Job *j, const char *name, double seconds, bool fails)
{
    *j = (Job){.name = name, .seconds = seconds, .fails = fails};
    return gen_init(&j->gen, job_step, name);
}

typedef struct {
    Gen gen;
    Task *self;
    TaskGroup tg;
    Job jobs[4];
    GroupTask members[4];
    Sleep sleep;
    void *ignored;
    int error;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    task_group_init(&m->tg, loop, m->self);
    task_group_create_task(&m->tg, &m->members[0],
                           job(&m->jobs[0], "a", 0, false), NULL);
    task_group_create_task(&m->tg, &m->members[1],
                           job(&m->jobs[1], "b", 0.01, false), NULL);
    printf("body ends, the group waits\n");
    task_group_wait(&m->tg, 0);
    AWAIT(g, &m->tg.gen, m->ignored);
    printf("group 1 done\n");

    task_group_init(&m->tg, loop, m->self);
    task_group_create_task(&m->tg, &m->members[2],
                           job(&m->jobs[2], "c", 0, true), NULL);
    task_group_create_task(&m->tg, &m->members[3],
                           job(&m->jobs[3], "d", 10, false), NULL);
    asleep(&m->sleep, loop, 10);
    TRY_AWAIT(g, &m->sleep.gen, m->ignored, m->error);
    if (m->error == ECANCELED)
        printf("body cancelled\n");
    task_group_wait(&m->tg, m->error);
    TRY_AWAIT(g, &m->tg.gen, m->ignored, m->error);
    if (m->error == ECONNRESET)
        printf("group 2 raised %d error: ConnectionResetError\n",
               m->tg.nerrors);
    printf("main goes on\n");
    GEN_END(g);
}

int main(void)
{
    static Main m;
    Task main_task; /* the group's parent: C has no current_task() */
    m.self = &main_task;
    if (new_loop() == -1)
        return 1;
    create_task(loop, &main_task, gen_init(&m.gen, main_step, "main"), "main");
    run_task_then_close(&main_task);
    return 0;
}
