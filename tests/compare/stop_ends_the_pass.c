/*
 * stop_ends_the_pass.c - after loop_stop(), run_forever returns once the
 * pass under way is over: it does not ask the selector again, so an IO
 * callback waits for the next run. As stop_ends_the_pass.py.
 */
#include "scenario.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static Loop *loop;
static int pair[2];

static void reader(void *arg)
{
    (void)arg;
    char byte;
    printf("reader runs\n");
    if (read(pair[0], &byte, 1) != 1)
        perror("read");
    remove_reader(loop, pair[0]);
}

static void stopper(void *arg)
{
    (void)arg;
    printf("stopper runs: stops the loop, makes the socket readable\n");
    loop_stop(loop);
    if (write(pair[1], "x", 1) != 1)
        perror("write");
}

int main(void)
{
    loop = loop_new(NULL);
    if (!loop || socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == -1)
        return 1;
    add_reader(loop, pair[0], reader, NULL);
    call_soon(loop, stopper, NULL);
    loop_run_forever(loop);
    printf("run_forever returned\n");
    call_soon(loop, stop, NULL);
    loop_run_forever(loop);
    printf("run_forever returned\n");
    loop_close(loop);
    return 0;
}
