/*
 * yield_from.c - In [16], really_really_non_blocking_io() with `yield from`.
 */
#include "yield_from.h"

/* Python: In [16], the same with `yield from`: YIELD_FROM writes the loop
 * of In [15] for us, and puts the child's return value in a frame field.
 * The child's frame is made first (Python: s.sendall(...) makes the
 * generator), then YIELD_FROM drives it (Python: yield from drives it). */
static GenStatus really_really_non_blocking_io_step(Gen *g)
{
    ReallyReallyNonBlockingIo *f = (ReallyReallyNonBlockingIo *)g;
    GEN_BEGIN(g);
    f->s = non_blocking_socket();
    socket_sendall(&f->sendall, &f->s, "Hello world");
    YIELD_FROM(g, &f->sendall.gen, f->none);
    socket_recv(&f->recv, &f->s, 1024);
    YIELD_FROM(g, &f->recv.gen, f->data);
    socket_close(&f->s);
    GEN_RETURN(g, f->data);
    GEN_END(g);
}

Gen *really_really_non_blocking_io(ReallyReallyNonBlockingIo *frame)
{
    return gen_init(&frame->gen, really_really_non_blocking_io_step,
                    "really_really_non_blocking_io");
}
