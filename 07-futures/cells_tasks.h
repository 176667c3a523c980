/*
 * cells_tasks.h - the cells of the talk's "Tasks" section: In [37], a task
 * that awaits a sub-coroutine, and In [28], a task that starts another and
 * never awaits it.
 */
#ifndef CELLS_TASKS_H
#define CELLS_TASKS_H

#include "asleep.h"
#include "coro.h"

#include <stdbool.h>

/* Python: async def background_task(): await asleep(2), and in In [28]
 * print('finished background task'). */
typedef struct {
    Gen gen;
    bool announce;
    Asleep sleep;
    void *slept;
} BackgroundTask;

Gen *background_task(BackgroundTask *frame, bool announce);

void in_37(void);
void in_28(void);

#endif
