/*
 * sock_ops.c - awaitable socket operations (Python: loop.sock_connect,
 * sock_accept, sock_recv, sock_sendall in asyncio/selector_events.py),
 * each a coroutine frame built on add_reader / add_writer and a future;
 * on the proactor (proactor_events.py), each frame hands its operation
 * to the kernel and awaits the completion instead (the *_completion_step
 * functions, chosen when the frame is made).
 *
 * The talk's NonBlockingSocket polled select() on every step; these ask the
 * loop to wake them when the descriptor is ready, and sleep until then.
 *
 * How sock_recv starts, chosen per loop (loop.h, ASYNCIO_RECV):
 *   try first (asyncio, the default): recv at once; only on EAGAIN wait
 *     for readiness. Data already there costs no trip round the loop. Not
 *     right after a short read in the same task step (libuv's rule too):
 *     the kernel had no more a moment ago, so the try would only fail.
 *   readiness first (libuv): wait for readiness, then read once. In a
 *     ping-pong the recv at once nearly always fails: this saves it.
 * And how the descriptor stays registered (loop.h, ASYNCIO_REGISTRATION):
 *   per wait (asyncio): add_reader, wait, remove_reader when woken: in a
 *     ping-pong every message costs epoll_ctl ADD and DEL around the wait.
 *   persistent (libuv, the default): the kernel keeps watching between
 *     waits, so a reader that comes back costs no syscall.
 *
 * Fairness: an operation that succeeds at once does not yield, so a task
 * whose peer sends flat out would never let the loop run anything else.
 * After FD_OPS_PER_ITERATION operations on one descriptor in one
 * iteration, the next one first yields once (asyncio.sleep(0)).
 */
#ifdef __linux__
#define _GNU_SOURCE /* accept4: a non-blocking socket in one syscall */
#endif
#include "sock_ops.h"
#include "../talk.h" /* INADDR_LOOPBACK, hidden by macOS in POSIX mode */
#include "exception.h"
#include "memory.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL /* a dead peer: EPIPE, not SIGPIPE */
#else
#define SEND_FLAGS 0 /* older macOS: the programs ignore SIGPIPE instead */
#endif

static bool would_block(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

/* --- waiting for a descriptor -------------------------------------------- */

/* Python: _sock_read_done / _sock_write_done, as a done callback: it also
 * runs when the waiting task is cancelled. */
static void fd_wait_done(void *arg)
{
    FdWait *w = arg;
    if (w->events == SELECT_READ)
        remove_reader(w->loop, w->fd);
    else
        remove_writer(w->loop, w->fd);
}

/* Starts waiting: the future to await, done when fd is ready. On failure
 * (say EBADF) the future is already failed with the errno. */
static Future *fd_wait(FdWait *w, Loop *loop, int fd, int events)
{
    w->loop = loop;
    w->fd = fd;
    w->events = events;
    future_init(&w->future, loop);
    int ok = events == SELECT_READ
                 ? add_reader(loop, fd, future_wake, &w->future)
                 : add_writer(loop, fd, future_wake, &w->future);
    if (ok == -1)
        future_set_exception(&w->future, errno);
    else
        future_add_done_callback(&w->future, fd_wait_done, w);
    return &w->future;
}

/* Fairness (loop.h): when loop_fd_take_turn says the descriptor had its
 * operations for this iteration, asyncio.sleep(0)'s bare yield before the
 * next; a cancel that arrives meanwhile is raised where the task resumes. */
#define GIVE_THE_LOOP_A_TURN(g)                                                \
    do {                                                                       \
        YIELD(g, NULL);                                                        \
        if (error_pending())                                                   \
            RAISE(g, error_fetch());                                           \
    } while (0)

/* --- waiting for a completion (the proactor) ------------------------------ */

/* The proactor's callback, from inside its wait: the operation is done.
 * Its future is pending: a cancelled one's operation was orphaned first,
 * so a kernel's ECANCELED here means the socket was closed under it
 * (loop_close_fd), which asyncio's proactor raises as ConnectionResetError
 * (ERROR_OPERATION_ABORTED, windows_events.py). */
static void op_completed(void *arg, int res)
{
    OpWait *w = arg;
    w->res = res == -ECANCELED ? -ECONNRESET : res;
    future_set_result(&w->future, NULL);
}

/* Python: _OverlappedFuture.cancel(): cancel the operation, then the
 * future. The kernel may still hold it; the proactor keeps what it needs
 * until the kernel lets go, so the task may go at once. */
static bool op_wait_cancel(Future *f)
{
    OpWait *w = (OpWait *)f;
    if (!future_done(f) && w->op) {
        proactor_cancel(w->proactor, w->op);
        w->op = NULL;
    }
    return future_set_cancelled(f);
}

static OpWait *op_wait_init(OpWait *w, Loop *loop)
{
    future_init(&w->future, loop);
    w->future.cancel = op_wait_cancel;
    w->proactor = loop_proactor(loop);
    w->op = NULL;
    w->res = 0;
    return w;
}

/* The task took the result: the record goes back to the proactor. */
static void op_wait_release(OpWait *w)
{
    proactor_release(w->proactor, w->op);
    w->op = NULL;
}

/* The task will not take the result (an error, or it was cancelled after
 * the completion came): a received buffer or an accepted descriptor goes
 * back with the record. */
static void op_wait_drop(OpWait *w)
{
    if (w->op)
        proactor_cancel(w->proactor, w->op);
    w->op = NULL;
}

/* Awaits w's operation, started on the line before; then e is 0 and
 * w->res the result, or e is the error the await raised (cancelled). */
#define AWAIT_COMPLETION(g, frame, e)                                          \
    do {                                                                       \
        future_await(&(frame)->await, &(frame)->wait.op.future);               \
        TRY_AWAIT(g, &(frame)->await.gen, (frame)->ignored, e);                \
    } while (0)

/* Python: await proactor.recv(sock, size), IocpProactor's. It always waits
 * for its completion, even when data is already there: the kernel is
 * handed the receive at the next wait and answers in its completion (with
 * the multishot lever, a chunk already queued is handed over inside the
 * next wait, as a completion would be). */
static GenStatus recv_completion_step(Gen *g)
{
    SockRecv *r = (SockRecv *)g;
    OpWait *w = &r->wait.op;
    GEN_BEGIN(g);
    op_wait_init(w, r->loop);
    w->op = proactor_recv(w->proactor, r->fd, r->size, op_completed, w);
    AWAIT_COMPLETION(g, r, r->error);
    if (r->error == 0 && w->res < 0)
        r->error = -w->res;
    if (r->error) {
        op_wait_drop(w);
        RAISE(g, r->error);
    }
    /* The bytes wait in the kernel's buffer until now: the task's own
     * buffer is written only while the task runs. */
    r->received =
        (ssize_t)proactor_received(w->proactor, w->op, r->buf, r->size);
    w->op = NULL;
    GEN_RETURN(g, r);
    GEN_END(g);
}

/* Python: await proactor.send(sock, data), until every byte went. */
static GenStatus sendall_completion_step(Gen *g)
{
    SockSendAll *s = (SockSendAll *)g;
    OpWait *w = &s->wait.op;
    GEN_BEGIN(g);
    op_wait_init(w, s->loop);
    w->op =
        proactor_send(w->proactor, s->fd, s->data, s->size, op_completed, w);
    AWAIT_COMPLETION(g, s, s->error);
    if (s->error == 0 && w->res < 0)
        s->error = -w->res;
    op_wait_drop(w);
    if (s->error)
        RAISE(g, s->error);
    GEN_END(g);
}

/* Python: conn, addr = await proactor.accept(listener). */
static GenStatus accept_completion_step(Gen *g)
{
    SockAccept *a = (SockAccept *)g;
    OpWait *w = &a->wait.op;
    GEN_BEGIN(g);
    for (;;) {
        op_wait_init(w, a->loop);
        w->op = proactor_accept(w->proactor, a->listener, op_completed, w);
        AWAIT_COMPLETION(g, a, a->error);
        if (a->error == 0 && w->res >= 0) {
            a->accepted = w->res;
            op_wait_release(w);
            break;
        }
        op_wait_drop(w);
        if (a->error)
            RAISE(g, a->error);
        /* A client that gave up before we took it: not our error. */
        if (w->res != -ECONNABORTED && w->res != -EPROTO && w->res != -EINTR)
            RAISE(g, -w->res);
    }
    setsockopt(a->accepted, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    GEN_RETURN(g, a);
    GEN_END(g);
}

/* Python: await proactor.connect(sock, address). */
static GenStatus connect_completion_step(Gen *g)
{
    SockConnect *c = (SockConnect *)g;
    OpWait *w = &c->wait.op;
    GEN_BEGIN(g);
    op_wait_init(w, c->loop);
    w->op = proactor_connect(w->proactor, c->fd, c->address, op_completed, w);
    AWAIT_COMPLETION(g, c, c->error);
    if (c->error == 0 && w->res < 0)
        c->error = -w->res;
    op_wait_drop(w);
    if (c->error)
        RAISE(g, c->error);
    GEN_END(g);
}

/* --- sock_recv ----------------------------------------------------------- */

/* recv, noting a short read: the kernel had no more (loop_fd_drained). */
static ssize_t recv_some(SockRecv *r)
{
    ssize_t n = recv(r->fd, r->buf, r->size, 0);
    if (n >= 0 && (size_t)n < r->size)
        loop_fd_drained(r->loop, r->fd);
    return n;
}

static GenStatus sock_recv_step(Gen *g)
{
    SockRecv *r = (SockRecv *)g;
    GEN_BEGIN(g);
    if (loop_fd_take_turn(r->loop, r->fd))
        GIVE_THE_LOOP_A_TURN(g);
    if (loop_recv_start(r->loop) == RECV_TRY_FIRST &&
        !loop_fd_was_drained(r->loop, r->fd)) {
        r->received = recv_some(r); /* asyncio: try */
        if (r->received >= 0)
            GEN_RETURN(g, r);
        if (!would_block(errno))
            RAISE(g, errno);
    }
    for (;;) {
        future_await(&r->await,
                     fd_wait(&r->wait.fd, r->loop, r->fd, SELECT_READ));
        AWAIT(g, &r->await.gen, r->ignored);
        r->received = recv_some(r);
        if (r->received >= 0)
            GEN_RETURN(g, r);
        if (!would_block(errno)) /* ECONNRESET, ETIMEDOUT...: the task's */
            RAISE(g, errno);
    }
    GEN_END(g);
}

Gen *sock_recv(SockRecv *frame, Loop *loop, int fd, void *buf, size_t size)
{
    frame->loop = loop;
    frame->fd = fd;
    frame->buf = buf;
    frame->size = size;
    frame->received = 0;
    frame->error = 0;
    return gen_init(&frame->gen,
                    loop_proactor(loop) ? recv_completion_step : sock_recv_step,
                    "sock_recv");
}

/* --- sock_sendall -------------------------------------------------------- */

/* Sends from data[*sent] on until done or the kernel's buffer is full:
 * 0, or the errno of a real failure. */
static int send_some(int fd, const char *data, size_t size, size_t *sent)
{
    while (*sent < size) {
        ssize_t n = send(fd, data + *sent, size - *sent, SEND_FLAGS);
        if (n >= 0)
            *sent += (size_t)n;
        else if (errno == EINTR)
            continue;
        else
            return would_block(errno) ? 0 : errno;
    }
    return 0;
}

static GenStatus sock_sendall_step(Gen *g)
{
    SockSendAll *s = (SockSendAll *)g;
    GEN_BEGIN(g);
    if (loop_fd_take_turn(s->loop, s->fd))
        GIVE_THE_LOOP_A_TURN(g);
    s->error = send_some(s->fd, s->data, s->size, &s->sent);
    if (s->error)
        RAISE(g, s->error);
    if (s->sent == s->size)
        GEN_RETURN(g, NULL); /* the usual case: one send, nothing kept */
    /* Back-pressure: keep what is left, since the caller's buffer may be
     * reused (echo_server reads every connection into one buffer). */
    s->size -= s->sent;
    s->rest = reallocate(NULL, s->size, 1);
    memcpy(s->rest, s->data + s->sent, s->size);
    s->sent = 0;
    while (s->sent < s->size && s->error == 0) {
        future_await(&s->await,
                     fd_wait(&s->wait.fd, s->loop, s->fd, SELECT_WRITE));
        TRY_AWAIT(g, &s->await.gen, s->ignored, s->error);
        if (s->error == 0)
            s->error = send_some(s->fd, s->rest, s->size, &s->sent);
    }
    s->rest = reallocate(s->rest, 0, 0); /* Python: finally */
    if (s->error)
        RAISE(g, s->error);
    GEN_END(g);
}

Gen *sock_sendall(SockSendAll *frame, Loop *loop, int fd, const void *data,
                  size_t size)
{
    frame->loop = loop;
    frame->fd = fd;
    frame->data = data;
    frame->size = size;
    frame->sent = 0;
    frame->rest = NULL;
    frame->error = 0;
    return gen_init(&frame->gen,
                    loop_proactor(loop) ? sendall_completion_step
                                        : sock_sendall_step,
                    "sock_sendall");
}

/* --- sock_accept --------------------------------------------------------- */

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
        return -1;
    return 0;
}

static int accept_nonblocking(int listener)
{
#ifdef __linux__
    return accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    int fd = accept(listener, NULL, NULL);
    if (fd != -1 && set_nonblocking(fd) == -1) {
        close(fd);
        return -1;
    }
    return fd;
#endif
}

static GenStatus sock_accept_step(Gen *g)
{
    SockAccept *a = (SockAccept *)g;
    GEN_BEGIN(g);
    for (;;) {
        a->accepted = accept_nonblocking(a->listener);
        if (a->accepted != -1)
            break;
        /* A client that gave up between readiness and accept is gone:
         * not our error. EMFILE and the like are the caller's to handle. */
        if (errno != ECONNABORTED && errno != EPROTO && !would_block(errno))
            RAISE(g, errno);
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        future_await(&a->await,
                     fd_wait(&a->wait.fd, a->loop, a->listener, SELECT_READ));
        AWAIT(g, &a->await.gen, a->ignored);
    }
    /* Small messages go out at once (asyncio does the same). */
    setsockopt(a->accepted, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    GEN_RETURN(g, a);
    GEN_END(g);
}

Gen *sock_accept(SockAccept *frame, Loop *loop, int listener)
{
    frame->loop = loop;
    frame->listener = listener;
    frame->accepted = -1;
    frame->error = 0;
    return gen_init(&frame->gen,
                    loop_proactor(loop) ? accept_completion_step
                                        : sock_accept_step,
                    "sock_accept");
}

/* --- sock_connect -------------------------------------------------------- */

static GenStatus sock_connect_step(Gen *g)
{
    SockConnect *c = (SockConnect *)g;
    GEN_BEGIN(g);
    while (connect(c->fd, (const struct sockaddr *)c->address,
                   sizeof *c->address) == -1) {
        if (errno == EINTR)
            continue; /* it goes on in the background: wait below */
        if (errno != EINPROGRESS)
            RAISE(g, errno);
        break;
    }
    /* Writable means connected, or failed: SO_ERROR says which. */
    future_await(&c->await, fd_wait(&c->wait.fd, c->loop, c->fd, SELECT_WRITE));
    AWAIT(g, &c->await.gen, c->ignored);
    {
        int error = 0;
        socklen_t len = sizeof error;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
            error = errno;
        if (error)
            RAISE(g, error);
    }
    GEN_END(g);
}

Gen *sock_connect(SockConnect *frame, Loop *loop, int fd,
                  const struct sockaddr_in *address)
{
    frame->loop = loop;
    frame->fd = fd;
    frame->address = address;
    frame->error = 0;
    return gen_init(&frame->gen,
                    loop_proactor(loop) ? connect_completion_step
                                        : sock_connect_step,
                    "sock_connect");
}

/* --- sockets ------------------------------------------------------------- */

int tcp_socket_nonblocking(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd != -1 && set_nonblocking(fd) == -1) {
        close(fd);
        return -1;
    }
    return fd;
}

int tcp_listen(int port, int *bound)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = tcp_socket_nonblocking();
    if (fd == -1)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
    socklen_t len = sizeof addr;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
        listen(fd, SOMAXCONN) == -1 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) == -1) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (bound)
        *bound = ntohs(addr.sin_port);
    return fd;
}

long raise_fd_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == -1)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
#ifdef __APPLE__
        if (limit.rlim_cur > 10240) /* OPEN_MAX: macOS refuses more */
            limit.rlim_cur = 10240;
#endif
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return (long)limit.rlim_cur;
}
