/*
 * delegate.c - answer. YIELD_FROM is a loop in disguise: it steps the
 * child, hands each value the child yields up to our caller and returns,
 * and on the next resume jumps back to stepping the child, until the child
 * returns; then its result lands in our frame. One Countdown field serves
 * both children: the first one has finished before the second is made.
 * But its result points into its frame, so it is read before the second
 * countdown() overwrites that frame: the sum would be b + b otherwise.
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
    countdown(&f->child, f->a);
    YIELD_FROM(g, &f->child.gen, f->first);
    f->sum = *(int *)f->first; /* before the child's frame is reused */
    countdown(&f->child, f->b);
    YIELD_FROM(g, &f->child.gen, f->second);
    f->sum += *(int *)f->second;
    GEN_RETURN(g, &f->sum);
    GEN_END(g);
}

/* Python: two_countdowns(a, b). */
Gen *two_countdowns(TwoCountdowns *f, int a, int b)
{
    f->a = a;
    f->b = b;
    return gen_init(&f->gen, two_countdowns_step, "two_countdowns");
}
