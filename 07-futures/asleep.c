/*
 * asleep.c - In [19], asleep(): a busy poll of the clock. Each step looks
 * once and yields if it is too early, so a task that sleeps still costs
 * the loop a step every turn.
 */
#include "asleep.h"
#include "talk.h"

static GenStatus asleep_step(Gen *g)
{
    AsleepBody *f = (AsleepBody *)g;
    GEN_BEGIN(g);
    f->deadline = monotonic_now() + f->seconds * time_scale();
    while (monotonic_now() < f->deadline)
        YIELD(g, NULL); /* not yet: step me again later */
    GEN_END(g);
}

/* Python: asleep(2) makes the coroutine and runs nothing; `await` drives it.
 * In C that is two lines: asleep(&f->sleep, 2) fills in the child's frame,
 * then AWAIT(g, &f->sleep.awaitable.gen, ...) steps it. (AWAIT re-reads its
 * argument on every resume: make the child before AWAIT, not inside it.) */
Gen *asleep(Asleep *frame, double seconds)
{
    frame->body.seconds = seconds;
    gen_init(&frame->body.gen, asleep_step, "asleep");
    return make_awaitable(&frame->awaitable, &frame->body.gen);
}
