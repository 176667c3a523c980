/*
 * uring.c - io_uring's three system calls, raw (no liburing): set up the
 * two rings and map them, fill SQEs, enter, read CQEs, and a ring of
 * provided buffers. uring.h draws the rings.
 */
#ifdef __linux__
#define _GNU_SOURCE /* syscall(): io_uring has no libc wrapper */
#endif
#include "uring.h"

#ifdef HAVE_IO_URING
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int sys_setup(unsigned entries, struct io_uring_params *p)
{
    return (int)syscall(__NR_io_uring_setup, entries, p);
}

static int sys_enter(int fd, unsigned to_submit, unsigned wait_nr,
                     unsigned flags, const void *arg, size_t argsz)
{
    return (int)syscall(__NR_io_uring_enter, fd, to_submit, wait_nr, flags, arg,
                        argsz);
}

static int sys_register(int fd, unsigned opcode, const void *arg,
                        unsigned nr_args)
{
    return (int)syscall(__NR_io_uring_register, fd, opcode, arg, nr_args);
}

/* The kernel's counters live in the mapped rings; offsets say where. */
static void *at(void *map, unsigned offset)
{
    return (char *)map + offset;
}

/* --- setting up ---------------------------------------------------------- */

/* What we ask for, best first. DEFER_TASKRUN (6.1) runs the kernel's
 * completion work only when we enter to wait, not by interrupting us
 * mid-pass; it needs SINGLE_ISSUER (one thread submits: the loop's).
 * COOP_TASKRUN (5.19) is the older, weaker form. Each is a speed-up, none
 * is needed: an older kernel says EINVAL and we ask for less. */
static const unsigned SETUP_FLAGS[] = {
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER |
        IORING_SETUP_DEFER_TASKRUN,
    IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN,
    0,
};

static int setup(unsigned entries, unsigned cq_entries,
                 struct io_uring_params *p)
{
    int fd = -EINVAL;
    for (size_t i = 0; i < sizeof SETUP_FLAGS / sizeof *SETUP_FLAGS; i++) {
        memset(p, 0, sizeof *p);
        p->flags = SETUP_FLAGS[i] | IORING_SETUP_CQSIZE;
        p->cq_entries = cq_entries;
        fd = sys_setup(entries, p);
        if (fd >= 0 || errno != EINVAL)
            return fd >= 0 ? fd : -errno;
    }
    return -errno;
}

static int map_rings(Uring *r, const struct io_uring_params *p)
{
    r->sq_map_size = p->sq_off.array + p->sq_entries * sizeof(unsigned);
    r->cq_map_size =
        p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
    /* Since 5.4 both rings share one mapping. */
    if (p->features & IORING_FEAT_SINGLE_MMAP) {
        if (r->cq_map_size > r->sq_map_size)
            r->sq_map_size = r->cq_map_size;
        r->cq_map_size = r->sq_map_size;
    }
    r->sq_map = mmap(NULL, r->sq_map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                     r->fd, IORING_OFF_SQ_RING);
    if (r->sq_map == MAP_FAILED)
        return -errno;
    r->cq_map = r->sq_map;
    if (!(p->features & IORING_FEAT_SINGLE_MMAP)) {
        r->cq_map = mmap(NULL, r->cq_map_size, PROT_READ | PROT_WRITE,
                         MAP_SHARED, r->fd, IORING_OFF_CQ_RING);
        if (r->cq_map == MAP_FAILED)
            return -errno;
    }
    r->sqes_size = p->sq_entries * sizeof(struct io_uring_sqe);
    r->sqes = mmap(NULL, r->sqes_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                   r->fd, IORING_OFF_SQES);
    if (r->sqes == MAP_FAILED)
        return -errno;
    return 0;
}

static void find_counters(Uring *r, const struct io_uring_params *p)
{
    r->sq_head = at(r->sq_map, p->sq_off.head);
    r->sq_tail = at(r->sq_map, p->sq_off.tail);
    r->sq_array = at(r->sq_map, p->sq_off.array);
    r->sq_mask = *(unsigned *)at(r->sq_map, p->sq_off.ring_mask);
    r->sq_entries = p->sq_entries;
    r->sq_local_tail = atomic_load_explicit(r->sq_tail, memory_order_relaxed);
    /* SQE i always sits in slot i: the array's indirection is unused. */
    for (unsigned i = 0; i < r->sq_entries; i++)
        r->sq_array[i] = i;
    r->cq_head = at(r->cq_map, p->cq_off.head);
    r->cq_tail = at(r->cq_map, p->cq_off.tail);
    r->cq_mask = *(unsigned *)at(r->cq_map, p->cq_off.ring_mask);
    r->cq_entries = p->cq_entries;
    r->cqes = at(r->cq_map, p->cq_off.cqes);
}

int uring_open(Uring *ring, unsigned entries, unsigned cq_entries)
{
    memset(ring, 0, sizeof *ring);
    ring->sq_map = ring->cq_map = ring->sqes = MAP_FAILED;
    struct io_uring_params p;
    ring->fd = setup(entries, cq_entries, &p);
    if (ring->fd < 0) {
        int error = -ring->fd;
        ring->fd = -1;
        return -error;
    }
    ring->features = p.features;
    int error = map_rings(ring, &p);
    if (error) {
        uring_close(ring);
        return error;
    }
    find_counters(ring, &p);
    return 0;
}

void uring_close(Uring *ring)
{
    if (ring->buf_ring) {
        munmap(ring->buf_ring, ring->buf_count * sizeof *ring->buf_ring);
        munmap(ring->buf_memory, (size_t)ring->buf_count * ring->buf_size);
    }
    if (ring->sqes != MAP_FAILED)
        munmap(ring->sqes, ring->sqes_size);
    if (ring->cq_map != MAP_FAILED && ring->cq_map != ring->sq_map)
        munmap(ring->cq_map, ring->cq_map_size);
    if (ring->sq_map != MAP_FAILED)
        munmap(ring->sq_map, ring->sq_map_size);
    if (ring->fd >= 0)
        close(ring->fd); /* the kernel cancels what is still in flight */
    ring->fd = -1;
}

/* --- submitting ---------------------------------------------------------- */

/* The kernel moves the SQ head as it consumes entries: acquire, so that
 * when we see a slot free, the kernel is done reading it. */
unsigned uring_pending(const Uring *ring)
{
    return ring->sq_local_tail -
           atomic_load_explicit(ring->sq_head, memory_order_acquire);
}

struct io_uring_sqe *uring_get_sqe(Uring *ring)
{
    if (uring_pending(ring) >= ring->sq_entries)
        return NULL; /* full: the caller submits, then asks again */
    struct io_uring_sqe *sqe = &ring->sqes[ring->sq_local_tail & ring->sq_mask];
    memset(sqe, 0, sizeof *sqe);
    ring->sq_local_tail++;
    return sqe;
}

/* Release: every SQE filled before this store is visible to the kernel
 * once it sees the new tail. One store per enter, not one per SQE. */
static void publish(Uring *ring)
{
    atomic_store_explicit(ring->sq_tail, ring->sq_local_tail,
                          memory_order_release);
}

int uring_submit(Uring *ring)
{
    publish(ring);
    ring->enters++;
    int n = sys_enter(ring->fd, uring_pending(ring), 0, 0, NULL, 0);
    return n < 0 ? -errno : 0;
}

int uring_submit_and_wait(Uring *ring, unsigned wait_nr, int timeout_ms)
{
    publish(ring);
    unsigned flags = IORING_ENTER_GETEVENTS;
    struct __kernel_timespec ts = {.tv_sec = timeout_ms / 1000,
                                   .tv_nsec = (timeout_ms % 1000) * 1000000L};
    struct io_uring_getevents_arg arg = {.sigmask_sz = _NSIG / 8};
    if (timeout_ms >= 0)
        arg.ts = (__u64)(uintptr_t)&ts;
    /* Linux 6.12 named the padding min_wait_usec: wait_nr completions, or
     * after that long, as many as came (at least one). */
    bool min_wait = wait_nr > 1 && ring->min_wait_us > 0 &&
                    (ring->features & URING_FEAT_MIN_TIMEOUT);
    if (min_wait)
        arg.pad = ring->min_wait_us;
    else if (wait_nr > 1)
        wait_nr = 1;
    const void *argp = NULL;
    size_t argsz = _NSIG / 8;
    if ((timeout_ms >= 0 || min_wait) && wait_nr > 0) { /* 5.11: a timeout
                                                         without an SQE */
        flags |= IORING_ENTER_EXT_ARG;
        argp = &arg;
        argsz = sizeof arg;
    }
    ring->enters++;
    int n =
        sys_enter(ring->fd, uring_pending(ring), wait_nr, flags, argp, argsz);
    if (n >= 0 || errno == ETIME)
        return 0;
    return -errno;
}

/* --- completions --------------------------------------------------------- */

/* Acquire: the CQE's contents, written before the kernel moved the tail,
 * are visible once we see the tail past it. */
struct io_uring_cqe *uring_peek_cqe(Uring *ring)
{
    unsigned head = atomic_load_explicit(ring->cq_head, memory_order_relaxed);
    unsigned tail = atomic_load_explicit(ring->cq_tail, memory_order_acquire);
    return head == tail ? NULL : &ring->cqes[head & ring->cq_mask];
}

/* Release: we are done reading the slot before the kernel may reuse it. */
void uring_cqe_seen(Uring *ring)
{
    unsigned head = atomic_load_explicit(ring->cq_head, memory_order_relaxed);
    atomic_store_explicit(ring->cq_head, head + 1, memory_order_release);
}

int uring_cancel_fd_now(Uring *ring, int fd)
{
    struct io_uring_sync_cancel_reg reg = {
        .fd = fd,
        .flags = IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL,
        .timeout = {.tv_sec = -1, .tv_nsec = -1}}; /* no limit */
    if (sys_register(ring->fd, IORING_REGISTER_SYNC_CANCEL, &reg, 1) < 0)
        return -errno;
    return 0;
}

/* --- registered files ---------------------------------------------------- */

int uring_files_open(Uring *ring, unsigned count)
{
    struct io_uring_rsrc_register reg = {.nr = count,
                                         .flags = IORING_RSRC_REGISTER_SPARSE};
    if (sys_register(ring->fd, IORING_REGISTER_FILES2, &reg, sizeof reg) < 0)
        return -errno;
    return 0;
}

int uring_file_set(Uring *ring, unsigned slot, int fd)
{
    struct io_uring_files_update update = {.offset = slot,
                                           .fds = (__u64)(uintptr_t)&fd};
    if (sys_register(ring->fd, IORING_REGISTER_FILES_UPDATE, &update, 1) < 0)
        return -errno;
    return 0;
}

/* --- provided buffers ---------------------------------------------------- */

static void buffer_add(Uring *ring, unsigned id)
{
    struct io_uring_buf *b =
        &ring->buf_ring[ring->buf_tail & (ring->buf_count - 1)];
    b->addr = (__u64)(uintptr_t)uring_buffer(ring, id);
    b->len = ring->buf_size;
    b->bid = (__u16)id;
    ring->buf_tail++;
}

/* The ring's tail shares its slot with bufs[0].resv; release: the entry
 * written above is visible before the kernel sees the tail move past it. */
static void buffers_publish(Uring *ring)
{
    _Atomic unsigned short *tail =
        (_Atomic unsigned short *)&ring->buf_ring[0].resv;
    atomic_store_explicit(tail, (unsigned short)ring->buf_tail,
                          memory_order_release);
}

int uring_buffers_open(Uring *ring, unsigned short group, unsigned count,
                       unsigned size)
{
    size_t ring_size = count * sizeof *ring->buf_ring;
    ring->buf_ring = mmap(NULL, ring_size, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ring->buf_ring == MAP_FAILED) {
        ring->buf_ring = NULL;
        return -errno;
    }
    /* Pages of it are touched only when a receive lands in them. */
    ring->buf_memory = mmap(NULL, (size_t)count * size, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    struct io_uring_buf_reg reg = {.ring_addr =
                                       (__u64)(uintptr_t)ring->buf_ring,
                                   .ring_entries = count,
                                   .bgid = group};
    if (ring->buf_memory == MAP_FAILED ||
        sys_register(ring->fd, IORING_REGISTER_PBUF_RING, &reg, 1) < 0) {
        int error = errno;
        munmap(ring->buf_ring, ring_size);
        if (ring->buf_memory != MAP_FAILED)
            munmap(ring->buf_memory, (size_t)count * size);
        ring->buf_ring = NULL;
        return -error;
    }
    ring->buf_count = count;
    ring->buf_size = size;
    ring->buf_group = group;
    ring->buf_tail = 0;
    for (unsigned id = 0; id < count; id++)
        buffer_add(ring, id);
    buffers_publish(ring);
    return 0;
}

char *uring_buffer(const Uring *ring, unsigned id)
{
    return ring->buf_memory + (size_t)id * ring->buf_size;
}

void uring_buffer_recycle(Uring *ring, unsigned id)
{
    buffer_add(ring, id);
    buffers_publish(ring);
}

#else
typedef int io_uring_is_linux_only; /* an empty file is not valid C11 */
#endif
