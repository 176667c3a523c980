/*
 * round_robin.c - answer. The queue is a ring of indices: take from head,
 * put back at head + count. A generator that yields goes behind every
 * other one that is waiting, so none runs twice while another waits: that
 * is all the fairness a cooperative executor has, and it holds only as
 * long as each generator yields often.
 */
#include "coro.h"

enum { MAX_GENS = 16 };

/* Steps gens[0..n) round robin until all have returned. Writes the index
 * of the generator of each step to order[] (at most max of them) and
 * returns how many steps it took, or -1 if a generator failed
 * (GEN_ERROR) or n is over MAX_GENS. */
int run_all(Gen **gens, int n, int *order, int max)
{
    if (n > MAX_GENS)
        return -1;
    int queue[MAX_GENS]; /* indices into gens: a ring of n slots */
    int head = 0, count = 0, steps = 0;
    for (int i = 0; i < n; i++)
        queue[count++] = i;
    while (count > 0) {
        int i = queue[head];
        head = (head + 1) % n;
        count--;
        if (steps < max)
            order[steps] = i;
        steps++;
        GenStatus status = gen_next(gens[i]);
        if (status == GEN_YIELDED)
            queue[(head + count++) % n] = i;
        else if (status != GEN_RETURNED)
            return -1;
    }
    return steps;
}
