/*
 * loop.h - the event loop (Python: asyncio's BaseEventLoop, libuv's
 * uv_loop_t): a ready queue (call_soon), timers (call_later) and
 * descriptors (add_reader, add_writer), and loop_run_once, which turns
 * the three through their phases. run_forever, run_until_complete and stop
 * are built on it.
 */
#ifndef LOOP_LOOP_H
#define LOOP_LOOP_H

#include "proactor.h"
#include "ready_queue.h"
#include "selector.h"
#include "timer_heap.h"

#include <stdbool.h>

/* How a descriptor stays in the selector between waits. */
typedef enum {
    REGISTER_PER_WAIT,   /* asyncio: add_reader ... remove_reader around
                            every wait: two epoll_ctl per blocking recv */
    REGISTER_PERSISTENT, /* libuv: stays registered while it is used; the
                            kernel set shrinks only when an event comes for
                            a descriptor nobody waits on any more */
} Registration;

/* How sock_recv starts. */
typedef enum {
    RECV_TRY_FIRST,       /* asyncio: recv at once, wait only on EAGAIN, so
                             data already there costs no trip round the loop */
    RECV_READINESS_FIRST, /* libuv: wait for readiness, then read once: no
                             recv that fails in a ping-pong, one wait shared
                             by every ready connection */
} RecvStart;

/* Fairness: socket operations that succeed at once never yield, so a task
 * whose peer sends flat out would keep the loop to itself. sock_ops.c
 * gives the loop a turn (a bare yield) when one descriptor has had this
 * many operations in one iteration (libuv's uv__read stops at 32 reads
 * per event; asyncio's transports read once per event). */
enum { FD_OPS_PER_ITERATION = 4 };

/* What the loop tells its hook (TRACE=1's timeline is one): a run began
 * or ended, an iteration ended (detail: a LoopIteration), and, told by the
 * tasks through loop_notify, a task was created or just took a step
 * (detail: the Task). The loop itself knows nothing of tasks. */
typedef enum {
    LOOP_RUN_STARTED,
    LOOP_ITERATED,
    LOOP_RUN_ENDED,
    LOOP_TASK_CREATED,
    LOOP_TASK_STEPPED,
} LoopEvent;

typedef struct {
    int nevents;    /* descriptors the selector reported ready */
    int ncompleted; /* the proactor: other completions reaped in the wait */
    int timeout_ms; /* how long it was allowed to sleep: 0, -1 (no limit) */
} LoopIteration;

typedef void (*LoopHook)(void *ctx, LoopEvent event, const void *detail);

typedef struct {
    Handle reader, writer;
    /* The iteration that set each: one set during a pass waits for the
     * next wait (asyncio's new Handle is not in this pass's events). */
    unsigned long long reader_since, writer_since;
    int registered; /* the events the kernel watches for this fd */
    unsigned long long ops_iteration;     /* loop_fd_take_turn's count, */
    int ops;                              /* for this iteration */
    unsigned long long drained_iteration; /* loop_fd_drained's */
} FdEntry;

struct SignalHandlers; /* signals.c's, kept on the loop it serves */

/* A clock the loop reads instead of the machine's (virtual_clock.h has
 * one): tests and the fuzzer drive it, so timers fire in a known order
 * whatever the machine's speed. now() is loop_time()'s source; jump(to)
 * is called instead of sleeping until `to` (see loop_set_clock). */
typedef struct {
    double (*now)(void *ctx);
    void (*jump)(void *ctx, double to);
    void *ctx;
} LoopClock;

/* The loop's fields are public, as libuv's uv_loop_t's are, for one
 * reason: call_soon below is inline, so a Future (future.c, one layer
 * down) can schedule its callbacks without calling into loop.c, which
 * calls future.c for run_until_complete. Read them; change them only
 * through the functions of this header. */
typedef struct Loop {
    double now; /* loop_time(): read once per iteration */
    unsigned long long iteration;
    ReadyQueue ready;
    TimerHeap timers;
    Selector *selector;
    Proactor *proactor; /* the selector, when it is io_uring's proactor */
    Registration registration;
    RecvStart recv_start;
    SelectorEvent events[SELECTOR_MAX_EVENTS]; /* what one wait reports */
    FdEntry *fds;                              /* indexed by descriptor */
    int fds_cap;
    int nhandlers;       /* readers + writers: something to wait for */
    bool stopping;       /* loop_stop() was called during this run */
    ReadyQueue at_close; /* loop_call_at_close */
    struct SignalHandlers *signals; /* NULL until a signal handler */
    LoopHook hook;
    void *hook_ctx;
    const LoopClock *clock; /* NULL: monotonic_now(), the machine's */
} Loop;

/* Python: asyncio.new_event_loop(). selector: "epoll", "kqueue", "poll",
 * "io_uring" (the proactor) or NULL: ASYNCIO_LOOP=proactor asks for the
 * proactor (Python: asyncio.ProactorEventLoop()), else ASYNCIO_SELECTOR,
 * else the build's default. Where io_uring is missing or refused, one line
 * on stderr says so and the loop is a readiness one. Registration from
 * ASYNCIO_REGISTRATION=per-wait|persistent (default persistent), how
 * sock_recv starts from ASYNCIO_RECV=try-first|readiness-first (default
 * try-first, asyncio's). NULL with a message on failure. */
Loop *loop_new(const char *selector);
void loop_set_registration(Loop *loop, Registration how);
Registration loop_registration(const Loop *loop);
void loop_set_recv_start(Loop *loop, RecvStart how);
RecvStart loop_recv_start(const Loop *loop);
const char *loop_selector_name(const Loop *loop);
/* The proactor when the loop runs on one, else NULL. */
static inline Proactor *loop_proactor(const Loop *loop)
{
    return loop->proactor;
}
/* Python: loop.close(). Runs what loop_call_at_close queued, then frees
 * the loop's own memory; closes no socket of the caller's. */
void loop_close(Loop *loop);
/* fn(arg) runs when the loop closes (Python: what a subclass's close()
 * adds, as unix_events' removing its signal handlers). */
void loop_call_at_close(Loop *loop, Callback fn, void *arg);

/* Python: loop.time(): monotonic seconds, read once per iteration. */
double loop_time(const Loop *loop);
/* Python: what asyncio's test_utils.TestLoop does with its time generator.
 * The loop reads clock instead of monotonic_now() (NULL: back to it). The
 * rule with a clock set: the selector wait never sleeps (its timeout is
 * 0: only descriptors already ready are reported); when it reports
 * nothing, no callback is ready and the next timer is later than now, the
 * loop calls clock->jump(ctx, that timer's deadline) instead of sleeping,
 * so the timer is due in that same iteration. A loop with no timer and
 * only readers or writers that never become ready spins: the caller
 * bounds its iterations (the fuzzer counts them in its hook). */
void loop_set_clock(Loop *loop, const LoopClock *clock);

/* Python: h = loop.call_soon(fn, arg): runs on the next pass over the
 * ready queue, after every callback already there (FIFO). Cannot fail.
 * The handle is a number, not memory: a caller that will never cancel
 * ignores it, and the common path allocates nothing. */
static inline SoonHandle call_soon(Loop *loop, Callback fn, void *arg)
{
    return ready_queue_push(&loop->ready, fn, arg);
}

/* Python: h.cancel(): a callback cancelled before its turn never runs.
 * false if it already ran. O(1). */
static inline bool handle_cancel(Loop *loop, SoonHandle h)
{
    return ready_queue_cancel(&loop->ready, h);
}

/* Python: loop.call_later(delay, fn, arg) with the handle in `timer`. */
void call_later(Loop *loop, TimerHandle *timer, double delay, Callback fn,
                void *arg);
/* Python: loop.call_at(when, fn, arg): when is on loop_time()'s clock. */
void call_at(Loop *loop, TimerHandle *timer, double when, Callback fn,
             void *arg);
/* Python: TimerHandle.cancel(). A timer cancelled after it fell due but
 * before its callback's turn never runs either; harmless once it ran. */
void timer_cancel(Loop *loop, TimerHandle *timer);

/* Python: loop.add_reader(fd, fn, arg) / remove_reader(fd); writers alike.
 * One reader and one writer per descriptor. add_*: 0 or -1 with errno. */
int add_reader(Loop *loop, int fd, Callback fn, void *arg);
int add_writer(Loop *loop, int fd, Callback fn, void *arg);
void remove_reader(Loop *loop, int fd);
void remove_writer(Loop *loop, int fd);
/* Counts one socket operation on fd; true when fd has had its
 * FD_OPS_PER_ITERATION in this iteration: time to give the loop a turn. */
bool loop_fd_take_turn(Loop *loop, int fd);
/* A recv on fd came back short: the kernel had no more. In the same
 * iteration (the same task step: nothing else ran since), sock_recv then
 * waits for readiness instead of trying a recv that would fail, as libuv
 * stops reading after a partial read. */
void loop_fd_drained(Loop *loop, int fd);
bool loop_fd_was_drained(const Loop *loop, int fd);
/* Forgets fd (reader, writer, registration) and closes it; on the
 * proactor, after cancelling the operations in flight on it. */
void loop_close_fd(Loop *loop, int fd);

/* One iteration (asyncio's _run_once): selector wait -> one pass over the
 * callbacks queued before, the ready fds' readers and writers, the timers
 * due. Returns 0, or -1 with a message if the selector failed. */
int loop_run_once(Loop *loop);
/* Anything ready, or a timer, reader or writer that could make it so. */
bool loop_has_work(const Loop *loop);

/* How a run ended. */
typedef enum {
    RUN_STOPPED, /* loop_stop() was called */
    RUN_FAILED,  /* the selector failed (said on stderr) */
    RUN_STUCK,   /* nothing ready, no timer, no reader, no writer: nothing
                    can ever happen again, where asyncio would hang */
} RunEnd;

/* Python: loop.run_forever(): iterations until loop_stop(). Like uv_run
 * and run_forever, it clears the stop before it returns, so a stop made
 * in this run never ends the next one. */
RunEnd loop_run_forever(Loop *loop);
/* Python: loop.stop(): finish this iteration's callbacks, then stop. */
void loop_stop(Loop *loop);
/* Whether loop_stop() was called in the run under way (false between
 * runs). It only reports: the run clears it. */
bool loop_stopped(const Loop *loop);

struct Future;
/* Python: loop.run_until_complete(fut). 0 when fut is done, -1 when the
 * loop cannot finish it (said on stderr). */
int run_until_complete(Loop *loop, struct Future *f);

/* The hook (one per loop; NULL: none) and how the tasks reach it. */
void loop_set_hook(Loop *loop, LoopHook hook, void *ctx);
void loop_notify(Loop *loop, LoopEvent event, const void *detail);

/* What a callback argument waits for in this loop: the timer, reader or
 * writer whose argument it is (TRACE=1 draws it). O(timers + fds). */
typedef enum {
    WAITS_ON_NOTHING, /* none of them: another future, say */
    WAITS_ON_TIMER,
    WAITS_TO_READ,
    WAITS_TO_WRITE,
} WaitKind;
WaitKind loop_find_wait(const Loop *loop, const void *arg, int *fd);

#endif
