/*
 * nonblocking_socket.h - the talk's In [12], class NonBlockingSocket: a
 * socket whose sendall and recv are generators, on stage 04's select() and
 * recv() helpers.
 *
 * Stages 06, 07 and 08 (the talk's loop) carry identical copies of this
 * file and its .c: tests/test_repo.c checks it, so `make diff-NN` never
 * shows them.
 */
#ifndef NONBLOCKING_SOCKET_H
#define NONBLOCKING_SOCKET_H

#include "coro.h"

#include <stdbool.h>
#include <stddef.h>

enum { RECV_SIZE = 1024 }; /* s.recv(1024) */

/* Stage 04's helpers: recv() as a C string, setblocking(False), select(). */
bool recv_text(int s, char *data, size_t size);
void set_non_blocking(int s);
bool ready_to_read(int s);
bool ready_to_write(int s);

/* Python: In [12] class NonBlockingSocket. Its sendall and recv are
 * generators: calling one makes a frame and runs nothing. C has no garbage
 * collector, so the caller says where that frame lives, most often inside
 * its own frame, which is why a resume never allocates. */
typedef struct {
    int fd;
} NonBlockingSocket;

NonBlockingSocket non_blocking_socket(void);

/* The frame of s.sendall(value). */
typedef struct {
    Gen gen;
    NonBlockingSocket *s; /* self */
    const char *value;
    size_t size, sent; /* a send that takes only part resumes at `sent` */
} SendAll;

Gen *socket_sendall(SendAll *frame, NonBlockingSocket *s, const char *value);

/* The frame of s.recv(amount). The bytes received live in it. */
typedef struct {
    Gen gen;
    NonBlockingSocket *s; /* self */
    size_t amount;
    double asked_at;          /* when it began to wait: see give_up_if_late */
    char data[RECV_SIZE + 1]; /* recv(1024), plus the C string's '\0' */
} Recv;

Gen *socket_recv(Recv *frame, NonBlockingSocket *s, size_t amount);
void socket_close(NonBlockingSocket *s);

#endif
