/*
 * echo_server.c - demo 2 of the real loop: an echo server, one coroutine
 * per connection, every connection on one thread. Python's equivalent:
 *
 *     async def echo(conn):
 *         try:
 *             while data := await loop.sock_recv(conn, 65536):
 *                 await loop.sock_sendall(conn, data)
 *         finally:
 *             conn.close()
 *
 *     async def serve(listener):
 *         while True:
 *             conn, _ = await loop.sock_accept(listener)
 *             loop.create_task(echo(conn))
 *
 * A connection costs its task and its frame (a few hundred bytes) and no
 * buffer: every connection reads into one shared buffer and sends from it
 * at once; only bytes the kernel would not take yet are copied aside. That
 * is how 10,000 connections fit in a few MB.
 *
 *   echo_server [--port N]   (else PORT, default 8080; 0: any free port)
 *   ASYNCIO_SELECTOR=poll, ASYNCIO_REGISTRATION=per-wait: see loop/loop.h
 *
 * SIGINT or SIGTERM: close every connection, exit 0.
 */
#include "loop/exception.h"
#include "loop/loop.h"
#include "loop/signals.h"
#include "loop/sleep.h"
#include "loop/sock_ops.h"
#include "loop/task.h"
#include "loop/trace.h"
#include "talk.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SHARED_BUFFER_SIZE = 64 * 1024 };
static const double ACCEPT_PAUSE = 0.1; /* seconds, when out of fds */

static char shared_buffer[SHARED_BUFFER_SIZE];

typedef struct Server Server;

/* async def echo(conn). A frame holds only what lives across an await:
 * the recv and the sendall are never pending together, so they share. */
typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    union {
        SockRecv recv;
        SockSendAll send;
    } io;
    void *ignored;
    int error;
} Echo;

typedef struct Connection {
    Task task;
    Echo echo;
    Server *server;
    struct Connection *prev, *next;
} Connection;

struct Server {
    Loop *loop;
    int listener;
    Task task;
    Gen gen; /* async def serve(listener), inlined: its frame follows */
    SockAccept accept;
    Sleep pause;
    void *ignored;
    int error;
    Connection *connections; /* to close them all when stopping */
    long nconnections;
    bool stop_requested, stopping, said_out_of_fds;
    Future all_closed;
};

static GenStatus echo_step(Gen *g)
{
    Echo *e = (Echo *)g;
    GEN_BEGIN(g);
    for (;;) {
        sock_recv(&e->io.recv, e->loop, e->fd, shared_buffer,
                  sizeof shared_buffer);
        TRY_AWAIT(g, &e->io.recv.gen, e->ignored, e->error);
        if (e->error || e->io.recv.received == 0)
            break; /* reset, or the peer is done: half-close included */
        sock_sendall(&e->io.send, e->loop, e->fd, shared_buffer,
                     (size_t)e->io.recv.received);
        TRY_AWAIT(g, &e->io.send.gen, e->ignored, e->error);
        if (e->error)
            break; /* EPIPE, ECONNRESET, or cancelled: we are stopping */
    }
    loop_close_fd(e->loop, e->fd); /* Python: finally: conn.close() */
    e->fd = -1;
    GEN_END(g);
}

static void connection_done(void *arg)
{
    Connection *c = arg;
    Server *s = c->server;
    if (c->echo.fd != -1) /* cancelled before its first step */
        loop_close_fd(s->loop, c->echo.fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->connections = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->nconnections--;
    future_free(&c->task.future);
    free(c);
    if (s->stopping && s->nconnections == 0)
        future_set_result(&s->all_closed, NULL);
}

static void start_connection(Server *s, int fd)
{
    Connection *c = malloc(sizeof *c);
    if (!c) {
        loop_close_fd(s->loop, fd); /* no memory: refuse this one */
        return;
    }
    c->server = s;
    c->echo.loop = s->loop;
    c->echo.fd = fd;
    c->prev = NULL;
    c->next = s->connections;
    if (s->connections)
        s->connections->prev = c;
    s->connections = c;
    s->nconnections++;
    create_task(s->loop, &c->task, gen_init(&c->echo.gen, echo_step, "echo"),
                "echo");
    future_add_done_callback(&c->task.future, connection_done, c);
}

static bool out_of_fds(int error)
{
    return error == EMFILE || error == ENFILE || error == ENOBUFS ||
           error == ENOMEM;
}

/* EMFILE: accepting is impossible until a connection closes. Keep serving
 * the others, say so once, and try again every ACCEPT_PAUSE seconds. */
static void say_out_of_fds(Server *s)
{
    if (s->said_out_of_fds)
        return;
    s->said_out_of_fds = true;
    fprintf(stderr,
            "echo_server: out of file descriptors (%s) with %ld connections: "
            "still serving them, accepting again when some close (said "
            "once; hint: ulimit -n)\n",
            strerror(EMFILE), s->nconnections);
}

static GenStatus serve_step(Gen *g)
{
    Server *s = (Server *)((char *)g - offsetof(Server, gen));
    GEN_BEGIN(g);
    for (;;) {
        sock_accept(&s->accept, s->loop, s->listener);
        TRY_AWAIT(g, &s->accept.gen, s->ignored, s->error);
        if (s->error == ECANCELED)
            break;
        if (s->error == 0) {
            start_connection(s, s->accept.accepted);
            continue;
        }
        if (!out_of_fds(s->error)) {
            fprintf(stderr, "echo_server: accept: %s\n", strerror(s->error));
            break;
        }
        say_out_of_fds(s);
        asleep(&s->pause, s->loop, ACCEPT_PAUSE);
        TRY_AWAIT(g, &s->pause.gen, s->ignored, s->error);
        if (s->error == ECANCELED)
            break;
    }
    /* Stopping: cancel every connection and wait until all are closed. */
    s->stopping = true;
    future_init(&s->all_closed, s->loop);
    for (Connection *c = s->connections; c; c = c->next)
        task_cancel(&c->task);
    if (s->nconnections > 0) {
        future_await(&s->accept.await, &s->all_closed);
        AWAIT(g, &s->accept.await.gen, s->ignored);
    }
    loop_close_fd(s->loop, s->listener);
    GEN_END(g);
}

/* SIGINT or SIGTERM. Only the first one cancels the serve task: once it
 * is closing every connection, another cancel would cancel the future it
 * waits on, all_closed, and abandon the orderly close half-way. */
static void stop_serving(void *arg)
{
    Server *s = arg;
    if (s->stop_requested)
        return;
    s->stop_requested = true;
    task_cancel(&s->task);
}

static int port_from_args(int argc, char **argv)
{
    if (argc == 1)
        return env_port();
    char *end = NULL;
    long port = argc == 3 && strcmp(argv[1], "--port") == 0
                    ? strtol(argv[2], &end, 10)
                    : -1;
    if (!end || *end || end == argv[2] || port < 0 || port > 65535) {
        fprintf(stderr,
                "usage: echo_server [--port N]  (N in 0..65535; without "
                "--port, PORT or 8080; 0: any free port)\n");
        exit(2);
    }
    return (int)port;
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    talk_init(argv);
    int port = port_from_args(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    static Server s;
    s.loop = loop_new(NULL);
    if (!s.loop)
        return 1;
    trace_from_env(s.loop, NULL);
    s.listener = tcp_listen(port, &port);
    if (s.listener == -1)
        die("cannot listen on 127.0.0.1",
            "another server on that port? choose another: --port N, or 0");
    if (loop_add_signal_handler(s.loop, SIGINT, stop_serving, &s) == -1 ||
        loop_add_signal_handler(s.loop, SIGTERM, stop_serving, &s) == -1)
        die("signal handlers", NULL);
    fprintf(stderr, "listening on 127.0.0.1:%d\n", port);
    create_task(s.loop, &s.task, gen_init(&s.gen, serve_step, "serve"),
                "serve");
    int status = run_until_complete(s.loop, &s.task.future);
    loop_close(s.loop);
    return status == 0 ? 0 : 1;
}
#endif
