/*
 * scenario.h - the main() of the scenarios that run a main coroutine, as
 * their .py does:
 *     loop = asyncio.new_event_loop()
 *     loop.run_until_complete(main())
 *     loop.close()
 */
#ifndef COMPARE_SCENARIO_H
#define COMPARE_SCENARIO_H

#include "../../08-event-loop/loop/asyncio.h"

/* Python: loop.stop as a callback: call_later(loop, &t, s, stop_loop, loop). */
static inline void stop_loop(void *loop)
{
    loop_stop(loop);
}

/* Makes *loop, runs main_coro as the task main_task until it is done,
 * closes the loop. 0, or 1 if there was no loop. */
static inline int run_main(Loop **loop, Task *main_task, Gen *main_coro)
{
    *loop = loop_new(NULL);
    if (!*loop)
        return 1;
    create_task(*loop, main_task, main_coro, NULL);
    run_until_complete(*loop, &main_task->future);
    loop_close(*loop);
    return 0;
}

#endif
