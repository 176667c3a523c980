/*
 * scenario.h - what the C side of the scenarios shares. Each NAME.c is a
 * program of its own and includes this once: the loop, print and
 * loop.stop as callbacks, a bool printed as Python prints it, and
 * loop.run_until_complete(main()) on a new loop.
 */
#ifndef COMPARE_SCENARIO_H
#define COMPARE_SCENARIO_H

#include "../../08-event-loop/loop/asyncio.h"

#include <stdbool.h>
#include <stdio.h>

static Loop *loop;

/* Python: loop.call_soon(print, text). */
static inline void say(void *text)
{
    printf("%s\n", (const char *)text);
}

/* Python: loop.call_soon(loop.stop). */
static inline void stop(void *arg)
{
    (void)arg;
    loop_stop(loop);
}

/* Python: str(b). */
static inline const char *py_bool(bool b)
{
    return b ? "True" : "False";
}

/* Python:
 *     async def long_sleep(name, says):
 *         try:
 *             await asyncio.sleep(10)
 *         finally:
 *             print(name, says)
 * what a cancelled child or connection of several scenarios is. */
typedef struct {
    Gen gen;
    const char *name, *says;
    Sleep sleep;
    void *ignored;
    int error;
} LongSleep;

static inline GenStatus long_sleep_step(Gen *g)
{
    LongSleep *s = (LongSleep *)g;
    GEN_BEGIN(g);
    asleep(&s->sleep, loop, 10);
    TRY_AWAIT(g, &s->sleep.gen, s->ignored, s->error);
    printf("%s %s\n", s->name, s->says); /* Python: finally */
    if (s->error)
        RAISE(g, s->error);
    GEN_END(g);
}

static inline Gen *long_sleep(LongSleep *s, const char *name, const char *says)
{
    s->name = name;
    s->says = says;
    return gen_init(&s->gen, long_sleep_step, "long_sleep");
}

/* Python: loop = asyncio.new_event_loop()  (0, or -1 if there is none) */
static inline int new_loop(void)
{
    loop = loop_new(NULL);
    return loop ? 0 : -1;
}

/* Python: loop.run_until_complete(task), then loop.close(). */
static inline void run_task_then_close(Task *task)
{
    run_until_complete(loop, &task->future);
    loop_close(loop);
}

/* Python: loop.run_until_complete(main()); loop.close(), on a new loop. */
static inline int run_main(Gen *main)
{
    if (new_loop() == -1)
        return 1;
    Task task;
    create_task(loop, &task, main, "main");
    run_task_then_close(&task);
    return 0;
}

#endif
