/*
 * lock.h - asyncio.Lock: one task at a time, the others in line, first
 * come first served.
 */
#ifndef LOOP_LOCK_H
#define LOOP_LOCK_H

#include "waiters.h"

typedef struct {
    Loop *loop;
    bool locked;
    WaiterLine waiters;
} Lock;

/* Python: asyncio.Lock(): unlocked. */
void lock_init(Lock *lock, Loop *loop);
/* Python: lock.locked(). */
bool lock_locked(const Lock *lock);
/* Python: lock.release(): unlocks and wakes the first in line. Releasing
 * an unlocked lock is a message and -1 (Python: RuntimeError). */
int lock_release(Lock *lock);

/* Python: await lock.acquire() (async with lock:'s way in). */
typedef struct {
    Gen gen;
    Lock *lock;
    WaitInLine line;
    void *ignored;
    int error;
} LockAcquire;
Gen *lock_acquire(LockAcquire *frame, Lock *lock);

#endif
