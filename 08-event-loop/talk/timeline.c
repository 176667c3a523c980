/*
 * timeline.c - TRACE=1's timeline of the loop, drawn on stderr so that
 * stdout stays the talk's trace.
 */
#include "timeline.h"

#include <stdio.h>
#include <string.h>

void timeline_start(const Loop *l)
{
    if (l->timeline.on)
        fprintf(stderr, "timeline: # ran  . waiting in the queue  "
                        "z parked on a future  - done\n");
}

static bool is_queued(const Loop *l, const Task *task)
{
    for (int i = 0; i < l->n_tasks; i++)
        if (l->tasks[i] == task)
            return true;
    return false;
}

static char timeline_mark(const Loop *l, const Task *task, const Task *ran)
{
    if (task == ran)
        return '#';
    if (gen_finished(task->coro))
        return '-';
    if (is_queued(l, task))
        return '.';
    return task->fut_waiter ? 'z' : ' ';
}

void timeline_row(Loop *l, const Task *ran)
{
    if (!l->timeline.on)
        return;
    if (l->timeline.n_columns != l->n_created) { /* a task was created */
        fprintf(stderr, "step |");
        for (int i = 0; i < l->n_created; i++)
            fprintf(stderr, " %s", l->created[i]->future.name);
        fprintf(stderr, "\n");
        l->timeline.n_columns = l->n_created;
    }
    fprintf(stderr, "%4d |", ++l->timeline.step);
    for (int i = 0; i < l->n_created; i++) {
        const Task *task = l->created[i];
        bool last = i == l->n_created - 1; /* no trailing blanks */
        fprintf(stderr, " %-*c", last ? 1 : (int)strlen(task->future.name),
                timeline_mark(l, task, ran));
    }
    fprintf(stderr, "\n");
}

/* TRACE=1, once the queue is empty: a task that is neither done nor
 * queued is parked on a future whose callback will never come. */
void timeline_end(const Loop *l)
{
    for (int i = 0; l->timeline.on && i < l->n_created; i++) {
        const Task *task = l->created[i];
        if (!gen_finished(task->coro) && task->fut_waiter)
            fprintf(stderr, "timeline: <%s> never finished: parked on <%s>\n",
                    task->future.name, task->fut_waiter->name);
    }
}
