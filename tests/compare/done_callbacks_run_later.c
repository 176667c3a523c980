/*
 * done_callbacks_run_later.c - set_result runs no done callback itself:
 * they run on the next pass, in the order added; one added to a done
 * future is scheduled too. As done_callbacks_run_later.py.
 */
#include "scenario.h"

#include <stdint.h>
#include <stdio.h>

static Loop *loop;
static Future fut;

static void done(void *name)
{
    void *result;
    future_result(&fut, &result);
    printf("%s done callback runs: %d\n", (const char *)name,
           (int)(intptr_t)result);
}

static void complete(void *arg)
{
    (void)arg;
    printf("complete: set_result(42)\n");
    future_set_result(&fut, (void *)(intptr_t)42);
    printf("complete: set_result returned\n");
    future_add_done_callback(&fut, done, "late");
    call_soon(loop, say, "call_soon after set_result runs");
    call_soon(loop, stop, NULL);
}

int main(void)
{
    if (new_loop() == -1)
        return 1;
    future_init(&fut, loop);
    future_add_done_callback(&fut, done, "first");
    future_add_done_callback(&fut, done, "second");
    future_add_done_callback(&fut, done, "third");
    call_soon(loop, complete, NULL);
    loop_run_forever(loop);
    future_free(&fut);
    loop_close(loop);
    return 0;
}
