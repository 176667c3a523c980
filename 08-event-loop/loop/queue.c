/*
 * queue.c - asyncio.Queue (asyncio/queues.py): the items in a ring, and
 * two lines of waiters, getters (the queue was empty) and putters (it was
 * full). Each put wakes the first getter, each get the first putter; a
 * waiter woken and then cancelled before it ran passes its turn on.
 */
#include "queue.h"
#include "exception.h"

#include <stdio.h>

void queue_init(Queue *q, Loop *loop, int maxsize)
{
    *q = (Queue){.loop = loop, .maxsize = maxsize};
    event_init(&q->finished, loop);
    event_set(&q->finished);
}

void queue_free(Queue *q)
{
    ready_queue_free(&q->items);
}

int queue_qsize(const Queue *q)
{
    return (int)q->items.count;
}

bool queue_empty(const Queue *q)
{
    return q->items.count == 0;
}

bool queue_full(const Queue *q)
{
    return q->maxsize > 0 && queue_qsize(q) >= q->maxsize;
}

int queue_put_nowait(Queue *q, void *item)
{
    if (queue_full(q))
        return EAGAIN;
    ready_queue_push(&q->items, NULL, item);
    q->unfinished++;
    event_clear(&q->finished);
    waiters_wake_next(&q->getters);
    return 0;
}

int queue_get_nowait(Queue *q, void **item)
{
    if (queue_empty(q))
        return EAGAIN;
    *item = ready_queue_pop(&q->items).arg;
    waiters_wake_next(&q->putters);
    return 0;
}

int queue_task_done(Queue *q)
{
    if (q->unfinished <= 0) {
        fprintf(stderr, "ValueError: task_done() called too many times "
                        "(hint: once per item got, after handling it)\n");
        return -1;
    }
    if (--q->unfinished == 0)
        event_set(&q->finished);
    return 0;
}

/* Python: put's and get's except clause: a waiter that was woken (not
 * cancelled itself) but whose task was cancelled passes the wake-up on,
 * if what it waited for is still there. */
static void pass_turn_on(WaiterLine *line, const LineWaiter *w,
                         bool still_there)
{
    if (still_there && !future_cancelled(&w->future))
        waiters_wake_next(line);
}

static GenStatus queue_put_step(Gen *g)
{
    QueueOp *f = (QueueOp *)g;
    GEN_BEGIN(g);
    while (queue_full(f->queue)) {
        wait_in_line(&f->line, &f->queue->putters, f->queue->loop);
        TRY_AWAIT(g, &f->line.gen, f->ignored, f->error);
        if (f->error) {
            pass_turn_on(&f->queue->putters, &f->line.waiter,
                         !queue_full(f->queue));
            RAISE(g, f->error);
        }
    }
    queue_put_nowait(f->queue, f->item);
    GEN_END(g);
}

static GenStatus queue_get_step(Gen *g)
{
    QueueOp *f = (QueueOp *)g;
    GEN_BEGIN(g);
    while (queue_empty(f->queue)) {
        wait_in_line(&f->line, &f->queue->getters, f->queue->loop);
        TRY_AWAIT(g, &f->line.gen, f->ignored, f->error);
        if (f->error) {
            pass_turn_on(&f->queue->getters, &f->line.waiter,
                         !queue_empty(f->queue));
            RAISE(g, f->error);
        }
    }
    queue_get_nowait(f->queue, &f->item);
    GEN_RETURN(g, f->item);
    GEN_END(g);
}

Gen *queue_put(QueueOp *frame, Queue *q, void *item)
{
    frame->queue = q;
    frame->item = item;
    return gen_init(&frame->gen, queue_put_step, "Queue.put");
}

Gen *queue_get(QueueOp *frame, Queue *q)
{
    frame->queue = q;
    return gen_init(&frame->gen, queue_get_step, "Queue.get");
}

Gen *queue_join(EventWait *frame, Queue *q)
{
    return event_wait(frame, &q->finished);
}
