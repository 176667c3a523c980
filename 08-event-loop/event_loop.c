/*
 * event_loop.c - the loop asyncio really is (asyncio/base_events.py's
 * BaseEventLoop), in C: three sources of callbacks and one step that turns
 * them.
 *
 *   ready queue   call_soon: a FIFO of (function, argument) pairs
 *   timer heap    call_later: a min-heap on (deadline, sequence number)
 *   selector      add_reader/add_writer: callbacks for descriptors
 *                 (signals arrive as one of them: signals.c)
 *
 *   loop_run_once:
 *     1. timers due      every timer whose deadline passed -> ready queue
 *     2. ready callbacks run the callbacks queued now (a snapshot: what
 *                        they queue runs on the next iteration)
 *     3. selector wait   sleep in the kernel until an IO event or the next
 *                        deadline (not at all if something is ready), then
 *                        run the readers and writers of the ready fds
 *
 * asyncio queues IO callbacks in step 3 and runs them in the next pass of
 * step 2; we run them at once, as libuv's uv__io_poll does: the same order,
 * one trip through the queue fewer, and a reader removed by an earlier
 * callback of the same batch is never called late.
 */
#include "event_loop.h"
#include "talk.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_EVENTS = 1024, TRACE_COLUMNS = 64 };

typedef struct {
    Handle reader, writer;
    int registered; /* the events the kernel watches for this fd */
} FdEntry;

struct Loop {
    double now;
    unsigned long long iteration;

    Handle *ready; /* ring buffer: capacity a power of two */
    size_t ready_head, ready_count, ready_cap;

    TimerHandle **timers; /* binary min-heap */
    size_t ntimers, timers_cap;
    unsigned long long timer_seq;

    Selector selector;
    Registration registration;
    SelectorEvent *events;
    FdEntry *fds; /* indexed by descriptor */
    int fds_cap;
    int nhandlers; /* readers + writers: something to wait for */
    bool stopping; /* loop_stop() was called in this iteration */

    bool trace;
    Task *traced[TRACE_COLUMNS];
    char marks[TRACE_COLUMNS + 1];
    int ntraced;
    Timer trace_timer;
};

/* --- the ready queue: call_soon ------------------------------------------ */

int call_soon(Loop *loop, Callback fn, void *arg)
{
    if (loop->ready_count == loop->ready_cap) {
        size_t cap = loop->ready_cap ? loop->ready_cap * 2 : 256;
        Handle *grown = malloc(cap * sizeof *grown);
        if (!grown)
            return -1;
        for (size_t i = 0; i < loop->ready_count; i++) /* unwrap the ring */
            grown[i] =
                loop->ready[(loop->ready_head + i) & (loop->ready_cap - 1)];
        free(loop->ready);
        loop->ready = grown;
        loop->ready_head = 0;
        loop->ready_cap = cap;
    }
    size_t tail =
        (loop->ready_head + loop->ready_count) & (loop->ready_cap - 1);
    loop->ready[tail] = (Handle){fn, arg};
    loop->ready_count++;
    return 0;
}

static Handle pop_ready(Loop *loop)
{
    Handle h = loop->ready[loop->ready_head];
    loop->ready_head = (loop->ready_head + 1) & (loop->ready_cap - 1);
    loop->ready_count--;
    return h;
}

/* --- the timer heap: call_later ------------------------------------------ */

static bool fires_before(const TimerHandle *a, const TimerHandle *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void heap_place(Loop *loop, size_t i, TimerHandle *t)
{
    loop->timers[i] = t;
    t->heap_index = (int)i;
}

static void heap_sift_up(Loop *loop, size_t i)
{
    TimerHandle *t = loop->timers[i];
    while (i > 0 && fires_before(t, loop->timers[(i - 1) / 2])) {
        heap_place(loop, i, loop->timers[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_place(loop, i, t);
}

static void heap_sift_down(Loop *loop, size_t i)
{
    TimerHandle *t = loop->timers[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= loop->ntimers)
            break;
        if (child + 1 < loop->ntimers &&
            fires_before(loop->timers[child + 1], loop->timers[child]))
            child++;
        if (!fires_before(loop->timers[child], t))
            break;
        heap_place(loop, i, loop->timers[child]);
        i = child;
    }
    heap_place(loop, i, t);
}

void call_later(Loop *loop, TimerHandle *timer, double delay, Callback fn,
                void *arg)
{
    if (loop->ntimers == loop->timers_cap) {
        size_t cap = loop->timers_cap ? loop->timers_cap * 2 : 64;
        TimerHandle **grown = realloc(loop->timers, cap * sizeof *grown);
        if (!grown)
            die("call_later", "out of memory");
        loop->timers = grown;
        loop->timers_cap = cap;
    }
    *timer = (TimerHandle){.when = loop->now + (delay > 0 ? delay : 0),
                           .seq = loop->timer_seq++,
                           .handle = {fn, arg}};
    loop->timers[loop->ntimers] = timer;
    heap_sift_up(loop, loop->ntimers++);
}

void timer_cancel(Loop *loop, TimerHandle *timer)
{
    if (timer->heap_index < 0)
        return;
    size_t i = (size_t)timer->heap_index;
    timer->heap_index = -1;
    TimerHandle *last = loop->timers[--loop->ntimers];
    if (i == loop->ntimers)
        return;
    loop->timers[i] = last;
    last->heap_index = (int)i;
    heap_sift_down(loop, i);
    heap_sift_up(loop, (size_t)last->heap_index);
}

/* --- readers and writers ------------------------------------------------- */

static FdEntry *fd_entry(Loop *loop, int fd)
{
    if (fd >= loop->fds_cap) {
        int cap = loop->fds_cap ? loop->fds_cap : 64;
        while (cap <= fd)
            cap *= 2;
        FdEntry *grown = realloc(loop->fds, (size_t)cap * sizeof *grown);
        if (!grown)
            return NULL;
        memset(grown + loop->fds_cap, 0,
               (size_t)(cap - loop->fds_cap) * sizeof *grown);
        loop->fds = grown;
        loop->fds_cap = cap;
    }
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
    if (loop->selector.ops->watch(&loop->selector, fd, e->registered, events) ==
        -1)
        return -1;
    e->registered = events;
    return 0;
}

static int add_handler(Loop *loop, int fd, bool reading, Callback fn, void *arg)
{
    FdEntry *e = fd < 0 ? NULL : fd_entry(loop, fd);
    if (!e) {
        errno = fd < 0 ? EBADF : ENOMEM;
        return -1;
    }
    Handle *slot = reading ? &e->reader : &e->writer;
    bool was_set = slot->fn != NULL;
    *slot = (Handle){fn, arg};
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

void loop_close_fd(Loop *loop, int fd)
{
    if (fd < 0)
        return;
    if (fd < loop->fds_cap) {
        remove_handler(loop, fd, true);
        remove_handler(loop, fd, false);
        update_registration(loop, fd, true); /* poll must forget it */
    }
    close(fd);
}

/* Step 3's second half: the callbacks of one ready descriptor. A callback
 * may remove the other one, or close fd: look the entry up again. */
static void dispatch(Loop *loop, SelectorEvent ev)
{
    if (ev.fd >= loop->fds_cap)
        return;
    if ((ev.events & SELECT_READ) && loop->fds[ev.fd].reader.fn)
        loop->fds[ev.fd].reader.fn(loop->fds[ev.fd].reader.arg);
    if ((ev.events & SELECT_WRITE) && loop->fds[ev.fd].writer.fn)
        loop->fds[ev.fd].writer.fn(loop->fds[ev.fd].writer.arg);
    /* An event nobody waits for: the lazy unregistration happens now. */
    FdEntry *e = &loop->fds[ev.fd];
    if (ev.events & e->registered & ~wanted_events(e))
        update_registration(loop, ev.fd, true);
}

/* --- TRACE=1: the timeline ----------------------------------------------- */

/* One column per task: # ran in this iteration, . ready to run, t waits on
 * a timer, r / w waits to read / write, f waits on another future, blank:
 * not started yet or done. Each line ends with what the loop waited for. */
void trace_task(Loop *loop, Task *task, bool created)
{
    if (!loop->trace)
        return;
    if (created) { /* the first column free again, or a new one */
        int col = 0;
        while (col < loop->ntraced &&
               (loop->traced[col] || loop->marks[col] != ' '))
            col++;
        task->trace_column = col < TRACE_COLUMNS ? col : -1;
        if (task->trace_column < 0)
            return;
        loop->ntraced += col == loop->ntraced;
        fprintf(stderr, "trace: column %d is <%s>\n", task->trace_column + 1,
                task->name ? task->name : "task");
    }
    if (task->trace_column < 0)
        return;
    loop->traced[task->trace_column] = future_done(&task->future) ? NULL : task;
    loop->marks[task->trace_column] = created ? '.' : '#';
}

static char waiting_mark(const Task *task)
{
    if (!task)
        return ' ';
    return task->waiting_on ? task->waiting_on->waits_on : '.';
}

static void trace_iteration(Loop *loop, int nevents, int timeout_ms)
{
    char when[32];
    format_delta(when, sizeof when, monotonic_now() - loop->trace_timer.start);
    fprintf(stderr, "[%s] %4llu |%s| ", when, loop->iteration, loop->marks);
    if (timeout_ms == 0)
        fprintf(stderr, "polled: %d io\n", nevents);
    else
        fprintf(stderr, "slept on %s: %d io\n",
                timeout_ms < 0 ? "io" : "io or a timer", nevents);
    for (int i = 0; i < loop->ntraced; i++)
        loop->marks[i] = waiting_mark(loop->traced[i]);
}

/* Something is ready, or can become ready: a timer, a reader, a writer. */
bool loop_has_work(const Loop *loop)
{
    return loop->ready_count > 0 || loop->ntimers > 0 || loop->nhandlers > 0;
}

/* --- run_once ------------------------------------------------------------ */

static void run_due_timers(Loop *loop)
{
    while (loop->ntimers > 0 && loop->timers[0]->when <= loop->now) {
        TimerHandle *t = loop->timers[0];
        timer_cancel(loop, t); /* off the heap: it may be set again */
        call_soon(loop, t->handle.fn, t->handle.arg);
    }
}

static void run_ready_snapshot(Loop *loop)
{
    for (size_t n = loop->ready_count; n > 0; n--) {
        Handle h = pop_ready(loop);
        h.fn(h.arg);
    }
}

/* How long step 3 may sleep: not at all if callbacks are ready or the loop
 * is stopping, until the next deadline if there is a timer, else until an
 * IO event (-1). */
static int selector_timeout_ms(const Loop *loop)
{
    if (loop->ready_count > 0 || loop->stopping)
        return 0;
    if (loop->ntimers == 0)
        return -1;
    double wait = loop->timers[0]->when - loop->now;
    if (wait <= 0)
        return 0;
    /* Round up: waking a hair early would only spin once more. */
    double ms = wait * 1000.0;
    return ms > 86400000.0 ? 86400000 : (int)ms + ((double)(int)ms < ms);
}

static int wait_for_io(Loop *loop)
{
    int timeout = selector_timeout_ms(loop);
    if (!loop_has_work(loop))
        return 0; /* run_until_complete says why it cannot go on */
    int n = 0;
    /* With nothing registered and callbacks ready, asking the kernel is a
     * syscall for nothing: task switches stay in user space. */
    if (timeout != 0 || loop->nhandlers > 0)
        n = loop->selector.ops->wait(&loop->selector, timeout, loop->events,
                                     MAX_EVENTS);
    if (n == -1 && errno != EINTR) {
        perror("event loop: selector wait");
        return -1;
    }
    loop->now = monotonic_now();
    for (int i = 0; i < n; i++)
        dispatch(loop, loop->events[i]);
    if (loop->trace)
        trace_iteration(loop, n < 0 ? 0 : n, timeout);
    return 0;
}

int loop_run_once(Loop *loop)
{
    loop->iteration++;
    loop->now = monotonic_now();
    run_due_timers(loop);     /* 1. timers due */
    run_ready_snapshot(loop); /* 2. ready callbacks */
    return wait_for_io(loop); /* 3. selector wait */
}

/* Python: loop.stop(). The callbacks of this iteration still run; the
 * iteration then ends without sleeping, and run_until_complete returns. */
void loop_stop(Loop *loop)
{
    loop->stopping = true;
}

bool loop_stopped(Loop *loop)
{
    bool stopped = loop->stopping;
    loop->stopping = false;
    return stopped;
}

/* --- making and closing a loop ------------------------------------------- */

Loop *loop_new(const char *selector)
{
    if (!selector)
        selector = getenv("ASYNCIO_SELECTOR");
    const SelectorOps *ops = selector_by_name(selector);
    if (!ops) {
        fprintf(stderr,
                "event loop: no selector named '%s' in this build (hint: "
                "ASYNCIO_SELECTOR=poll works everywhere)\n",
                selector);
        return NULL;
    }
    Loop *loop = calloc(1, sizeof *loop);
    SelectorEvent *events = malloc(MAX_EVENTS * sizeof *events);
    if (!loop || !events ||
        (loop->selector.ops = ops, ops->open(&loop->selector)) == -1) {
        perror("event loop: cannot create its selector");
        free(loop);
        free(events);
        return NULL;
    }
    loop->events = events;
    const char *how = getenv("ASYNCIO_REGISTRATION");
    loop->registration = how && strcmp(how, "per-wait") == 0
                             ? REGISTER_PER_WAIT
                             : REGISTER_PERSISTENT;
    const char *trace = getenv("TRACE");
    loop->trace = trace && *trace && strcmp(trace, "0") != 0;
    loop->trace_timer = timer_start(NULL);
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

const char *loop_selector_name(const Loop *loop)
{
    return loop->selector.ops->name;
}

double loop_time(const Loop *loop)
{
    return loop->now;
}

void loop_close(Loop *loop)
{
    if (!loop)
        return;
    loop_remove_signal_handlers(loop);
    loop->selector.ops->close(&loop->selector);
    free(loop->events);
    free(loop->ready);
    free(loop->timers);
    free(loop->fds);
    free(loop);
}
