/*
 * round_robin.c - exercise: an executor that runs several generators in
 * turn, the core of stage 06's run_until_complete grown to many tasks.
 *
 *   def run_all(gens):
 *       queue = deque(gens)
 *       while queue:
 *           gen = queue.popleft()
 *           try:
 *               next(gen)
 *               queue.append(gen)     # not finished: to the back
 *           except StopIteration:
 *               pass                  # finished: it leaves the queue
 *
 * Each gen_next() is one step; a generator that yielded goes to the back
 * of the line, one that returned leaves it. Check it with
 * `make exercise-06`.
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
    /* TODO: while count > 0: take the index at head (head moves on round
     * the ring: % n); record it in order[steps] if steps < max; steps++;
     * gen_next() it: GEN_YIELDED puts it back at the tail
     * (queue[(head + count) % n] after taking it out), GEN_RETURNED drops
     * it, GEN_ERROR returns -1. */
    (void)gens;
    (void)queue;
    (void)order;
    (void)max;
    (void)head;
    return steps;
}
