/*
 * cells_event_loop.c - "Actual event loop" again: stage 06's socket
 * coroutine behind make_awaitable, run as a task of the new loop.
 */
#include "cells_event_loop.h"
#include "awaitable.h"
#include "bugs.h"
#include "loop.h"
#include "talk.h"
#include "yield_from.h"

/* Python: awaitable_non_blocking_io = make_awaitable(
 *             really_really_non_blocking_io)
 * The generator and its Awaitable, in one frame. */
typedef struct {
    ReallyReallyNonBlockingIo io;
    Awaitable awaitable;
} AwaitableNonBlockingIo;

static Gen *awaitable_non_blocking_io(AwaitableNonBlockingIo *frame)
{
    return make_awaitable(&frame->awaitable,
                          really_really_non_blocking_io(&frame->io));
}

/* "Actual event loop" again, on the new loop: a socket is not a future,
 * so a task waiting for one still yields None and is polled every step. */
void actual_event_loop(unsigned bugs_left)
{
    bugs = bugs_left;
    Timer t = timer_start(NULL);
    Loop loop;
    loop_init(&loop);
    AwaitableNonBlockingIo coro1, coro2;
    loop_create_task(&loop, awaitable_non_blocking_io(&coro1), "task1");
    loop_create_task(&loop, awaitable_non_blocking_io(&coro2), "task2");
    loop_run_until_complete(&loop);
    timer_log(&t, "two requests, both answered");
    loop_free(&loop);
}
