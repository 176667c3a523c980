/*
 * test_08_asyncio_api.c - what asyncio users reach for next, on stage 08's
 * real loop: handles that cancel, task names, gather(return_exceptions),
 * shield, wait, Event, Lock, Queue and TaskGroup. Each test names the
 * asyncio behaviour it holds the C to; tests/compare/ holds the orders to
 * CPython's own.
 */
#include "../08-event-loop/loop/asyncio.h"
#include "harness.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <stdio.h>
#include <string.h>

static Loop *loop;
static char said[512]; /* what the callbacks said, in order */

static void open_loop(void)
{
    loop = loop_new(NULL);
    cr_assert(loop, "loop_new failed");
    said[0] = '\0';
}

static void close_loop(void)
{
    loop_close(loop);
}

TestSuite(api, .init = open_loop, .fini = close_loop,
          .timeout = 10 * BUILD_SLOWDOWN);

/* A callback: appends its argument, a word, to said[]. */
static void say(void *word)
{
    size_t len = strlen(said);
    snprintf(said + len, sizeof said - len, "%s%s", len ? " " : "",
             (const char *)word);
}

static void no_op(void *arg)
{
    (void)arg;
}

/* One iteration that never sleeps in the selector: a callback of it
 * leaves the ready queue non-empty (tests/README.md: no timing luck). */
static void queue_no_op(void *arg)
{
    call_soon(loop, no_op, arg);
}

static void run_one_pass(void)
{
    call_soon(loop, queue_no_op, NULL);
    loop_run_once(loop);
}

static void run_until_said(const char *expected)
{
    while (strcmp(said, expected) != 0 && strlen(said) < strlen(expected))
        cr_assert_eq(loop_run_once(loop), 0);
    cr_assert_str_eq(said, expected);
}

/* --- 1. handles ---------------------------------------------------------- */

Test(api, a_cancelled_call_soon_never_runs)
{
    SoonHandle a = call_soon(loop, say, "a");
    SoonHandle b = call_soon(loop, say, "b");
    call_soon(loop, say, "c");
    cr_assert(handle_cancel(loop, b), "b was waiting: cancel says so");
    cr_assert_not(handle_cancel(loop, b), "a second cancel does nothing");
    loop_run_once(loop);
    cr_assert_str_eq(said, "a c");
    cr_assert_not(handle_cancel(loop, a), "a ran: too late to cancel");
}

static SoonHandle victim;

static void cancel_victim(void *arg)
{
    say(arg);
    handle_cancel(loop, victim);
}

Test(api, a_callback_cancelled_earlier_in_its_own_pass_never_runs)
{
    call_soon(loop, cancel_victim, "first");
    victim = call_soon(loop, say, "victim");
    call_soon(loop, say, "last");
    loop_run_once(loop);
    cr_assert_str_eq(said, "first last");
}

Test(api, handles_keep_their_place_while_the_ring_wraps_and_grows)
{
    static char words[600][12];
    for (int i = 0; i < 200; i++) /* moves the head to 200 of 256 */
        call_soon(loop, say, "");
    loop_run_once(loop);
    SoonHandle h[600];
    for (int i = 0; i < 600; i++) { /* wraps, then grows twice */
        snprintf(words[i], sizeof words[i], "%d", i);
        h[i] = call_soon(loop, say, words[i]);
    }
    for (int i = 0; i < 600; i++)
        if (i % 7 != 3)
            cr_assert(handle_cancel(loop, h[i]));
    said[0] = '\0';
    loop_run_once(loop);
    char expected[512] = "";
    for (int i = 3; i < 600; i += 7)
        snprintf(expected + strlen(expected),
                 sizeof expected - strlen(expected), "%s%d", i == 3 ? "" : " ",
                 i);
    cr_assert_str_eq(said, expected);
}

static TimerHandle t1, t2;

static void t1_cancels_t2(void *arg)
{
    say(arg);
    timer_cancel(loop, &t2);
}

Test(api, a_timer_cancelled_after_it_fell_due_never_runs)
{
    double now = loop_time(loop);
    call_at(loop, &t1, now, t1_cancels_t2, "t1");
    call_at(loop, &t2, now, say, "t2");
    loop_run_once(loop); /* both fall due in this iteration */
    cr_assert_str_eq(said, "t1");
    loop_run_once(loop);
    cr_assert_str_eq(said, "t1");
    timer_cancel(loop, &t1); /* it ran: harmless */
    cr_assert_not(loop_has_work(loop));
}

Test(api, call_at_and_call_later_share_one_clock)
{
    TimerHandle later, at;
    call_later(loop, &later, 0.02, say, "later");
    call_at(loop, &at, loop_time(loop) + 0.01, say, "at");
    run_until_said("at later");
}

/* --- 2. task names ------------------------------------------------------- */

static GenStatus returns_at_once(Gen *g)
{
    GEN_BEGIN(g);
    GEN_END(g);
}

Test(api, unnamed_tasks_are_task_1_task_2_and_a_name_takes_no_number)
{
    Gen coros[3];
    Task a, b, c;
    TaskName buf;
    create_task(loop, &a, gen_init(&coros[0], returns_at_once, "a"), NULL);
    create_task(loop, &b, gen_init(&coros[1], returns_at_once, "b"), "named");
    create_task(loop, &c, gen_init(&coros[2], returns_at_once, "c"), NULL);
    cr_assert_str_eq(task_get_name(&a, &buf), "Task-1");
    cr_assert_str_eq(task_get_name(&b, &buf), "named");
    cr_assert_str_eq(task_get_name(&c, &buf), "Task-2");
    task_set_name(&a, "renamed");
    cr_assert_str_eq(task_get_name(&a, &buf), "renamed");
    cr_assert_eq(run_until_complete(loop, &c.future), 0);
}

/* --- 3. gather(return_exceptions=True) ----------------------------------- */

Test(api, gather_return_exceptions_waits_for_all_and_keeps_each_error)
{
    Future f[3];
    for (int i = 0; i < 3; i++)
        future_init(&f[i], loop);
    Gather g;
    void *results[3];
    int errors[3];
    Future *outer = gather_return_exceptions(
        &g, loop, (Future *[]){&f[0], &f[1], &f[2]}, 3, results, errors);
    future_set_exception(&f[0], EIO);
    future_cancel(&f[1]);
    loop_run_once(loop);
    cr_assert_not(future_done(outer), "an error ended the wait early");
    future_set_result(&f[2], "three");
    loop_run_once(loop);
    cr_assert(future_done(outer));
    void *got = NULL;
    cr_assert_eq(future_result(outer, &got), 0, "the outer future failed");
    cr_assert_eq(got, results);
    cr_assert_eq(errors[0], EIO);
    cr_assert_eq(errors[1], ECANCELED);
    cr_assert_eq(errors[2], 0);
    cr_assert_null(results[0]);
    cr_assert_str_eq(results[2], "three");
}

/* --- 4. shield ----------------------------------------------------------- */

Test(api, cancelling_a_shield_leaves_the_inner_future_running)
{
    Future inner;
    future_init(&inner, loop);
    Shield s;
    Future *outer = shield(&s, &inner);
    cr_assert_neq(outer, &inner);
    cr_assert(future_cancel(outer));
    loop_run_once(loop); /* the outer future's done callback */
    cr_assert_not(future_done(&inner), "the cancel went through");
    cr_assert_eq(inner.ncallbacks, 0, "inner still calls the shield back");
    future_set_result(&inner, "late");
    loop_run_once(loop);
    cr_assert(future_cancelled(outer));
}

Test(api, a_shield_passes_on_a_result_an_error_and_a_cancel)
{
    Future inner[3];
    Shield s[3];
    Future *outer[3];
    for (int i = 0; i < 3; i++) {
        future_init(&inner[i], loop);
        outer[i] = shield(&s[i], &inner[i]);
    }
    future_set_result(&inner[0], "r");
    future_set_exception(&inner[1], EPIPE);
    future_cancel(&inner[2]);
    loop_run_once(loop);
    void *got = NULL;
    cr_assert_eq(future_result(outer[0], &got), 0);
    cr_assert_str_eq(got, "r");
    cr_assert_eq(future_result(outer[1], &got), EPIPE);
    cr_assert(future_cancelled(outer[2]));
    cr_assert_eq(shield(&s[0], &inner[0]), &inner[0], "done: inner itself");
}

/* --- 5. wait ------------------------------------------------------------- */

/* A task that awaits one wait_futures and keeps what it raised. */
typedef struct {
    Gen gen;
    Wait wait;
    void *ignored;
    int error;
} Waiting;

static GenStatus waiting_step(Gen *g)
{
    Waiting *w = (Waiting *)g;
    GEN_BEGIN(g);
    TRY_AWAIT(g, &w->wait.gen, w->ignored, w->error);
    GEN_END(g);
}

static Task *start_wait(Task *task, Waiting *w, Future **fs, int n,
                        ReturnWhen when, double timeout)
{
    wait_futures(&w->wait, loop, fs, n, when, timeout);
    w->error = -1;
    return create_task(loop, task, gen_init(&w->gen, waiting_step, "w"), NULL);
}

Test(api, first_exception_passes_over_a_cancel_and_stops_at_an_error)
{
    Future f[3];
    for (int i = 0; i < 3; i++)
        future_init(&f[i], loop);
    Waiting w;
    Task t;
    start_wait(&t, &w, (Future *[]){&f[0], &f[1], &f[2]}, 3, FIRST_EXCEPTION,
               -1);
    loop_run_once(loop);
    future_cancel(&f[0]);
    for (int i = 0; i < 3; i++)
        loop_run_once(loop);
    cr_assert_not(future_done(&t.future), "a cancel counted as an error");
    future_set_exception(&f[1], EIO);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(w.error, 0, "wait raised");
    cr_assert_eq(w.wait.ndone, 2);
    cr_assert_not(future_done(&f[2]), "wait cancelled what was pending");
    cr_assert_eq(f[2].ncallbacks, 0, "wait left its callback behind");
}

Test(api, a_wait_that_times_out_returns_and_leaves_nothing_behind)
{
    Future f;
    future_init(&f, loop);
    Waiting w;
    Task t;
    start_wait(&t, &w, (Future *[]){&f}, 1, ALL_COMPLETED, 0.01);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(w.error, 0, "a timeout raised");
    cr_assert_eq(w.wait.ndone, 0);
    cr_assert_not(future_done(&f));
    cr_assert_eq(f.ncallbacks, 0);
    cr_assert_not(loop_has_work(loop), "a timer stayed behind");
}

Test(api, cancelling_a_waiting_task_raises_in_it_and_removes_its_callbacks)
{
    Future f;
    future_init(&f, loop);
    Waiting w;
    Task t;
    start_wait(&t, &w, (Future *[]){&f}, 1, FIRST_COMPLETED, 10);
    run_one_pass();
    task_cancel(&t);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(w.error, ECANCELED);
    cr_assert_eq(f.ncallbacks, 0);
    cr_assert_not(loop_has_work(loop), "the timeout's timer stayed behind");
}

Test(api, waiting_for_no_future_is_an_error)
{
    cr_redirect_stderr(); /* the error is expected: asserted, not shown */
    Waiting w;
    Task t;
    start_wait(&t, &w, NULL, 0, ALL_COMPLETED, -1);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(w.error, EINVAL);
    fflush(stderr);
    cr_assert_stderr_eq_str("wait: no futures to wait for (hint: Python raises "
                            "ValueError: Set of Futures is empty)\n");
}

/* --- 6. Event, Lock, Queue ----------------------------------------------- */

/* A task that awaits one coroutine (an Event's wait, a Lock's acquire, a
 * Queue's get ...), says its name when that returns, keeps what it raised. */
typedef struct {
    Gen gen;
    Gen *inner;
    const char *name;
    void *got;
    int error;
} Awaiting;

static GenStatus awaiting_step(Gen *g)
{
    Awaiting *a = (Awaiting *)g;
    GEN_BEGIN(g);
    TRY_AWAIT(g, a->inner, a->got, a->error);
    if (!a->error)
        say((void *)a->name);
    GEN_END(g);
}

static Task *start(Task *task, Awaiting *a, Gen *inner, const char *name)
{
    *a = (Awaiting){.inner = inner, .name = name};
    return create_task(loop, task, gen_init(&a->gen, awaiting_step, name),
                       name);
}

Test(api, event_wakes_every_waiter_in_order_and_a_set_event_does_not_wait)
{
    Event e;
    event_init(&e, loop);
    EventWait w[3];
    Awaiting a[3];
    Task t[3];
    start(&t[0], &a[0], event_wait(&w[0], &e), "first");
    start(&t[1], &a[1], event_wait(&w[1], &e), "second");
    run_one_pass();
    cr_assert_str_eq(said, "", "a wait returned before the event was set");
    event_set(&e);
    cr_assert(event_is_set(&e));
    run_until_said("first second");
    start(&t[2], &a[2], event_wait(&w[2], &e), "third");
    run_one_pass();
    cr_assert_str_eq(said, "first second third", "a set event made it wait");
    event_clear(&e);
    cr_assert_not(event_is_set(&e));
    cr_assert_null(e.waiters.first, "a waiter stayed in line");
}

Test(api, a_cancelled_event_waiter_leaves_the_line)
{
    Event e;
    event_init(&e, loop);
    EventWait w;
    Awaiting a;
    Task t;
    start(&t, &a, event_wait(&w, &e), "w");
    run_one_pass();
    task_cancel(&t);
    run_one_pass();
    cr_assert_eq(a.error, ECANCELED);
    cr_assert_null(e.waiters.first, "the cancelled waiter stayed in line");
}

Test(api, a_released_lock_goes_to_the_first_in_line_not_to_a_newcomer)
{
    Lock lock;
    lock_init(&lock, loop);
    LockAcquire acq[3];
    Awaiting a[3];
    Task t[3];
    start(&t[0], &a[0], lock_acquire(&acq[0], &lock), "holder");
    start(&t[1], &a[1], lock_acquire(&acq[1], &lock), "waiter");
    run_one_pass();
    cr_assert_str_eq(said, "holder");
    cr_assert(lock_locked(&lock));
    /* The newcomer's first step is queued before the waiter's wake-up: it
     * finds the lock free, and must still not take it. */
    start(&t[2], &a[2], lock_acquire(&acq[2], &lock), "newcomer");
    cr_assert_eq(lock_release(&lock), 0); /* wakes "waiter", not run yet */
    run_one_pass();
    cr_assert_str_eq(said, "holder waiter", "the newcomer barged in");
    cr_assert_eq(lock_release(&lock), 0);
    run_one_pass();
    run_one_pass();
    cr_assert_str_eq(said, "holder waiter newcomer");
    cr_assert_eq(lock_release(&lock), 0);
    cr_assert_not(lock_locked(&lock));
    cr_redirect_stderr(); /* the error is expected: asserted, not shown */
    cr_assert_eq(lock_release(&lock), -1, "released an unlocked lock");
}

Test(api, a_lock_waiter_cancelled_after_its_wake_up_passes_the_lock_on)
{
    Lock lock;
    lock_init(&lock, loop);
    LockAcquire acq[3];
    Awaiting a[3];
    Task t[3];
    start(&t[0], &a[0], lock_acquire(&acq[0], &lock), "holder");
    start(&t[1], &a[1], lock_acquire(&acq[1], &lock), "cancelled");
    start(&t[2], &a[2], lock_acquire(&acq[2], &lock), "next");
    run_one_pass();
    lock_release(&lock); /* wakes "cancelled" */
    task_cancel(&t[1]);  /* before it ran */
    run_one_pass();
    run_one_pass();
    cr_assert_eq(a[1].error, ECANCELED);
    cr_assert_str_eq(said, "holder next", "the lock was lost with the cancel");
}

Test(api, a_full_queue_makes_put_wait_and_an_empty_one_get)
{
    Queue q;
    queue_init(&q, loop, 1);
    void *item = NULL;
    cr_assert_eq(queue_get_nowait(&q, &item), EAGAIN);
    cr_assert_eq(queue_put_nowait(&q, "one"), 0);
    cr_assert(queue_full(&q));
    cr_assert_eq(queue_put_nowait(&q, "two"), EAGAIN);
    QueueOp put, get;
    Awaiting a[2];
    Task t[2];
    start(&t[0], &a[0], queue_put(&put, &q, "two"), "put");
    run_one_pass();
    cr_assert_str_eq(said, "", "put did not wait for room");
    start(&t[1], &a[1], queue_get(&get, &q), "get");
    run_until_said("get put");
    cr_assert_str_eq(a[1].got, "one");
    cr_assert_eq(queue_get_nowait(&q, &item), 0);
    cr_assert_str_eq(item, "two");
    cr_assert_eq(queue_task_done(&q), 0);
    cr_assert_eq(queue_task_done(&q), 0);
    cr_redirect_stderr(); /* the error is expected: asserted, not shown */
    cr_assert_eq(queue_task_done(&q), -1, "task_done once too often");
    queue_free(&q);
}

Test(api, a_getter_cancelled_after_its_wake_up_passes_the_item_on)
{
    Queue q;
    queue_init(&q, loop, 0);
    QueueOp get[2];
    Awaiting a[2];
    Task t[2];
    start(&t[0], &a[0], queue_get(&get[0], &q), "cancelled");
    start(&t[1], &a[1], queue_get(&get[1], &q), "next");
    run_one_pass();
    queue_put_nowait(&q, "item"); /* wakes "cancelled" */
    task_cancel(&t[0]);           /* before it ran */
    run_one_pass();
    run_one_pass();
    cr_assert_eq(a[0].error, ECANCELED);
    cr_assert_str_eq(said, "next", "the item waits for a getter that left");
    cr_assert_str_eq(a[1].got, "item");
    queue_free(&q);
}

Test(api, join_waits_for_a_task_done_per_item)
{
    Queue q;
    queue_init(&q, loop, 0);
    EventWait join;
    Awaiting a;
    Task t;
    queue_put_nowait(&q, "x");
    start(&t, &a, queue_join(&join, &q), "joined");
    run_one_pass();
    void *item;
    queue_get_nowait(&q, &item);
    run_one_pass();
    cr_assert_str_eq(said, "", "join returned before task_done");
    queue_task_done(&q);
    run_until_said("joined");
    queue_free(&q);
}

/* --- 7. TaskGroup -------------------------------------------------------- */

/* A group's task: fails with `error` at once (0: returns), or after
 * asleep(seconds), and with `error_on_cancel` if it is cancelled. */
typedef struct {
    Gen gen;
    double seconds;
    int error, error_on_cancel;
    Sleep sleep;
    void *ignored;
    int raised;
} Member;

static GenStatus member_step(Gen *g)
{
    Member *m = (Member *)g;
    GEN_BEGIN(g);
    asleep(&m->sleep, loop, m->seconds);
    TRY_AWAIT(g, &m->sleep.gen, m->ignored, m->raised);
    if (m->raised == ECANCELED && m->error_on_cancel)
        RAISE(g, m->error_on_cancel);
    if (m->raised)
        RAISE(g, m->raised);
    if (m->error)
        RAISE(g, m->error);
    GEN_END(g);
}

/* The parent: a group of the members, a body that awaits nothing, and
 * the group's end; what the end raised is kept in `raised`. */
typedef struct {
    Gen gen;
    Task *self;
    TaskGroup tg;
    Member *members;
    GroupTask *tasks;
    int n;
    void *ignored;
    int raised;
} Parent;

static GenStatus parent_step(Gen *g)
{
    Parent *p = (Parent *)g;
    GEN_BEGIN(g);
    task_group_init(&p->tg, loop, p->self);
    for (int i = 0; i < p->n; i++)
        task_group_create_task(
            &p->tg, &p->tasks[i],
            gen_init(&p->members[i].gen, member_step, "member"), NULL);
    task_group_wait(&p->tg, 0);
    TRY_AWAIT(g, &p->tg.gen, p->ignored, p->raised);
    GEN_END(g);
}

static Task *start_group(Task *task, Parent *p, Member *members, int n,
                         GroupTask *tasks)
{
    *p = (Parent){.self = task, .members = members, .tasks = tasks, .n = n};
    p->raised = -1;
    return create_task(loop, task, gen_init(&p->gen, parent_step, "parent"),
                       NULL);
}

Test(api, a_task_group_ends_when_its_last_task_does)
{
    Member m[2] = {{.seconds = 0}, {.seconds = 0.01}};
    GroupTask tasks[2];
    Parent p;
    Task t;
    start_group(&t, &p, m, 2, tasks);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(p.raised, 0);
    cr_assert(future_done(&tasks[1].task.future), "it ended before a task");
    cr_assert_eq(p.tg.nerrors, 0);
}

Test(api, a_failure_cancels_the_others_and_every_error_is_kept_in_order)
{
    Member m[3] = {{.seconds = 0, .error = EPIPE},
                   {.seconds = 10, .error_on_cancel = EIO},
                   {.seconds = 10}};
    GroupTask tasks[3];
    Parent p;
    Task t;
    start_group(&t, &p, m, 3, tasks);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(p.raised, EPIPE, "the group raised %d", p.raised);
    cr_assert(future_cancelled(&tasks[2].task.future), "not cancelled");
    cr_assert_eq(p.tg.nerrors, 2);
    cr_assert_eq(p.tg.first_failed, &tasks[0]);
    cr_assert_eq(p.tg.first_failed->next_failed, &tasks[1]);
    cr_assert_eq(tasks[1].task.future.error, EIO);
    cr_assert_not(loop_has_work(loop), "a sleep's timer stayed behind");
}

Test(api, a_group_cancelled_from_outside_cancels_its_tasks_and_raises_it)
{
    Member m[2] = {{.seconds = 10}, {.seconds = 10}};
    GroupTask tasks[2];
    Parent p;
    Task t;
    start_group(&t, &p, m, 2, tasks);
    run_one_pass();
    run_one_pass();
    task_cancel(&t);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    cr_assert_eq(p.raised, ECANCELED);
    cr_assert(future_cancelled(&tasks[0].task.future));
    cr_assert(future_cancelled(&tasks[1].task.future));
}

Test(api, a_finished_group_takes_no_new_task)
{
    Member m[1] = {{.seconds = 0}};
    GroupTask tasks[2];
    Parent p;
    Task t;
    start_group(&t, &p, m, 1, tasks);
    cr_assert_eq(run_until_complete(loop, &t.future), 0);
    Gen late;
    cr_redirect_stderr(); /* the error is expected: asserted, not shown */
    cr_assert_null(task_group_create_task(
        &p.tg, &tasks[1], gen_init(&late, returns_at_once, "late"), NULL));
    fflush(stderr);
    cr_assert_stderr_eq_str(
        "RuntimeError: TaskGroup is finished (hint: create tasks before "
        "task_group_wait, and not after a task failed)\n");
}
