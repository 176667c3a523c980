/*
 * cells_event_loop.c - In [35] and In [36]: two tasks that sleep take
 * turns; then "Actual event loop": stage 06's socket coroutine behind
 * make_awaitable, now run as a task of the loop.
 */
#include "cells_event_loop.h"
#include "asleep.h"
#include "awaitable.h"
#include "loop.h"
#include "talk.h"
#include "yield_from.h"

#include <stdio.h>

/* Python: async def awaitable_io(n): await asleep(2); return f'...' */
typedef struct {
    Gen gen;
    int n;
    Asleep sleep;
    void *slept; /* asleep's result: None */
    char text[32];
} AwaitableIo;

static GenStatus awaitable_io_step(Gen *g)
{
    AwaitableIo *f = (AwaitableIo *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 2); /* Python: await asleep(2) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    snprintf(f->text, sizeof f->text, "Hello world %d", f->n);
    GEN_RETURN(g, f->text);
    GEN_END(g);
}

static Gen *awaitable_io(AwaitableIo *frame, int n)
{
    frame->n = n;
    return gen_init(&frame->gen, awaitable_io_step, "awaitable_io");
}

/* Python: async def wait_and_print(n). */
typedef struct {
    Gen gen;
    int n;
    AwaitableIo io;
    void *result;
} WaitAndPrint;

static GenStatus wait_and_print_step(Gen *g)
{
    WaitAndPrint *f = (WaitAndPrint *)g;
    GEN_BEGIN(g);
    awaitable_io(&f->io, f->n); /* Python: await awaitable_io(n) */
    AWAIT(g, &f->io.gen, f->result);
    printf(" -> received \"%s\"\n", show(f->result));
    GEN_RETURN(g, f->result);
    GEN_END(g);
}

static Gen *wait_and_print(WaitAndPrint *frame, int n)
{
    frame->n = n;
    return gen_init(&frame->gen, wait_and_print_step, "wait_and_print");
}

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

/* In [36]: two wait_and_print tasks take turns. */
void in_36(void)
{
    Loop l;
    loop_init(&l, NOT_A_FUTURE);
    WaitAndPrint coro1, coro2;
    loop_create_task(&l, wait_and_print(&coro1, 1), "task1");
    loop_create_task(&l, wait_and_print(&coro2, 2), "task2");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* "Actual event loop": the sketch, made real. */
void actual_event_loop(void)
{
    Timer t = timer_start(NULL);
    Loop loop;
    loop_init(&loop, NOT_A_FUTURE);
    AwaitableNonBlockingIo coro1, coro2;
    loop_create_task(&loop, awaitable_non_blocking_io(&coro1), "task1");
    loop_create_task(&loop, awaitable_non_blocking_io(&coro2), "task2");
    loop_run_until_complete(&loop);
    timer_log(&t, "two requests, both answered");
    loop_free(&loop);
}
