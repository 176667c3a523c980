/*
 * queue.h - asyncio.Queue: a FIFO between producer and consumer tasks,
 * with an optional bound that makes producers wait.
 */
#ifndef LOOP_QUEUE_H
#define LOOP_QUEUE_H

#include "event.h"

typedef struct {
    Loop *loop;
    int maxsize;      /* 0 or less: no bound */
    ReadyQueue items; /* the items, in each Handle's arg (fn unused) */
    WaiterLine getters, putters;
    int unfinished; /* put, and not yet task_done */
    Event finished; /* set while unfinished is 0: what join waits on */
} Queue;

/* Python: asyncio.Queue(maxsize). queue_free frees what its items took. */
void queue_init(Queue *q, Loop *loop, int maxsize);
void queue_free(Queue *q);
/* Python: q.qsize(), q.empty(), q.full(). */
int queue_qsize(const Queue *q);
bool queue_empty(const Queue *q);
bool queue_full(const Queue *q);
/* Python: q.put_nowait(item) / q.get_nowait(): 0, or EAGAIN where Python
 * raises QueueFull / QueueEmpty. */
int queue_put_nowait(Queue *q, void *item);
int queue_get_nowait(Queue *q, void **item);
/* Python: q.task_done(): one item fully handled. Called more often than
 * items were put: a message and -1 (Python: ValueError). */
int queue_task_done(Queue *q);

/* Python: await q.put(item) (waits while the queue is full) and
 * item = await q.get() (waits while it is empty: the item is the
 * coroutine's result). */
typedef struct {
    Gen gen;
    Queue *queue;
    void *item;
    bool putting;
    WaiterLine *my_line; /* the putters or the getters */
    WaitInLine line;
    void *ignored;
    int error;
} QueueOp;
Gen *queue_put(QueueOp *frame, Queue *q, void *item);
Gen *queue_get(QueueOp *frame, Queue *q);
/* Python: await q.join(): until every item put has had its task_done. */
Gen *queue_join(EventWait *frame, Queue *q);

#endif
