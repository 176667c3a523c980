/*
 * semaphore.c - answer. A place is either free (value) or handed over: on
 * release, a waiter's future gets its result and the place goes with it,
 * so a task that arrives between the release and the waiter's resumption
 * finds value 0 and queues behind, instead of barging in. Checking
 * "nobody in line" in acquire keeps the same promise: first come, first
 * served. The future_await frame is made on its own line because AWAIT
 * evaluates its child again on each resume. (asyncio's Semaphore also
 * removes a cancelled waiter from the line and passes its place on; that
 * is the next step, and stage 08's loop/lock.c shows how.)
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
    if (f->sem->value > 0 && f->sem->count == 0) {
        f->sem->value--;
        GEN_RETURN(g, NULL);
    }
    future_init(&f->waiter, f->sem->loop);
    f->sem->waiters[(f->sem->head + f->sem->count++) % SEMAPHORE_MAX_WAITERS] =
        &f->waiter;
    future_await(&f->await, &f->waiter);
    AWAIT(g, &f->await.gen, f->ignored);
    future_free(&f->waiter);
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
    if (s->count == 0) {
        s->value++;
        return;
    }
    Future *first = s->waiters[s->head];
    s->head = (s->head + 1) % SEMAPHORE_MAX_WAITERS;
    s->count--;
    future_set_result(first, NULL);
}
