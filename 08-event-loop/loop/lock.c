/*
 * lock.c - asyncio.Lock (asyncio/locks.py). Fair: release() does not hand
 * the lock over, it wakes the first in line, and until that task has run
 * no newcomer may take the lock (acquire's fast path needs an empty line,
 * or one where every waiter was cancelled).
 */
#include "lock.h"
#include "exception.h"

#include <stdio.h>

void lock_init(Lock *lock, Loop *loop)
{
    *lock = (Lock){.loop = loop};
}

bool lock_locked(const Lock *lock)
{
    return lock->locked;
}

int lock_release(Lock *lock)
{
    if (!lock->locked) {
        fprintf(stderr, "RuntimeError: Lock is not acquired (hint: release "
                        "only after lock_acquire returned)\n");
        return -1;
    }
    lock->locked = false;
    waiters_wake_first(&lock->waiters);
    return 0;
}

static GenStatus lock_acquire_step(Gen *g)
{
    LockAcquire *f = (LockAcquire *)g;
    GEN_BEGIN(g);
    if (!f->lock->locked && waiters_all_cancelled(&f->lock->waiters)) {
        f->lock->locked = true;
        GEN_RETURN(g, NULL);
    }
    wait_in_line(&f->line, &f->lock->waiters, f->lock->loop);
    TRY_AWAIT(g, &f->line.gen, f->ignored, f->error);
    if (f->error) {
        /* Cancelled, perhaps after release() woke it: a free lock's turn
         * passes to the next in line. */
        if (!f->lock->locked)
            waiters_wake_first(&f->lock->waiters);
        RAISE(g, f->error);
    }
    f->lock->locked = true;
    GEN_END(g);
}

Gen *lock_acquire(LockAcquire *frame, Lock *lock)
{
    frame->lock = lock;
    return gen_init(&frame->gen, lock_acquire_step, "Lock.acquire");
}
