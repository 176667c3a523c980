/*
 * call_soon_fifo.c - call_soon runs callbacks in the order queued; a
 * callback queued by a running callback waits for the next iteration, and
 * loop_stop() lets the current iteration finish. call_soon_fifo.py is the
 * same in asyncio; both print the same lines.
 */
#include "scenario.h"

#include <stdio.h>

typedef struct Call Call;
struct Call {
    const char *name;
    Call *queue_another; /* Python: queue_another=True, with its name */
};

static void callback(void *arg)
{
    Call *call = arg;
    printf("%s runs\n", call->name);
    if (call->queue_another)
        call_soon(loop, callback, call->queue_another);
}

int main(void)
{
    if (new_loop() == -1)
        return 1;
    Call child = {"first's child", NULL};
    Call first = {"first", &child}, second = {"second", NULL},
         third = {"third", NULL};
    call_soon(loop, callback, &first);
    call_soon(loop, callback, &second);
    call_soon(loop, stop, NULL);
    call_soon(loop, callback, &third);
    loop_run_forever(loop);
    printf("run_forever returned\n");
    call_soon(loop, stop, NULL);
    loop_run_forever(loop);
    printf("run_forever returned\n");
    loop_close(loop);
    return 0;
}
