/*
 * task_names.c - a task created without a name is Task-N, N counting the
 * unnamed ones from 1; a name given is kept; task_set_name renames.
 * task_names.py is the same in asyncio.
 */
#include "../../08-event-loop/loop/asyncio.h"

#include <stdio.h>

static GenStatus work_step(Gen *g)
{
    GEN_BEGIN(g);
    GEN_END(g);
}

int main(void)
{
    Loop *loop = loop_new(NULL);
    if (!loop)
        return 1;
    Gen coros[4];
    Task a, b, c, d;
    TaskName na, nb, nc;
    create_task(loop, &a, gen_init(&coros[0], work_step, "work"), NULL);
    create_task(loop, &b, gen_init(&coros[1], work_step, "work"), "worker");
    create_task(loop, &c, gen_init(&coros[2], work_step, "work"), NULL);
    printf("%s %s %s\n", task_get_name(&a, &na), task_get_name(&b, &nb),
           task_get_name(&c, &nc));
    task_set_name(&c, "renamed");
    printf("%s\n", task_get_name(&c, &nc));
    Gather all;
    void *results[3];
    run_until_complete(
        loop, gather(&all, loop, (Future *[]){&a.future, &b.future, &c.future},
                     3, results));
    create_task(loop, &d, gen_init(&coros[3], work_step, "work"), NULL);
    printf("%s\n", task_get_name(&d, &na));
    run_until_complete(loop, &d.future);
    loop_close(loop);
    return 0;
}
