/*
 * event_loop.h - the event loop asyncio really is, in C.
 *
 *   event_loop.c   the loop: ready queue (call_soon), timer heap
 *                  (call_later), readers and writers (add_reader), and
 *                  run_once, which turns these three through their phases
 *   tasks.c        Future, Task, cancel, gather, wait_for, asleep
 *   sock_ops.c     awaitable sock_connect, sock_accept, sock_recv,
 *                  sock_sendall, built on add_reader / add_writer
 *   selector*.c    epoll, kqueue or poll under one interface
 *
 * Coroutines are the stackless generators of coro.h. A coroutine awaits a
 * future by yielding it: the task that drives the coroutine parks on that
 * future (adds a done callback) and is stepped again when the callback
 * runs. Nothing here allocates per message: frames, futures and timer
 * handles live inside the caller's frame, as coro.h's child frames do.
 *
 * Errors travel as exceptions do in Python. RAISE(g, err) stores err as
 * "the exception in flight" and returns GEN_ERROR, which YIELD_FROM passes
 * up frame after frame to the task; the task fails with err, and whoever
 * awaits the task gets it raised in turn. TRY_AWAIT catches it.
 */
#ifndef EVENT_LOOP_H
#define EVENT_LOOP_H

#include "coro.h"
#include "selector.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct sockaddr_in;

typedef struct Loop Loop;
typedef void (*Callback)(void *arg);

/* Python: asyncio.Handle, a callback and its argument. */
typedef struct {
    Callback fn;
    void *arg;
} Handle;

/* Python: asyncio.TimerHandle. Lives in the caller's memory; the heap
 * points at it. Ties on `when` fire in the order set (seq), as in libuv. */
typedef struct {
    double when; /* monotonic seconds */
    unsigned long long seq;
    Handle handle;
    int heap_index; /* -1 when not scheduled */
} TimerHandle;

/* --- the loop (event_loop.c) --------------------------------------------- */

/* How a descriptor stays in the selector between waits. */
typedef enum {
    REGISTER_PER_WAIT,   /* asyncio: add_reader ... remove_reader around
                            every wait: two epoll_ctl per blocking recv */
    REGISTER_PERSISTENT, /* libuv: stays registered while it is used; the
                            kernel set shrinks only when an event comes for
                            a descriptor nobody waits on any more */
} Registration;

/* Python: asyncio.new_event_loop(). selector: "epoll", "kqueue", "poll" or
 * NULL (ASYNCIO_SELECTOR, else the build's default). Registration from
 * ASYNCIO_REGISTRATION=per-wait|persistent (default persistent). TRACE=1
 * draws the timeline on stderr. NULL with a message on failure. */
Loop *loop_new(const char *selector);
void loop_set_registration(Loop *loop, Registration how);
Registration loop_registration(const Loop *loop);
const char *loop_selector_name(const Loop *loop);
/* Python: loop.close(). Frees the loop's own memory; closes no socket. */
void loop_close(Loop *loop);

/* Python: loop.time(): monotonic seconds, read once per iteration. */
double loop_time(const Loop *loop);

/* Python: loop.call_soon(fn, arg): runs on the next pass over the ready
 * queue, after every callback already there (FIFO). 0, or -1 (ENOMEM). */
int call_soon(Loop *loop, Callback fn, void *arg);

/* Python: loop.call_later(delay, fn, arg) with the handle in `timer`. */
void call_later(Loop *loop, TimerHandle *timer, double delay, Callback fn,
                void *arg);
/* Python: TimerHandle.cancel(). Harmless if it already fired. */
void timer_cancel(Loop *loop, TimerHandle *timer);

/* Python: loop.add_reader(fd, fn, arg) / remove_reader(fd); writers alike.
 * One reader and one writer per descriptor. add_*: 0 or -1 with errno. */
int add_reader(Loop *loop, int fd, Callback fn, void *arg);
int add_writer(Loop *loop, int fd, Callback fn, void *arg);
void remove_reader(Loop *loop, int fd);
void remove_writer(Loop *loop, int fd);
/* Forgets fd (reader, writer, registration) and closes it. */
void loop_close_fd(Loop *loop, int fd);

/* Python: loop.add_signal_handler(signo, fn, arg). The handler only
 * writes a byte to a pipe the loop reads (the self-pipe trick), so fn runs
 * as an ordinary callback, never inside the signal handler. */
int loop_add_signal_handler(Loop *loop, int signo, Callback fn, void *arg);
/* Puts the default actions back and closes the pipe (loop_close does). */
void loop_remove_signal_handlers(Loop *loop);

/* One iteration: timers due -> ready callbacks -> selector wait. Returns 0,
 * or -1 with a message if the loop can make no progress (nothing ready,
 * no timer, nothing to wait on) or the selector failed. */
int loop_run_once(Loop *loop);
/* Python: loop.stop(): finish this iteration's callbacks, then stop.
 * loop_stopped() says whether it was called, and clears it. */
void loop_stop(Loop *loop);
bool loop_stopped(Loop *loop);
/* Anything ready, or a timer, reader or writer that could make it so. */
bool loop_has_work(const Loop *loop);

struct Task;
/* TRACE=1: tasks.c tells the timeline a task was created or just ran. */
void trace_task(Loop *loop, struct Task *task, bool created);

/* --- futures and tasks (tasks.c) ------------------------------------------ */

typedef enum { FUTURE_PENDING, FUTURE_FINISHED, FUTURE_CANCELLED } FutureState;

/* Python: asyncio.Future. Done callbacks are scheduled with call_soon when
 * it completes, never run inside set_result. */
typedef struct Future {
    Loop *loop;
    FutureState state;
    int error; /* Python: the exception, as an errno (ECANCELED: cancelled) */
    void *result;
    char waits_on; /* for TRACE: 't' timer, 'r' read, 'w' write, 'f' other */
    bool is_task;  /* cancel() means task_cancel() */
    int ncallbacks;
    Handle callbacks[2]; /* most futures have one or two: no malloc */
    Handle *more;        /* the rest, from the third on */
    int more_cap;
} Future;

void future_init(Future *f, Loop *loop);
bool future_done(const Future *f);
bool future_cancelled(const Future *f);
/* Python: set_result / set_exception. On a done future: a message and -1
 * (Python: InvalidStateError), nothing changed. */
int future_set_result(Future *f, void *result);
int future_set_exception(Future *f, int error);
/* Python: fut.result(). 0 and *result; the error if it failed or was
 * cancelled; -1 and a message if it is still pending. */
int future_result(const Future *f, void **result);
/* Python: fut.cancel() (task_cancel for a task). false if already done. */
bool future_cancel(Future *f);
int future_add_done_callback(Future *f, Callback fn, void *arg);
/* Removes every (fn, arg) pair; returns how many. */
int future_remove_done_callback(Future *f, Callback fn, void *arg);
/* Frees what add_done_callback may have allocated; the future is done. */
void future_free(Future *f);

/* Python: fut.__await__(): a tiny generator that yields the future while it
 * is pending, then returns its result or raises its error. */
typedef struct {
    Gen gen;
    Future *future;
} FutureAwait;
Gen *future_await(FutureAwait *aw, Future *f);

/* Python: asyncio.Task, a future that drives a coroutine. */
typedef struct Task {
    Future future; /* first: a Task * is a Future * (class Task(Future)) */
    Gen *coro;
    Future *waiting_on; /* Python: _fut_waiter */
    bool must_cancel;
    const char *name;
    int trace_column; /* -1: not drawn */
} Task;

/* Python: loop.create_task(coro, name=name). The task's memory is the
 * caller's; it first runs on the next loop iteration. */
Task *create_task(Loop *loop, Task *task, Gen *coro, const char *name);
/* Python: task.cancel(). false if it was already done. */
bool task_cancel(Task *task);
/* Python: loop.run_until_complete(fut). 0 when fut is done, -1 when the
 * loop cannot finish it (said on stderr). */
int run_until_complete(Loop *loop, Future *f);

/* The exception in flight (Python: the thread state's current exception). */
void error_set(int error);
int error_fetch(void); /* returns it and clears it; 0 if none */
bool error_pending(void);

/* Python: raise OSError(err). Unwinds this frame; YIELD_FROM passes it up. */
#define RAISE(gen, err)                                                        \
    do {                                                                       \
        error_set(err);                                                        \
        (gen)->resume_at = -1;                                                 \
        return GEN_ERROR;                                                      \
    } while (0)

/* Python: try: into = await child
 *         except Exception as e: error = e
 * YIELD_FROM that stops the error at this frame instead of passing it up:
 * error is 0 when child returned (into = its result), else the errno. */
#define TRY_AWAIT(gen, child, into, error)                                     \
    do {                                                                       \
        (error) = 0;                                                           \
        (gen)->resume_at = __LINE__;                                           \
        if (0) { /* only a resume enters here, by the case label */            \
        case __LINE__:;                                                        \
        }                                                                      \
        switch (gen_next(child)) {                                             \
        case GEN_YIELDED:                                                      \
            (gen)->yielded = (child)->yielded;                                 \
            return GEN_YIELDED;                                                \
        case GEN_ERROR:                                                        \
            (error) = error_fetch();                                           \
            if ((error) == 0)                                                  \
                (error) = EINVAL; /* a bug, already said on stderr */          \
            break;                                                             \
        case GEN_RETURNED:                                                     \
            into = (child)->result;                                            \
            break;                                                             \
        }                                                                      \
    } while (0)

/* Python: await asyncio.sleep(seconds): a future that a timer resolves.
 * asleep(0) yields exactly once (asyncio's bare yield). */
typedef struct {
    Gen gen;
    Loop *loop;
    double seconds;
    Future future;
    TimerHandle timer;
    FutureAwait await;
    void *ignored;
} Sleep;
Gen *asleep(Sleep *frame, Loop *loop, double seconds);

/* Python: asyncio.gather(*futures): a future whose result is the array
 * results[] in argument order. The first error fails it; cancelling it
 * cancels the children. The Gather must outlive the children. */
typedef struct {
    Future outer;
    Future **children;
    void **results;
    int n, ndone;
} Gather;
Future *gather(Gather *g, Loop *loop, Future **children, int n, void **results);

/* Python: await asyncio.wait_for(fut, timeout). On timeout it cancels fut,
 * waits for it to finish, and raises ETIMEDOUT. */
typedef struct {
    Gen gen;
    Loop *loop;
    Future *inner;
    double timeout;
    Future waiter;
    TimerHandle timer;
    FutureAwait await;
    void *ignored;
    int error;
} WaitFor;
Gen *wait_for(WaitFor *frame, Loop *loop, Future *inner, double timeout);

/* --- socket operations (sock_ops.c) -------------------------------------- */

/* A future resolved when fd is ready for events; while pending, it is the
 * descriptor's reader or writer, and when done it removes itself. */
typedef struct {
    Future future;
    Loop *loop;
    int fd, events;
} FdWait;

/* Python: data = await loop.sock_recv(sock, size). The result is the count
 * in frame->received: 0 at end of file. Raises the errno on failure. */
typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    void *buf;
    size_t size;
    ssize_t received;
    FdWait wait;
    FutureAwait await;
    void *ignored;
} SockRecv;
Gen *sock_recv(SockRecv *frame, Loop *loop, int fd, void *buf, size_t size);

/* Python: await loop.sock_sendall(sock, data). The data may be reused as
 * soon as the first step ran: what the kernel did not take at once is
 * copied, and only then (back-pressure) does anything get allocated. */
typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    const char *data;
    size_t size, sent;
    char *rest; /* the unsent remainder, owned */
    FdWait wait;
    FutureAwait await;
    void *ignored;
    int error;
} SockSendAll;
Gen *sock_sendall(SockSendAll *frame, Loop *loop, int fd, const void *data,
                  size_t size);

/* Python: conn, addr = await loop.sock_accept(sock). The new descriptor,
 * non-blocking, is in frame->accepted. */
typedef struct {
    Gen gen;
    Loop *loop;
    int listener, accepted;
    FdWait wait;
    FutureAwait await;
    void *ignored;
} SockAccept;
Gen *sock_accept(SockAccept *frame, Loop *loop, int listener);

/* Python: await loop.sock_connect(sock, address). */
typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    const struct sockaddr_in *address;
    FdWait wait;
    FutureAwait await;
    void *ignored;
} SockConnect;
Gen *sock_connect(SockConnect *frame, Loop *loop, int fd,
                  const struct sockaddr_in *address);

/* A non-blocking TCP socket (Python: socket(); setblocking(False)), or -1. */
int tcp_socket_nonblocking(void);
/* A non-blocking listening socket on 127.0.0.1:port (0: any); its port in
 * *bound. -1 with errno on failure. */
int tcp_listen(int port, int *bound);
/* Raises the soft limit on descriptors to the hard one; returns it. */
long raise_fd_limit(void);

#endif
