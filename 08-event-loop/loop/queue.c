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

/* Python: put and get share one shape: while the queue is full (put) or
 * empty (get), wait in that line; a waiter that was woken (not cancelled
 * itself) but whose task was cancelled passes the wake-up on, if what it
 * waited for is still there (their except clause). */
static bool blocked(const QueueOp *f)
{
    return f->putting ? queue_full(f->queue) : queue_empty(f->queue);
}

static GenStatus queue_op_step(Gen *g)
{
    QueueOp *f = (QueueOp *)g;
    GEN_BEGIN(g);
    while (blocked(f)) {
        wait_in_line(&f->line, f->my_line, f->queue->loop);
        TRY_AWAIT(g, &f->line.gen, f->ignored, f->error);
        if (f->error) {
            if (!blocked(f) && !future_cancelled(&f->line.waiter.future))
                waiters_wake_next(f->my_line);
            RAISE(g, f->error);
        }
    }
    if (f->putting)
        queue_put_nowait(f->queue, f->item);
    else
        queue_get_nowait(f->queue, &f->item);
    GEN_RETURN(g, f->item);
    GEN_END(g);
}

Gen *queue_put(QueueOp *frame, Queue *q, void *item)
{
    *frame = (QueueOp){
        .queue = q, .item = item, .putting = true, .my_line = &q->putters};
    return gen_init(&frame->gen, queue_op_step, "Queue.put");
}

Gen *queue_get(QueueOp *frame, Queue *q)
{
    *frame = (QueueOp){.queue = q, .my_line = &q->getters};
    return gen_init(&frame->gen, queue_op_step, "Queue.get");
}

Gen *queue_join(EventWait *frame, Queue *q)
{
    return event_wait(frame, &q->finished);
}
