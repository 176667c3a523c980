/*
 * proactor.c - the io_uring proactor (proactor.h says what it is for).
 *
 * Every SQE it submits comes from an operation record (ProactorOp), and
 * every CQE's user_data is that record's address: socket operations,
 * the polls behind add_reader, cancels and closes alike. A record is freed
 * only when the kernel is done with it (its CQE came, and for a socket
 * operation the task took the result), never when its task goes away.
 *
 *   wait(timeout), once per loop iteration:
 *     1. re-arm the polls that fired, queue what waited for a free SQE
 *     2. io_uring_enter: submit everything, wait for one completion (or
 *        the timeout, or none if the loop has callbacks ready)
 *     3. read the CQEs: an operation's completion calls its callback (it
 *        sets a future); a poll's becomes an event for the loop's readers
 *        and writers, as a selector's would
 */
#ifdef __linux__
#define _GNU_SOURCE /* SOCK_NONBLOCK, SOCK_CLOEXEC for accept */
#endif
#include "proactor.h"

#include <unistd.h>

#ifdef HAVE_PROACTOR
#include "memory.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#ifdef PROACTOR_FAULTS
#include "proactor_faults.h" /* chosen completions fail: the fault tests */
#endif

#ifdef PROACTOR_VALGRIND
#include <valgrind/memcheck.h> /* the kernel filled it: memcheck can't know */
#else
#define VALGRIND_MAKE_MEM_DEFINED(address, size) ((void)(address), (void)(size))
#endif

enum {
    SQ_ENTRIES = 1024,  /* SQEs one wait can submit without an extra enter */
    CQ_ENTRIES = 16384, /* completions one wait can hold */
    BUFFER_GROUP = 0,
    BUFFER_COUNT = 512, /* receives completed and not yet taken, at most */
    BUFFER_SIZE = 4096, /* bytes one receive takes, at most */
    OPS_PER_SLAB = 256,
};

typedef enum {
    OP_RECV,
    OP_SEND,
    OP_ACCEPT,
    OP_CONNECT,
    OP_POLL,   /* add_reader / add_writer */
    OP_CANCEL, /* ask the kernel to cancel another operation */
    OP_CLOSE,
} OpKind;

struct ProactorOp {
    OpKind kind;
    int fd;
    Completed done; /* NULL: orphaned (cancelled), or nobody to tell */
    void *arg;
    int res;
    unsigned flags;     /* the CQE's: which provided buffer */
    bool completed;     /* the CQE came; the task has not taken it */
    ProactorOp *target; /* OP_CANCEL: what to cancel */
    int poll_events;    /* OP_POLL: SELECT_READ | SELECT_WRITE */
    char *data;         /* OP_SEND: our copy; size, sent below */
    size_t size, sent;
    struct sockaddr_in address; /* OP_CONNECT */
    ProactorOp *next;           /* in the free list or the backlog */
};

/* What the proactor knows per descriptor. */
typedef struct {
    int wanted;       /* events the loop watches for (Selector.watch) */
    ProactorOp *poll; /* the armed poll, or NULL */
    int in_flight;    /* socket operations submitted on it */
} FdState;

struct Proactor {
    Selector base; /* first: a Proactor * is a Selector * */
    Uring ring;
    ProactorOp *free_ops;
    ProactorOp **slabs; /* records come OPS_PER_SLAB at a time */
    int nslabs;
    ProactorOp *backlog, *backlog_tail; /* waiting for a free SQE */
    ProactorOp *nobufs;                 /* receives to submit again */
    FdState *fds;
    int fds_cap;
    int *rearm; /* descriptors whose poll fired: arm again if wanted */
    int nrearm, rearm_cap;
    unsigned long long full_submits, completions, nobufs_count, in_flight;
};

/* --- operation records --------------------------------------------------- */

/* Records come in slabs, so that closing the proactor can free the ones
 * the kernel still held without a list of them. */
static void grow_free_list(Proactor *p)
{
    p->slabs = reallocate(p->slabs, (size_t)p->nslabs + 1, sizeof *p->slabs);
    ProactorOp *slab = reallocate(NULL, OPS_PER_SLAB, sizeof *slab);
    p->slabs[p->nslabs++] = slab;
    for (int i = 0; i < OPS_PER_SLAB; i++) {
        slab[i] = (ProactorOp){.next = p->free_ops};
        p->free_ops = &slab[i];
    }
}

static ProactorOp *op_new(Proactor *p, OpKind kind, int fd, Completed done,
                          void *arg)
{
    if (!p->free_ops)
        grow_free_list(p);
    ProactorOp *op = p->free_ops;
    p->free_ops = op->next;
    *op = (ProactorOp){.kind = kind, .fd = fd, .done = done, .arg = arg};
    return op;
}

static void op_free(Proactor *p, ProactorOp *op)
{
    op->data = reallocate(op->data, 0, 0);
    op->next = p->free_ops;
    p->free_ops = op;
}

static FdState *fd_state(Proactor *p, int fd)
{
    if (fd >= p->fds_cap) {
        int cap = p->fds_cap;
        while (cap <= fd)
            cap = GROW_CAPACITY(cap, 64);
        p->fds = reallocate(p->fds, (size_t)cap, sizeof *p->fds);
        memset(p->fds + p->fds_cap, 0,
               (size_t)(cap - p->fds_cap) * sizeof *p->fds);
        p->fds_cap = cap;
    }
    return &p->fds[fd];
}

static bool is_socket_op(OpKind kind)
{
    return kind <= OP_CONNECT;
}

/* Counts a socket operation in (+1) or out (-1) of the kernel, per
 * descriptor too: proactor_close_fd must know whether to cancel. */
static void count_in_flight(Proactor *p, const ProactorOp *op, int delta)
{
    if (!is_socket_op(op->kind))
        return;
    p->in_flight += (unsigned long long)(long long)delta;
    if (op->fd >= 0)
        fd_state(p, op->fd)->in_flight += delta;
}

/* --- SQEs ---------------------------------------------------------------- */

static unsigned poll_mask(int events)
{
    return ((events & SELECT_READ) ? POLLIN : 0u) |
           ((events & SELECT_WRITE) ? POLLOUT : 0u);
}

/* The SQE that asks the kernel for op. */
static void fill_sqe(Proactor *p, struct io_uring_sqe *sqe, ProactorOp *op)
{
    sqe->fd = op->fd;
    sqe->user_data = (__u64)(uintptr_t)op;
    switch (op->kind) {
    case OP_RECV:
        sqe->opcode = IORING_OP_RECV;
        sqe->len = (unsigned)(op->size < p->ring.buf_size ? op->size
                                                          : p->ring.buf_size);
        if (op->size > 0) { /* the kernel picks the buffer when data comes */
            sqe->flags = IOSQE_BUFFER_SELECT;
            sqe->buf_group = p->ring.buf_group;
        }
        break;
    case OP_SEND:
        sqe->opcode = IORING_OP_SEND;
        sqe->addr = (__u64)(uintptr_t)(op->data + op->sent);
        sqe->len = (unsigned)(op->size - op->sent);
        sqe->msg_flags = MSG_NOSIGNAL; /* a dead peer: EPIPE, not SIGPIPE */
        break;
    case OP_ACCEPT:
        sqe->opcode = IORING_OP_ACCEPT;
        sqe->accept_flags = SOCK_NONBLOCK | SOCK_CLOEXEC;
        break;
    case OP_CONNECT:
        sqe->opcode = IORING_OP_CONNECT;
        sqe->addr = (__u64)(uintptr_t)&op->address;
        sqe->off = sizeof op->address; /* the address's length */
        break;
    case OP_POLL: /* one-shot, armed again after it fires: level-triggered,
                     as a selector's readers expect */
        sqe->opcode = IORING_OP_POLL_ADD;
        sqe->poll32_events = poll_mask(op->poll_events);
        break;
    case OP_CANCEL:
        sqe->opcode = IORING_OP_ASYNC_CANCEL;
        if (op->target) {
            sqe->addr = (__u64)(uintptr_t)op->target;
        } else { /* every operation on op->fd; the close is linked after */
            sqe->cancel_flags =
                IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL;
            sqe->flags = IOSQE_IO_HARDLINK;
        }
        break;
    case OP_CLOSE: /* after the cancel queued just before it */
        sqe->opcode = IORING_OP_CLOSE;
        break;
    }
}

/* The submission ring is full: what happens then is ours to decide. We
 * enter once to hand the kernel what is there (an extra system call, the
 * stats count it); if even that fails, op waits in the backlog for the
 * next wait. Either way nothing is lost and nothing blocks. */
static struct io_uring_sqe *sqe_or_submit(Proactor *p)
{
    struct io_uring_sqe *sqe = uring_get_sqe(&p->ring);
    if (sqe)
        return sqe;
    p->full_submits++;
    if (uring_submit(&p->ring) < 0)
        return NULL;
    return uring_get_sqe(&p->ring);
}

static void submit(Proactor *p, ProactorOp *op)
{
    count_in_flight(p, op, +1);
    struct io_uring_sqe *sqe = p->backlog ? NULL : sqe_or_submit(p);
    if (sqe) {
        fill_sqe(p, sqe, op);
        return;
    }
    op->next = NULL;
    if (p->backlog_tail)
        p->backlog_tail->next = op;
    else
        p->backlog = op;
    p->backlog_tail = op;
}

/* Before the enter: what waited for an SQE, in the order it came. */
static void drain_backlog(Proactor *p)
{
    while (p->backlog) {
        struct io_uring_sqe *sqe = sqe_or_submit(p);
        if (!sqe)
            return;
        ProactorOp *op = p->backlog;
        p->backlog = op->next;
        if (!p->backlog)
            p->backlog_tail = NULL;
        fill_sqe(p, sqe, op);
    }
}

/* --- socket operations --------------------------------------------------- */

Proactor *proactor_of(Selector *s)
{
    return s && s->ops == &selector_uring ? (Proactor *)s : NULL;
}

ProactorOp *proactor_recv(Proactor *p, int fd, size_t size, Completed done,
                          void *arg)
{
    ProactorOp *op = op_new(p, OP_RECV, fd, done, arg);
    op->size = size;
    submit(p, op);
    return op;
}

ProactorOp *proactor_send(Proactor *p, int fd, const void *data, size_t size,
                          Completed done, void *arg)
{
    ProactorOp *op = op_new(p, OP_SEND, fd, done, arg);
    op->data = reallocate(NULL, size ? size : 1, 1);
    memcpy(op->data, data, size);
    op->size = size;
    submit(p, op);
    return op;
}

ProactorOp *proactor_accept(Proactor *p, int listener, Completed done,
                            void *arg)
{
    ProactorOp *op = op_new(p, OP_ACCEPT, listener, done, arg);
    submit(p, op);
    return op;
}

ProactorOp *proactor_connect(Proactor *p, int fd,
                             const struct sockaddr_in *address, Completed done,
                             void *arg)
{
    ProactorOp *op = op_new(p, OP_CONNECT, fd, done, arg);
    op->address = *address;
    submit(p, op);
    return op;
}

static bool holds_buffer(const ProactorOp *op)
{
    return op->kind == OP_RECV && op->res > 0 &&
           (op->flags & IORING_CQE_F_BUFFER);
}

static unsigned buffer_id(const ProactorOp *op)
{
    return op->flags >> IORING_CQE_BUFFER_SHIFT;
}

size_t proactor_received(Proactor *p, ProactorOp *op, void *dest, size_t size)
{
    size_t n = op->res > 0 ? (size_t)op->res : 0;
    if (n > size)
        n = size;
    if (holds_buffer(op)) {
        const char *from = uring_buffer(&p->ring, buffer_id(op));
        VALGRIND_MAKE_MEM_DEFINED(from, n);
        memcpy(dest, from, n);
    }
    proactor_release(p, op);
    return n;
}

void proactor_release(Proactor *p, ProactorOp *op)
{
    if (holds_buffer(op))
        uring_buffer_recycle(&p->ring, buffer_id(op));
    op_free(p, op);
}

/* A result nobody takes: a buffer back to the kernel, a descriptor
 * accepted for a task that is gone closed. */
static void discard(Proactor *p, ProactorOp *op)
{
    if (op->kind == OP_ACCEPT && op->res >= 0)
        close(op->res);
    proactor_release(p, op);
}

void proactor_cancel(Proactor *p, ProactorOp *op)
{
    if (op->completed) {
        discard(p, op);
        return;
    }
    op->done = NULL; /* orphaned: its completion only frees it */
    ProactorOp *cancel = op_new(p, OP_CANCEL, -1, NULL, NULL);
    cancel->target = op;
    submit(p, cancel);
}

/* A close through the ring, behind the cancels: the descriptor's number
 * stays taken until the kernel runs both, so no new socket can get it
 * while the old one's operations are still being cancelled. */
void proactor_close_fd(Proactor *p, int fd)
{
    FdState *s = fd >= 0 && fd < p->fds_cap ? &p->fds[fd] : NULL;
    if (!s || s->in_flight == 0) {
        close(fd);
        return;
    }
    ProactorOp *cancel = op_new(p, OP_CANCEL, fd, NULL, NULL);
    submit(p, cancel); /* target NULL: by descriptor, every operation */
    submit(p, op_new(p, OP_CLOSE, fd, NULL, NULL));
}

/* --- polls: add_reader and add_writer ------------------------------------ */

static void arm_poll(Proactor *p, int fd)
{
    FdState *s = fd_state(p, fd);
    ProactorOp *op = op_new(p, OP_POLL, fd, NULL, NULL);
    op->poll_events = s->wanted;
    s->poll = op;
    submit(p, op);
}

/* Python: selector.modify(fd, events). A poll armed for other events is
 * cancelled (its late completion is recognised and dropped) and one for
 * the new events armed. */
static int uring_watch(Selector *sel, int fd, int old_events, int events)
{
    (void)old_events;
    Proactor *p = (Proactor *)sel;
    FdState *s = fd_state(p, fd);
    s->wanted = events;
    if (s->poll && s->poll->poll_events == events)
        return 0;
    if (s->poll) {
        proactor_cancel(p, s->poll);
        s->poll = NULL;
    }
    if (events)
        arm_poll(p, fd);
    return 0;
}

static int select_events(int revents, int armed)
{
    if (revents < 0 || (revents & (POLLERR | POLLHUP | POLLNVAL)))
        return armed; /* the callbacks find out what is wrong */
    return ((revents & POLLIN) ? SELECT_READ : 0) |
           ((revents & POLLOUT) ? SELECT_WRITE : 0);
}

static void rearm_later(Proactor *p, int fd)
{
    if (p->nrearm == p->rearm_cap) {
        p->rearm_cap = GROW_CAPACITY(p->rearm_cap, 64);
        p->rearm = reallocate(p->rearm, (size_t)p->rearm_cap, sizeof *p->rearm);
    }
    p->rearm[p->nrearm++] = fd;
}

static void rearm_polls(Proactor *p)
{
    for (int i = 0; i < p->nrearm; i++) {
        FdState *s = fd_state(p, p->rearm[i]);
        if (s->wanted && !s->poll)
            arm_poll(p, p->rearm[i]);
    }
    p->nrearm = 0;
}

/* --- completions --------------------------------------------------------- */

/* A send the kernel took only part of goes again, for the rest. */
static bool send_goes_on(Proactor *p, ProactorOp *op, int res)
{
    if (op->kind != OP_SEND || res <= 0)
        return false;
    op->sent += (size_t)res;
    if (op->sent == op->size)
        return false;
    submit(p, op);
    return true;
}

/* Python: IocpProactor._poll's loop over GetQueuedCompletionStatus: the
 * completion sets the operation's future (op->done), from inside the wait,
 * so the task it wakes runs in this same iteration's pass. */
static void complete(Proactor *p, ProactorOp *op, int res, unsigned flags)
{
    count_in_flight(p, op, -1);
    if (!op->done) { /* cancelled, a poll, a cancel or a close */
        op->res = res;
        op->flags = flags;
        discard(p, op);
        return;
    }
#ifdef PROACTOR_FAULTS /* what the kernel gave goes back, as on a failure */
    static const char *const names[] = {[OP_RECV] = "recv",
                                        [OP_SEND] = "send",
                                        [OP_ACCEPT] = "accept",
                                        [OP_CONNECT] = "connect"};
    int fault = proactor_fault(names[op->kind]);
    if (fault) {
        op->res = res;
        op->flags = flags;
        if (op->kind == OP_ACCEPT && res >= 0)
            close(res);
        if (holds_buffer(op))
            uring_buffer_recycle(&p->ring, buffer_id(op));
        res = -fault;
    }
#endif
    if (op->kind == OP_RECV && res == -ENOBUFS) {
        p->nobufs_count++; /* every buffer is out: try again next wait */
        op->next = p->nobufs;
        p->nobufs = op;
        count_in_flight(p, op, +1); /* still ours to finish */
        return;
    }
    if (send_goes_on(p, op, res))
        return;
    op->completed = true;
    op->res = op->kind == OP_SEND && res >= 0 ? (int)op->sent : res;
    op->flags = flags;
    op->done(op->arg, op->res);
}

/* A poll's completion: an event for the loop, as a selector reports. */
static bool poll_event(Proactor *p, ProactorOp *op, int res, SelectorEvent *out)
{
    FdState *s = fd_state(p, op->fd);
    bool current = s->poll == op;
    int armed = op->poll_events;
    int fd = op->fd;
    op_free(p, op);
    if (!current || res == -ECANCELED)
        return false; /* replaced or removed: late news */
    s->poll = NULL;
    rearm_later(p, fd);
    out->fd = fd;
    out->events = select_events(res, armed) & s->wanted;
    return out->events != 0;
}

static int reap(Proactor *p, SelectorEvent *out)
{
    int n = 0;
    struct io_uring_cqe *cqe;
    while (n < SELECTOR_MAX_EVENTS && (cqe = uring_peek_cqe(&p->ring))) {
        ProactorOp *op = (ProactorOp *)(uintptr_t)cqe->user_data;
        int res = cqe->res;
        unsigned flags = cqe->flags;
        uring_cqe_seen(&p->ring); /* the slot is the kernel's again */
        p->completions++;
        if (op->kind == OP_POLL)
            n += poll_event(p, op, res, &out[n]);
        else
            complete(p, op, res, flags);
    }
    return n;
}

static void resubmit_nobufs(Proactor *p)
{
    while (p->nobufs) {
        ProactorOp *op = p->nobufs;
        p->nobufs = op->next;
        count_in_flight(p, op, -1); /* submit counts it again */
        submit(p, op);
    }
}

/* Python: IocpProactor.select(timeout). */
static int uring_wait(Selector *sel, int timeout_ms, SelectorEvent *out)
{
    Proactor *p = (Proactor *)sel;
    rearm_polls(p);
    resubmit_nobufs(p);
    drain_backlog(p);
    int error =
        uring_submit_and_wait(&p->ring, timeout_ms == 0 ? 0 : 1, timeout_ms);
    int n = reap(p, out);
    if (error && error != -EBUSY && n == 0) {
        errno = -error; /* EINTR: the loop carries on */
        return -1;
    }
    return n;
}

/* --- opening and closing ------------------------------------------------- */

static Selector *uring_open_selector(void)
{
    Proactor *p = reallocate(NULL, 1, sizeof *p);
    memset(p, 0, sizeof *p);
    p->base.ops = &selector_uring;
    int error = uring_open(&p->ring, SQ_ENTRIES, CQ_ENTRIES);
    if (!error) {
        error = uring_buffers_open(&p->ring, BUFFER_GROUP, BUFFER_COUNT,
                                   BUFFER_SIZE);
        if (error)
            uring_close(&p->ring);
    }
    if (error) {
        reallocate(p, 0, 0);
        errno = -error;
        return NULL;
    }
    return &p->base;
}

/* Closing the ring cancels what is in flight; the kernel then holds no
 * memory of ours, and every record goes with its slab (a send's copy
 * first). */
static void uring_close_selector(Selector *sel)
{
    Proactor *p = (Proactor *)sel;
    drain_backlog(p);
    uring_submit(&p->ring); /* the closes queued for the loop's fds */
    uring_close(&p->ring);
    for (int i = 0; i < p->nslabs; i++) {
        for (int j = 0; j < OPS_PER_SLAB; j++)
            reallocate(p->slabs[i][j].data, 0, 0);
        reallocate(p->slabs[i], 0, 0);
    }
    reallocate(p->slabs, 0, 0);
    reallocate(p->fds, 0, 0);
    reallocate(p->rearm, 0, 0);
    reallocate(p, 0, 0);
}

ProactorStats proactor_stats(const Proactor *p)
{
    return (ProactorStats){.enters = p->ring.enters,
                           .full_submits = p->full_submits,
                           .completions = p->completions,
                           .nobufs = p->nobufs_count,
                           .in_flight = p->in_flight};
}

const SelectorOps selector_uring = {
    .name = "io_uring",
    .open = uring_open_selector,
    .close = uring_close_selector,
    .watch = uring_watch,
    .wait = uring_wait,
};

bool proactor_has_work(const Proactor *p)
{
    return p->in_flight > 0 || p->backlog || uring_pending(&p->ring) > 0;
}

#else /* no io_uring: proactor_of says so, and nothing calls the rest */

Proactor *proactor_of(Selector *s)
{
    (void)s;
    return NULL;
}
bool proactor_has_work(const Proactor *p)
{
    (void)p;
    return false;
}
void proactor_close_fd(Proactor *p, int fd)
{
    (void)p;
    close(fd);
}
ProactorOp *proactor_recv(Proactor *p, int fd, size_t size, Completed done,
                          void *arg)
{
    (void)p, (void)fd, (void)size, (void)done, (void)arg;
    return NULL;
}
ProactorOp *proactor_send(Proactor *p, int fd, const void *data, size_t size,
                          Completed done, void *arg)
{
    (void)p, (void)fd, (void)data, (void)size, (void)done, (void)arg;
    return NULL;
}
ProactorOp *proactor_accept(Proactor *p, int listener, Completed done,
                            void *arg)
{
    (void)p, (void)listener, (void)done, (void)arg;
    return NULL;
}
ProactorOp *proactor_connect(Proactor *p, int fd,
                             const struct sockaddr_in *address, Completed done,
                             void *arg)
{
    (void)p, (void)fd, (void)address, (void)done, (void)arg;
    return NULL;
}
size_t proactor_received(Proactor *p, ProactorOp *op, void *dest, size_t size)
{
    (void)p, (void)op, (void)dest, (void)size;
    return 0;
}
void proactor_release(Proactor *p, ProactorOp *op)
{
    (void)p, (void)op;
}
void proactor_cancel(Proactor *p, ProactorOp *op)
{
    (void)p, (void)op;
}
ProactorStats proactor_stats(const Proactor *p)
{
    (void)p;
    return (ProactorStats){0};
}

#endif
