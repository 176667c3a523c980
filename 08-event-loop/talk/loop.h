/*
 * loop.h - the talk's In [23] BaseLoop and In [54] Loop: a queue of tasks,
 * each stepped in turn, 0.5 s apart, on one thread; a task that awaits a
 * future leaves the queue until the future is done.
 */
#ifndef LOOP_H
#define LOOP_H

#include "future.h"
#include "task.h"

#include <stdbool.h>

#define MAX_TASKS 16
struct Loop {
    Task *tasks[MAX_TASKS]; /* Python: self.tasks, the queue */
    int n_tasks;
    Task *created[MAX_TASKS]; /* every task, in order: C frees them */
    int n_created;
    struct {
        bool on;       /* TRACE=1 */
        int step;      /* loop iterations so far */
        int n_columns; /* tasks in the last header line */
    } timeline;
};

void loop_init(Loop *l);
void loop_free(Loop *l);
Task *loop_create_task(Loop *l, Gen *coro, const char *name);
int loop_run_until_complete(Loop *l);

#endif
