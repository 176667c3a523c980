/*
 * test_05_generators.c - stage 05: a generator yields its values in order,
 * finishes with its return value, keeps its locals across yields, refuses to
 * be stepped once finished (an error said on stderr, never undefined
 * behaviour), and the stage program prints the talk's trace.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdlib.h>

#include "harness.h"

#include "../05-generators/generators.c"

/* Yields 1, 2, 3 (a pointer to its loop counter), then returns 42. */
typedef struct {
    Gen gen;
    int i;
    int answer;
} OneTwoThree;

static GenStatus one_two_three_step(Gen *g)
{
    OneTwoThree *f = (OneTwoThree *)g;
    GEN_BEGIN(g);
    for (f->i = 1; f->i <= 3; f->i++)
        YIELD(g, &f->i);
    f->answer = 42;
    GEN_RETURN(g, &f->answer);
    GEN_END(g);
}

static Gen *one_two_three(OneTwoThree *frame)
{
    return gen_init(&frame->gen, one_two_three_step, "one_two_three");
}

Test(generator, yields_its_values_then_returns_its_value)
{
    OneTwoThree frame;
    Gen *gen = one_two_three(&frame);
    cr_assert_not(gen_finished(gen), "a new generator has not finished");
    for (int expected = 1; expected <= 3; expected++) {
        cr_assert_eq(gen_next(gen), GEN_YIELDED);
        cr_assert_eq(*(int *)gen->yielded, expected);
    }
    cr_assert_eq(gen_next(gen), GEN_RETURNED, "4th next() is StopIteration");
    cr_assert_eq(*(int *)gen->result, 42, "StopIteration.value");
    cr_assert(gen_finished(gen));
}

/* Fills the C stack below us with garbage: whatever a step function kept
 * in a C local would be overwritten by the time it resumes. */
static void scribble_on_the_stack(void)
{
    volatile unsigned char junk[8192];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(0xA5 ^ i);
}

/* Keeps a running sum and a text in its frame, across every yield. */
typedef struct {
    Gen gen;
    int i;
    long sum;
    char text[16];
} Accumulator;

static GenStatus accumulator_step(Gen *g)
{
    Accumulator *f = (Accumulator *)g;
    GEN_BEGIN(g);
    f->sum = 0;
    f->text[0] = '\0';
    for (f->i = 0; f->i < 10; f->i++) {
        f->sum += f->i;
        f->text[f->i] = (char)('a' + f->i);
        f->text[f->i + 1] = '\0';
        YIELD(g, NULL);
    }
    GEN_RETURN(g, f->text);
    GEN_END(g);
}

Test(generator, locals_in_the_frame_survive_yields)
{
    Accumulator frame;
    Gen *gen = gen_init(&frame.gen, accumulator_step, "accumulator");
    int yields = 0;
    while (gen_next(gen) == GEN_YIELDED) {
        yields++;
        scribble_on_the_stack();
    }
    cr_assert_eq(yields, 10);
    cr_assert_eq(frame.sum, 45, "0 + 1 + ... + 9, summed across 10 yields");
    cr_assert_str_eq((char *)gen->result, "abcdefghij");
}

Test(generator, the_counter_by_hand_yields_2_to_6, .init = cr_redirect_stdout)
{
    CounterFrame gen = {.resume_at = 0};
    for (int expected = 2; expected <= 6; expected++)
        cr_assert_eq(counter_next(&gen), expected);
    fflush(stdout);
    cr_assert_stdout_eq_str("inside coroutine 2\ninside coroutine 3\n"
                            "inside coroutine 4\ninside coroutine 5\n"
                            "inside coroutine 6\n");
}

Test(generator, the_counter_with_macros_yields_2_to_6,
     .init = cr_redirect_stdout)
{
    Coroutine frame;
    Gen *gen = coroutine(&frame);
    for (int expected = 2; expected <= 6; expected++) {
        cr_assert_eq(gen_next(gen), GEN_YIELDED);
        cr_assert_eq(*(int *)gen->yielded, expected);
    }
    cr_assert_not(gen_finished(gen), "while True: it never finishes");
    fflush(stdout);
    cr_assert_stdout_eq_str("inside coroutine 2\ninside coroutine 3\n"
                            "inside coroutine 4\ninside coroutine 5\n"
                            "inside coroutine 6\n");
}

/* Everything the redirected stderr received so far. */
static char *captured_stderr(void)
{
    fflush(stderr);
    FILE *f = cr_get_redirected_stderr();
    static char text[1024];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    return text;
}

Test(generator, stepping_a_finished_generator_is_an_error,
     .init = cr_redirect_stderr)
{
    OneTwoThree frame;
    Gen *gen = one_two_three(&frame);
    while (gen_next(gen) == GEN_YIELDED)
        continue;
    void *result = gen->result;
    cr_assert_eq(gen_next(gen), GEN_ERROR);
    cr_assert_eq(gen_next(gen), GEN_ERROR, "and it stays finished");
    cr_assert_eq(gen->result, result, "the return value is left alone");
    char *said = captured_stderr();
    cr_assert(strstr(said, "'one_two_three' already finished"),
              "stderr should say which generator and why, got: %s", said);
}

/* The tests below talk to the demo server, started on a free port. */
TestSuite(with_server, .init = start_demo_server, .fini = stop_demo_server);

Test(with_server, really_non_blocking_io_yields_until_the_answer_is_there)
{
    ReallyNonBlockingIo frame;
    Gen *gen = really_non_blocking_io(&frame);
    int yields = 0;
    GenStatus status;
    while ((status = gen_next(gen)) == GEN_YIELDED) {
        yields++;
        sleep_scaled(0.1);
    }
    cr_assert_eq(status, GEN_RETURNED);
    cr_assert_str_eq((char *)gen->result, "Hello, world");
    /* The server answers after 2 s; we look every 0.1 s (both scaled). */
    cr_assert(yields >= 15 && yields <= 25, "expected about 20 yields, got %d",
              yields);
}

Test(with_server, the_stage_prints_the_talks_trace)
{
    const char *argv[] = {bin("05-generators/generators"), NULL};
    const char *env[] = {"TIME_SCALE=0.05", port_env(&demo_server), NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_not(run.timedout, "the program should finish");
    cr_assert_eq(run.status, 0, "exit status; stderr: %s", run.err);
    char *trace = mask_times(run.out);
    expect_trace_polling(trace, "In [6], by hand:\n"
                                "inside coroutine 2\n2\n"
                                "inside coroutine 3\n3\n"
                                "inside coroutine 4\n4\n"
                                "inside coroutine 5\n5\n"
                                "inside coroutine 6\n6\n"
                                "In [6], with coro.h:\n"
                                "inside coroutine 2\n2\n"
                                "inside coroutine 3\n3\n"
                                "inside coroutine 4\n4\n"
                                "inside coroutine 5\n5\n"
                                "inside coroutine 6\n6\n"
                                "In [8]:\n"
                                "@5 waiting...\n"
                                "response: \"Hello, world\"\n");
    free(trace);
    run_free(&run);
}

Test(no_server, a_missing_server_is_one_line_with_a_hint)
{
    int fd = tcp_connect(1); /* nothing listens on port 1 */
    cr_assert_eq(fd, -1, "port 1 should be closed for this test");
    const char *argv[] = {bin("05-generators/generators"), NULL};
    const char *env[] = {"TIME_SCALE=0.05", "PORT=1", NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_eq(run.status, 1);
    cr_assert(strstr(run.err, "make server"), "stderr: %s", run.err);
    char *newline = strchr(run.err, '\n');
    cr_assert(newline && !newline[1], "one line on stderr: %s", run.err);
    run_free(&run);
}
