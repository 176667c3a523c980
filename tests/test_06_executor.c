/*
 * test_06_executor.c - stage 06: run_until_complete drives a task to its
 * return value, calling debug once per yield; YIELD_FROM forwards every
 * yield through three levels and hands back the innermost return value;
 * the generator sockets send everything and get the server's answer; and
 * the stage program prints the talk's trace.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>

#include "harness.h"

#include "../06-executor/executor.c"

/* The innermost generator: yields &values[0..2], returns "innermost". */
static int values[3] = {1, 2, 3};

typedef struct {
    Gen gen;
    int i;
    int steps; /* how often it was stepped */
} Inner;

static GenStatus inner_step(Gen *g)
{
    Inner *f = (Inner *)g;
    f->steps++;
    GEN_BEGIN(g);
    for (f->i = 0; f->i < 3; f->i++)
        YIELD(g, &values[f->i]);
    GEN_RETURN(g, "innermost");
    GEN_END(g);
}

/* middle: return (yield from inner) */
typedef struct {
    Gen gen;
    Inner inner;
    char *got;
} Middle;

static GenStatus middle_step(Gen *g)
{
    Middle *f = (Middle *)g;
    GEN_BEGIN(g);
    gen_init(&f->inner.gen, inner_step, "inner");
    f->inner.steps = 0;
    YIELD_FROM(g, &f->inner.gen, f->got);
    GEN_RETURN(g, f->got);
    GEN_END(g);
}

/* outer: return (yield from middle) */
typedef struct {
    Gen gen;
    Middle middle;
    char *got;
} Outer;

static GenStatus outer_step(Gen *g)
{
    Outer *f = (Outer *)g;
    GEN_BEGIN(g);
    gen_init(&f->middle.gen, middle_step, "middle");
    YIELD_FROM(g, &f->middle.gen, f->got);
    GEN_RETURN(g, f->got);
    GEN_END(g);
}

static void expect_three_yields_then_innermost(Gen *gen, Inner *inner)
{
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(gen_next(gen), GEN_YIELDED, "yield %d", i + 1);
        cr_assert_eq(gen->yielded, &values[i], "yield %d is forwarded as is",
                     i + 1);
    }
    cr_assert_eq(gen_next(gen), GEN_RETURNED);
    cr_assert_str_eq((char *)gen->result, "innermost");
    cr_assert_eq(inner->steps, 4, "three yields and a return");
    cr_assert(gen_finished(gen));
}

Test(yield_from, three_levels_forward_every_yield_and_the_return_value)
{
    Outer outer;
    Gen *gen = gen_init(&outer.gen, outer_step, "outer");
    expect_three_yields_then_innermost(gen, &outer.middle.inner);
}

Test(yield_from, an_awaitable_is_one_more_level_of_the_same)
{
    Outer outer;
    Awaitable awaitable;
    Gen *gen =
        make_awaitable(&awaitable, gen_init(&outer.gen, outer_step, "outer"));
    cr_assert_str_eq(gen->name, "outer", "@wraps keeps the name");
    expect_three_yields_then_innermost(gen, &outer.middle.inner);
}

Test(yield_from, a_failing_child_fails_its_parent, .init = cr_redirect_stderr)
{
    Inner done;
    gen_init(&done.gen, inner_step, "inner");
    while (gen_next(&done.gen) == GEN_YIELDED)
        continue;
    Awaitable awaitable; /* yield from a finished generator: an error */
    Gen *gen = make_awaitable(&awaitable, &done.gen);
    cr_assert_eq(gen_next(gen), GEN_ERROR);
    cr_assert(gen_finished(gen), "the parent cannot be resumed either");
}

static int debug_calls;

static void count_debug_calls(void)
{
    debug_calls++;
}

Test(executor, returns_the_value_and_calls_debug_once_per_yield)
{
    Outer outer;
    debug_calls = 0;
    char *ret = run_until_complete(gen_init(&outer.gen, outer_step, "outer"), 0,
                                   count_debug_calls);
    cr_assert_str_eq(ret, "innermost");
    cr_assert_eq(debug_calls, 3);
}

Test(executor, debug_true_prints_executor_waiting, .init = cr_redirect_stdout)
{
    Outer outer;
    run_until_complete(gen_init(&outer.gen, outer_step, "outer"), 0,
                       executor_waiting);
    fflush(stdout);
    cr_assert_stdout_eq_str("executor waiting...\n"
                            "executor waiting...\n"
                            "executor waiting...\n");
}

Test(executor, a_finished_task_returns_null_and_says_why,
     .init = cr_redirect_stderr)
{
    Outer outer;
    Gen *task = gen_init(&outer.gen, outer_step, "outer");
    run_until_complete(task, 0, NULL);
    cr_assert_null(run_until_complete(task, 0, NULL));
    fflush(stderr);
    char said[512];
    size_t n = fread(said, 1, sizeof said - 1, cr_get_redirected_stderr());
    said[n] = '\0';
    cr_assert(strstr(said, "'outer' already finished"), "stderr: %s", said);
}

/* sendall on a socket that fills up: it yields, and sends every byte once
 * the reader makes room. A socketpair stands in for the server. */
Test(sockets, sendall_yields_when_full_and_sends_every_byte)
{
    int pair[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    set_non_blocking(pair[0]);
    NonBlockingSocket s = {.fd = pair[0]};
    enum { SIZE = 1 << 20 };
    char *big = malloc(SIZE + 1), *back = malloc(SIZE);
    for (size_t i = 0; i < SIZE; i++)
        big[i] = (char)('a' + i % 26);
    big[SIZE] = '\0';
    SendAll frame;
    Gen *gen = socket_sendall(&frame, &s, big);
    size_t got = 0;
    int yields = 0;
    GenStatus status;
    while ((status = gen_next(gen)) == GEN_YIELDED) {
        yields++;
        ssize_t n = read(pair[1], back + got, SIZE - got);
        cr_assert(n > 0);
        got += (size_t)n;
    }
    cr_assert_eq(status, GEN_RETURNED);
    cr_assert_gt(yields, 0, "1 MiB does not fit in a socket buffer");
    while (got < SIZE) {
        ssize_t n = read(pair[1], back + got, SIZE - got);
        cr_assert(n > 0);
        got += (size_t)n;
    }
    cr_assert_eq(frame.sent, (size_t)SIZE);
    cr_assert(memcmp(big, back, SIZE) == 0, "every byte, in order");
    close(pair[0]);
    close(pair[1]);
    free(big);
    free(back);
}

/* The tests below talk to the demo server, started on a free port. */
TestSuite(with_server, .init = start_demo_server, .fini = stop_demo_server);

Test(with_server, the_executor_returns_the_sockets_answer)
{
    ReallyNonBlockingIo frame;
    char *ret =
        run_until_complete(really_non_blocking_io(&frame), EXECUTOR_WAIT, NULL);
    cr_assert_str_eq(ret, "Hello, world");
}

Test(with_server, yield_from_sockets_return_the_answer)
{
    ReallyReallyNonBlockingIo frame;
    debug_calls = 0;
    char *ret = run_until_complete(really_really_non_blocking_io(&frame), 0.1,
                                   count_debug_calls);
    cr_assert_str_eq(ret, "Hello world");
    /* The answer comes after 2 s; we look every 0.1 s (both scaled). */
    cr_assert(debug_calls >= 15 && debug_calls <= 25,
              "expected about 20 yields, got %d", debug_calls);
}

Test(with_server, an_awaited_cell_returns_the_answer)
{
    Cell18 cell;
    char *ret = run_until_complete(cell_18(&cell), EXECUTOR_WAIT, NULL);
    cr_assert_str_eq(ret, "Hello world");
}

Test(with_server, a_generator_nobody_steps_sends_nothing)
{
    NonBlockingSocket s = non_blocking_socket();
    SendAll sendall;
    Gen *gen = socket_sendall(&sendall, &s, "hello world");
    sleep_scaled(2.5); /* longer than the server's delay */
    cr_assert_eq(sendall.sent, 0);
    cr_assert_not(gen_finished(gen));
    cr_assert_not(ready_to_read(s.fd), "no echo: the server got nothing");
    cr_assert_eq(gen_next(gen), GEN_RETURNED, "stepped, it sends at once");
    cr_assert_eq(sendall.sent, strlen("hello world"));
    socket_close(&s);
}

Test(with_server, the_stage_prints_the_talks_trace)
{
    const char *argv[] = {bin("06-executor/executor"), NULL};
    const char *env[] = {"TIME_SCALE=0.05", port_env(&demo_server), NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_not(run.timedout, "the program should finish");
    cr_assert_eq(run.status, 0, "exit status; stderr: %s", run.err);
    char *trace = mask_times(run.out);
    expect_trace_polling(trace,
                         "In [11]:\n"
                         "[T] running task\n"
                         "[T] ret='Hello, world'\n"
                         "In [13], the mistake:\n"
                         "sendall: made, never stepped: 0 of 11 bytes sent\n"
                         "recv: made, never stepped: result NULL\n"
                         "In [14]:\n"
                         "[T] send\n"
                         "[T] recv\n"
                         "[T] close\n"
                         "Hello world\n"
                         "In [15]:\n"
                         "[T] trying to write\n"
                         "@5 [T] trying to read\n"
                         "Hello world\n"
                         "In [16]:\n"
                         "@5 executor waiting...\n"
                         "Hello world\n"
                         "In [18]:\n"
                         "'Hello world'\n");
    free(trace);
    run_free(&run);
}
