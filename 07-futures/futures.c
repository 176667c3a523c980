/*
 * futures.c - stage 07, the talk's first event loop: "Actual event loop",
 * "Tasks", "Futures" and "Actual futures are not coroutines" (In [19] to
 * In [48]).
 *
 * A Task wraps a coroutine and steps it once per _step(). The Loop keeps a
 * queue of tasks: it pops the first, steps it, puts it back at the end, and
 * sleeps 0.5 s, so tasks take turns on one thread. asleep() is a coroutine
 * that polls the clock. Then futures: a NaiveFuture whose await polls too,
 * a Task that is such a future (a Task "is a" Future: the Future struct comes
 * first in the Task struct), and the talk's Future, whose set_result runs
 * callbacks - which this loop never uses yet: that is stage 08.
 *
 * This file runs the cells. The pieces live one per file, bottom up:
 * asleep, future, task, loop (and its TRACE=1 timeline), then the cells of
 * each notebook section (cells_event_loop, cells_tasks, cells_futures);
 * all their headers are included here, so that a test that includes this
 * file reaches every piece.
 * Run `./futures` for every cell, or `./futures 41` for one (names below).
 * TRACE=1 draws a timeline of the loop on stderr.
 */
#include "asleep.h"
#include "cells_event_loop.h"
#include "cells_futures.h"
#include "cells_tasks.h"
#include "future.h"
#include "loop.h"
#include "talk.h"
#include "task.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifndef STAGE_NO_MAIN
/* A cell that fails on purpose says so before it runs (on_purpose) and
 * after (as_expected): a bug the talk shows must not look like ours. */
static const struct {
    const char *name;
    const char *title;
    void (*run)(void);
    const char *on_purpose, *as_expected;
} cells[] = {
    {"36", "In [36]: two wait_and_print tasks take turns", in_36, NULL, NULL},
    {"37", "In [37]: run_subtask", in_37, NULL, NULL},
    {"28", "In [28]: the parent does not await its background task", in_28,
     NULL, NULL},
    {"sketch", "Actual event loop: two awaitable_non_blocking_io tasks",
     actual_event_loop, NULL, NULL},
    {"41", "In [41]: Task as a NaiveFuture: await polls", in_41, NULL, NULL},
    {"47", "In [47]: Future: await yields once, set_result runs callbacks",
     in_47, NULL, NULL},
    {"48", "In [48]: Task as a Future, on In [24]'s loop", in_48,
     "the next cell fails on purpose, as in the talk: In [24]'s loop "
     "steps a task whose future is not ready",
     "that failure was expected: stage 08's loop parks a waiting task on "
     "its future instead (make 08)"},
};

static const char USAGE[] =
    "usage: futures [--help] [CELL]\n"
    "  Stage 07: the talk's first event loop, tasks and futures. CELL runs\n"
    "  one notebook cell: 36 37 28 sketch 41 47 48 (default: all, in\n"
    "  order). TRACE=1 draws the loop's timeline on stderr. It gives up\n"
    "  when no answer comes (a wrong server).\n" CLIENT_ENVIRONMENT;

int main(int argc, char **argv)
{
    talk_init(argv);
    help_if_asked(argc, argv, USAGE);
    if (argc > 2)
        bad_argument(argv[2], "one cell at a time");
    /* A server that hangs up makes send() fail with EPIPE, which we report,
     * instead of a SIGPIPE that would kill us without a word. */
    signal(SIGPIPE, SIG_IGN);
    bool found = false;
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (argc > 1 && strcmp(argv[1], cells[i].name) != 0)
            continue;
        if (cells[i].on_purpose)
            printf("[on purpose] %s\n", cells[i].on_purpose);
        printf("--- %s ---\n", cells[i].title);
        cells[i].run();
        if (cells[i].as_expected)
            printf("[on purpose] %s\n", cells[i].as_expected);
        found = true;
    }
    if (!found)
        bad_argument(argv[1], "no such cell: one of 36 37 28 sketch 41 47 "
                              "48, or none for all");
    return 0;
}
#endif
