/*
 * loop_under_test.h - which of stage 08's loops this run of a loop test
 * tests. run-all.sh runs each loop test once per loop (tests/loops.c),
 * choosing it by the environment (ASYNCIO_LOOP=proactor, or
 * ASYNCIO_SELECTOR=epoll|poll); loop_new(NULL) and every program a test
 * starts read the same variables.
 */
#ifndef LOOP_UNDER_TEST_H
#define LOOP_UNDER_TEST_H

#include "../08-event-loop/loop/asyncio.h"

#include <stdbool.h>
#include <string.h>

/* "epoll", "poll", "io_uring": the name of the loop that loop_new(NULL)
 * makes in this environment (NULL if it makes none). */
static inline const char *loop_under_test(void)
{
    Loop *loop = loop_new(NULL);
    if (!loop)
        return NULL;
    const char *name = loop_selector_name(loop); /* a constant string */
    loop_close(loop);
    return name;
}

/* True when this run tests the proactor. */
static inline bool testing_the_proactor(void)
{
    const char *name = loop_under_test();
    return name && strcmp(name, "io_uring") == 0;
}

static inline void loop_test_nothing(void *arg)
{
    (void)arg;
}

/* Queues loop_test_nothing from inside an iteration: it waits in the
 * ready queue, so that iteration's wait only polls. */
static inline void loop_test_queue_nothing(void *loop)
{
    call_soon(loop, loop_test_nothing, NULL);
}

/* One iteration that lets new tasks take their first step and never
 * sleeps: something is ready when it reaches its wait, and what the steps
 * submit reaches the kernel there (the proactor). (A short timer is not
 * enough: on a busy machine it can be due before the iteration starts,
 * and run with the steps; the wait then has no end.) */
static inline void run_first_steps(Loop *loop)
{
    call_soon(loop, loop_test_queue_nothing, loop);
    loop_run_once(loop);
}

#endif
