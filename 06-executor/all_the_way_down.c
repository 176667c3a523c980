/*
 * all_the_way_down.c - In [15]: a generator that steps its children and
 * yields whatever they yield: the loop YIELD_FROM (In [16]) writes for us.
 */
#include "all_the_way_down.h"

#include <stdbool.h>
#include <stddef.h>

static GenStatus all_the_way_down_step(Gen *g)
{
    AllTheWayDown *f = (AllTheWayDown *)g;
    GEN_BEGIN(g);
    f->t = timer_start(NULL);
    f->s = non_blocking_socket();
    socket_sendall(&f->sendall, &f->s, "Hello world");
    while (true) {
        timer_log(&f->t, "trying to write");
        if (gen_next(&f->sendall.gen) != GEN_YIELDED)
            break;                        /* except StopIteration: pass */
        YIELD(g, f->sendall.gen.yielded); /* yield next(gen) */
    }
    socket_recv(&f->recv, &f->s, 1024);
    while (true) {
        timer_log(&f->t, "trying to read");
        if (gen_next(&f->recv.gen) != GEN_YIELDED)
            break;
        YIELD(g, f->recv.gen.yielded);
    }
    socket_close(&f->s);
    GEN_RETURN(g, f->recv.gen.result); /* response.value.decode() */
    GEN_END(g);
}

Gen *really_really_non_blocking_io_by_hand(AllTheWayDown *frame)
{
    return gen_init(&frame->gen, all_the_way_down_step,
                    "really_really_non_blocking_io");
}
