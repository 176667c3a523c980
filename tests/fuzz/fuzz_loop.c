/*
 * fuzz_loop.c - a libFuzzer target for stage 08's loop: each input is a
 * program of loop operations, run on a virtual clock (virtual_clock.h),
 * then checked. tests/check/README.md ("The loop fuzzer") has the format,
 * the invariants and how to replay a crash.
 *
 * The input: byte 0 picks the loop (selector, registration, how a recv
 * starts); the rest splits at each 0xFF into the programs of up to
 * MAX_TASKS tasks, two bytes an operation (what, argument). Task i awaits
 * itself (an error, EDEADLK) or tasks after it, never one before: two
 * tasks awaiting each other are a deadlock in asyncio too, and cancelling
 * one recurses without end there, as it does for a task that awaits a
 * gather of itself.
 */
#include "../../08-event-loop/loop/asyncio.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    MAX_TASKS = 6,
    MAX_FUTURES = 4,
    MAX_SOON = 32,
    MAX_TIMERS = 32,
    MAX_OPS = 32,          /* per task */
    MAX_ITERATIONS = 4000, /* per phase: a loop with only idle readers spins */
    MAX_SEND = 64 * 1024,  /* a few fill a socketpair's buffer */
    PROGRAM_END = 0xFF,
};

/* An invariant broken: libFuzzer saves the input as a crash. */
#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz_loop: invariant broken: " __VA_ARGS__);      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

typedef enum {
    OP_SLEEP,
    OP_YIELD,
    OP_AWAIT,
    OP_RAISE,
    OP_CANCEL_SELF,
    OP_CANCEL_TASK,
    OP_SET_RESULT,
    OP_SET_EXCEPTION,
    OP_CANCEL_FUTURE,
    OP_CALL_SOON,
    OP_CANCEL_SOON,
    OP_CALL_LATER,
    OP_CALL_AT,
    OP_CANCEL_TIMER,
    OP_GATHER,
    OP_WAIT_FOR,
    OP_SHIELD,
    OP_WAIT,
    OP_SEND,
    OP_RECV,
    OP_STOP,
    OP_COUNT
} Op;

typedef struct {
    Gather g;
    Future *children[2];
    void *results[2];
    int errors[2];
    FutureAwait await;
} GatherFrame;

typedef struct {
    Shield s;
    FutureAwait await;
} ShieldFrame;

typedef struct {
    Wait w;
    Future *fs[2];
} WaitFrame;

/* The memory one awaiting operation needs, kept until the run's end: a
 * Gather or a Shield must outlive what it waits on. */
typedef struct Frame {
    struct Frame *next;
    Future *future; /* the one it holds, to future_free; or NULL */
    union {
        Sleep sleep;
        FutureAwait await;
        WaitFor wait_for;
        SockRecv recv;
        SockSendAll send;
        GatherFrame gather;
        ShieldFrame shield;
        WaitFrame wait;
    } u;
} Frame;

typedef struct {
    Gen gen;
    Task task;
    int index;
    const uint8_t *code;
    size_t len, pc;
    Gen *child; /* what this operation awaits, or NULL */
    void *result;
    int error;
    double not_before; /* a sleep must not end before this */
} FuzzTask;

typedef struct {
    unsigned long long order; /* call_soon's, to see FIFO */
    SoonHandle handle;
    bool fired, cancelled;
    bool cancels_next; /* when it runs: the one queued after it, in the
                          same pass */
} SoonRecord;

typedef struct {
    TimerHandle handle;
    double when;
    bool fired, cancelled;
    bool cancels_next; /* when it fires: the timer set after it, which may
                          be due in the same pass */
} TimerRecord;

/* One run's world; static, so LeakSanitizer sees only the loop's own. */
static struct {
    Loop *loop;
    VirtualClock clock;
    FuzzTask tasks[MAX_TASKS];
    int ntasks;
    Future futures[MAX_FUTURES];
    int pairs[MAX_TASKS][2]; /* task i's socketpair: [0] sends, [1] reads */
    SoonRecord soon[MAX_SOON];
    int nsoon;
    unsigned long long soon_pushed, soon_ran;
    TimerRecord timers[MAX_TIMERS];
    int ntimers;
    Frame *frames;
    unsigned long long iterations, stop_at;
    double last_time;
} w;

static char send_buf[MAX_SEND], recv_buf[MAX_SEND];

static Frame *new_frame(void)
{
    Frame *f = calloc(1, sizeof *f);
    CHECK(f, "out of memory");
    f->next = w.frames;
    w.frames = f;
    return f;
}

/* arg picks a plain future, the task itself, or a task after it. Only a
 * plain await takes the task itself: awaiting a gather of itself is a
 * cycle through the gather, which asyncio's cancel recurses on too. */
static Future *pick_future(const FuzzTask *self, uint8_t arg, bool self_ok)
{
    int first = self->index + !self_ok;
    int pick = arg % (MAX_FUTURES + w.ntasks - first);
    if (pick < MAX_FUTURES)
        return &w.futures[pick];
    return &w.tasks[first + pick - MAX_FUTURES].task.future;
}

static Future *awaitable(const FuzzTask *self, uint8_t arg)
{
    return pick_future(self, arg, false);
}

/* --- callbacks: each must run once, in order, never early ---------------- */

static void cancel_soon(SoonRecord *r)
{
    bool was_waiting = !r->fired && !r->cancelled;
    CHECK(handle_cancel(w.loop, r->handle) == was_waiting,
          "handle_cancel said %s of a callback that %s",
          was_waiting ? "no" : "yes",
          was_waiting ? "still waited" : "had run or was cancelled");
    r->cancelled = r->cancelled || was_waiting;
}

static void cancel_timer(TimerRecord *r)
{
    timer_cancel(w.loop, &r->handle); /* harmless once it fired */
    r->cancelled = r->cancelled || !r->fired;
}

static void soon_ran(void *arg)
{
    SoonRecord *r = arg;
    CHECK(!r->fired, "a call_soon callback ran twice");
    CHECK(!r->cancelled, "a call_soon callback ran after its cancel");
    CHECK(r->order > w.soon_ran, "call_soon is not FIFO: %llu after %llu",
          r->order, w.soon_ran);
    w.soon_ran = r->order;
    r->fired = true;
    if (r->cancels_next && r + 1 < w.soon + w.nsoon)
        cancel_soon(r + 1);
}

static void timer_ran(void *arg)
{
    TimerRecord *r = arg;
    CHECK(!r->fired, "a timer fired twice");
    CHECK(!r->cancelled, "a timer fired after its cancel");
    CHECK(loop_time(w.loop) >= r->when && w.clock.now >= r->when,
          "a timer fired early: at %.17g, due at %.17g", loop_time(w.loop),
          r->when);
    r->fired = true;
    if (r->cancels_next && r + 1 < w.timers + w.ntimers)
        cancel_timer(r + 1);
}

static void call_soon_op(uint8_t arg)
{
    if (w.nsoon == MAX_SOON)
        return;
    SoonRecord *r = &w.soon[w.nsoon++];
    r->order = ++w.soon_pushed;
    r->cancels_next = arg & 1;
    r->handle = call_soon(w.loop, soon_ran, r);
}

static void cancel_soon_op(uint8_t arg)
{
    if (w.nsoon > 0)
        cancel_soon(&w.soon[arg % w.nsoon]);
}

static void timer_op(Op op, uint8_t arg)
{
    if (w.ntimers == MAX_TIMERS)
        return;
    TimerRecord *r = &w.timers[w.ntimers++];
    r->cancels_next = arg & 0x40;
    double delay = (arg % 64) / 8.0;
    if (op == OP_CALL_LATER) {
        r->when = w.clock.now + delay;
        call_later(w.loop, &r->handle, delay, timer_ran, r);
    } else { /* call_at, up to 2 s in the past */
        r->when = loop_time(w.loop) + delay - 2;
        call_at(w.loop, &r->handle, r->when, timer_ran, r);
    }
}

static void cancel_timer_op(uint8_t arg)
{
    if (w.ntimers > 0)
        cancel_timer(&w.timers[arg % w.ntimers]);
}

/* --- the operations a task runs ------------------------------------------ */

static Gen *await_future(Future *f)
{
    return future_await(&new_frame()->u.await, f);
}

static Gen *sleep_op(double seconds)
{
    Frame *f = new_frame();
    f->future = &f->u.sleep.future;
    return asleep(&f->u.sleep, w.loop, seconds);
}

/* The two futures of a gather or a wait: arg picks one, arg / step the
 * other (the same one, sometimes). */
static void pick_two(Future *fs[2], const FuzzTask *t, uint8_t arg, int step)
{
    fs[0] = awaitable(t, arg);
    fs[1] = awaitable(t, (uint8_t)(arg / step));
}

static Gen *gather_op(FuzzTask *t, uint8_t arg)
{
    Frame *f = new_frame();
    GatherFrame *g = &f->u.gather;
    f->future = &g->g.outer;
    pick_two(g->children, t, arg, 7);
    Future *outer = arg & 0x80
                        ? gather_return_exceptions(&g->g, w.loop, g->children,
                                                   2, g->results, g->errors)
                        : gather(&g->g, w.loop, g->children, 2, g->results);
    return future_await(&g->await, outer);
}

static Gen *shield_op(FuzzTask *t, uint8_t arg)
{
    Frame *f = new_frame();
    ShieldFrame *s = &f->u.shield;
    Future *outer = shield(&s->s, awaitable(t, arg));
    f->future = outer == &s->s.outer ? outer : NULL;
    return future_await(&s->await, outer);
}

static Gen *wait_for_op(FuzzTask *t, uint8_t arg)
{
    Frame *f = new_frame();
    f->future = &f->u.wait_for.waiter;
    return wait_for(&f->u.wait_for, w.loop, awaitable(t, arg),
                    (arg >> 4) / 4.0);
}

/* A socket operation on pair arg % ntasks: end 0 sends, end 1 reads. The
 * fuzzer's loops are readiness loops: the operation waits on an FdWait. */
static Gen *sock_op(Op op, uint8_t arg)
{
    Frame *f = new_frame();
    int *pair = w.pairs[arg % w.ntasks];
    size_t size = (size_t)(arg / 4 + 1) * 1024;
    if (op == OP_SEND) {
        f->future = &f->u.send.wait.fd.future;
        return sock_sendall(&f->u.send, w.loop, pair[0], send_buf, size);
    }
    f->future = &f->u.recv.wait.fd.future;
    return sock_recv(&f->u.recv, w.loop, pair[1], recv_buf, size);
}

static Gen *wait_op(FuzzTask *t, uint8_t arg)
{
    Frame *f = new_frame();
    f->future = &f->u.wait.w.waiter;
    pick_two(f->u.wait.fs, t, arg, 5);
    double timeout = (arg >> 5) ? (arg >> 5) / 2.0 : -1; /* -1: None */
    return wait_futures(&f->u.wait.w, w.loop, f->u.wait.fs, 2,
                        (ReturnWhen)(arg % 3), timeout);
}

/* Starts operation op; returns what the task must await, or NULL. */
static Gen *start_op(FuzzTask *t, Op op, uint8_t arg)
{
    Future *f = &w.futures[arg % MAX_FUTURES];
    switch (op) {
    case OP_SLEEP:
        t->not_before = loop_time(w.loop) + arg / 16.0;
        return sleep_op(arg / 16.0);
    case OP_YIELD:
        return sleep_op(0);
    case OP_AWAIT:
        return await_future(pick_future(t, arg, true));
    case OP_CANCEL_SELF:
        task_cancel(&t->task);
        return sleep_op(0);
    case OP_CANCEL_TASK:
        task_cancel(&w.tasks[arg % w.ntasks].task);
        return NULL;
    case OP_SET_RESULT:
        if (!future_done(f))
            future_set_result(f, (void *)(uintptr_t)arg);
        return NULL;
    case OP_SET_EXCEPTION:
        if (!future_done(f))
            future_set_exception(f, EIO);
        return NULL;
    case OP_CANCEL_FUTURE:
        future_cancel(f);
        return NULL;
    case OP_CALL_SOON:
        call_soon_op(arg);
        return NULL;
    case OP_CANCEL_SOON:
        cancel_soon_op(arg);
        return NULL;
    case OP_CALL_LATER:
    case OP_CALL_AT:
        timer_op(op, arg);
        return NULL;
    case OP_CANCEL_TIMER:
        cancel_timer_op(arg);
        return NULL;
    case OP_GATHER:
        return gather_op(t, arg);
    case OP_WAIT_FOR:
        return wait_for_op(t, arg);
    case OP_SHIELD:
        return shield_op(t, arg);
    case OP_WAIT:
        return wait_op(t, arg);
    case OP_SEND:
    case OP_RECV:
        return sock_op(op, arg);
    case OP_STOP:
        loop_stop(w.loop);
        w.stop_at = w.loop->iteration;
        return NULL;
    case OP_RAISE:
    case OP_COUNT:
        break;
    }
    return NULL;
}

/* A task's coroutine: its program, one operation after the other. Errors
 * are caught and the program goes on (Python: except Exception), except
 * a cancellation, which ends the task (CancelledError is no Exception). */
static GenStatus fuzz_task_step(Gen *g)
{
    FuzzTask *t = (FuzzTask *)g;
    GEN_BEGIN(g);
    for (t->pc = 0; t->pc + 1 < t->len; t->pc += 2) {
        if (t->code[t->pc] % OP_COUNT == OP_RAISE)
            RAISE(g, EIO);
        t->not_before = 0;
        t->child =
            start_op(t, (Op)(t->code[t->pc] % OP_COUNT), t->code[t->pc + 1]);
        if (!t->child)
            continue;
        TRY_AWAIT(g, t->child, t->result, t->error);
        if (t->error == ECANCELED)
            RAISE(g, ECANCELED);
        CHECK(t->error || loop_time(w.loop) >= t->not_before,
              "a sleep ended early: at %.17g, due at %.17g", loop_time(w.loop),
              t->not_before);
    }
    GEN_END(g);
}

/* --- the run ------------------------------------------------------------ */

/* Counts iterations, and stops a run that has had its share. */
static void on_loop_event(void *ctx, LoopEvent event, const void *detail)
{
    (void)ctx;
    (void)detail;
    if (event != LOOP_ITERATED)
        return;
    CHECK(loop_time(w.loop) >= w.last_time, "the loop's time went back");
    w.last_time = loop_time(w.loop);
    if (++w.iterations % MAX_ITERATIONS == 0) {
        loop_stop(w.loop);
        w.stop_at = w.loop->iteration;
    }
}

/* Runs until nothing can happen or MAX_ITERATIONS more have passed; each
 * loop_stop ends one run_forever, in the iteration it was called in. */
static void run_phase(void)
{
    unsigned long long until = w.iterations + MAX_ITERATIONS;
    while (w.iterations < until && loop_has_work(w.loop)) {
        w.stop_at = 0;
        RunEnd end = loop_run_forever(w.loop);
        CHECK(end != RUN_FAILED, "the selector failed");
        CHECK(end != RUN_STOPPED || w.loop->iteration == w.stop_at,
              "loop_stop in iteration %llu, the run ended in %llu", w.stop_at,
              w.loop->iteration);
        if (end == RUN_STUCK)
            break;
    }
}

static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 1024; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

static Loop *new_loop(uint8_t how)
{
    Loop *loop = loop_new(how & 1 ? "poll" : NULL);
    CHECK(loop, "loop_new failed");
    loop_set_registration(loop,
                          how & 2 ? REGISTER_PER_WAIT : REGISTER_PERSISTENT);
    loop_set_recv_start(loop, how & 4 ? RECV_READINESS_FIRST : RECV_TRY_FIRST);
    loop_set_clock(loop, virtual_clock_init(&w.clock, 0));
    loop_set_hook(loop, on_loop_event, NULL);
    return loop;
}

/* Splits the programs and creates a task for each (a socketpair too). */
static void create_tasks(const uint8_t *data, size_t size)
{
    size_t start = 0;
    for (size_t i = 0; i <= size && w.ntasks < MAX_TASKS; i++) {
        if (i < size && data[i] != PROGRAM_END)
            continue;
        FuzzTask *t = &w.tasks[w.ntasks];
        t->index = w.ntasks++;
        t->code = data + start;
        t->len = i - start > 2 * MAX_OPS ? 2 * MAX_OPS : i - start;
        start = i + 1;
    }
    for (int i = 0; i < w.ntasks; i++) {
        CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, w.pairs[i]) == 0,
              "socketpair failed");
        for (int end = 0; end < 2; end++)
            fcntl(w.pairs[i][end], F_SETFL, O_NONBLOCK);
    }
    for (int i = 0; i < w.ntasks; i++)
        create_task(w.loop, &w.tasks[i].task,
                    gen_init(&w.tasks[i].gen, fuzz_task_step, "fuzz"), NULL);
}

/* The invariants no run may break, once every task was cancelled. */
static void check_drained(void)
{
    CHECK(!loop_has_work(w.loop),
          "every task cancelled, the loop still has work: %zu ready, %zu "
          "timers, %d readers and writers",
          w.loop->ready.count, w.loop->timers.count, w.loop->nhandlers);
    for (int i = 0; i < w.ntasks; i++)
        CHECK(future_done(&w.tasks[i].task.future),
              "task %d never finished, even cancelled", i);
    for (int i = 0; i < w.nsoon; i++)
        CHECK(w.soon[i].fired || w.soon[i].cancelled,
              "call_soon callback %d never ran", i);
    for (int i = 0; i < w.ntimers; i++)
        CHECK(w.timers[i].fired || w.timers[i].cancelled,
              "timer %d never fired (due at %g, now %g)", i, w.timers[i].when,
              w.clock.now);
}

static void free_world(void)
{
    for (int i = 0; i < w.ntasks; i++) {
        loop_close_fd(w.loop, w.pairs[i][0]);
        loop_close_fd(w.loop, w.pairs[i][1]);
        future_free(&w.tasks[i].task.future);
    }
    for (int i = 0; i < MAX_FUTURES; i++)
        future_free(&w.futures[i]);
    loop_close(w.loop);
    while (w.frames) {
        Frame *next = w.frames->next;
        if (w.frames->future) /* its extra callback room */
            future_free(w.frames->future);
        free(w.frames);
        w.frames = next;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int fds_before = open_fds();
    memset(&w, 0, sizeof w);
    w.loop = new_loop(data[0]);
    for (int i = 0; i < MAX_FUTURES; i++)
        future_init(&w.futures[i], w.loop);
    create_tasks(data + 1, size - 1);

    run_phase();
    if (getenv("FUZZ_VERBOSE"))
        for (int i = 0; i < w.ntasks; i++)
            if (!future_done(&w.tasks[i].task.future))
                fprintf(stderr, "fuzz_loop: task %d never finished\n", i);
    /* Python: asyncio.run cancels what is left, then runs it to its end. */
    for (int i = 0; i < w.ntasks; i++)
        task_cancel(&w.tasks[i].task);
    run_phase();
    check_drained();

    free_world();
    CHECK(open_fds() == fds_before, "%d descriptors left open",
          open_fds() - fds_before);
    return 0;
}
