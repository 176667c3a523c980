/*
 * demo.c - demo 1 of the real loop (program 08-event-loop/event_loop).
 *
 * First the talk's sketch made real:
 *
 *     loop.create_task(awaitable_non_blocking_io())
 *     loop.create_task(awaitable_non_blocking_io())
 *     loop.run()
 *
 * two clients of the demo server on one thread, each asleep in the kernel
 * (epoll_wait) while the server takes its 2 s, not polling every 0.5 s.
 * Then N clients at once, for N = 1, 10 and 1,000: all of them finish in
 * about one server delay, not N delays. Needs the demo server (make server,
 * or make 08 starts one). TRACE=1 draws the loop's timeline on stderr.
 */
#include "loop/exception.h"
#include "loop/gather.h"
#include "loop/loop.h"
#include "loop/sock_ops.h"
#include "loop/task.h"
#include "loop/trace.h"
#include "talk.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* async def awaitable_non_blocking_io(n): one request to the demo server:
 *     sock = socket(); sock.setblocking(False)
 *     await loop.sock_connect(sock, ('127.0.0.1', PORT))
 *     await loop.sock_sendall(sock, message)
 *     answer = await loop.sock_recv(sock, 1024)   # until all of it is back
 *     sock.close() */
typedef struct {
    Gen gen;
    Loop *loop;
    struct sockaddr_in address;
    int fd;
    union { /* one at a time: they share the frame's memory */
        SockConnect connect;
        SockSendAll send;
        SockRecv recv;
    } io;
    char message[32];
    char answer[64];
    size_t length, got;
    void *ignored;
    int error;
} Client;

static GenStatus client_step(Gen *g)
{
    Client *c = (Client *)g;
    GEN_BEGIN(g);
    c->fd = tcp_socket_nonblocking();
    if (c->fd == -1)
        RAISE(g, errno);
    sock_connect(&c->io.connect, c->loop, c->fd, &c->address);
    TRY_AWAIT(g, &c->io.connect.gen, c->ignored, c->error);
    if (c->error)
        goto failed;
    sock_sendall(&c->io.send, c->loop, c->fd, c->message, c->length);
    TRY_AWAIT(g, &c->io.send.gen, c->ignored, c->error);
    if (c->error)
        goto failed;
    while (c->got < c->length) {
        sock_recv(&c->io.recv, c->loop, c->fd, c->answer + c->got,
                  sizeof c->answer - 1 - c->got);
        TRY_AWAIT(g, &c->io.recv.gen, c->ignored, c->error);
        if (c->error || c->io.recv.received == 0) {
            c->error = c->error ? c->error : ECONNRESET; /* closed early */
            goto failed;
        }
        c->got += (size_t)c->io.recv.received;
    }
    loop_close_fd(c->loop, c->fd);
    if (memcmp(c->answer, c->message, c->length) != 0)
        RAISE(g, EBADMSG);
    GEN_RETURN(g, c->answer);
failed: /* Python: finally: sock.close(), and the exception goes on up */
    loop_close_fd(c->loop, c->fd);
    RAISE(g, c->error);
    GEN_END(g);
}

static void client_init(Client *c, Loop *loop, const char *fmt, int n)
{
    memset(c, 0, sizeof *c);
    c->loop = loop;
    c->address.sin_family = AF_INET;
    c->address.sin_port = htons((unsigned short)env_port());
    c->address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->length = (size_t)snprintf(c->message, sizeof c->message, fmt, n);
    c->fd = -1;
    gen_init(&c->gen, client_step, "awaitable_non_blocking_io");
}

/* Each section times itself, as the talk's cells do; under TRACE=1 every
 * line counts from the program's start instead, on the trace's clock. */
static Timer program_clock;
static bool one_clock;

static Timer section_timer(void)
{
    return one_clock ? program_clock : timer_start(NULL);
}

static void fail(int error)
{
    fprintf(stderr,
            "event_loop: a client failed: %s (hint: is the demo "
            "server running? make server, or make 08 starts one)\n",
            strerror(error));
    exit(1);
}

/* A server that never answers must not keep the clients waiting forever. */
static void give_up_waiting(void *unused)
{
    (void)unused;
    give_up();
}

/* Runs n clients as n tasks, gathered; returns the seconds they took.
 * They give up after patience() (talk.h), longer for a crowd: the demo
 * server starts a thread per client. */
static double run_clients(Loop *loop, Client *clients, int n, const char *fmt,
                          const char *const *names)
{
    Task *tasks = calloc((size_t)n, sizeof *tasks);
    Future **futures = calloc((size_t)n, sizeof *futures);
    void **results = calloc((size_t)n, sizeof *results);
    if (!tasks || !futures || !results)
        die("calloc", "out of memory");
    double began = monotonic_now();
    for (int i = 0; i < n; i++) {
        client_init(&clients[i], loop, fmt, i + 1);
        const char *name = names ? names[i] : "client";
        futures[i] =
            &create_task(loop, &tasks[i], &clients[i].gen, name)->future;
    }
    Gather all;
    Future *done = gather(&all, loop, futures, n, results);
    TimerHandle give_up_timer;
    call_later(loop, &give_up_timer, patience() * (1 + n / 100.0),
               give_up_waiting, NULL);
    if (run_until_complete(loop, done) == -1)
        exit(1);
    timer_cancel(loop, &give_up_timer);
    double took = monotonic_now() - began;
    if (done->error)
        fail(done->error);
    for (int i = 0; i < n; i++)
        future_free(futures[i]);
    future_free(done);
    free(tasks);
    free(futures);
    free(results);
    return took;
}

static void the_talks_sketch(Loop *loop)
{
    Timer t = section_timer();
    Client clients[2];
    timer_log(&t, "loop.create_task(awaitable_non_blocking_io()) x2, run");
    double took = run_clients(loop, clients, 2, "Hello world %d",
                              (const char *const[]){"task1", "task2"});
    for (int i = 0; i < 2; i++)
        timer_log(&t, "task%d result: \"%s\"", i + 1, clients[i].answer);
    char delta[32];
    format_delta(delta, sizeof delta, took);
    timer_log(&t, "both answers in %s: one server delay, not two", delta);
}

static void n_clients(Loop *loop, int n, long fd_limit)
{
    Timer t = section_timer();
    if (fd_limit < n + 32) {
        timer_log(&t,
                  "%d clients: skipped, they need %d descriptors and the "
                  "limit is %ld (hint: ulimit -n %d)",
                  n, n + 32, fd_limit, n + 32);
        return;
    }
    Client *clients = calloc((size_t)n, sizeof *clients);
    if (!clients)
        die("calloc", "out of memory");
    double took = run_clients(loop, clients, n, "client %d", NULL);
    char delta[32];
    format_delta(delta, sizeof delta, took);
    timer_log(&t, "%d client%s: %d answer%s in %s", n, n == 1 ? "" : "s", n,
              n == 1 ? "" : "s", delta);
    free(clients);
}

/* event_loop --echo: one client of the echo_server on PORT (make 08's
 * round trip), on this loop. */
static int echo_client(Loop *loop)
{
    Client client;
    run_clients(loop, &client, 1, "Hello, echo %d",
                (const char *const[]){"echo client"});
    printf("echo_server answered \"%s\"\n", client.answer);
    loop_close(loop);
    return 0;
}

#ifndef STAGE_NO_MAIN
static const char USAGE[] =
    "usage: event_loop [--help] [--echo]\n"
    "  Stage 08's real loop, demo 1: the talk's sketch, then 1, 10 and\n"
    "  1,000 clients at once against the demo server (make 08 starts it).\n"
    "  --echo: one round trip to the echo_server on PORT instead.\n"
    "  ASYNCIO_SELECTOR=epoll|kqueue|poll: the loop's selector;\n"
    "  ASYNCIO_REGISTRATION=per-wait|persistent; TRACE=1: a timeline.\n"
    "  The clients give up when no answer comes.\n" CLIENT_ENVIRONMENT;

int main(int argc, char **argv)
{
    talk_init(argv);
    help_if_asked(argc, argv, USAGE);
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "--echo") != 0))
        bad_argument(argv[argc - 1], "not an option: --echo or none");
    signal(SIGPIPE, SIG_IGN); /* where send() has no MSG_NOSIGNAL (macOS) */
    long fd_limit = raise_fd_limit();
    program_clock = timer_start(NULL);
    Loop *loop = loop_new(NULL);
    if (!loop)
        return 1;
    one_clock = trace_from_env(loop, &program_clock);
    if (argc == 2)
        return echo_client(loop);
    printf("== the talk's sketch, on the real loop (%s) ==\n",
           loop_selector_name(loop));
    the_talks_sketch(loop);
    printf(
        "== N clients at once: the server waits 2 s (x TIME_SCALE) per answer "
        "==\n");
    int counts[] = {1, 10, 1000};
    for (int i = 0; i < 3; i++)
        n_clients(loop, counts[i], fd_limit);
    loop_close(loop);
    return 0;
}
#endif
