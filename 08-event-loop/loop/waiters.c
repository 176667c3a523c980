/*
 * waiters.c - a line of waiter futures, an intrusive doubly linked list:
 * each waiter's links live in the frame of the coroutine that waits, so
 * joining and leaving cost no allocation and leaving from the middle (a
 * cancelled waiter) is O(1).
 */
#include "waiters.h"
#include "exception.h"

void waiter_join(WaiterLine *line, LineWaiter *w, Loop *loop)
{
    future_init(&w->future, loop);
    w->prev = line->last;
    w->next = NULL;
    w->in_line = true;
    if (line->last)
        line->last->next = w;
    else
        line->first = w;
    line->last = w;
}

void waiter_leave(WaiterLine *line, LineWaiter *w)
{
    if (!w->in_line)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        line->first = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        line->last = w->prev;
    w->in_line = false;
}

void waiters_wake_first(WaiterLine *line)
{
    if (line->first && !future_done(&line->first->future))
        future_set_result(&line->first->future, NULL);
}

void waiters_wake_next(WaiterLine *line)
{
    while (line->first) {
        LineWaiter *w = line->first;
        waiter_leave(line, w);
        if (!future_done(&w->future)) {
            future_set_result(&w->future, NULL);
            return;
        }
    }
}

void waiters_wake_all(WaiterLine *line)
{
    for (LineWaiter *w = line->first; w; w = w->next)
        if (!future_done(&w->future))
            future_set_result(&w->future, NULL);
}

bool waiters_all_cancelled(const WaiterLine *line)
{
    for (const LineWaiter *w = line->first; w; w = w->next)
        if (!future_cancelled(&w->future))
            return false;
    return true;
}

static GenStatus wait_in_line_step(Gen *g)
{
    WaitInLine *f = (WaitInLine *)g;
    GEN_BEGIN(g);
    waiter_join(f->line, &f->waiter, f->loop);
    future_await(&f->await, &f->waiter.future);
    TRY_AWAIT(g, &f->await.gen, f->ignored, f->error);
    waiter_leave(f->line, &f->waiter); /* finally */
    if (f->error)
        RAISE(g, f->error);
    GEN_END(g);
}

Gen *wait_in_line(WaitInLine *frame, WaiterLine *line, Loop *loop)
{
    frame->line = line;
    frame->loop = loop;
    return gen_init(&frame->gen, wait_in_line_step, "wait_in_line");
}
