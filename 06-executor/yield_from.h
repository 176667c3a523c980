/*
 * yield_from.h - the talk's In [16] ("Yield from"): the socket coroutine
 * that drives NonBlockingSocket's sendall and recv with YIELD_FROM.
 * Stage 06 runs it on the executor, 07 and 08 as a task of their loop.
 * Identical in stages 06, 07 and 08 (tests/test_repo.c checks it).
 */
#ifndef YIELD_FROM_H
#define YIELD_FROM_H

#include "coro.h"
#include "nonblocking_socket.h"

typedef struct {
    Gen gen;
    NonBlockingSocket s;
    SendAll sendall;
    Recv recv;
    void *none; /* what `yield from s.sendall(...)` gives: None */
    char *data; /* data = yield from s.recv(1024) */
} ReallyReallyNonBlockingIo;

Gen *really_really_non_blocking_io(ReallyReallyNonBlockingIo *frame);

#endif
