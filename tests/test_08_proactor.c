/*
 * test_08_proactor.c - what only the io_uring proactor does (loop/proactor.h):
 * its ordering (sock_recv always yields; a completion wakes its task in
 * the same iteration), cancellation while the kernel owns an operation,
 * a socket closed under a receive, more receives than provided buffers and
 * more operations than the submission ring, readers, writers and signals
 * on io_uring's poll, errors and EOF, a long sendall; and where io_uring
 * is refused or ASYNCIO_LOOP is wrong, what the loop says.
 *
 * Not a loop test: it asks for the proactor itself (loop_new("io_uring")),
 * and says [SKIP] where this machine has none.
 */
#include "../08-event-loop/loop/asyncio.h"
#include "harness.h"
#include "loop_under_test.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static Loop *loop;
static int log_[8];
static int nlog;

#define ARG(n) ((void *)(intptr_t)(n))

/* Counts every call; keeps the first few. */
static void record(void *arg)
{
    if (nlog < (int)(sizeof log_ / sizeof *log_))
        log_[nlog] = (int)(intptr_t)arg;
    nlog++;
}

static void setup(void)
{
    signal(SIGPIPE, SIG_IGN);
    nlog = 0;
    loop = loop_new("io_uring");
    cr_assert(loop, "loop_new(\"io_uring\") failed");
}

static void teardown(void)
{
    loop_close(loop);
}

TestSuite(proactor, .init = setup, .fini = teardown,
          .timeout = 30 * BUILD_SLOWDOWN);

/* False, said in a [SKIP] line, where io_uring is missing or refused. */
static bool have_proactor(void)
{
    if (loop_proactor(loop))
        return true;
    note_skipped("test_08_proactor: no io_uring proactor here: its own "
                 "tests do not run");
    return false;
}

static ProactorStats stats(void)
{
    return proactor_stats(loop_proactor(loop));
}

/* A connected, non-blocking AF_UNIX pair: [0] the loop's, [1] the peer's. */
static void socket_pair(int pair[2])
{
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0, "%s",
                 strerror(errno));
    for (int i = 0; i < 2; i++)
        fcntl(pair[i], F_SETFL, fcntl(pair[i], F_GETFL) | O_NONBLOCK);
}

/* Iterations until f is done (the loop has work: operations in flight). */
static int iterations_until_done(Future *f)
{
    int n = 0;
    while (!future_done(f)) {
        cr_assert(loop_has_work(loop), "the loop has nothing left to wait for");
        loop_run_once(loop);
        n++;
    }
    return n;
}

/* Runs the loop until the kernel has given back every operation. */
static void run_until_nothing_in_flight(void)
{
    for (int i = 0; stats().in_flight > 0; i++) {
        cr_assert_lt(i, 1000, "%llu operations still in flight",
                     stats().in_flight);
        loop_run_once(loop);
    }
}

/* await sock_recv(fd, size), then record(1); raises what recv raises. */
typedef struct {
    Gen gen;
    int fd;
    char buf[4096];
    SockRecv recv;
    void *ignored;
} Receiver;

static GenStatus receiver_step(Gen *g)
{
    Receiver *r = (Receiver *)g;
    GEN_BEGIN(g);
    sock_recv(&r->recv, loop, r->fd, r->buf, sizeof r->buf);
    AWAIT(g, &r->recv.gen, r->ignored);
    record(ARG(1));
    GEN_RETURN(g, ARG(r->recv.received));
    GEN_END(g);
}

static Gen *receiver(Receiver *r, int fd)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    return gen_init(&r->gen, receiver_step, "receiver");
}

/* A task that records 2 in its first step. */
typedef struct {
    Gen gen;
} Other;

static GenStatus other_step(Gen *g)
{
    GEN_BEGIN(g);
    record(ARG(2));
    GEN_END(g);
}

static void expect_received(Receiver *r, const char *text)
{
    size_t len = strlen(text);
    cr_assert_eq((size_t)r->recv.received, len, "received %zd bytes, not %zu",
                 r->recv.received, len);
    cr_assert(memcmp(r->buf, text, len) == 0, "received %.*s, not %s", (int)len,
              r->buf, text);
}

/* --- ordering: asyncio's proactor, not its selector loop ----------------- */

/* With the data already there, the readiness loop's sock_recv returns in
 * its task's first step, before the next task runs (1, 2); the proactor's
 * submits, yields, and the other task runs first (2, 1). */
Test(proactor, sock_recv_yields_even_when_the_data_is_there)
{
    if (!have_proactor())
        return;
    int pair[2];
    socket_pair(pair);
    cr_assert_eq(write(pair[1], "hello", 5), 5);
    Receiver r;
    Other o;
    Task receiving, other;
    create_task(loop, &receiving, receiver(&r, pair[0]), "receiver");
    create_task(loop, &other, gen_init(&o.gen, other_step, "other"), "other");
    cr_assert_eq(run_until_complete(loop, &receiving.future), 0);
    cr_assert_eq(nlog, 2);
    cr_assert(log_[0] == 2 && log_[1] == 1,
              "the receiver finished before the other task ran: sock_recv "
              "returned without yielding");
    expect_received(&r, "hello");
    close(pair[0]);
    close(pair[1]);
}

/* The completion sets the future inside the wait, and the task steps in
 * that iteration's pass: one iteration. (The readiness loop takes two:
 * its reader runs in the pass, the task steps in the next.) */
Test(proactor, a_completion_wakes_its_task_in_the_same_iteration)
{
    if (!have_proactor())
        return;
    int pair[2];
    socket_pair(pair);
    Receiver r;
    Task receiving;
    create_task(loop, &receiving, receiver(&r, pair[0]), "receiver");
    run_first_steps(loop); /* the receive is in the kernel's hands */
    cr_assert_eq(stats().in_flight, 1);
    cr_assert_eq(write(pair[1], "hello", 5), 5);
    int took = iterations_until_done(&receiving.future);
    cr_assert_eq(took, 1,
                 "the receiving task finished after %d iterations, "
                 "not in the one its completion arrived in",
                 took);
    expect_received(&r, "hello");
    close(pair[0]);
    close(pair[1]);
}

/* --- cancellation while the kernel owns the operation -------------------- */

Test(proactor, a_receive_cancelled_in_flight_is_freed_by_its_late_completion)
{
    if (!have_proactor())
        return;
    int pair[2];
    socket_pair(pair);
    Receiver r;
    Task receiving;
    create_task(loop, &receiving, receiver(&r, pair[0]), "receiver");
    run_first_steps(loop);
    cr_assert_eq(stats().in_flight, 1);
    cr_assert(task_cancel(&receiving));
    /* The task goes at once: one iteration, without waiting for the
     * kernel (nothing ever arrives on this socket). */
    cr_assert_eq(iterations_until_done(&receiving.future), 1);
    cr_assert(future_cancelled(&receiving.future));
    cr_assert_eq(nlog, 0, "the cancelled task went past its receive");
    /* The kernel's cancelled completion frees the record (ASan's leak
     * check would see it otherwise) and gives its buffer back. */
    run_until_nothing_in_flight();
    /* What is sent afterwards goes to the next receive, not the orphan. */
    cr_assert_eq(write(pair[1], "after", 5), 5);
    Receiver next;
    Task again;
    create_task(loop, &again, receiver(&next, pair[0]), "next");
    cr_assert_eq(run_until_complete(loop, &again.future), 0);
    expect_received(&next, "after");
    close(pair[0]);
    close(pair[1]);
}

/* Python: loop.call_soon(sock.close) while another task awaits
 * sock_recv: the proactor's ERROR_OPERATION_ABORTED -> ConnectionResetError. */
static int closing_fd;

static void close_it(void *arg)
{
    (void)arg;
    loop_close_fd(loop, closing_fd);
}

Test(proactor, a_socket_closed_under_a_receive_raises_econnreset)
{
    if (!have_proactor())
        return;
    int pair[2];
    socket_pair(pair);
    Receiver r;
    Task receiving;
    create_task(loop, &receiving, receiver(&r, pair[0]), "receiver");
    run_first_steps(loop);
    closing_fd = pair[0];
    call_soon(loop, close_it, NULL);
    cr_assert_eq(run_until_complete(loop, &receiving.future), 0);
    cr_assert_eq(receiving.future.error, ECONNRESET,
                 "the receiving task ended with %s, not ECONNRESET",
                 strerror(receiving.future.error));
    run_until_nothing_in_flight();
    close(pair[1]);
}

/* --- more at once than the rings hold ------------------------------------ */

/* n receives in flight at once, then every peer sends its own message:
 * each task must get exactly its own bytes. */
static void many_receives(int n)
{
    raise_our_fd_limit(2 * n + 64);
    int(*pairs)[2] = calloc((size_t)n, sizeof *pairs);
    Receiver *rs = calloc((size_t)n, sizeof *rs);
    Task *tasks = calloc((size_t)n, sizeof *tasks);
    cr_assert(pairs && rs && tasks);
    for (int i = 0; i < n; i++) {
        socket_pair(pairs[i]);
        create_task(loop, &tasks[i], receiver(&rs[i], pairs[i][0]), "r");
    }
    run_first_steps(loop); /* n receives queued in one pass */
    char message[32];
    for (int i = 0; i < n; i++) {
        int len = snprintf(message, sizeof message, "message %d", i);
        cr_assert_eq(write(pairs[i][1], message, (size_t)len), len);
    }
    for (int i = 0; i < n; i++) {
        cr_assert_eq(run_until_complete(loop, &tasks[i].future), 0);
        snprintf(message, sizeof message, "message %d", i);
        expect_received(&rs[i], message);
    }
    cr_assert_eq(nlog, n);
    for (int i = 0; i < n; i++)
        close(pairs[i][0]), close(pairs[i][1]);
    free(pairs);
    free(rs);
    free(tasks);
}

Test(proactor, more_receives_than_provided_buffers_all_arrive)
{
    if (!have_proactor())
        return;
    many_receives(700); /* 512 provided buffers */
    cr_assert_gt(stats().nobufs, 0,
                 "no receive ran out of buffers: the test tested nothing");
}

Test(proactor, more_operations_than_the_submission_ring_all_complete)
{
    if (!have_proactor())
        return;
    many_receives(1300); /* 1,024 submission entries */
    cr_assert_gt(stats().full_submits, 0,
                 "the submission ring never filled: the test tested nothing");
}

/* --- accept, connect, EOF, a long sendall -------------------------------- */

typedef struct {
    Gen gen;
    int listener;
    SockAccept accept;
    void *ignored;
} Acceptor;

static GenStatus acceptor_step(Gen *g)
{
    Acceptor *a = (Acceptor *)g;
    GEN_BEGIN(g);
    sock_accept(&a->accept, loop, a->listener);
    AWAIT(g, &a->accept.gen, a->ignored);
    record(ARG(1));
    GEN_END(g);
}

static Task accepting;
static Acceptor acceptor;

/* Queued before each wait: runs first in the pass after the accept's
 * completion came (before its task), and cancels the task there. */
static void cancel_once_accepted(void *arg)
{
    (void)arg;
    if (future_done(&acceptor.accept.wait.op.future))
        cr_assert(task_cancel(&accepting));
    else
        call_soon(loop, cancel_once_accepted, NULL);
}

Test(proactor, an_accept_cancelled_after_its_completion_leaks_no_descriptor)
{
    if (!have_proactor())
        return;
    int port;
    int listener = tcp_listen(0, &port);
    cr_assert_neq(listener, -1);
    int baseline = count_fds(getpid());
    acceptor = (Acceptor){.listener = listener};
    create_task(loop, &accepting,
                gen_init(&acceptor.gen, acceptor_step, "acceptor"), "a");
    run_first_steps(loop);
    int client = tcp_connect(port);
    cr_assert_neq(client, -1);
    call_soon(loop, cancel_once_accepted, NULL);
    cr_assert_eq(run_until_complete(loop, &accepting.future), 0);
    cr_assert(future_cancelled(&accepting.future),
              "the acceptor was not cancelled");
    cr_assert_eq(nlog, 0, "the cancelled acceptor went on");
    run_until_nothing_in_flight();
    close(client);
    cr_assert_eq(count_fds(getpid()), baseline,
                 "the accepted descriptor of a cancelled accept leaked");
    close(listener);
}

typedef struct {
    Gen gen;
    int fd;
    struct sockaddr_in address;
    SockConnect connect;
    void *ignored;
} Connector;

static GenStatus connector_step(Gen *g)
{
    Connector *c = (Connector *)g;
    GEN_BEGIN(g);
    sock_connect(&c->connect, loop, c->fd, &c->address);
    AWAIT(g, &c->connect.gen, c->ignored);
    GEN_END(g);
}

Test(proactor, connect_where_nobody_listens_raises_econnrefused)
{
    if (!have_proactor())
        return;
    int port;
    int held = hold_port(&port, false);
    Connector c = {.fd = tcp_socket_nonblocking()};
    c.address.sin_family = AF_INET;
    c.address.sin_port = htons((uint16_t)port);
    c.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    Task connecting;
    create_task(loop, &connecting, gen_init(&c.gen, connector_step, "c"), "c");
    cr_assert_eq(run_until_complete(loop, &connecting.future), 0);
    cr_assert_eq(connecting.future.error, ECONNREFUSED,
                 "connect ended with %s, not ECONNREFUSED",
                 strerror(connecting.future.error));
    close(c.fd);
    close(held);
}

Test(proactor, eof_gives_0)
{
    if (!have_proactor())
        return;
    int pair[2];
    socket_pair(pair);
    Receiver r;
    Task receiving;
    create_task(loop, &receiving, receiver(&r, pair[0]), "receiver");
    run_first_steps(loop);
    close(pair[1]);
    cr_assert_eq(run_until_complete(loop, &receiving.future), 0);
    cr_assert_eq(receiving.future.error, 0, "%s",
                 strerror(receiving.future.error));
    cr_assert_eq(r.recv.received, 0, "EOF gave %zd", r.recv.received);
    close(pair[0]);
}

enum { SENDALL_SIZE = 6 << 20 };

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 7 % 251);
}

/* A slow reader: small reads, each a system call of its own. */
static void *read_slowly(void *arg)
{
    int fd = *(int *)arg;
    size_t got = 0;
    unsigned char chunk[512];
    while (got < SENDALL_SIZE) {
        struct pollfd p = {fd, POLLIN, 0};
        poll(&p, 1, -1);
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (chunk[i] != pattern(got + (size_t)i))
                return NULL; /* a wrong byte: got stays short */
        got += (size_t)n;
    }
    return (void *)(uintptr_t)got;
}

typedef struct {
    Gen gen;
    int fd;
    const unsigned char *data;
    SockSendAll send;
    void *ignored;
} Sender;

static GenStatus sender_step(Gen *g)
{
    Sender *s = (Sender *)g;
    GEN_BEGIN(g);
    sock_sendall(&s->send, loop, s->fd, s->data, SENDALL_SIZE);
    AWAIT(g, &s->send.gen, s->ignored);
    GEN_END(g);
}

Test(proactor, a_sendall_of_megabytes_to_a_slow_reader_delivers_every_byte)
{
    if (!have_proactor())
        return;
    int pair[2];
    socket_pair(pair);
    unsigned char *data = malloc(SENDALL_SIZE);
    cr_assert(data);
    for (size_t i = 0; i < SENDALL_SIZE; i++)
        data[i] = pattern(i);
    pthread_t reader;
    cr_assert_eq(pthread_create(&reader, NULL, read_slowly, &pair[1]), 0);
    Sender s = {.fd = pair[0], .data = data};
    Task sending;
    create_task(loop, &sending, gen_init(&s.gen, sender_step, "sender"), "s");
    cr_assert_eq(run_until_complete(loop, &sending.future), 0);
    cr_assert_eq(sending.future.error, 0, "%s", strerror(sending.future.error));
    void *got;
    pthread_join(reader, &got);
    cr_assert_eq((size_t)(uintptr_t)got, (size_t)SENDALL_SIZE,
                 "the reader got %zu right bytes of %d", (size_t)(uintptr_t)got,
                 SENDALL_SIZE);
    free(data);
    close(pair[0]);
    close(pair[1]);
}

/* --- readers, writers and signals on io_uring's poll --------------------- */

static int pipe_fds[2];

static void on_readable(void *arg)
{
    char byte;
    cr_assert_eq(read(pipe_fds[0], &byte, 1), 1);
    record(arg);
    remove_reader(loop, pipe_fds[0]);
}

static void on_writable(void *arg)
{
    record(arg);
    remove_writer(loop, pipe_fds[1]);
}

static void stop_when_both(void *arg)
{
    (void)arg;
    if (nlog == 2)
        loop_stop(loop);
    else
        call_soon(loop, stop_when_both, NULL);
}

Test(proactor, add_reader_and_add_writer_work_on_a_pipe)
{
    if (!have_proactor())
        return;
    cr_assert_eq(pipe(pipe_fds), 0);
    cr_assert_eq(add_reader(loop, pipe_fds[0], on_readable, ARG(1)), 0);
    cr_assert_eq(add_writer(loop, pipe_fds[1], on_writable, ARG(2)), 0);
    cr_assert_eq(write(pipe_fds[1], "x", 1), 1);
    call_soon(loop, stop_when_both, NULL);
    loop_run_forever(loop);
    cr_assert_eq(nlog, 2, "%d of the reader and the writer ran", nlog);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}

static void on_sigusr1(void *arg)
{
    record(arg);
    loop_stop(loop);
}

Test(proactor, a_signal_handler_runs)
{
    if (!have_proactor())
        return;
    cr_assert_eq(loop_add_signal_handler(loop, SIGUSR1, on_sigusr1, ARG(3)), 0);
    raise(SIGUSR1);
    loop_run_forever(loop);
    cr_assert_eq(nlog, 1);
    cr_assert_eq(log_[0], 3);
    loop_remove_signal_handlers(loop);
}

/* --- where there is no proactor, and a wrong ASYNCIO_LOOP ---------------- */

static Server refused;

static void stop_refused(void)
{
    server_stop(&refused);
}

/* tests/no_io_uring.c: io_uring_setup fails with EPERM, as under a
 * container's seccomp filter. */
Test(fallback, refused_io_uring_says_one_line_and_echoes_on_readiness,
     .fini = stop_refused, .timeout = 30 * BUILD_SLOWDOWN)
{
#ifndef __linux__
    note_skipped("test_08_proactor: io_uring's refusal is simulated with "
                 "Linux's seccomp");
    return;
#endif
    const char *const argv[] = {bin("tests/bin/no_io_uring"),
                                bin("08-event-loop/echo_server"), NULL};
    refused = server_start(
        argv, (const char *const[]){"ASYNCIO_LOOP=proactor", NULL});
    const char *line = "event loop: no io_uring proactor here (refused: "
                       "kernel.io_uring_disabled, or a seccomp filter): "
                       "running on the readiness loop (epoll)\n";
    cr_assert(strncmp(refused.said, line, strlen(line)) == 0,
              "echo_server said, before listening:\n%s", refused.said);
    const char *after = refused.said + strlen(line);
    cr_assert(strncmp(after, "listening on", 12) == 0,
              "more than one line before listening:\n%s", refused.said);
    int fd = tcp_connect(refused.port);
    cr_assert_neq(fd, -1);
    cr_assert_eq(write(fd, "still here", 10), 10);
    char back[16];
    size_t got = 0;
    while (got < 10) {
        struct pollfd p = {fd, POLLIN, 0};
        cr_assert_eq(poll(&p, 1, (int)(scaled(5) * 1000)), 1, "no echo");
        ssize_t n = read(fd, back + got, 10 - got);
        cr_assert_gt(n, 0, "the server closed the connection");
        got += (size_t)n;
    }
    cr_assert(memcmp(back, "still here", 10) == 0);
    close(fd);
    cr_assert_eq(server_stop(&refused), 0);
}

Test(fallback, a_bogus_asyncio_loop_is_one_line_and_a_failure,
     .timeout = 30 * BUILD_SLOWDOWN)
{
    const char *const argv[] = {bin("08-event-loop/echo_server"), NULL};
    Run run = run_program(
        argv, (const char *const[]){"ASYNCIO_LOOP=bogus", "PORT=0", NULL}, 10);
    cr_assert(!run.timedout, "echo_server ran on with ASYNCIO_LOOP=bogus");
    cr_assert_neq(run.status, 0);
    cr_assert_str_eq(run.err, "event loop: ASYNCIO_LOOP=bogus is not a loop "
                              "(hint: ASYNCIO_LOOP=proactor or "
                              "ASYNCIO_LOOP=readiness)\n");
    run_free(&run);
}
