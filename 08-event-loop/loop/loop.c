/*
 * loop.c - the loop asyncio really is (asyncio/base_events.py's
 * BaseEventLoop), in C: three sources of callbacks and one step that turns
 * them.
 *
 *   ready queue   call_soon: a FIFO of (function, argument) pairs
 *   timer heap    call_later: a min-heap on (deadline, sequence number)
 *   selector      add_reader/add_writer: callbacks for descriptors
 *                 (signals arrive as one of them: signals.c)
 *
 *   loop_run_once, in _run_once's order:
 *     1. selector wait   sleep in the kernel until an IO event or the next
 *                        deadline (not at all if something is ready)
 *     2. one pass        the callbacks queued before this iteration, then
 *                        the readers and writers of the ready fds, then
 *                        the timers due; what they queue waits for the
 *                        next iteration
 *
 * asyncio appends the IO callbacks and the due timers to the ready queue,
 * behind what was already there, and runs them all in one pass. We run
 * them in place, in that same order, after the callbacks queued before:
 * one trip through the queue fewer. A reader removed, or a timer
 * cancelled, by an earlier callback of the pass is not called (asyncio:
 * its cancelled Handle is skipped), nor is a reader or timer set during
 * the pass: it waits for the next iteration, as in asyncio.
 */
#include "loop.h"
#include "../talk.h"
#include "future.h"
#include "memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- the clock ----------------------------------------------------------- */

/* One branch, always the same way outside tests: the machine's clock
 * costs what it did before there was a hook. */
static double clock_now(const Loop *loop)
{
    return loop->clock ? loop->clock->now(loop->clock->ctx) : monotonic_now();
}

void loop_set_clock(Loop *loop, const LoopClock *clock)
{
    loop->clock = clock;
    loop->now = clock_now(loop);
}

/* --- timers: call_later -------------------------------------------------- */

/* The deadline counts from the clock read now, as asyncio's call_later
 * does (loop.time() reads it afresh), not from the start of the iteration:
 * set between two runs, a timer would otherwise count from the end of the
 * last one, and could be due before the next run even began. */
void call_later(Loop *loop, TimerHandle *timer, double delay, Callback fn,
                void *arg)
{
    call_at(loop, timer, clock_now(loop) + (delay > 0 ? delay : 0), fn, arg);
}

void call_at(Loop *loop, TimerHandle *timer, double when, Callback fn,
             void *arg)
{
    *timer = (TimerHandle){.when = when, .handle = {fn, arg}};
    timer_heap_push(&loop->timers, timer);
}

/* A due timer runs in the pass that finds it due, straight off the heap
 * (loop_run_once): cancelled before its turn, it is off the heap and
 * never runs. */
void timer_cancel(Loop *loop, TimerHandle *timer)
{
    timer_heap_remove(&loop->timers, timer);
}

/* --- readers and writers ------------------------------------------------- */

static FdEntry *fd_entry(Loop *loop, int fd)
{
    loop->fds = grow_zeroed(loop->fds, &loop->fds_cap, fd, sizeof *loop->fds);
    return &loop->fds[fd];
}

static int wanted_events(const FdEntry *e)
{
    return (e->reader.fn ? SELECT_READ : 0) | (e->writer.fn ? SELECT_WRITE : 0);
}

/* Tells the kernel what to watch for fd, when that changed. Per wait: the
 * exact events wanted. Persistent: never less than before, so a reader
 * that comes back finds its registration still there (no syscall). */
static int update_registration(Loop *loop, int fd, bool shrink)
{
    FdEntry *e = &loop->fds[fd];
    int events = wanted_events(e);
    if (!shrink)
        events |= e->registered;
    if (events == e->registered)
        return 0;
    if (loop->selector->ops->watch(loop->selector, fd, e->registered, events) ==
        -1)
        return -1;
    e->registered = events;
    return 0;
}

static int add_handler(Loop *loop, int fd, bool reading, Callback fn, void *arg)
{
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    FdEntry *e = fd_entry(loop, fd);
    Handle *slot = reading ? &e->reader : &e->writer;
    bool was_set = slot->fn != NULL;
    *slot = (Handle){fn, arg};
    *(reading ? &e->reader_since : &e->writer_since) = loop->iteration;
    bool shrink = loop->registration == REGISTER_PER_WAIT;
    if (update_registration(loop, fd, shrink) == -1) {
        slot->fn = NULL;
        return -1;
    }
    loop->nhandlers += !was_set;
    return 0;
}

int add_reader(Loop *loop, int fd, Callback fn, void *arg)
{
    return add_handler(loop, fd, true, fn, arg);
}

int add_writer(Loop *loop, int fd, Callback fn, void *arg)
{
    return add_handler(loop, fd, false, fn, arg);
}

static void remove_handler(Loop *loop, int fd, bool reading)
{
    if (fd < 0 || fd >= loop->fds_cap)
        return;
    Handle *slot = reading ? &loop->fds[fd].reader : &loop->fds[fd].writer;
    if (!slot->fn)
        return;
    slot->fn = NULL;
    loop->nhandlers--;
    if (loop->registration == REGISTER_PER_WAIT)
        update_registration(loop, fd, true);
}

void remove_reader(Loop *loop, int fd)
{
    remove_handler(loop, fd, true);
}

void remove_writer(Loop *loop, int fd)
{
    remove_handler(loop, fd, false);
}

bool loop_fd_take_turn(Loop *loop, int fd)
{
    if (fd < 0)
        return false;
    FdEntry *e = fd_entry(loop, fd);
    if (e->ops_iteration != loop->iteration) { /* it yielded since */
        e->ops_iteration = loop->iteration;
        e->ops = 0;
    }
    return ++e->ops > FD_OPS_PER_ITERATION;
}

void loop_fd_drained(Loop *loop, int fd)
{
    if (fd >= 0)
        fd_entry(loop, fd)->drained_iteration = loop->iteration;
}

bool loop_fd_was_drained(const Loop *loop, int fd)
{
    return fd >= 0 && fd < loop->fds_cap &&
           loop->fds[fd].drained_iteration == loop->iteration;
}

void loop_close_fd(Loop *loop, int fd)
{
    if (fd < 0)
        return;
    if (fd < loop->fds_cap) {
        remove_handler(loop, fd, true);
        remove_handler(loop, fd, false);
        update_registration(loop, fd, true); /* poll must forget it */
    }
    if (loop->proactor)
        proactor_close_fd(loop->proactor, fd);
    else
        close(fd);
}

/* Python: _process_events, and the pass that runs what it queued. A
 * callback may remove the other one, or close fd: look the entry up again
 * before each. */
static void dispatch(Loop *loop, SelectorEvent ev)
{
    if (ev.fd >= loop->fds_cap)
        return;
    FdEntry *e = &loop->fds[ev.fd];
    if ((ev.events & SELECT_READ) && e->reader.fn &&
        e->reader_since < loop->iteration)
        e->reader.fn(e->reader.arg);
    e = &loop->fds[ev.fd];
    if ((ev.events & SELECT_WRITE) && e->writer.fn &&
        e->writer_since < loop->iteration)
        e->writer.fn(e->writer.arg);
    /* An event nobody waits for: the lazy unregistration happens now. */
    e = &loop->fds[ev.fd];
    if (ev.events & e->registered & ~wanted_events(e))
        update_registration(loop, ev.fd, true);
}

/* Something is ready, or can become ready: a timer, a reader, a writer,
 * an operation the proactor has in flight. */
static bool has_io(const Loop *loop)
{
    return loop->nhandlers > 0 ||
           (loop->proactor && proactor_has_work(loop->proactor));
}

bool loop_has_work(const Loop *loop)
{
    return loop->ready.count > 0 || loop->timers.count > 0 || has_io(loop);
}

/* --- run_once ------------------------------------------------------------ */

/* The timers due when the pass began: none set during it (its sequence
 * number is too new), none cancelled before its turn (off the heap). */
static void run_due_timers(Loop *loop, unsigned long long set_before)
{
    TimerHandle *t;
    while ((t = timer_heap_top(&loop->timers)) && t->when <= loop->now &&
           t->seq < set_before) {
        timer_heap_remove(&loop->timers, t); /* off the heap: it may be set
                                                again */
        t->handle.fn(t->handle.arg);
    }
}

static void run_ready(Loop *loop, size_t n)
{
    for (; n > 0; n--) {
        Handle h = ready_queue_pop(&loop->ready);
        h.fn(h.arg);
    }
}

/* How long step 1 may sleep: not at all if callbacks are ready or the loop
 * is stopping, until the next deadline if there is a timer, else until an
 * IO event (-1). */
static int selector_timeout_ms(const Loop *loop)
{
    if (loop->ready.count > 0 || loop->stopping)
        return 0;
    TimerHandle *next = timer_heap_top(&loop->timers);
    if (!next)
        return -1;
    double wait = next->when - loop->now;
    if (wait <= 0)
        return 0;
    /* Round up: waking a hair early would only spin once more. */
    double ms = wait * 1000.0;
    return ms > 86400000.0 ? 86400000 : (int)ms + ((double)(int)ms < ms);
}

/* The proactor's completions so far (a poll's included): TRACE=1 counts
 * them as io. */
static unsigned long long completions(const Loop *loop)
{
    return loop->proactor ? proactor_stats(loop->proactor).completions : 0;
}

/* Step 1: the events in loop->events, their count in it->nevents. */
static int wait_for_io(Loop *loop, LoopIteration *it)
{
    it->timeout_ms = selector_timeout_ms(loop);
    it->nevents = 0;
    it->ncompleted = 0;
    if (!loop_has_work(loop))
        return 0; /* loop_run_forever says why it cannot go on */
    int n = 0;
    /* A virtual clock never sleeps: it polls, then jumps (loop_set_clock). */
    int timeout_ms = loop->clock ? 0 : it->timeout_ms;
    /* With nothing registered and callbacks ready, asking the kernel is a
     * syscall for nothing: task switches stay in user space. */
    unsigned long long completed = completions(loop);
    if (timeout_ms != 0 || has_io(loop))
        n = loop->selector->ops->wait(loop->selector, timeout_ms, loop->events);
    it->ncompleted = (int)(completions(loop) - completed);
    if (loop->clock && n == 0 && it->timeout_ms > 0)
        loop->clock->jump(loop->clock->ctx,
                          timer_heap_top(&loop->timers)->when);
    if (n == -1 && errno != EINTR) {
        perror("event loop: selector wait");
        return -1;
    }
    it->nevents = n < 0 ? 0 : n;
    return 0;
}

int loop_run_once(Loop *loop)
{
    loop->iteration++;
    loop->now = clock_now(loop);
    LoopIteration it;
    if (wait_for_io(loop, &it) == -1) /* 1. selector wait */
        return -1;
    loop->now = clock_now(loop);
    size_t queued_before = loop->ready.count; /* 2. one pass: */
    unsigned long long timers_before = loop->timers.next_seq;
    run_ready(loop, queued_before); /* what was queued, */
    for (int i = 0; i < it.nevents; i++)
        dispatch(loop, loop->events[i]); /* the ready fds, */
    run_due_timers(loop, timers_before); /* the timers due */
    loop_notify(loop, LOOP_ITERATED, &it);
    return 0;
}

/* --- run_forever, run_until_complete, stop ------------------------------- */

RunEnd loop_run_forever(Loop *loop)
{
    RunEnd end = RUN_STOPPED;
    loop_notify(loop, LOOP_RUN_STARTED, NULL);
    while (!loop->stopping) {
        if (loop_run_once(loop) == -1) {
            end = RUN_FAILED;
            break;
        }
        if (!loop->stopping && !loop_has_work(loop)) {
            end = RUN_STUCK;
            break;
        }
    }
    loop->stopping = false; /* Python: finally: self._stopping = False */
    loop_notify(loop, LOOP_RUN_ENDED, NULL);
    return end;
}

/* Python: loop.stop(). The callbacks of this iteration still run; the
 * iteration then ends without sleeping, and run_forever returns. */
void loop_stop(Loop *loop)
{
    loop->stopping = true;
}

bool loop_stopped(const Loop *loop)
{
    return loop->stopping;
}

/* Python: run_until_complete's done callback, _run_until_complete_cb:
 * loop.stop(). Stopping, not just returning once the future is done,
 * lets the callbacks scheduled beside this one run too (a gather's own
 * done callback, say) before the caller frees what they point to. */
static void stop_loop(void *loop)
{
    loop_stop(loop);
}

static int cannot_finish(const char *why)
{
    fprintf(stderr, "run_until_complete: %s\n", why);
    return -1;
}

int run_until_complete(Loop *loop, Future *f)
{
    future_add_done_callback(f, stop_loop, loop);
    RunEnd end = loop_run_forever(loop);
    future_remove_done_callback(f, stop_loop, loop);
    if (end == RUN_FAILED)
        return -1;
    if (end == RUN_STUCK)
        return cannot_finish("nothing is ready and nothing can become "
                             "ready (no timer, no reader, no writer), so "
                             "the future can never finish (hint: does a "
                             "task await a future nobody completes?)");
    if (!future_done(f))
        return cannot_finish("the loop was stopped before the future "
                             "finished (hint: who called loop_stop?)");
    return 0;
}

/* --- the hook ------------------------------------------------------------ */

void loop_set_hook(Loop *loop, LoopHook hook, void *ctx)
{
    loop->hook = hook;
    loop->hook_ctx = ctx;
}

void loop_notify(Loop *loop, LoopEvent event, const void *detail)
{
    if (loop->hook)
        loop->hook(loop->hook_ctx, event, detail);
}

WaitKind loop_find_wait(const Loop *loop, const void *arg, int *fd)
{
    for (size_t i = 0; i < loop->timers.count; i++)
        if (loop->timers.items[i].timer->handle.arg == arg)
            return WAITS_ON_TIMER;
    for (int i = 0; i < loop->fds_cap; i++) {
        *fd = i;
        if (loop->fds[i].reader.fn && loop->fds[i].reader.arg == arg)
            return WAITS_TO_READ;
        if (loop->fds[i].writer.fn && loop->fds[i].writer.arg == arg)
            return WAITS_TO_WRITE;
    }
    return WAITS_ON_NOTHING;
}

/* --- making and closing a loop ------------------------------------------- */

/* ASYNCIO_LOOP: "proactor", or "readiness" (the default). NULL: a value
 * that is neither, said on stderr. */
static const char *loop_kind_from_env(void)
{
    const char *kind = getenv("ASYNCIO_LOOP");
    if (!kind || !*kind || strcmp(kind, "readiness") == 0)
        return "readiness";
    if (strcmp(kind, "proactor") == 0)
        return kind;
    fprintf(stderr,
            "event loop: ASYNCIO_LOOP=%s is not a loop (hint: "
            "ASYNCIO_LOOP=proactor or ASYNCIO_LOOP=readiness)\n",
            kind);
    return NULL;
}

/* The proactor if this machine lets us have one; else NULL, said in one
 * line, and the caller goes on with a readiness loop. */
static Selector *open_proactor(void)
{
    const SelectorOps *ops = selector_by_name("io_uring");
    Selector *opened = ops ? ops->open() : NULL;
    if (opened)
        return opened;
    const char *why = !ops              ? "io_uring is Linux's"
                      : errno == ENOSYS ? "this kernel has no io_uring"
                      : errno == EPERM || errno == EACCES
                          ? "refused: kernel.io_uring_disabled, or a "
                            "seccomp filter"
                          : strerror(errno);
    fprintf(stderr,
            "event loop: no io_uring proactor here (%s): running on the "
            "readiness loop (%s)\n",
            why, selector_by_name(NULL)->name);
    return NULL;
}

static Selector *open_selector(const char *name)
{
    const SelectorOps *ops = selector_by_name(name);
    if (!ops) {
        fprintf(stderr,
                "event loop: no selector named '%s' in this build (hint: "
                "ASYNCIO_SELECTOR=poll works everywhere)\n",
                name);
        return NULL;
    }
    Selector *opened = ops->open();
    if (!opened)
        perror("event loop: cannot create its selector");
    return opened;
}

Loop *loop_new(const char *selector)
{
    Selector *opened = NULL;
    if (!selector) {
        const char *kind = loop_kind_from_env();
        if (!kind)
            return NULL;
        if (strcmp(kind, "proactor") == 0)
            opened = open_proactor();
        selector = getenv("ASYNCIO_SELECTOR");
    } else if (strcmp(selector, "io_uring") == 0) {
        opened = open_proactor();
        selector = NULL;
    }
    if (!opened)
        opened = open_selector(selector);
    if (!opened)
        return NULL;
    Loop *loop = reallocate(NULL, 1, sizeof *loop);
    memset(loop, 0, sizeof *loop);
    loop->selector = opened;
    loop->proactor = proactor_of(opened);
    const char *how = getenv("ASYNCIO_REGISTRATION");
    loop->registration = how && strcmp(how, "per-wait") == 0
                             ? REGISTER_PER_WAIT
                             : REGISTER_PERSISTENT;
    const char *recv = getenv("ASYNCIO_RECV");
    loop->recv_start = recv && strcmp(recv, "readiness-first") == 0
                           ? RECV_READINESS_FIRST
                           : RECV_TRY_FIRST;
    loop->now = monotonic_now();
    return loop;
}

void loop_set_registration(Loop *loop, Registration how)
{
    loop->registration = how;
}

Registration loop_registration(const Loop *loop)
{
    return loop->registration;
}

void loop_set_recv_start(Loop *loop, RecvStart how)
{
    loop->recv_start = how;
}

RecvStart loop_recv_start(const Loop *loop)
{
    return loop->recv_start;
}

const char *loop_selector_name(const Loop *loop)
{
    return loop->selector->ops->name;
}

double loop_time(const Loop *loop)
{
    return loop->now;
}

void loop_call_at_close(Loop *loop, Callback fn, void *arg)
{
    ready_queue_push(&loop->at_close, fn, arg);
}

void loop_close(Loop *loop)
{
    if (!loop)
        return;
    while (loop->at_close.count > 0) {
        Handle h = ready_queue_pop(&loop->at_close);
        h.fn(h.arg);
    }
    loop->selector->ops->close(loop->selector);
    ready_queue_free(&loop->at_close);
    ready_queue_free(&loop->ready);
    timer_heap_free(&loop->timers);
    reallocate(loop->fds, 0, 0);
    reallocate(loop, 0, 0);
}
