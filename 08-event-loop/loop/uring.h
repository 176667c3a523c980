/*
 * uring.h - io_uring(7) by hand, Linux only (HAVE_IO_URING says it is
 * there): what liburing hides, in one small file.
 *
 * Two rings in memory shared with the kernel, each a power-of-two array
 * with a head and a tail that only ever grow (index = counter & mask):
 *
 *   submission ring (SQ)   we fill entries (SQEs) at the tail, the kernel
 *                          consumes them from the head when we enter
 *   completion ring (CQ)   the kernel posts entries (CQEs) at the tail, we
 *                          consume them from the head
 *
 * Each side writes one counter and reads the other's, so the two never
 * lock: a release store publishes what was written before it, and the
 * acquire load on the other side sees it (C11 atomics, below).
 *
 * And one ring of provided buffers: receive buffers the kernel picks from
 * at completion time, so a pending receive holds no memory of its own.
 */
#ifndef LOOP_URING_H
#define LOOP_URING_H

#ifdef __linux__
#define HAVE_IO_URING 1

#include <linux/io_uring.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* Linux 6.12's, for older headers: a wait may ask for a batch. */
#define URING_FEAT_MIN_TIMEOUT (1U << 15)

typedef struct {
    int fd;
    /* The submission ring: counters and array in the kernel's memory. */
    _Atomic unsigned *sq_head, *sq_tail;
    unsigned *sq_array, sq_mask, sq_entries;
    unsigned sq_local_tail; /* ours: SQEs filled, not yet published */
    struct io_uring_sqe *sqes;
    /* The completion ring. */
    _Atomic unsigned *cq_head, *cq_tail;
    unsigned cq_mask, cq_entries;
    struct io_uring_cqe *cqes;
    void *sq_map, *cq_map;
    size_t sq_map_size, cq_map_size, sqes_size;
    unsigned features;         /* what it can do (IORING_FEAT_...) */
    unsigned min_wait_us;      /* uring_submit_and_wait's wait for a batch */
    unsigned long long enters; /* io_uring_enter calls, for the README */
    /* The provided-buffer ring (uring_buffers_open). */
    struct io_uring_buf *buf_ring; /* bufs[0].resv is the ring's tail */
    char *buf_memory;
    unsigned buf_count, buf_size, buf_tail;
    unsigned short buf_group;
} Uring;

/* Sets up a ring of `entries` SQEs (a power of two) and cq_entries CQEs.
 * 0, or -errno: ENOSYS (no io_uring in this kernel), EPERM (refused:
 * kernel.io_uring_disabled, or a seccomp filter), ENOMEM ... */
int uring_open(Uring *ring, unsigned entries, unsigned cq_entries);
void uring_close(Uring *ring);

/* A zeroed SQE to fill, or NULL when the submission ring is full (the
 * caller submits what is there, uring_submit, and asks again). */
struct io_uring_sqe *uring_get_sqe(Uring *ring);
/* SQEs filled and not yet consumed by the kernel. */
unsigned uring_pending(const Uring *ring);
/* Submits what is filled without waiting: the ring was full. 0 or -errno. */
int uring_submit(Uring *ring);
/* One io_uring_enter that submits every filled SQE and waits for at least
 * wait_nr completions, at most timeout_ms (-1: no limit). wait_nr above 1
 * needs ring->min_wait_us and a kernel with URING_FEAT_MIN_TIMEOUT: then
 * after min_wait_us the wait ends with what came, if anything did; else
 * it waits for one. Returns 0 or -errno: EINTR (a signal); ETIME is not
 * an error (the timeout). */
int uring_submit_and_wait(Uring *ring, unsigned wait_nr, int timeout_ms);

/* The oldest unread CQE, or NULL. Copy what you need, then uring_cqe_seen:
 * the slot is the kernel's again as soon as the head moves. */
struct io_uring_cqe *uring_peek_cqe(Uring *ring);
void uring_cqe_seen(Uring *ring);

/* Registers `count` buffers (a power of two) of `size` bytes as group
 * `group`. 0 or -errno (EINVAL: a kernel before 5.19). */
int uring_buffers_open(Uring *ring, unsigned short group, unsigned count,
                       unsigned size);
/* The memory of buffer `id`, as a CQE's flags name it. */
char *uring_buffer(const Uring *ring, unsigned id);
/* Hands buffer `id` back to the kernel. */
void uring_buffer_recycle(Uring *ring, unsigned id);

/* Cancels every operation on fd and returns once the kernel has (Linux
 * 6.0). 0 or -errno. */
int uring_cancel_fd_now(Uring *ring, int fd);

/* Registered files: a table of `count` empty slots the kernel keeps its
 * own references in, so an SQE naming slot i (IOSQE_FIXED_FILE) skips
 * the lookup and reference counting of a descriptor. 0 or -errno. */
int uring_files_open(Uring *ring, unsigned count);
/* Puts fd in slot (fd -1: empties it). 0 or -errno. */
int uring_file_set(Uring *ring, unsigned slot, int fd);

#endif
#endif
