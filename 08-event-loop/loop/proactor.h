/*
 * proactor.h - the completion side of the loop (Python: asyncio's
 * IocpProactor, windows_events.py), on Linux's io_uring.
 *
 * A selector answers "which descriptors are ready?" and the loop then does
 * the IO. A proactor is handed the IO itself ("receive into a buffer on
 * fd 7") and answers "this operation is done, with this result". asyncio's
 * ProactorEventLoop sets its proactor where the selector goes
 * (self._selector = proactor) and calls its select(timeout) from
 * _run_once; so does this one: a Proactor is a Selector whose wait()
 * submits every operation queued since the last one and waits, in one
 * io_uring_enter, and whose completions set their futures from inside that
 * wait, as IocpProactor._poll does. Readers and writers (add_reader, and
 * the loop's signal pipe) keep working: watch() arms io_uring's poll.
 *
 * Operations and their memory. Once submitted, an operation belongs to the
 * kernel until its completion arrives, even if the task that asked for it
 * is cancelled and its frame freed. So nothing the kernel writes or reads
 * lives in the task's frame:
 *   - a receive lands in a provided buffer (uring.h) the kernel picks when
 *     data arrives (the provided-buffers lever off: a buffer the record
 *     owns); the task's step copies it out when the task runs
 *     (proactor_received), so a task's own buffer is written only by the
 *     task, as with a readiness loop;
 *   - a send goes from a copy the proactor owns;
 *   - a connect's address is copied into the operation.
 * Cancelled in flight, an operation is orphaned (its callback is dropped)
 * and the kernel asked to cancel it; its memory goes back when its
 * completion, cancelled or not, finally arrives.
 */
#ifndef LOOP_PROACTOR_H
#define LOOP_PROACTOR_H

#include "selector.h"
#include "uring.h"

#include <stdbool.h>
#include <stddef.h>

struct sockaddr_in;

/* Called from inside the proactor's wait when an operation completes:
 * res is the kernel's result (a count, a descriptor, or -errno). */
typedef void (*Completed)(void *arg, int res);

typedef struct ProactorOp ProactorOp; /* proactor.c's */
typedef struct Proactor Proactor;

#ifdef HAVE_IO_URING
#define HAVE_PROACTOR 1
/* The selector table of the proactor, named "io_uring". */
extern const SelectorOps selector_uring;
#endif

/* s as a Proactor, or NULL if it is a plain selector. */
Proactor *proactor_of(Selector *s);

/* Each queues one operation for the next wait and returns it (a receive
 * with the multishot lever takes from its descriptor's standing receive
 * instead); `done` runs inside a wait when it completes, unless it was
 * cancelled first. */
ProactorOp *proactor_recv(Proactor *p, int fd, size_t size, Completed done,
                          void *arg);
/* Sends every byte (a short send is resubmitted for the rest before done
 * is told); data may be reused as soon as this returns. */
ProactorOp *proactor_send(Proactor *p, int fd, const void *data, size_t size,
                          Completed done, void *arg);
/* The result is a new non-blocking, close-on-exec descriptor. */
ProactorOp *proactor_accept(Proactor *p, int listener, Completed done,
                            void *arg);
ProactorOp *proactor_connect(Proactor *p, int fd,
                             const struct sockaddr_in *address, Completed done,
                             void *arg);

/* A completed receive: copies its bytes (the result, at most size) to
 * dest, gives its buffer back to the kernel and frees op. */
size_t proactor_received(Proactor *p, ProactorOp *op, void *dest, size_t size);
/* Frees a completed operation whose result was taken. */
void proactor_release(Proactor *p, ProactorOp *op);
/* Python: _OverlappedFuture.cancel: still in flight, op is orphaned and
 * the kernel asked to cancel it; completed, its result is dropped (a
 * buffer given back, an accepted descriptor closed) and op freed. */
void proactor_cancel(Proactor *p, ProactorOp *op);
/* Closes fd, after cancelling what is in flight on it: a plain close
 * would not, since each operation holds its own reference to the file. */
void proactor_close_fd(Proactor *p, int fd);

/* Operations in flight or queued: the loop has something to wait for. */
bool proactor_has_work(const Proactor *p);

/* What the README's table and the tests count. */
typedef struct {
    unsigned long long enters;       /* io_uring_enter calls */
    unsigned long long full_submits; /* of them, for a full submission ring */
    unsigned long long completions;
    unsigned long long nobufs; /* receives resubmitted: no provided buffer */
    unsigned long long in_flight;
} ProactorStats;
ProactorStats proactor_stats(const Proactor *p);

#endif
