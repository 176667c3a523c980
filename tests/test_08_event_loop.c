/*
 * test_08_event_loop.c - the real loop of stage 08, unit by unit: asyncio's
 * ordering rules, futures and their misuse, tasks, errors that travel like
 * exceptions, cancellation, wait_for, gather, asleep, and the socket
 * operations under both registrations.
 *
 * A loop test: run-all.sh runs it once per loop this machine has (epoll,
 * poll, the io_uring proactor), chosen by the environment that
 * loop_new(NULL) reads: every backend passes the same tests.
 */
#include "../08-event-loop/loop/asyncio.h"
#include "../08-event-loop/talk.h"
#include "harness.h"
#include "loop_under_test.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static Loop *loop;
static int log_[64];
static int nlog;

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    loop = loop_new(NULL);
    cr_assert(loop, "loop_new failed");
    nlog = 0;
}

static void teardown(void)
{
    loop_close(loop);
}

TestSuite(loop, .init = setup, .fini = teardown,
          .timeout = 10 * BUILD_SLOWDOWN);

static void record(void *arg)
{
    log_[nlog++] = (int)(intptr_t)arg;
}

static void expect_log(const int *expected, int n)
{
    cr_assert_eq(nlog, n, "%d callbacks ran, expected %d", nlog, n);
    for (int i = 0; i < n; i++)
        cr_assert_eq(log_[i], expected[i], "callback %d was %d, expected %d", i,
                     log_[i], expected[i]);
}

#define ARG(n) ((void *)(intptr_t)(n))

/* The one the environment asks for: ASYNCIO_LOOP=proactor, else
 * ASYNCIO_SELECTOR, else the build's default. (run-all.sh lists the
 * proactor only where io_uring works, so no fallback is expected.) */
Test(loop, selector_is_the_one_asked_for)
{
    const char *kind = getenv("ASYNCIO_LOOP");
    const char *selector = getenv("ASYNCIO_SELECTOR");
    const char *want = kind && strcmp(kind, "proactor") == 0 ? "io_uring"
                       : selector && *selector               ? selector
                                               : selector_by_name(NULL)->name;
    cr_assert_str_eq(loop_selector_name(loop), want);
    cr_assert_null(selector_by_name("select"), "select() is not offered");
}

/* --- ordering ------------------------------------------------------------ */

static void record_and_schedule(void *arg)
{
    record(arg);
    call_soon(loop, record, ARG(99));
}

Test(loop, call_soon_is_fifo_and_what_it_queues_runs_next_time)
{
    call_soon(loop, record_and_schedule, ARG(1));
    call_soon(loop, record, ARG(2));
    call_soon(loop, record, ARG(3));
    cr_assert_eq(nlog, 0, "call_soon ran a callback at once");
    loop_run_once(loop);
    expect_log((int[]){1, 2, 3}, 3);
    loop_run_once(loop);
    expect_log((int[]){1, 2, 3, 99}, 4);
}

Test(loop, done_callbacks_run_later_in_the_order_added)
{
    Future f;
    future_init(&f, loop);
    future_add_done_callback(&f, record, ARG(1));
    future_add_done_callback(&f, record, ARG(2));
    future_add_done_callback(&f, record, ARG(3)); /* past the inline two */
    cr_assert_eq(future_set_result(&f, ARG(7)), 0);
    cr_assert_eq(nlog, 0, "set_result ran a done callback itself");
    future_add_done_callback(&f, record, ARG(4)); /* already done: still */
    loop_run_once(loop);
    expect_log((int[]){1, 2, 3, 4}, 4);
    future_free(&f);
}

Test(loop, timers_fire_in_deadline_order_ties_in_the_order_set)
{
    TimerHandle t[5];
    call_later(loop, &t[0], 0.03, record, ARG(1));
    call_later(loop, &t[1], 0.01, record, ARG(2));
    call_later(loop, &t[2], 0.01, record, ARG(3)); /* same deadline */
    call_later(loop, &t[3], 0.01, record, ARG(4));
    call_later(loop, &t[4], 0.02, record, ARG(5));
    timer_cancel(loop, &t[4]);
    while (nlog < 4)
        cr_assert_eq(loop_run_once(loop), 0);
    expect_log((int[]){2, 3, 4, 1}, 4);
    cr_assert_not(loop_has_work(loop), "a cancelled timer stayed behind");
}

/* Many timers, deadlines and cancels drawn from a fixed seed: the heap
 * must hand them out in (deadline, order set) order, every one that was
 * not cancelled exactly once, none that was. */
enum { MANY_TIMERS = 2000 };
static TimerHandle many[MANY_TIMERS];
static int fired_order[MANY_TIMERS], nfired;

static void record_timer(void *arg)
{
    fired_order[nfired++] = (int)(intptr_t)arg;
}

Test(loop, many_timers_fire_in_order_and_cancelled_ones_never)
{
    unsigned seed = 12345;
    bool cancelled[MANY_TIMERS] = {false};
    double base = loop_time(loop);
    for (int i = 0; i < MANY_TIMERS; i++) {
        seed = seed * 1103515245u + 12345u;
        /* 0 to 9 ms in whole ms: many ties */
        call_at(loop, &many[i],
                base + (double)(seed >> 16 & 7) / 1000.0 + 0.002, record_timer,
                ARG(i));
    }
    for (int i = 0; i < MANY_TIMERS; i += 3) {
        timer_cancel(loop, &many[i]);
        cancelled[i] = true;
    }
    nfired = 0;
    while (loop_has_work(loop))
        cr_assert_eq(loop_run_once(loop), 0);
    int expected = MANY_TIMERS - (MANY_TIMERS + 2) / 3;
    cr_assert_eq(nfired, expected, "%d timers fired, %d expected", nfired,
                 expected);
    for (int k = 0; k < nfired; k++) {
        int i = fired_order[k];
        cr_assert_not(cancelled[i], "timer %d fired after its cancel", i);
        if (k > 0) {
            int before = fired_order[k - 1];
            bool in_order = many[before].when < many[i].when ||
                            (many[before].when == many[i].when && before < i);
            cr_assert(in_order, "timer %d fired before timer %d", before, i);
        }
    }
}

/* A coroutine that records its steps: start, then after asleep(seconds). */
typedef struct {
    Gen gen;
    Loop *loop;
    double seconds;
    int value;
    Sleep sleep;
    void *ignored;
} Sleeper;

static GenStatus sleeper_step(Gen *g)
{
    Sleeper *s = (Sleeper *)g;
    GEN_BEGIN(g);
    record(ARG(s->value * 10));
    asleep(&s->sleep, s->loop, s->seconds);
    AWAIT(g, &s->sleep.gen, s->ignored);
    record(ARG(s->value));
    GEN_RETURN(g, ARG(s->value));
    GEN_END(g);
}

static Gen *sleeper(Sleeper *s, double seconds, int value)
{
    s->loop = loop;
    s->seconds = seconds;
    s->value = value;
    return gen_init(&s->gen, sleeper_step, "sleeper");
}

Test(loop, a_created_task_first_runs_on_the_next_iteration)
{
    Sleeper s;
    Task t;
    create_task(loop, &t, sleeper(&s, 0, 1), "t");
    cr_assert_eq(nlog, 0, "create_task ran the coroutine at once");
    loop_run_once(loop);
    expect_log((int[]){10}, 1);
}

Test(loop, asleep_0_yields_exactly_once)
{
    Sleeper s;
    Task t;
    create_task(loop, &t, sleeper(&s, 0, 1), "t");
    loop_run_once(loop);
    cr_assert_not(future_done(&t.future));
    loop_run_once(loop);
    expect_log((int[]){10, 1}, 2);
    cr_assert(future_done(&t.future), "asleep(0) yielded more than once");
}

Test(loop, gather_returns_results_in_argument_order)
{
    Sleeper s[3];
    Task t[3];
    double delays[3] = {0.03, 0.01, 0.02};
    Future *children[3];
    void *results[3];
    for (int i = 0; i < 3; i++)
        children[i] =
            &create_task(loop, &t[i], sleeper(&s[i], delays[i], i + 1), "t")
                 ->future;
    Gather g;
    Future *all = gather(&g, loop, children, 3, results);
    cr_assert_eq(run_until_complete(loop, all), 0);
    expect_log((int[]){10, 20, 30, 2, 3, 1}, 6); /* finished out of order */
    void *got;
    cr_assert_eq(future_result(all, &got), 0);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(results[i], ARG(i + 1), "result %d out of order", i);
}

/* A child that sleeps 10 ms: the children of the scale test below. */
typedef struct {
    Gen gen;
    Sleep sleep;
    void *ignored;
} Nap;

static GenStatus nap_step(Gen *g)
{
    Nap *n = (Nap *)g;
    GEN_BEGIN(g);
    asleep(&n->sleep, loop, 0.01);
    AWAIT(g, &n->sleep.gen, n->ignored);
    GEN_END(g);
}

/* Seconds to create n napping tasks and gather them. */
static double gather_naps(int n)
{
    Task *tasks = malloc((size_t)n * sizeof *tasks);
    Nap *naps = malloc((size_t)n * sizeof *naps);
    Future **children = malloc((size_t)n * sizeof *children);
    void **results = malloc((size_t)n * sizeof *results);
    cr_assert(tasks && naps && children && results);
    double began = monotonic_now();
    for (int i = 0; i < n; i++)
        children[i] = &create_task(loop, &tasks[i],
                                   gen_init(&naps[i].gen, nap_step, "n"), "nap")
                           ->future;
    Gather g;
    cr_assert_eq(
        run_until_complete(loop, gather(&g, loop, children, n, results)), 0);
    double took = monotonic_now() - began;
    cr_assert_eq(g.outer.error, 0);
    free(tasks);
    free(naps);
    free(children);
    free(results);
    return took;
}

/* Each child's completion costs gather O(1): ten times the children cost
 * about ten times as much (plus the 10 ms nap), where a scan of every
 * child per completion would cost a hundred times. */
Test(loop, gather_is_linear_in_its_children, .timeout = 60 * BUILD_SLOWDOWN)
{
    double small = gather_naps(10000);
    for (int i = 0; i < 2; i++) { /* the quickest of three: less noise */
        double again = gather_naps(10000);
        small = again < small ? again : small;
    }
    double big = gather_naps(100000);
    cr_assert_lt(big, 30 * small,
                 "100,000 children took %.3f s, 10,000 took %.3f s: more "
                 "than linear",
                 big, small);
}

Test(loop, waiting_2_seconds_burns_no_cpu)
{
    struct rusage before, after;
    Sleeper s;
    Task t;
    getrusage(RUSAGE_SELF, &before);
    double began = monotonic_now();
    create_task(loop, &t, sleeper(&s, 0.3, 1), "t");
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    getrusage(RUSAGE_SELF, &after);
    double cpu =
        (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
        (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
        (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
        (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
    cr_assert_geq(monotonic_now() - began, 0.29);
    cr_assert_lt(cpu, 0.05, "sleeping 0.3 s cost %.3f s of CPU: busy polling?",
                 cpu);
}

/* --- futures: misuse is an error, not UB ---------------------------------- */

Test(loop, misuse_is_a_clear_error)
{
    Future f;
    future_init(&f, loop);
    void *r;
    cr_redirect_stderr(); /* the errors are expected: asserted, not shown */
    cr_assert_eq(future_result(&f, &r), -1, "a pending future had a result");
    cr_assert_eq(future_set_result(&f, ARG(1)), 0);
    cr_assert_eq(future_set_result(&f, ARG(2)), -1, "set_result twice");
    cr_assert_eq(future_set_exception(&f, EIO), -1);
    cr_assert_not(future_cancel(&f), "cancelled a done future");
    cr_assert_eq(future_result(&f, &r), 0);
    cr_assert_eq(r, ARG(1), "the second set_result changed the result");
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "InvalidStateError: Result is not set (hint: await the "
        "future, or check future_done() first)\n"
        "InvalidStateError: set_result on a future that is already "
        "done (hint: check future_done() first)\n"
        "InvalidStateError: set_exception on a future that is "
        "already done (hint: check future_done() first)\n");
}

Test(loop, run_until_complete_says_when_nothing_can_finish_the_future)
{
    Future never;
    future_init(&never, loop);
    cr_redirect_stderr(); /* the error is expected: asserted, not shown */
    cr_assert_eq(run_until_complete(loop, &never), -1);
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "run_until_complete: nothing is ready and nothing can "
        "become ready (no timer, no reader, no writer), so the "
        "future can never finish (hint: does a task await a "
        "future nobody completes?)\n");
}

static void finish(void *future)
{
    future_set_result(future, NULL);
}

/* asyncio's run_until_complete stops the loop from a done callback, so the
 * callbacks scheduled beside it still run before it returns. Returning as
 * soon as the future is done would leave them queued, pointing into frames
 * the caller is about to free (demo 1's gather did, until ASan saw it). */
Test(loop, run_until_complete_runs_the_callbacks_scheduled_with_its_own)
{
    Future f;
    future_init(&f, loop);
    future_add_done_callback(&f, record, ARG(1));
    call_soon(loop, finish, &f);
    cr_assert_eq(run_until_complete(loop, &f), 0);
    expect_log((int[]){1}, 1);
    cr_assert_not(loop_stopped(loop), "the stop must not outlive the run");
    future_free(&f);
}

/* --- errors and cancellation ---------------------------------------------- */

/* await target, catching: result and error kept for the test. */
typedef struct {
    Gen gen;
    Future *target;
    FutureAwait await;
    void *result;
    int error;
} Awaiter;

static GenStatus awaiter_step(Gen *g)
{
    Awaiter *a = (Awaiter *)g;
    GEN_BEGIN(g);
    future_await(&a->await, a->target);
    TRY_AWAIT(g, &a->await.gen, a->result, a->error);
    GEN_RETURN(g, a->result);
    GEN_END(g);
}

static Gen *awaiter(Awaiter *a, Future *target)
{
    memset(a, 0, sizeof *a);
    a->target = target;
    return gen_init(&a->gen, awaiter_step, "awaiter");
}

/* await sock_recv(fd): raises whatever recv fails with. */
typedef struct {
    Gen gen;
    int fd;
    char buf[64];
    SockRecv recv;
    void *ignored;
} Reader;

static GenStatus reader_step(Gen *g)
{
    Reader *r = (Reader *)g;
    GEN_BEGIN(g);
    sock_recv(&r->recv, loop, r->fd, r->buf, sizeof r->buf);
    AWAIT(g, &r->recv.gen, r->ignored);
    GEN_RETURN(g, ARG(r->recv.received));
    GEN_END(g);
}

/* A connected TCP pair on loopback: fds[0] ours, fds[1] the peer. */
static void tcp_pair(int fds[2])
{
    int port;
    int listener = tcp_listen(0, &port);
    cr_assert_neq(listener, -1);
    fds[1] = tcp_connect(port);
    cr_assert_neq(fds[1], -1);
    for (int tries = 0; (fds[0] = accept(listener, NULL, NULL)) == -1;
         tries++) {
        cr_assert(tries < 1000 && errno == EAGAIN, "accept failed");
        poll(NULL, 0, 1);
    }
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    close(listener);
}

static void reset_peer(int fd)
{
    struct linger hard = {1, 0}; /* close sends RST, not FIN */
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    close(fd);
}

static void failed_recv_reaches_the_awaiting_task(Registration how)
{
    loop_set_registration(loop, how);
    int fds[2];
    tcp_pair(fds);
    Reader r = {.fd = fds[0]};
    Task reading, waiting;
    Awaiter a;
    create_task(loop, &reading, gen_init(&r.gen, reader_step, "reader"), "r");
    create_task(loop, &waiting, awaiter(&a, &reading.future), "a");
    run_first_steps(loop); /* both start: the reader waits for data */
    reset_peer(fds[1]);
    cr_assert_eq(run_until_complete(loop, &waiting.future), 0);
    cr_assert_eq(future_result(&reading.future, NULL), ECONNRESET,
                 "the reading task did not fail with ECONNRESET: %s",
                 strerror(reading.future.error));
    cr_assert_eq(a.error, ECONNRESET, "its awaiter got %s", strerror(a.error));
    loop_close_fd(loop, fds[0]);
}

Test(loop, failed_recv_reaches_the_awaiting_task_persistent)
{
    failed_recv_reaches_the_awaiting_task(REGISTER_PERSISTENT);
}

Test(loop, failed_recv_reaches_the_awaiting_task_per_wait)
{
    failed_recv_reaches_the_awaiting_task(REGISTER_PER_WAIT);
}

Test(loop, a_cancelled_tasks_awaiter_sees_the_cancellation)
{
    Sleeper s;
    Task sleeping, waiting;
    Awaiter a;
    create_task(loop, &sleeping, sleeper(&s, 10, 1), "sleeper");
    create_task(loop, &waiting, awaiter(&a, &sleeping.future), "awaiter");
    run_first_steps(loop);
    cr_assert(task_cancel(&sleeping));
    cr_assert_eq(run_until_complete(loop, &waiting.future), 0);
    cr_assert(future_cancelled(&sleeping.future));
    cr_assert_eq(a.error, ECANCELED, "the awaiter got %s", strerror(a.error));
    expect_log((int[]){10}, 1); /* the sleeper never went past its sleep */
    loop_run_once(loop);
    cr_assert_not(loop_has_work(loop), "the 10 s timer stayed behind");
}

/* Python: await asyncio.current_task() raises RuntimeError('Task cannot
 * await on itself'). Found by the loop fuzzer: parked on itself, the task
 * never woke, and cancelling it cancelled itself without end (a stack
 * overflow). */
typedef struct {
    Gen gen;
    Task *self;
    bool catch_first; /* try: await self; except: error = e */
    FutureAwait await;
    void *ignored;
    int error;
} SelfAwaiter;

static GenStatus self_awaiter_step(Gen *g)
{
    SelfAwaiter *s = (SelfAwaiter *)g;
    GEN_BEGIN(g);
    if (s->catch_first) {
        future_await(&s->await, &s->self->future);
        TRY_AWAIT(g, &s->await.gen, s->ignored, s->error);
    }
    future_await(&s->await, &s->self->future); /* uncaught */
    AWAIT(g, &s->await.gen, s->ignored);
    GEN_END(g);
}

Test(loop, a_task_that_awaits_itself_gets_an_error_not_a_hang)
{
    Task t;
    SelfAwaiter s = {.self = &t, .catch_first = true};
    create_task(loop, &t, gen_init(&s.gen, self_awaiter_step, "s"), "s");
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(s.error, EDEADLK, "caught %s", strerror(s.error));
    cr_assert_eq(t.future.error, EDEADLK, "the task failed with %s",
                 strerror(t.future.error));
    Task u;
    SelfAwaiter su = {.self = &u};
    create_task(loop, &u, gen_init(&su.gen, self_awaiter_step, "u"), "u");
    loop_run_once(loop); /* it awaits itself: the error is on its way */
    cr_assert(task_cancel(&u), "a task that awaits itself cannot be cancelled");
    cr_assert_eq(run_until_complete(loop, &u.future), 0);
    cr_assert(future_cancelled(&u.future), "the cancel did not win");
}

Test(loop, a_task_cancelled_before_it_starts_never_runs)
{
    Sleeper s;
    Task t;
    create_task(loop, &t, sleeper(&s, 0, 1), "t");
    cr_assert(task_cancel(&t));
    loop_run_once(loop);
    cr_assert(future_cancelled(&t.future));
    cr_assert_eq(nlog, 0);
    cr_assert_not(task_cancel(&t), "cancelled twice");
}

typedef struct {
    Gen gen;
    Future *inner;
    double timeout;
    WaitFor wait;
    void *result;
    int error;
} Waiter;

static GenStatus waiter_step(Gen *g)
{
    Waiter *w = (Waiter *)g;
    GEN_BEGIN(g);
    wait_for(&w->wait, loop, w->inner, w->timeout);
    TRY_AWAIT(g, &w->wait.gen, w->result, w->error);
    GEN_END(g);
}

Test(loop, wait_for_times_out_and_cancels)
{
    Sleeper s;
    Task slow, waiting;
    Waiter w = {.timeout = 0.05};
    w.inner = &create_task(loop, &slow, sleeper(&s, 10, 1), "slow")->future;
    double began = monotonic_now();
    create_task(loop, &waiting, gen_init(&w.gen, waiter_step, "w"), "w");
    cr_assert_eq(run_until_complete(loop, &waiting.future), 0);
    cr_assert_eq(w.error, ETIMEDOUT, "wait_for gave %s", strerror(w.error));
    cr_assert(future_cancelled(&slow.future), "the slow task goes on");
    cr_assert_lt(monotonic_now() - began, 10.0 / 2, "waited for the slow task");
}

/* On a virtual clock (loop_set_clock) the times are exact and the order
 * is known: hours of deadlines pass in no time, on any machine. */
static double fired_at[8];

static void record_time(void *arg)
{
    fired_at[nlog] = loop_time(loop);
    record(arg);
}

Test(loop, a_virtual_clock_fires_timers_at_their_exact_deadlines)
{
    VirtualClock vc;
    loop_set_clock(loop, virtual_clock_init(&vc, 1000));
    TimerHandle t[4];
    call_later(loop, &t[0], 3600, record_time, ARG(1));
    call_later(loop, &t[1], 60, record_time, ARG(2));
    call_at(loop, &t[2], 1060, record_time, ARG(3)); /* ties with t[1] */
    call_later(loop, &t[3], 0.5, record_time, ARG(4));
    while (loop_has_work(loop))
        cr_assert_eq(loop_run_once(loop), 0);
    expect_log((int[]){4, 2, 3, 1}, 4);
    double expected[] = {1000.5, 1060, 1060, 4600};
    for (int i = 0; i < 4; i++)
        cr_assert_eq(fired_at[i], expected[i], "timer %d fired at %g, not %g",
                     log_[i], fired_at[i], expected[i]);
    cr_assert_eq(vc.now, 4600, "the clock went past the last deadline");
}

Test(loop, wait_for_times_out_at_its_exact_deadline_on_a_virtual_clock)
{
    VirtualClock vc;
    loop_set_clock(loop, virtual_clock_init(&vc, 0));
    Sleeper s;
    Task slow, waiting;
    Waiter w = {.timeout = 60};
    w.inner = &create_task(loop, &slow, sleeper(&s, 3600, 1), "slow")->future;
    create_task(loop, &waiting, gen_init(&w.gen, waiter_step, "w"), "w");
    cr_assert_eq(run_until_complete(loop, &waiting.future), 0);
    cr_assert_eq(w.error, ETIMEDOUT, "wait_for gave %s", strerror(w.error));
    cr_assert(future_cancelled(&slow.future), "the slow task goes on");
    cr_assert_eq(loop_time(loop), 60, "timed out at %g s, not 60",
                 loop_time(loop));
}

Test(loop, wait_for_returns_the_result_in_time)
{
    Sleeper s;
    Task quick, waiting;
    Waiter w = {.timeout = 5};
    w.inner =
        &create_task(loop, &quick, sleeper(&s, 0.01, 42), "quick")->future;
    create_task(loop, &waiting, gen_init(&w.gen, waiter_step, "w"), "w");
    cr_assert_eq(run_until_complete(loop, &waiting.future), 0);
    cr_assert_eq(w.error, 0);
    cr_assert_eq(w.result, ARG(42));
    loop_run_once(loop);
    cr_assert_not(loop_has_work(loop), "wait_for's 5 s timer stayed behind");
}

/* --- socket operations -----------------------------------------------------
 */

enum {
    ROUND_TRIP_BYTES = 1 << 20
}; /* past the socket buffers: sendall
      must wait and keep the rest */

/* Accepts one connection and echoes it until end of file. */
typedef struct {
    Gen gen;
    int listener, fd;
    SockAccept accept;
    SockRecv recv;
    SockSendAll send;
    char buf[4096];
    void *ignored;
} EchoOnce;

static GenStatus echo_once_step(Gen *g)
{
    EchoOnce *e = (EchoOnce *)g;
    GEN_BEGIN(g);
    sock_accept(&e->accept, loop, e->listener);
    AWAIT(g, &e->accept.gen, e->ignored);
    e->fd = e->accept.accepted;
    for (;;) {
        sock_recv(&e->recv, loop, e->fd, e->buf, sizeof e->buf);
        AWAIT(g, &e->recv.gen, e->ignored);
        if (e->recv.received == 0)
            break;
        sock_sendall(&e->send, loop, e->fd, e->buf, (size_t)e->recv.received);
        AWAIT(g, &e->send.gen, e->ignored);
    }
    loop_close_fd(loop, e->fd);
    GEN_END(g);
}

/* Connects, sends everything (one sendall), half-closes, reads it back. */
typedef struct {
    Gen gen;
    int fd;
    struct sockaddr_in address;
    SockConnect connect;
    SockSendAll send;
    SockRecv recv;
    char *data, *back;
    size_t got;
    void *ignored;
} Sender;

static GenStatus sender_step(Gen *g)
{
    Sender *s = (Sender *)g;
    GEN_BEGIN(g);
    sock_connect(&s->connect, loop, s->fd, &s->address);
    AWAIT(g, &s->connect.gen, s->ignored);
    sock_sendall(&s->send, loop, s->fd, s->data, ROUND_TRIP_BYTES);
    AWAIT(g, &s->send.gen, s->ignored);
    shutdown(s->fd, SHUT_WR);
    for (;;) {
        sock_recv(&s->recv, loop, s->fd, s->back + s->got,
                  ROUND_TRIP_BYTES - s->got);
        AWAIT(g, &s->recv.gen, s->ignored);
        if (s->recv.received == 0 ||
            (s->got += (size_t)s->recv.received) == ROUND_TRIP_BYTES)
            break;
    }
    loop_close_fd(loop, s->fd);
    GEN_END(g);
}

static void round_trip(Registration how)
{
    loop_set_registration(loop, how);
    int port;
    EchoOnce e = {.listener = tcp_listen(0, &port)};
    cr_assert_neq(e.listener, -1);
    Sender s = {.fd = tcp_socket_nonblocking(),
                .data = malloc(ROUND_TRIP_BYTES),
                .back = calloc(1, ROUND_TRIP_BYTES)};
    s.address.sin_family = AF_INET;
    s.address.sin_port = htons((unsigned short)port);
    s.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (size_t i = 0; i < ROUND_TRIP_BYTES; i++)
        s.data[i] = (char)(i * 7 + i / 251);
    Task server, client;
    create_task(loop, &server, gen_init(&e.gen, echo_once_step, "echo"), "e");
    create_task(loop, &client, gen_init(&s.gen, sender_step, "sender"), "s");
    Future *both[2] = {&server.future, &client.future};
    void *results[2];
    Gather g;
    cr_assert_eq(run_until_complete(loop, gather(&g, loop, both, 2, results)),
                 0);
    cr_assert_eq(g.outer.error, 0, "failed: %s", strerror(g.outer.error));
    cr_assert_eq(s.got, (size_t)ROUND_TRIP_BYTES);
    cr_assert(memcmp(s.data, s.back, ROUND_TRIP_BYTES) == 0, "bytes differ");
    loop_close_fd(loop, e.listener);
    loop_run_once(loop);
    cr_assert_not(loop_has_work(loop), "a reader or writer stayed behind");
    free(s.data);
    free(s.back);
}

Test(loop, sockets_round_trip_1_mib_persistent)
{
    round_trip(REGISTER_PERSISTENT);
}

Test(loop, sockets_round_trip_1_mib_per_wait)
{
    round_trip(REGISTER_PER_WAIT);
}

Test(loop, connect_to_a_closed_port_raises_econnrefused)
{
    int port;
    int listener = tcp_listen(0, &port);
    close(listener); /* nothing listens there any more */
    Sender s = {.fd = tcp_socket_nonblocking()};
    s.address.sin_family = AF_INET;
    s.address.sin_port = htons((unsigned short)port);
    s.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Task t;
    create_task(loop, &t, gen_init(&s.gen, sender_step, "sender"), "s");
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(t.future.error, ECONNREFUSED, "got %s",
                 strerror(t.future.error));
    loop_close_fd(loop, s.fd);
}
