/*
 * exception.h - exceptions for the stackless coroutines of coro.h, as
 * Python's raise and try/except.
 *
 * RAISE(g, err) stores err as "the exception in flight" and returns
 * GEN_RAISED, which YIELD_FROM passes up frame after frame to the task;
 * the task fails with err, and whoever awaits the task gets it raised in
 * turn. TRY_AWAIT catches it. GEN_ERROR stays what it is in stage 05: a
 * bug, already said on stderr.
 */
#ifndef LOOP_EXCEPTION_H
#define LOOP_EXCEPTION_H

#include "../coro.h"

#include <errno.h>
#include <stdbool.h>

/* The exception in flight (Python: the thread state's current exception):
 * an errno, 0 for none. One per thread, as each thread runs its own loop. */
void error_set(int error);
int error_fetch(void); /* returns it and clears it; 0 if none */
bool error_pending(void);

/* Python: raise OSError(err). Unwinds this frame; YIELD_FROM passes it up. */
#define RAISE(gen, err)                                                        \
    do {                                                                       \
        error_set(err);                                                        \
        (gen)->resume_at = -1;                                                 \
        return GEN_RAISED;                                                     \
    } while (0)

/* Python: try: into = await child
 *         except Exception as e: error = e
 * YIELD_FROM that stops the exception at this frame instead of passing it
 * up: error is 0 when child returned (into = its result), else the errno. */
#define TRY_AWAIT(gen, child, into, error)                                     \
    do {                                                                       \
        (error) = 0;                                                           \
        YIELD_FROM_EXCEPT(gen, child, into, (error) = error_fetch());          \
    } while (0)

#endif
