/*
 * test_06_delegate.c - 06-executor/exercises/delegate.c: the caller sees
 * both children's yields, in order, then the sum of their results.
 */
#include EXERCISE
#include "exercise.h"

#include <stdio.h>
#include <string.h>

TestSuite(delegate, .timeout = HANG_TIMEOUT);

/* Steps gen to its end: "3 2 1 2 1" for what it yielded; *result. */
static void run(Gen *gen, char *seen, size_t size, int *result)
{
    seen[0] = '\0';
    for (int steps = 0; steps < 50; steps++) {
        GenStatus s = gen_next(gen);
        if (s == GEN_RETURNED) {
            cr_assert(gen->result, "two_countdowns returned None: "
                                   "GEN_RETURN(g, &f->sum)");
            *result = *(int *)gen->result;
            return;
        }
        cr_assert_eq(s, GEN_YIELDED, "a step failed (GEN_ERROR)");
        size_t len = strlen(seen);
        snprintf(seen + len, size - len, "%s%d", len ? " " : "",
                 *(int *)gen->yielded);
    }
    cr_assert_fail("50 steps and no end");
}

Test(delegate, yields_what_both_children_yield)
{
    TwoCountdowns f;
    char seen[64];
    int result = 0;
    run(two_countdowns(&f, 3, 2), seen, sizeof seen, &result);
    cr_assert_str_eq(seen, "3 2 1 2 1",
                     "two_countdowns(3, 2) yielded \"%s\", not \"3 2 1 2 "
                     "1\": YIELD_FROM each countdown in turn",
                     seen);
    cr_assert_eq(result, 5,
                 "it returned %d, not 3 + 2: each YIELD_FROM puts the "
                 "child's return value in its third argument",
                 result);
}

Test(delegate, an_empty_child_yields_nothing)
{
    TwoCountdowns f;
    char seen[64];
    int result = 0;
    run(two_countdowns(&f, 0, 1), seen, sizeof seen, &result);
    cr_assert_str_eq(seen, "1", "two_countdowns(0, 1) yielded \"%s\"", seen);
    cr_assert_eq(result, 1, "two_countdowns(0, 1) returned %d", result);
}
