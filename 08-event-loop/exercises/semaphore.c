/*
 * semaphore.c - exercise: asyncio.Semaphore on the real loop's futures.
 *
 *   sem = asyncio.Semaphore(2)
 *   async with sem:        # await sem.acquire() ... sem.release()
 *       ...                # at most 2 tasks in here at once
 *
 * acquire() takes one of `value` places if one is free and nobody is
 * waiting; otherwise the task waits, in line, on a future of its own that
 * release() completes: the place passes straight to the first in line.
 * Your part is acquire_step() and semaphore_release(). Cancelling a
 * waiting task is left out. Check it with `make exercise-08`.
 */
#include "loop/future.h"

enum { SEMAPHORE_MAX_WAITERS = 64 };

typedef struct {
    Loop *loop;
    int value;                              /* free places */
    Future *waiters[SEMAPHORE_MAX_WAITERS]; /* a ring, first at head */
    int head, count;
} Semaphore;

void semaphore_init(Semaphore *s, Loop *loop, int value)
{
    s->loop = loop;
    s->value = value;
    s->head = s->count = 0;
}

/* The frame of `await sem.acquire()`: the waiter future lives here, in the
 * waiting task's frame, so the line allocates nothing. */
typedef struct {
    Gen gen;
    Semaphore *sem;
    Future waiter;
    FutureAwait await;
    void *ignored;
} SemaphoreAcquire;

static GenStatus acquire_step(Gen *g)
{
    SemaphoreAcquire *f = (SemaphoreAcquire *)g;
    GEN_BEGIN(g);
    /* TODO: a free place and nobody in line: take it (value--) and
     * GEN_RETURN(g, NULL). Otherwise future_init(&f->waiter, loop), put
     * &f->waiter at the tail of the ring, future_await(&f->await,
     * &f->waiter) on its own line, then AWAIT(g, &f->await.gen,
     * f->ignored): the task sleeps until release() sets that future. */
    (void)f;
    GEN_END(g);
}

/* Python: await sem.acquire(). */
Gen *semaphore_acquire(SemaphoreAcquire *f, Semaphore *s)
{
    f->sem = s;
    return gen_init(&f->gen, acquire_step, "Semaphore.acquire");
}

/* Python: sem.release(). */
void semaphore_release(Semaphore *s)
{
    /* TODO: someone in line: take the first waiter off the ring and
     * future_set_result() it (the place goes to it; value stays).
     * Nobody: value++. */
    (void)s;
}
