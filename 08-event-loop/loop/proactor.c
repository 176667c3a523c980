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
 *     1. re-arm the polls that fired, submit again the receives that found
 *        no buffer, queue what waited for a free SQE
 *     2. io_uring_enter: submit everything, wait for a batch of
 *        completions (the wait-batch lever: 32, or what came in 0.1 ms),
 *        for one, or for none if the loop has callbacks ready
 *     3. read the CQEs: an operation's completion calls its callback (it
 *        sets a future); a poll's becomes an event for the loop's readers
 *        and writers, as a selector's would; a standing receive's queues
 *        a chunk for its descriptor
 *     4. tell the receives served from those chunks (the multishot lever)
 *
 * The levers (batch, provided-buffers, fixed-files, multishot,
 * wait-batch, poll-first) are switches read once, from ASYNCIO_URING
 * (levers_from_env), so that make bench can measure what each pays.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
    /* The wait-batch lever: a wait ends with WAIT_BATCH completions, or
     * WAIT_BATCH_US after it began with what came by then. A fast server
     * otherwise wakes for every few messages of a ping-pong. Measured on
     * the 100-connection ping-pong (5 rounds beside libuv): 16 and 0.05
     * ms left CPU per message 5% above this; 64 and 0.2 ms was unsteady. */
    WAIT_BATCH = 32,
    WAIT_BATCH_US = 100,
};

typedef enum {
    OP_RECV,
    OP_SEND,
    OP_ACCEPT,
    OP_CONNECT,
    OP_POLL,   /* add_reader / add_writer */
    OP_CANCEL, /* ask the kernel to cancel another operation */
    OP_CLOSE,
    OP_STREAM, /* the multishot lever: a descriptor's standing receive */
    OP_CHUNK,  /* what one of its completions brought, until taken */
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
    char *data;         /* OP_SEND: our copy; a receive of its own */
    size_t size, sent;  /* OP_SEND: its bytes, and those the kernel took */
    size_t offset;      /* a received buffer: where this record's bytes
                           start (a chunk hands them out in pieces) */
    struct sockaddr_in address; /* OP_CONNECT */
    ProactorOp *next;           /* in the free list or the backlog */
};

/* What the proactor knows per descriptor. */
typedef struct {
    int wanted;       /* events the loop watches for (Selector.watch) */
    ProactorOp *poll; /* the armed poll, or NULL */
    int in_flight;    /* socket operations submitted on it */
    bool registered;  /* in the registered-file table, slot = fd */
    /* The multishot lever: one receive stays in the kernel and each of
     * its completions is a chunk, queued until a sock_recv takes it. */
    ProactorOp *stream;              /* NULL: not armed */
    ProactorOp *chunks, *chunks_end; /* oldest first */
    ProactorOp *reader;              /* a receive waiting for a chunk */
} FdState;

/* The levers io_uring offers, each a switch so that make bench can
 * measure what it pays (ASYNCIO_URING, proactor.h). */
typedef struct {
    bool batch;            /* one enter per iteration, not one per SQE */
    bool provided_buffers; /* receives share a ring of buffers */
    bool fixed_files;      /* SQEs name registered files */
    bool poll_first;       /* a receive waits before it tries */
    bool multishot;        /* one standing receive per descriptor */
    bool wait_batch;       /* a wait lingers for a batch of completions */
} Levers;

struct Proactor {
    Selector base; /* first: a Proactor * is a Selector * */
    Uring ring;
    Levers levers;
    unsigned nfiles; /* slots in the registered-file table */
    ProactorOp *free_ops;
    ProactorOp **slabs; /* records come OPS_PER_SLAB at a time */
    int nslabs;
    ProactorOp *backlog, *backlog_tail; /* waiting for a free SQE */
    ProactorOp *out_of_buffers;         /* receives to submit again (ENOBUFS) */
    ProactorOp *given, *given_end;      /* receives served from a stream: told
                                           inside the next wait, as a CQE is */
    unsigned short buf_refs[BUFFER_COUNT]; /* who still reads each buffer */
    FdState *fds;
    int fds_cap;
    int *rearm; /* descriptors whose poll fired: arm again if wanted */
    int nrearm, rearm_cap;
    unsigned long long full_submits, completions, nobufs_count, in_flight;
    int closing;        /* closes submitted through the ring, not done */
    bool shutting_down; /* the loop is closing: no callback runs again */
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
    p->fds = grow_zeroed(p->fds, &p->fds_cap, fd, sizeof *p->fds);
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
        sqe->len = (unsigned)(op->size < BUFFER_SIZE ? op->size : BUFFER_SIZE);
        if (p->levers.poll_first) /* a ping-pong's recv would only fail */
            sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
        if (op->size == 0)
            break;
        if (p->levers.provided_buffers) { /* the kernel picks one when data
                                             comes */
            sqe->flags = IOSQE_BUFFER_SELECT;
            sqe->buf_group = p->ring.buf_group;
        } else { /* a buffer of its own, held while it waits */
            if (!op->data)
                op->data = reallocate(NULL, sqe->len, 1);
            sqe->addr = (__u64)(uintptr_t)op->data;
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
    case OP_STREAM: /* a completion per arrival, each in a provided buffer */
        sqe->opcode = IORING_OP_RECV;
        sqe->ioprio = IORING_RECV_MULTISHOT;
        sqe->flags = IOSQE_BUFFER_SELECT;
        sqe->buf_group = p->ring.buf_group;
        break;
    case OP_CHUNK:
        break; /* never submitted */
    }
    if (op->kind != OP_CANCEL && op->kind != OP_CLOSE && op->fd >= 0 &&
        op->fd < p->fds_cap && p->fds[op->fd].registered)
        sqe->flags |= IOSQE_FIXED_FILE; /* slot op->fd holds op->fd */
}

/* Registered files: the first operation on a descriptor puts it in the
 * table (one io_uring_register per connection, not per message). */
static void register_file(Proactor *p, int fd)
{
    if (!p->levers.fixed_files || fd < 0 || (unsigned)fd >= p->nfiles)
        return;
    FdState *s = fd_state(p, fd);
    if (!s->registered && uring_file_set(&p->ring, (unsigned)fd, fd) == 0)
        s->registered = true;
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

/* Puts op in the submission ring, or in the backlog when even a submit
 * cannot make room. An operation going again (a short send, a receive
 * that found no buffer) comes straight here: it never left the kernel's
 * count of what is in flight. */
static void queue_sqe(Proactor *p, ProactorOp *op)
{
    struct io_uring_sqe *sqe = p->backlog ? NULL : sqe_or_submit(p);
    if (sqe) {
        fill_sqe(p, sqe, op);
        if (!p->levers.batch)
            uring_submit(&p->ring); /* the lever off: one enter per SQE */
        return;
    }
    op->next = NULL;
    if (p->backlog_tail)
        p->backlog_tail->next = op;
    else
        p->backlog = op;
    p->backlog_tail = op;
}

static void submit(Proactor *p, ProactorOp *op)
{
    count_in_flight(p, op, +1);
    if (op->kind != OP_CANCEL && op->kind != OP_CLOSE)
        register_file(p, op->fd);
    queue_sqe(p, op);
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

/* --- provided buffers ---------------------------------------------------- */

static bool holds_buffer(const ProactorOp *op)
{
    return (op->kind == OP_RECV || op->kind == OP_CHUNK) && op->res > 0 &&
           (op->flags & IORING_CQE_F_BUFFER);
}

static unsigned buffer_id(const ProactorOp *op)
{
    return op->flags >> IORING_CQE_BUFFER_SHIFT;
}

/* A buffer goes back to the kernel when its last reader is done: one
 * completion's bytes may be taken by several receives (multishot). */
static void drop_buffer(Proactor *p, unsigned id)
{
    if (--p->buf_refs[id] == 0)
        uring_buffer_recycle(&p->ring, id);
}

/* PROACTOR_FAULTS (proactor_faults.h): this completion of a socket
 * operation a task waits for may be turned into an error, what the kernel
 * gave (a buffer, an accepted descriptor) going back as on a failure. */
static int injected_fault(Proactor *p, ProactorOp *op, int res, unsigned flags)
{
#ifdef PROACTOR_FAULTS
    static const char *const names[] = {[OP_RECV] = "recv",
                                        [OP_SEND] = "send",
                                        [OP_ACCEPT] = "accept",
                                        [OP_CONNECT] = "connect"};
    int fault = proactor_fault(names[op->kind]);
    if (!fault)
        return res;
    op->res = res;
    op->flags = flags;
    if (op->kind == OP_ACCEPT && res >= 0)
        close(res);
    if (holds_buffer(op))
        drop_buffer(p, buffer_id(op));
    return -fault;
#else
    (void)p, (void)op, (void)flags;
    return res;
#endif
}

/* --- the multishot lever: one standing receive per descriptor ------------ */

static void arm_stream(Proactor *p, FdState *s, int fd)
{
    s->stream = op_new(p, OP_STREAM, fd, NULL, NULL);
    submit(p, s->stream);
}

/* reader is told inside the next wait (or this one, from reap), as a
 * completion would be: a receive never completes without a trip. */
static void tell_later(Proactor *p, ProactorOp *reader)
{
    reader->next = NULL;
    if (p->given_end)
        p->given_end->next = reader;
    else
        p->given = reader;
    p->given_end = reader;
}

/* The oldest chunk's bytes, as many as reader asked for, become reader's
 * result; a chunk that is an end (0: EOF, or an error) stays for the next
 * receive, as a socket keeps saying EOF. */
static void give_chunk(Proactor *p, FdState *s, ProactorOp *reader)
{
    ProactorOp *chunk = s->chunks;
    s->reader = NULL;
    reader->res = chunk->res;
    if (chunk->res > 0) {
        size_t left = chunk->size - chunk->offset;
        size_t n = left < reader->size ? left : reader->size;
        reader->res = (int)n;
        reader->flags = chunk->flags;
        reader->offset = chunk->offset;
        p->buf_refs[buffer_id(chunk)]++;
        chunk->offset += n;
        if (chunk->offset == chunk->size) {
            s->chunks = chunk->next;
            if (!s->chunks)
                s->chunks_end = NULL;
            proactor_release(p, chunk);
        }
    }
    tell_later(p, reader);
}

/* proactor_recv with the lever on: a chunk already there is given, else
 * the receive waits for one (the stream armed if it is not). */
static bool recv_from_stream(Proactor *p, ProactorOp *op)
{
    if (!p->levers.multishot || op->fd < 0)
        return false;
    FdState *s = fd_state(p, op->fd);
    if (s->reader)
        return false; /* two receives at once: the second goes plain */
    count_in_flight(p, op, +1);
    s->reader = op;
    if (s->chunks)
        give_chunk(p, s, op);
    else if (!s->stream)
        arm_stream(p, s, op->fd);
    return true;
}

static void queue_chunk(Proactor *p, FdState *s, int res, unsigned flags)
{
    ProactorOp *chunk = op_new(p, OP_CHUNK, -1, NULL, NULL);
    chunk->res = res;
    chunk->flags = flags;
    chunk->size = res > 0 ? (size_t)res : 0;
    if (s->chunks_end)
        s->chunks_end->next = chunk;
    else
        s->chunks = chunk;
    s->chunks_end = chunk;
}

/* One completion of a stream: bytes, an end, or the stream stopped
 * (IORING_CQE_F_MORE unset: out of buffers, or cancelled). */
static void stream_event(Proactor *p, ProactorOp *stream, int res,
                         unsigned flags)
{
    FdState *s = fd_state(p, stream->fd);
    bool more = flags & IORING_CQE_F_MORE;
    if (s->stream != stream) { /* its descriptor was closed */
        if (flags & IORING_CQE_F_BUFFER)
            drop_buffer(p, flags >> IORING_CQE_BUFFER_SHIFT);
        if (!more)
            op_free(p, stream);
        return;
    }
    if (res == -ENOBUFS)
        p->nobufs_count++;
    else
        queue_chunk(p, s, res, flags);
    if (!more) {
        s->stream = NULL;
        op_free(p, stream);
        if (res == -ENOBUFS && s->reader)
            arm_stream(p, s, s->reader->fd); /* buffers come back as the
                                                tasks take their bytes */
    }
    if (s->reader && s->chunks)
        give_chunk(p, s, s->reader);
}

static void tell_given(Proactor *p)
{
    while (p->given) {
        ProactorOp *reader = p->given;
        p->given = reader->next;
        if (!p->given)
            p->given_end = NULL;
        count_in_flight(p, reader, -1);
        reader->res = injected_fault(p, reader, reader->res, reader->flags);
        reader->completed = true;
        reader->done(reader->arg, reader->res);
    }
}

/* Takes op off a list of records (its end pointer kept right, if any). */
static bool unlink_op(ProactorOp **head, ProactorOp **end, ProactorOp *op)
{
    ProactorOp *before = NULL;
    for (ProactorOp *r = *head; r; before = r, r = r->next) {
        if (r != op)
            continue;
        if (before)
            before->next = r->next;
        else
            *head = r->next;
        if (end && *end == r)
            *end = before;
        return true;
    }
    return false;
}

/* A receive cancelled before it was told: off the stream, and the bytes it
 * was given, if any, dropped, as a cancelled receive's are. */
static bool stop_reading(Proactor *p, ProactorOp *op)
{
    if (op->kind != OP_RECV || op->fd < 0 || op->fd >= p->fds_cap)
        return false;
    FdState *s = &p->fds[op->fd];
    bool waiting = s->reader == op;
    if (!waiting && !unlink_op(&p->given, &p->given_end, op))
        return false;
    if (waiting)
        s->reader = NULL;
    count_in_flight(p, op, -1);
    proactor_release(p, op);
    return true;
}

/* The descriptor is being closed: its chunks go, a waiting receive is
 * told the socket went (ECANCELED, as the kernel says of a cancelled
 * one), and the stream's late completions are dropped. */
static void forget_stream(Proactor *p, FdState *s)
{
    while (s->chunks) {
        ProactorOp *chunk = s->chunks;
        s->chunks = chunk->next;
        proactor_release(p, chunk);
    }
    s->chunks_end = NULL;
    s->stream = NULL;
    if (s->reader) {
        s->reader->res = -ECANCELED;
        tell_later(p, s->reader);
        s->reader = NULL;
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
    if (!recv_from_stream(p, op))
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

size_t proactor_received(Proactor *p, ProactorOp *op, void *dest, size_t size)
{
    size_t n = op->res > 0 ? (size_t)op->res : 0;
    if (n > size)
        n = size;
    const char *from = holds_buffer(op)
                           ? uring_buffer(&p->ring, buffer_id(op)) + op->offset
                           : op->data; /* a buffer of its own */
    if (n > 0) {
        VALGRIND_MAKE_MEM_DEFINED(from, n);
        memcpy(dest, from, n);
    }
    proactor_release(p, op);
    return n;
}

void proactor_release(Proactor *p, ProactorOp *op)
{
    if (holds_buffer(op))
        drop_buffer(p, buffer_id(op));
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
    if (stop_reading(p, op))
        return;
    if (unlink_op(&p->out_of_buffers, NULL, op)) { /* not in the kernel */
        count_in_flight(p, op, -1);
        op_free(p, op);
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
    if (s && s->registered) { /* now, before the number can be reused */
        uring_file_set(&p->ring, (unsigned)fd, -1);
        s->registered = false;
    }
    bool streaming = s && s->stream;
    if (s)
        forget_stream(p, s);
    if (!s || (s->in_flight == 0 && !streaming)) {
        close(fd);
        return;
    }
#ifdef PROACTOR_VALGRIND /* memcheck counts the descriptors it sees closed:    \
                            a close the ring runs is not one of them */
    if (uring_cancel_fd_now(&p->ring, fd) == 0) {
        close(fd);
        return;
    }
#endif
    ProactorOp *cancel = op_new(p, OP_CANCEL, fd, NULL, NULL);
    submit(p, cancel); /* target NULL: by descriptor, every operation */
    submit(p, op_new(p, OP_CLOSE, fd, NULL, NULL));
    p->closing++;
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
    queue_sqe(p, op);
    return true;
}

/* Python: IocpProactor._poll's loop over GetQueuedCompletionStatus: the
 * completion sets the operation's future (op->done), from inside the wait,
 * so the task it wakes runs in this same iteration's pass. */
static void complete(Proactor *p, ProactorOp *op, int res, unsigned flags)
{
    if (op->kind == OP_CLOSE)
        p->closing--;
    if (!op->done || p->shutting_down) { /* cancelled, a poll, a cancel or
                                            a close; or nobody to tell */
        count_in_flight(p, op, -1);
        op->res = res;
        op->flags = flags;
        discard(p, op);
        return;
    }
    res = injected_fault(p, op, res, flags);
    if (op->kind == OP_RECV && res == -ENOBUFS) {
        p->nobufs_count++; /* every buffer is out: try again next wait */
        op->next = p->out_of_buffers;
        p->out_of_buffers = op;
        return;
    }
    if (send_goes_on(p, op, res))
        return;
    count_in_flight(p, op, -1);
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
        if (flags & IORING_CQE_F_BUFFER) /* the kernel filled it: ours now */
            p->buf_refs[flags >> IORING_CQE_BUFFER_SHIFT] = 1;
        if (op->kind == OP_STREAM)
            stream_event(p, op, res, flags);
        else if (op->kind == OP_POLL)
            n += poll_event(p, op, res, &out[n]);
        else
            complete(p, op, res, flags);
    }
    return n;
}

static void resubmit_out_of_buffers(Proactor *p)
{
    while (p->out_of_buffers) {
        ProactorOp *op = p->out_of_buffers;
        p->out_of_buffers = op->next;
        queue_sqe(p, op);
    }
}

/* Python: IocpProactor.select(timeout). */
static int uring_wait(Selector *sel, int timeout_ms, SelectorEvent *out)
{
    Proactor *p = (Proactor *)sel;
    rearm_polls(p);
    resubmit_out_of_buffers(p);
    drain_backlog(p);
    bool told = p->given != NULL; /* then nothing to wait for */
    unsigned batch = p->levers.wait_batch ? WAIT_BATCH : 1;
    int error = uring_submit_and_wait(
        &p->ring, (timeout_ms == 0 || told) ? 0 : batch, told ? 0 : timeout_ms);
    int n = reap(p, out);
    tell_given(p);
    if (error && error != -EBUSY && n == 0) {
        errno = -error; /* EINTR: the loop carries on */
        return -1;
    }
    return n;
}

/* --- opening and closing ------------------------------------------------- */

/* ASYNCIO_URING: a comma-separated list of levers to turn on or, with
 * "no-", off: batch, provided-buffers, fixed-files, poll-first,
 * multishot, wait-batch. */
static Levers levers_from_env(void)
{
    Levers l = {.batch = true,
                .provided_buffers = true,
                .fixed_files = true,
                .poll_first = false,
                .multishot = true,
                .wait_batch = true};
    const char *spec = getenv("ASYNCIO_URING");
    struct {
        const char *name;
        bool *lever;
    } names[] = {{"batch", &l.batch},
                 {"provided-buffers", &l.provided_buffers},
                 {"fixed-files", &l.fixed_files},
                 {"poll-first", &l.poll_first},
                 {"multishot", &l.multishot},
                 {"wait-batch", &l.wait_batch}};
    while (spec && *spec) {
        size_t len = strcspn(spec, ",");
        bool on = strncmp(spec, "no-", 3) != 0;
        const char *name = on ? spec : spec + 3;
        size_t name_len = on ? len : len - 3;
        bool known = false;
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (strlen(names[i].name) == name_len &&
                strncmp(names[i].name, name, name_len) == 0) {
                *names[i].lever = on;
                known = true;
            }
        if (!known)
            fprintf(stderr,
                    "event loop: ASYNCIO_URING: no lever '%.*s', ignored "
                    "(hint: batch, provided-buffers, fixed-files, "
                    "poll-first, multishot, wait-batch, each with or without "
                    "no-)\n",
                    (int)len, spec);
        spec += len + (spec[len] == ',');
    }
    l.multishot = l.multishot && l.provided_buffers; /* it needs them */
    return l;
}

/* The registered-file table has a slot per possible descriptor, up to the
 * descriptor limit (the kernel refuses more). */
static void open_files(Proactor *p)
{
    struct rlimit limit;
    if (!p->levers.fixed_files || getrlimit(RLIMIT_NOFILE, &limit) == -1) {
        p->levers.fixed_files = false;
        return;
    }
    unsigned count =
        limit.rlim_cur > (1u << 20) ? (1u << 20) : (unsigned)limit.rlim_cur;
    if (uring_files_open(&p->ring, count) == 0)
        p->nfiles = count;
    else
        p->levers.fixed_files = false; /* an older kernel: plain fds */
}

static Selector *uring_open_selector(void)
{
    Proactor *p = reallocate(NULL, 1, sizeof *p);
    memset(p, 0, sizeof *p);
    p->base.ops = &selector_uring;
    p->levers = levers_from_env();
    int error = uring_open(&p->ring, SQ_ENTRIES, CQ_ENTRIES);
    if (!error && p->levers.provided_buffers) {
        error = uring_buffers_open(&p->ring, BUFFER_GROUP, BUFFER_COUNT,
                                   BUFFER_SIZE);
        if (error)
            uring_close(&p->ring);
    }
    if (!error)
        open_files(p);
    if (p->levers.wait_batch)
        p->ring.min_wait_us = WAIT_BATCH_US;
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
/* The closes queued for the loop's descriptors run behind their cancels,
 * in the kernel's time: wait for them (bounded), or the process would
 * end with those descriptors open. Completions still coming for tasks the
 * program abandoned only free their records now. */
static void finish_closes(Proactor *p)
{
    static SelectorEvent ignored[SELECTOR_MAX_EVENTS];
    p->shutting_down = true;
    drain_backlog(p);
    for (int tries = 0; p->closing > 0 && tries < 100; tries++) {
        int error = uring_submit_and_wait(&p->ring, 1, 10);
        if (error && error != -EINTR)
            break;
        reap(p, ignored);
    }
}

static void uring_close_selector(Selector *sel)
{
    Proactor *p = (Proactor *)sel;
    finish_closes(p);
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
    return p->in_flight > 0 || p->backlog || p->given ||
           uring_pending(&p->ring) > 0;
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
