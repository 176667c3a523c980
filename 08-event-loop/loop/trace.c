/*
 * trace.c - the TRACE=1 timeline of the real loop. It hears from the loop
 * through its hook (a run starts or ends, an iteration ends, a task is
 * created or takes a step) and asks the loop what a waiting task waits on.
 *
 *   [0:00:00.101235]    3 |#rr.| slept on io: 2 io
 *                       |  one column per task, see the legend
 *                       iteration
 *
 * Its length does not depend on how fast the machine is: at most COLUMNS
 * tasks get a column (the rest are counted, "+N more"), at most
 * ROWS_PER_RUN iterations of a run are drawn, and at most LINE_BUDGET lines
 * in all before the closing summary, whose own length is bounded too.
 */
#include "trace.h"
#include "memory.h"
#include "task.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COLUMNS = 16, ROWS_PER_RUN = 6, LINE_BUDGET = 100 };

typedef struct {
    Loop *loop;
    double start; /* the clock every line counts from */
    int lines;    /* printed so far, summary excluded */
    int run, rows_in_run, rows_not_drawn;
    Task *column[COLUMNS]; /* NULL: the column is free (or done) */
    char marks[COLUMNS + 1];
    int ncolumns;                /* the width drawn: columns used so far */
    long not_drawn;              /* live tasks without a column */
    int named_first, named_last; /* columns given to tasks named `name`, */
    const char *name;            /* not said yet (first -1: none) */
    long created, finished, raised, cancelled;
} Trace;

/* One line on stderr, while the budget lasts; the last one says it is
 * spent. */
static void say(Trace *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(Trace *t, const char *fmt, ...)
{
    if (t->lines >= LINE_BUDGET)
        return;
    if (++t->lines == LINE_BUDGET) {
        fprintf(stderr,
                "trace: %d lines: the rest is not drawn; the summary "
                "comes when the loop closes\n",
                LINE_BUDGET);
        return;
    }
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
}

static void legend(Trace *t)
{
    say(t, "trace: the loop's timeline: [time] iteration |a column per task| "
           "how it waited before its pass\n");
    say(t, "trace:   # ran in this iteration  . ready to run  t waits on a "
           "timer  r / w waits to read / write\n");
    say(t, "trace:   f waits on another future  blank: done or free  +N "
           "more: tasks without a column\n");
    say(t,
        "trace:   at most %d columns, %d iterations a run and %d lines; a "
        "summary when the loop closes\n",
        COLUMNS, ROWS_PER_RUN, LINE_BUDGET);
}

/* "column 3 is <task1>": one line for a stretch of columns given to tasks
 * of one name ("columns 1 to 16 are <client>"), said before the next row. */
static void say_columns(Trace *t)
{
    if (t->named_first < 0)
        return;
    if (t->named_first == t->named_last)
        say(t, "trace: column %d is <%s>\n", t->named_first + 1, t->name);
    else
        say(t, "trace: columns %d to %d are <%s>\n", t->named_first + 1,
            t->named_last + 1, t->name);
    t->named_first = -1;
}

static void name_column(Trace *t, int c, const char *name)
{
    if (t->named_first >= 0 && c == t->named_last + 1 &&
        strcmp(name, t->name) == 0) {
        t->named_last = c;
        return;
    }
    say_columns(t);
    t->named_first = t->named_last = c;
    t->name = name;
}

/* --- what a task waits on ------------------------------------------------ */

static char wait_mark(const Loop *loop, const Task *task, int *fd)
{
    if (!task || future_done(&task->future))
        return ' ';
    if (!task->waiting_on)
        return '.';
    switch (loop_find_wait(loop, task->waiting_on, fd)) {
    case WAITS_ON_TIMER:
        return 't';
    case WAITS_TO_READ:
        return 'r';
    case WAITS_TO_WRITE:
        return 'w';
    case WAITS_ON_NOTHING:
        break;
    }
    return 'f';
}

static void update_marks(Trace *t)
{
    int fd;
    for (int c = 0; c < t->ncolumns; c++)
        t->marks[c] = wait_mark(t->loop, t->column[c], &fd);
}

static int column_of(const Trace *t, const Task *task)
{
    for (int c = 0; c < t->ncolumns; c++)
        if (t->column[c] == task)
            return c;
    return -1;
}

/* --- the hook ------------------------------------------------------------ */

static void task_created(Trace *t, Task *task)
{
    t->created++;
    int c = 0; /* the first column free again, or a new one */
    while (c < t->ncolumns && (t->column[c] || t->marks[c] != ' '))
        c++;
    if (c == COLUMNS) {
        t->not_drawn++;
        return;
    }
    t->ncolumns += c == t->ncolumns;
    t->column[c] = task;
    t->marks[c] = '.';
    name_column(t, c, task->name ? task->name : "task");
}

static void task_stepped(Trace *t, Task *task)
{
    int c = column_of(t, task);
    if (c >= 0)
        t->marks[c] = '#';
    if (!future_done(&task->future))
        return;
    if (future_cancelled(&task->future))
        t->cancelled++;
    else if (task->future.error)
        t->raised++;
    else
        t->finished++;
    if (c >= 0)
        t->column[c] = NULL; /* drawn '#' this once, then free */
    else
        t->not_drawn--;
}

static void iterated(Trace *t, const LoopIteration *it)
{
    if (t->rows_in_run == ROWS_PER_RUN || t->lines >= LINE_BUDGET) {
        t->rows_not_drawn++;
        return;
    }
    t->rows_in_run++;
    say_columns(t);
    char when[32], more[32] = "", waited[32] = "polled";
    format_delta(when, sizeof when, monotonic_now() - t->start);
    if (t->not_drawn > 0)
        snprintf(more, sizeof more, " +%ld more", t->not_drawn);
    if (it->timeout_ms != 0)
        snprintf(waited, sizeof waited, "slept on %s",
                 it->timeout_ms < 0 ? "io" : "io or a timer");
    say(t, "[%s] %4llu |%s|%s %s: %d io\n", when, t->loop->iteration, t->marks,
        more, waited, it->nevents + it->ncompleted);
    update_marks(t);
}

static void hook(void *ctx, LoopEvent event, const void *detail)
{
    Trace *t = ctx;
    switch (event) {
    case LOOP_RUN_STARTED:
        t->run++;
        t->rows_in_run = t->rows_not_drawn = 0;
        update_marks(t);
        say_columns(t);
        say(t, "trace: run %d starts\n", t->run);
        break;
    case LOOP_ITERATED:
        iterated(t, detail);
        break;
    case LOOP_RUN_ENDED:
        if (t->rows_not_drawn > 0)
            say(t, "trace: run %d: %d more iterations, not drawn\n", t->run,
                t->rows_not_drawn);
        break;
    case LOOP_TASK_CREATED:
        task_created(t, (Task *)detail);
        break;
    case LOOP_TASK_STEPPED:
        task_stepped(t, (Task *)detail);
        break;
    }
}

/* --- the summary, when the loop closes ----------------------------------- */

static void describe_wait(const Trace *t, const Task *task, char *out,
                          size_t size)
{
    int fd = -1;
    switch (wait_mark(t->loop, task, &fd)) {
    case '.':
        snprintf(out, size, "ready to run");
        break;
    case 't':
        snprintf(out, size, "waits on a timer");
        break;
    case 'r':
        snprintf(out, size, "waits to read fd %d", fd);
        break;
    case 'w':
        snprintf(out, size, "waits to write fd %d", fd);
        break;
    default:
        snprintf(out, size, "waits on another future");
    }
}

static void summary(void *ctx)
{
    Trace *t = ctx;
    say_columns(t);
    long ended = t->finished + t->raised + t->cancelled;
    fprintf(stderr,
            "trace: summary: %ld tasks: %ld finished, %ld raised, %ld "
            "cancelled, %ld never finished\n",
            t->created, t->finished, t->raised, t->cancelled,
            t->created - ended);
    for (int c = 0; c < t->ncolumns; c++) {
        if (!t->column[c])
            continue;
        char what[64];
        describe_wait(t, t->column[c], what, sizeof what);
        fprintf(stderr, "trace:   <%s> never finished: %s\n",
                t->column[c]->name ? t->column[c]->name : "task", what);
    }
    if (t->not_drawn > 0)
        fprintf(stderr, "trace:   +%ld more never finished\n", t->not_drawn);
    loop_set_hook(t->loop, NULL, NULL);
    reallocate(t, 0, 0);
}

bool trace_from_env(Loop *loop, const Timer *clock)
{
    const char *on = getenv("TRACE");
    if (!on || !*on || strcmp(on, "0") == 0)
        return false;
    Trace *t = reallocate(NULL, 1, sizeof *t);
    *t = (Trace){.loop = loop,
                 .start = clock ? clock->start : monotonic_now(),
                 .named_first = -1};
    legend(t);
    loop_set_hook(loop, hook, t);
    loop_call_at_close(loop, summary, t);
    return true;
}
