/*
 * all_the_way_down.h - the talk's In [15], "Generators all the way down":
 * the socket coroutine written before `yield from`, stepping its children
 * by hand.
 */
#ifndef ALL_THE_WAY_DOWN_H
#define ALL_THE_WAY_DOWN_H

#include "coro.h"
#include "nonblocking_socket.h"
#include "talk.h"

/* Python: In [15], generators all the way down. This generator steps its
 * children itself and yields whatever they yield, so whoever drives it
 * (the executor) drives them too. Its frame holds theirs. */
typedef struct {
    Gen gen;
    Timer t;
    NonBlockingSocket s;
    SendAll sendall; /* gen = s.sendall(...) */
    Recv recv;       /* gen = s.recv(1024) */
} AllTheWayDown;

Gen *really_really_non_blocking_io_by_hand(AllTheWayDown *frame);

#endif
