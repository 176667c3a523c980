/*
 * test_06_round_robin.c - 06-executor/exercises/round_robin.c: each
 * generator takes its turn, one that yields goes to the back, one that
 * returns leaves.
 */
#include EXERCISE
#include "exercise.h"

#include <stddef.h>

#include <stdio.h>
#include <string.h>

TestSuite(round_robin, .timeout = HANG_TIMEOUT);

/* A generator that yields `times` times, then returns. */
typedef struct {
    Gen gen;
    int times, done;
} Yielder;

static GenStatus yielder_step(Gen *g)
{
    Yielder *f = (Yielder *)g;
    GEN_BEGIN(g);
    for (f->done = 0; f->done < f->times; f->done++)
        YIELD(g, NULL);
    GEN_END(g);
}

static Gen *yielder(Yielder *f, int times)
{
    f->times = times;
    return gen_init(&f->gen, yielder_step, "yielder");
}

static void letters(const int *order, int n, char *out)
{
    for (int i = 0; i < n; i++)
        out[i] = (char)('A' + order[i]);
    out[n] = '\0';
}

Test(round_robin, each_takes_its_turn_until_it_returns)
{
    Yielder y[3];
    /* A yields 3 times (4 steps with the one that returns), B 1, C 2. */
    Gen *gens[3] = {yielder(&y[0], 3), yielder(&y[1], 1), yielder(&y[2], 2)};
    int order[32];
    char got[33];
    int steps = run_all(gens, 3, order, 32);
    cr_assert_eq(steps, 9,
                 "%d steps, not 9: step every generator until it returns "
                 "(its last step is the one that returns)",
                 steps);
    letters(order, steps, got);
    cr_assert_str_eq(got, "ABCABCACA",
                     "the steps went %s, not ABCABCACA: a generator that "
                     "yields goes to the back of the line",
                     got);
    for (int i = 0; i < 3; i++)
        cr_assert(gen_finished(gens[i]), "generator %c did not finish",
                  'A' + i);
}

Test(round_robin, no_generators_no_steps)
{
    int order[1];
    cr_assert_eq(run_all(NULL, 0, order, 1), 0, "no generators: 0 steps");
}
