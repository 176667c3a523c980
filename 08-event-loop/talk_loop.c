/*
 * talk_loop.c - stage 08, the talk's part: "New event loop" and "What we've
 * learned so far" (In [54] and In [56]), then the bug hunt.
 *
 * This is stage 07's program with one idea added: a task that yields a
 * future is parked, not queued again, and the future's done callback puts
 * it back in the queue. The talk's version of that loses a task: In [56]'s
 * parent_task never prints `finished waiting for background tasks`. Five
 * bugs hide behind it; `bugs` (talk/bugs.h) says which are still in, and
 * main runs In [56] once with all of them, then once after each fix.
 *
 * This file runs In [56] and the fixes. The pieces live in talk/, one per
 * file, bottom up: bugs (which of the five are still in), then stage 07's
 * asleep, future, task, loop and timeline with the new loop's changes, then
 * the cells (cells_event_loop, cells_what_we_learned); all their headers
 * are included here, so that a test that includes this file reaches every
 * piece. Run `./talk_loop` for every run, or `./talk_loop fix3` for one
 * (names below). TRACE=1 draws a timeline of the loop on stderr.
 */
#include "talk.h"
#include "talk/asleep.h"
#include "talk/bugs.h"
#include "talk/cells_event_loop.h"
#include "talk/cells_what_we_learned.h"
#include "talk/future.h"
#include "talk/loop.h"
#include "talk/task.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#ifndef STAGE_NO_MAIN
/* The talk's trace, then one fix at a time: each run keeps the bugs that
 * are not fixed yet. */
/* A run that still has a bug that stops it short says so before it runs
 * (on_purpose) and after (as_expected): a bug the talk shows must not
 * look like ours. */
static const struct {
    const char *name;
    const char *title;
    void (*run)(unsigned bugs);
    unsigned bugs;
    const char *on_purpose, *as_expected;
} runs[] = {
    {"56", "In [56]: the talk's loop: parent_task vanishes", in_56, TALK_BUGS,
     "the talk's loop has bugs, kept on purpose: watch parent_task",
     "parent_task never finished: the loop lost it, as in the talk; the "
     "fixes below find why"},
    {"fix1", "fix 1: each future has its own callbacks", in_56,
     TALK_BUGS & ~BUG_SHARED_CALLBACKS, "four bugs left, on purpose",
     "parent_task still vanishes, as expected: fix 1 alone changes nothing "
     "yet"},
    {"fix2", "fix 2: a Task sets its result, so its callbacks run", in_56,
     TALK_BUGS & ~(BUG_SHARED_CALLBACKS | BUG_NO_SET_RESULT),
     "three bugs left, on purpose: this run ends in an error",
     "that error was expected: the callback queued the finished task1 "
     "again, not parent_task (fix 3)"},
    {"fix3", "fix 3: the callback wakes the waiting task, not the done one",
     in_56, BUG_DONE_FUTURE_PARKS | BUG_STOP_ITERATION_RESULT,
     "two bugs left, on purpose: this run stops short",
     "stopped short, as expected: parent_task woke, awaited task2, which "
     "was already done, and parked for good (fix 4)"},
    {"fix4", "fix 4: awaiting a done future does not park", in_56,
     BUG_STOP_ITERATION_RESULT, NULL, NULL},
    {"fix5", "fix 5: set_result gets the value, not the StopIteration", in_56,
     0, NULL, NULL},
    {"shared", "why fix 1 matters: fixes 2 to 5 with one shared callback list",
     in_56, BUG_SHARED_CALLBACKS,
     "fix 1 undone on purpose: this run ends in an error",
     "that error was expected: one shared callback list woke parent_task "
     "twice, and its second step raised"},
    {"sketch", "Actual event loop, on the new loop: sockets still poll",
     actual_event_loop, 0, NULL, NULL},
};

static const char USAGE[] =
    "usage: talk_loop [--help] [RUN]\n"
    "  Stage 08, the talk's part: In [54]'s loop, its bugs and their five\n"
    "  fixes. RUN runs one: 56 fix1 fix2 fix3 fix4 fix5 shared sketch\n"
    "  (default: all, in order). TRACE=1 draws the loop's timeline on\n"
    "  stderr. It gives up when no answer comes (a wrong\n"
    "  server).\n" CLIENT_ENVIRONMENT;

int main(int argc, char **argv)
{
    talk_init(argv);
    help_if_asked(argc, argv, USAGE);
    if (argc > 2)
        bad_argument(argv[2], "one run at a time");
    /* A server that hangs up makes send() fail with EPIPE, which we report,
     * instead of a SIGPIPE that would kill us without a word. */
    signal(SIGPIPE, SIG_IGN);
    bool found = false;
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        if (argc > 1 && strcmp(argv[1], runs[i].name) != 0)
            continue;
        if (runs[i].on_purpose)
            printf("[on purpose] %s\n", runs[i].on_purpose);
        printf("--- %s ---\n", runs[i].title);
        runs[i].run(runs[i].bugs);
        if (runs[i].as_expected)
            printf("[on purpose] %s\n", runs[i].as_expected);
        found = true;
    }
    if (!found)
        bad_argument(argv[1], "no such run: one of 56 fix1 fix2 fix3 fix4 "
                              "fix5 shared sketch, or none for all");
    return 0;
}
#endif
