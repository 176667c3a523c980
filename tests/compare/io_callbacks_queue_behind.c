/*
 * io_callbacks_queue_behind.c - IO callbacks and due timers go behind what
 * was already queued and run in one pass; a reader removed or a timer
 * cancelled earlier in that pass never runs. As io_callbacks_queue_behind.py.
 */
#include "scenario.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static Loop *loop;
static int a1, a2;
static TimerHandle timer1, timer2;

static void runs(void *name)
{
    printf("%s runs\n", (const char *)name);
}

static void reader(int fd, const char *name)
{
    char byte;
    runs((void *)name);
    if (read(fd, &byte, 1) != 1)
        perror("read");
    remove_reader(loop, fd);
}

static void reader1(void *arg)
{
    reader(a1, arg);
}

static void reader2(void *arg)
{
    reader(a2, arg);
}

static void first(void *arg)
{
    (void)arg;
    printf("first runs: queues X, removes reader 2, cancels timer 2\n");
    call_soon(loop, runs, "X");
    call_soon(loop, stop, NULL);
    remove_reader(loop, a2);
    timer_cancel(loop, &timer2);
}

int main(void)
{
    loop = loop_new(NULL);
    int p1[2], p2[2];
    if (!loop || socketpair(AF_UNIX, SOCK_STREAM, 0, p1) == -1 ||
        socketpair(AF_UNIX, SOCK_STREAM, 0, p2) == -1)
        return 1;
    a1 = p1[0];
    a2 = p2[0];
    if (write(p1[1], "x", 1) != 1 || write(p2[1], "x", 1) != 1)
        return 1;
    call_soon(loop, first, NULL);
    add_reader(loop, a1, reader1, "reader 1");
    add_reader(loop, a2, reader2, "reader 2");
    call_later(loop, &timer1, 0, runs, "timer 1");
    call_later(loop, &timer2, 0, runs, "timer 2");
    loop_run_forever(loop);
    printf("run_forever returned\n");
    loop_close(loop);
    return 0;
}
