/*
 * test_07_event.c - 07-futures/exercises/event.c: waits park until set,
 * set wakes each waiter once in order, a set event lets waits through,
 * clear makes them park again.
 */
#include EXERCISE
#include "exercise.h"

#include <stdio.h>
#include <string.h>

TestSuite(event, .timeout = HANG_TIMEOUT);

static char woken[128]; /* the loop's run queue, as words */

static void wake(void *task)
{
    size_t len = strlen(woken);
    snprintf(woken + len, sizeof woken - len, "%s%s", len ? " " : "",
             (const char *)task);
}

Test(event, set_wakes_every_waiter_in_order)
{
    Event e;
    event_init(&e, wake);
    cr_assert_not(event_wait(&e, "t1"),
                  "wait on a clear event went on: it must park the waiter "
                  "(return false)");
    event_wait(&e, "t2");
    event_wait(&e, "t3");
    cr_assert_str_eq(woken, "", "a waiter was woken before set()");
    event_set(&e);
    cr_assert_str_eq(woken, "t1 t2 t3",
                     "set() woke \"%s\", not \"t1 t2 t3\": each parked "
                     "waiter, in the order they came",
                     woken);
    event_set(&e);
    cr_assert_str_eq(woken, "t1 t2 t3",
                     "a second set() woke a waiter again: empty the list");
}

Test(event, then_a_set_event_lets_waits_through_until_cleared)
{
    Event e;
    event_init(&e, wake);
    event_set(&e);
    cr_assert(event_wait(&e, "t1"), "wait on a set event must go on "
                                    "(return true)");
    event_clear(&e);
    cr_assert_not(event_wait(&e, "t2"), "wait after clear() went on");
    event_set(&e);
    cr_assert_str_eq(woken, "t2",
                     "after clear() and set(), \"%s\" was "
                     "woken, not just t2",
                     woken);
}
