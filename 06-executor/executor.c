/*
 * executor.c - stage 06, from "Async executor" to "Awaitable" (the talk's
 * In [9] to In [18]).
 *
 * Stage 05 drove one generator by hand. Here the driving loop becomes a
 * function, run_until_complete(), the talk's "executor"; sockets get
 * generator methods (sendall, recv); and a generator learns to hand the
 * driving of another generator up to whoever drives it: by hand first
 * ("generators all the way down"), then with YIELD_FROM (Python's
 * `yield from`), then behind make_awaitable() (Python's `__await__`).
 * Every piece the executor drives has the same shape, a Gen: a step
 * function and a frame.
 */
#include "all_the_way_down.h"
#include "awaitable.h"
#include "coro.h"
#include "nonblocking_socket.h"
#include "talk.h"
#include "yield_from.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char PAYLOAD[] = "Hello, world";

static const char USAGE[] =
    "usage: executor [--help]\n"
    "  Stage 06: run_until_complete, generator sockets, yield from and\n"
    "  __await__ (In [11] to In [18]). It gives up when no answer\n"
    "  comes (a wrong server).\n" CLIENT_ENVIRONMENT;

/* Python: s.sendall(data). send() may take only part of the data: loop. */
static void send_all(int s, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t sent = send(s, data, size, 0);
        if (sent == -1 && errno == EINTR)
            continue;
        if (sent == -1)
            die("send", "did the server stop? start it with `make server`");
        data += sent;
        size -= (size_t)sent;
    }
}

/* Python (In [4], "Extracting socket setup for readability"): the first
 * lines of In [3], given a name. */
static int setup_non_blocking_socket(void)
{
    int s = connect_to_server();
    set_non_blocking(s);
    send_all(s, PAYLOAD, strlen(PAYLOAD)); /* 12 bytes: always fit */
    return s;
}

/* Python (In [7]): def really_non_blocking_io(), a generator. Stage 04's
 * polling loop without its sleep: where 04 slept, this yields, and whoever
 * steps it decides what to do with the time. Its frame holds the socket
 * and the buffer (04's static data): both must outlive every yield. */
typedef struct {
    Gen gen;
    int s;
    double asked_at; /* when the request went out: see give_up_if_late */
    char data[RECV_SIZE + 1];
} ReallyNonBlockingIo;

static GenStatus really_non_blocking_io_step(Gen *g)
{
    ReallyNonBlockingIo *f = (ReallyNonBlockingIo *)g;
    GEN_BEGIN(g);
    f->s = setup_non_blocking_socket();
    f->asked_at = monotonic_now();

    while (!ready_to_read(f->s)) {
        give_up_if_late(f->asked_at); /* not the demo server? */
        YIELD(g, NULL); /* Python: a bare yield, "not yet" */
    }

    /* select() said the data is there: recv() cannot come back empty */
    if (!recv_text(f->s, f->data, sizeof f->data))
        die("recv after select", NULL);
    close(f->s);
    GEN_RETURN(g, f->data); /* Python: return data.decode() */
    GEN_END(g);
}

/* Python: gen = really_non_blocking_io(). Makes the frame; runs nothing. */
static Gen *really_non_blocking_io(ReallyNonBlockingIo *frame)
{
    return gen_init(&frame->gen, really_non_blocking_io_step,
                    "really_non_blocking_io");
}

/* Python: In [10]'s debug=True: one line after every step of the task. */
static void executor_waiting(void)
{
    puts("executor waiting...");
}

/* Python: run_until_complete's default, wait=.05 (seconds, scaled). */
#define EXECUTOR_WAIT 0.05

/* Python: In [9] and In [10], run_until_complete(task, wait, debug).
 * The talk's "executor": it steps the task, sleeps `wait` seconds after
 * every yield, and hands back the task's return value (StopIteration.value).
 * debug is NULL (Python: None or False), executor_waiting (True), or any
 * function to call after each step (a callable). A task that fails returns
 * NULL; gen_next() has said why on stderr. */
static void *run_until_complete(Gen *task, double wait, void (*debug)(void))
{
    GenStatus status;
    while ((status = gen_next(task)) == GEN_YIELDED) {
        if (debug)
            debug();
        sleep_scaled(wait);
    }
    return status == GEN_RETURNED ? task->result : NULL;
}

/* Python: In [11]. The same generator as stage 05, driven by the executor. */
static void run_task(void)
{
    Timer t = timer_start(NULL);
    ReallyNonBlockingIo frame;
    Gen *task = really_non_blocking_io(&frame);
    timer_log(&t, "running task");
    char *ret = run_until_complete(task, EXECUTOR_WAIT, NULL);
    timer_log(&t, "ret='%s'", ret);
}

/* Python: In [13], the mistake: s.sendall(...) and s.recv(1024) called as
 * if they were functions. Calling a generator function only makes its
 * frame; not one line of its body runs until someone steps it. (C catches
 * half of it: `char *data = socket_recv(...)` does not compile, a Gen * is
 * not a char *. Reading the frame's result does, and shows what happened.)
 */
static void the_mistake(void)
{
    NonBlockingSocket s = non_blocking_socket();
    SendAll sendall;
    Recv recv;
    socket_sendall(&sendall, &s, "hello world");
    Gen *data = socket_recv(&recv, &s, 1024);
    printf("sendall: made, never stepped: %zu of %zu bytes sent\n",
           sendall.sent, sendall.size);
    printf("recv: made, never stepped: result %s\n",
           data->result ? "set" : "NULL");
    socket_close(&s);
}

/* Python: In [14]. Each generator is run to completion by its own executor,
 * so this function waits for the answer: blocking again, one level up. */
static char *not_really_non_blocking_io(void)
{
    Timer t = timer_start(NULL);
    NonBlockingSocket s = non_blocking_socket();
    SendAll sendall;
    Recv recv;
    timer_log(&t, "send");
    run_until_complete(socket_sendall(&sendall, &s, "Hello world"),
                       EXECUTOR_WAIT, NULL);
    timer_log(&t, "recv");
    char *data =
        run_until_complete(socket_recv(&recv, &s, 1024), EXECUTOR_WAIT, NULL);
    timer_log(&t, "close");
    socket_close(&s);
    /* Python: data.decode() makes a new string. recv's frame dies when we
     * return, so copy the bytes out of it; the caller frees the copy. */
    char *text = strdup(data ? data : "");
    if (!text)
        die("strdup", NULL);
    return text;
}

/* Python: In [18]'s cell, `await awaitable_non_blocking_io()`. An await at
 * the top of a notebook cell makes the cell a coroutine that the notebook
 * runs to completion; here is that coroutine (In [17]'s `async def func()`).
 * Four frames deep: this cell, the Awaitable, really_really_non_blocking_io
 * and recv, and every yield of recv reaches the executor. */
typedef struct {
    Gen gen;
    ReallyReallyNonBlockingIo io;
    Awaitable awaitable;
    char *value;
} Cell18;

static GenStatus cell_18_step(Gen *g)
{
    Cell18 *f = (Cell18 *)g;
    GEN_BEGIN(g);
    make_awaitable(&f->awaitable, really_really_non_blocking_io(&f->io));
    AWAIT(g, &f->awaitable.gen, f->value);
    GEN_RETURN(g, f->value);
    GEN_END(g);
}

static Gen *cell_18(Cell18 *frame)
{
    return gen_init(&frame->gen, cell_18_step, "cell_18");
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    talk_init(argv);
    take_no_arguments(argc, argv, USAGE);
    /* A server that hangs up makes send() fail with EPIPE, which we report,
     * instead of a SIGPIPE that would kill us without a word. */
    signal(SIGPIPE, SIG_IGN);

    puts("In [11]:");
    run_task();

    puts("In [13], the mistake:");
    the_mistake();

    puts("In [14]:");
    char *text = not_really_non_blocking_io();
    puts(text);
    free(text);

    puts("In [15]:");
    AllTheWayDown by_hand;
    puts(run_until_complete(really_really_non_blocking_io_by_hand(&by_hand),
                            0.5, NULL));

    puts("In [16]:");
    ReallyReallyNonBlockingIo io;
    puts(run_until_complete(really_really_non_blocking_io(&io), 0.5,
                            executor_waiting));

    puts("In [18]:");
    Cell18 cell;
    printf("'%s'\n",
           (char *)run_until_complete(cell_18(&cell), EXECUTOR_WAIT, NULL));
    return 0;
}
#endif
