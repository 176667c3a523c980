/*
 * delegate.c - exercise: a chain of delegating generators with YIELD_FROM.
 *
 *   def countdown(n):
 *       for i in range(n, 0, -1):
 *           yield i
 *       return n
 *
 *   def two_countdowns(a, b):
 *       first = yield from countdown(a)
 *       second = yield from countdown(b)
 *       return first + second
 *
 * Whoever steps two_countdowns sees every number its children yield, as if
 * they were its own, and gets the sum of their return values at the end.
 * countdown() is given; your part is two_countdowns_step(). Check it with
 * `make exercise-06`.
 */
#include "coro.h"

#include <stddef.h> /* NULL, which GEN_END returns */

typedef struct {
    Gen gen;
    int n, i; /* locals that must outlive a yield */
} Countdown;

static GenStatus countdown_step(Gen *g)
{
    Countdown *f = (Countdown *)g;
    GEN_BEGIN(g);
    for (f->i = f->n; f->i > 0; f->i--)
        YIELD(g, &f->i);
    GEN_RETURN(g, &f->n);
    GEN_END(g);
}

/* Python: countdown(n). The frame is the caller's memory. */
Gen *countdown(Countdown *f, int n)
{
    f->n = n;
    return gen_init(&f->gen, countdown_step, "countdown");
}

typedef struct {
    Gen gen;
    int a, b;
    Countdown child;      /* the generator being delegated to: in the frame */
    void *first, *second; /* what each yield from returned: int * */
    int sum;              /* returned: &sum */
} TwoCountdowns;

static GenStatus two_countdowns_step(Gen *g)
{
    TwoCountdowns *f = (TwoCountdowns *)g;
    GEN_BEGIN(g);
    /* TODO: countdown(&f->child, f->a) on its own line, then
     * YIELD_FROM(g, &f->child.gen, f->first); the same for b into
     * f->second; GEN_RETURN(g, &f->sum) with the sum of the two results.
     * A result points into the child's frame: read it before reusing it.
     * (YIELD_FROM steps the child again on each resume, so the child must be
     * made before it, never inside it.) */
    (void)f;
    GEN_END(g);
}

/* Python: two_countdowns(a, b). */
Gen *two_countdowns(TwoCountdowns *f, int a, int b)
{
    f->a = a;
    f->b = b;
    return gen_init(&f->gen, two_countdowns_step, "two_countdowns");
}
