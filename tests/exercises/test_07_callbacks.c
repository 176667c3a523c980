/*
 * test_07_callbacks.c - 07-futures/exercises/callbacks.c: each future runs
 * its own callbacks, once each, in order, and a late one at once.
 */
#include EXERCISE
#include "exercise.h"

#include <stdio.h>
#include <string.h>

TestSuite(callbacks, .timeout = HANG_TIMEOUT);

static char said[128];

static void say(Future *done, void *word)
{
    size_t len = strlen(said);
    snprintf(said + len, sizeof said - len, "%s%s%s", len ? " " : "",
             (const char *)word, done->done ? "" : "(not done yet)");
}

Test(callbacks, runs_each_callback_once_in_order)
{
    Future f;
    future_init(&f);
    future_add_done_callback(&f, say, "a");
    future_add_done_callback(&f, say, "b");
    cr_assert_str_eq(said, "", "a callback ran before set_result");
    cr_assert_eq(future_set_result(&f, "42"), 0, "set_result failed");
    cr_assert_str_eq(said, "a b",
                     "set_result ran \"%s\", not \"a b\": each callback, in "
                     "the order added, with the future already done",
                     said);
    cr_assert(f.done && f.result && strcmp(f.result, "42") == 0,
              "the future is not done with its result");
    cr_assert_eq(future_set_result(&f, "again"), -1,
                 "setting a done future again must fail (-1)");
    cr_assert_str_eq(said, "a b", "a callback ran twice");
}

Test(callbacks, futures_keep_their_own_callbacks)
{
    Future one, two;
    future_init(&one);
    future_init(&two);
    future_add_done_callback(&one, say, "one");
    future_add_done_callback(&two, say, "two");
    future_set_result(&one, NULL);
    cr_assert_str_eq(said, "one",
                     "setting one future ran \"%s\": each future runs its "
                     "own list, not a shared one",
                     said);
}

Test(callbacks, then_a_callback_added_when_done_runs_at_once)
{
    Future f;
    future_init(&f);
    future_set_result(&f, NULL);
    future_add_done_callback(&f, say, "late");
    cr_assert_str_eq(said, "late",
                     "a callback added to a done future must "
                     "run at once, or it never will");
}
