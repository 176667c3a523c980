/*
 * wait.c - wait_futures: FIRST_COMPLETED returns when one is done,
 * FIRST_EXCEPTION when one fails, ALL_COMPLETED when all are; on timeout
 * it returns what is done so far, raising nothing. wait.py is the same in
 * asyncio.
 */
#include "scenario.h"

#include <stdio.h>

typedef struct {
    Gen gen;
    const char *name;
    int turns, turn;
    bool fails;
    Sleep sleep;
    void *ignored;
} Job;

static GenStatus job_step(Gen *g)
{
    Job *j = (Job *)g;
    GEN_BEGIN(g);
    for (j->turn = 0; j->turn < j->turns; j->turn++) {
        asleep(&j->sleep, loop, 0);
        AWAIT(g, &j->sleep.gen, j->ignored);
    }
    printf("%s %s\n", j->name, j->fails ? "fails" : "done");
    if (j->fails)
        RAISE(g, ECONNRESET);
    GEN_END(g);
}

static void show(const char *label, Future **tasks, int n)
{
    printf("%s: done", label);
    for (int i = 0; i < n; i++)
        if (future_done(tasks[i]))
            printf(" %s", ((Task *)tasks[i])->name);
    printf("; pending");
    for (int i = 0; i < n; i++)
        if (!future_done(tasks[i]))
            printf(" %s", ((Task *)tasks[i])->name);
    printf("\n");
}

typedef struct {
    Gen gen;
    Job jobs[3];
    Task tasks[3];
    Future *fs[3];
    Future never;
    Future *c_and_never[2];
    Wait wait;
    void *ignored;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    static const char *const names[3] = {"a", "b", "c"};
    static const int turns[3] = {1, 10, 20};
    GEN_BEGIN(g);
    for (int i = 0; i < 3; i++) {
        m->jobs[i] =
            (Job){.name = names[i], .turns = turns[i], .fails = i == 1};
        gen_init(&m->jobs[i].gen, job_step, "job");
        create_task(loop, &m->tasks[i], &m->jobs[i].gen, names[i]);
        m->fs[i] = &m->tasks[i].future;
    }
    future_init(&m->never, loop);
    wait_futures(&m->wait, loop, m->fs, 3, FIRST_COMPLETED, -1);
    AWAIT(g, &m->wait.gen, m->ignored);
    show("FIRST_COMPLETED", m->fs, 3);
    wait_futures(&m->wait, loop, m->fs, 3, FIRST_EXCEPTION, -1);
    AWAIT(g, &m->wait.gen, m->ignored);
    show("FIRST_EXCEPTION", m->fs, 3);
    wait_futures(&m->wait, loop, m->fs, 3, ALL_COMPLETED, -1);
    AWAIT(g, &m->wait.gen, m->ignored);
    show("ALL_COMPLETED", m->fs, 3);
    m->c_and_never[0] = m->fs[2];
    m->c_and_never[1] = &m->never;
    wait_futures(&m->wait, loop, m->c_and_never, 2, ALL_COMPLETED, 0.01);
    AWAIT(g, &m->wait.gen, m->ignored);
    printf("timeout: %d done, never pending: %s\n", m->wait.ndone,
           future_done(&m->never) ? "False" : "True");
    printf("b raised %s\n", m->tasks[1].future.error == ECONNRESET
                                ? "ConnectionResetError"
                                : "something else");
    GEN_END(g);
}

int main(void)
{
    static Main m;
    return run_main(gen_init(&m.gen, main_step, "main"));
}
