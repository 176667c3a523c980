/*
 * sock_ops.h - awaitable socket operations (Python: loop.sock_connect,
 * sock_accept, sock_recv, sock_sendall), and the sockets they work on.
 */
#ifndef LOOP_SOCK_OPS_H
#define LOOP_SOCK_OPS_H

#include "future.h"

#include <stddef.h>
#include <sys/types.h>

struct sockaddr_in;

/* A future resolved when fd is ready for events; while pending, it is the
 * descriptor's reader or writer, and when done it removes itself. */
typedef struct {
    Future future;
    Loop *loop;
    int fd, events;
} FdWait;

/* On the proactor (proactor.h): a future resolved when an operation the
 * kernel was handed completes; res is its result. Cancelled while the
 * kernel has it, the operation is cancelled too (Python:
 * _OverlappedFuture.cancel). */
typedef struct {
    Future future;
    Proactor *proactor;
    ProactorOp *op; /* NULL once taken, released or cancelled */
    int res;
} OpWait;

/* What a socket operation waits on: readiness, or a completion. */
typedef union {
    FdWait fd;
    OpWait op;
} SockWait;

/* Python: data = await loop.sock_recv(sock, size). The result is the count
 * in frame->received: 0 at end of file. Raises the errno on failure. */
typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    void *buf;
    size_t size;
    ssize_t received;
    SockWait wait;
    FutureAwait await;
    void *ignored;
    int error;
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
    SockWait wait;
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
    SockWait wait;
    FutureAwait await;
    void *ignored;
    int error;
} SockAccept;
Gen *sock_accept(SockAccept *frame, Loop *loop, int listener);

/* Python: await loop.sock_connect(sock, address). */
typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    const struct sockaddr_in *address;
    SockWait wait;
    FutureAwait await;
    void *ignored;
    int error;
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
