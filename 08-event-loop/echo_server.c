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
 *               [--idle-timeout S] [--max-connections N]   (USAGE below)
 *               [--loop readiness|proactor]   (else ASYNCIO_LOOP)
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

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SHARED_BUFFER_SIZE = 64 * 1024 };
static const double ACCEPT_PAUSE = 0.1; /* seconds, when out of fds */

static char shared_buffer[SHARED_BUFFER_SIZE];

static const char USAGE[] =
    "usage: echo_server [--help] [--port N] [--idle-timeout S] "
    "[--max-connections N]\n"
    "                   [--loop readiness|proactor]\n"
    "  Stage 08's real loop, demo 2: an echo server, one coroutine per\n"
    "  connection. Ctrl-C (SIGINT) or SIGTERM stops it, exit 0.\n"
    "  --port N             listen on 127.0.0.1:N (0: any free port); wins\n"
    "                       over PORT\n"
    "  --idle-timeout S     close a connection that sent nothing for S\n"
    "                       seconds (default: never)\n"
    "  --max-connections N  refuse connections beyond N (default: no cap)\n"
    "  --loop proactor      run the loop on io_uring's completions (Linux;\n"
    "                       elsewhere it says so and runs on readiness);\n"
    "                       wins over ASYNCIO_LOOP\n"
    "environment:\n"
    "  PORT=N        the port without --port (default 8080)\n"
    "  ASYNCIO_LOOP=readiness|proactor  the loop (default readiness)\n"
    "  ASYNCIO_URING=no-batch,...  the proactor's levers (see 08's README)\n"
    "  ASYNCIO_SELECTOR=epoll|kqueue|poll  the readiness loop's selector\n"
    "  ASYNCIO_REGISTRATION=per-wait|persistent  how it registers sockets\n"
    "  TRACE=1       the loop's timeline on stderr\n";

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
    TimerHandle idle; /* --idle-timeout: cancels the task */
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
    double idle_timeout;   /* seconds; 0: none */
    long max_connections;  /* 0: no cap */
    bool stop_requested;   /* a signal came: a second one changes nothing */
    bool stopping, failed; /* failed: accept did, exit 1 */
    bool said_out_of_fds, said_accept_error, said_full, said_out_of_memory;
    Future all_closed;
};

/* accept(2): Linux hands a new connection's pending network error to
 * accept, which the man page says to retry like EAGAIN. The client that
 * failed is gone; the next one is not. */
static bool client_gone(int error)
{
    switch (error) {
    case ENETDOWN:
    case EPROTO:
    case ENOPROTOOPT:
    case EHOSTDOWN:
#ifdef ENONET /* Linux's */
    case ENONET:
#endif
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case ECONNABORTED:
        return true;
    default:
        return false;
    }
}

/* A line on stderr the first time only: a server under a storm of the
 * same trouble must not flood its log. */
static void say_once(bool *said, const char *fmt, ...)
{
    if (*said)
        return;
    *said = true;
    va_list args;
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
}

/* --idle-timeout: the read has waited long enough, so the connection's
 * task is cancelled, as asyncio.wait_for cancels the read it wraps. */
static void close_idle(void *arg)
{
    Connection *c = arg;
    task_cancel(&c->task);
}

static Connection *connection_of(Echo *e)
{
    return (Connection *)((char *)e - offsetof(Connection, echo));
}

/* Python: await asyncio.wait_for(loop.sock_recv(conn, 65536), timeout),
 * as a timer around the read rather than a task per read. */
static void start_idle_timer(Echo *e)
{
    Connection *c = connection_of(e);
    if (c->server->idle_timeout > 0)
        call_later(e->loop, &c->idle, c->server->idle_timeout, close_idle, c);
}

static void stop_idle_timer(Echo *e)
{
    timer_cancel(e->loop, &connection_of(e)->idle);
}

static GenStatus echo_step(Gen *g)
{
    Echo *e = (Echo *)g;
    GEN_BEGIN(g);
    for (;;) {
        sock_recv(&e->io.recv, e->loop, e->fd, shared_buffer,
                  sizeof shared_buffer);
        start_idle_timer(e);
        TRY_AWAIT(g, &e->io.recv.gen, e->ignored, e->error);
        stop_idle_timer(e);
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
    timer_cancel(s->loop, &c->idle);
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
        say_once(&s->said_out_of_memory,
                 "echo_server: out of memory: refusing new connections "
                 "while it lasts, serving the others (said once)\n");
        loop_close_fd(s->loop, fd); /* no memory: refuse this one */
        return;
    }
    c->server = s;
    c->idle.heap_index = -1; /* not armed */
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
    say_once(&s->said_out_of_fds,
             "echo_server: out of file descriptors (%s) with %ld connections: "
             "still serving them, accepting again when some close (said "
             "once; hint: ulimit -n)\n",
             strerror(s->error), s->nconnections);
}

/* --max-connections: a client beyond the cap is accepted and closed at
 * once (Redis's way), rather than left waiting in the listen queue. */
static bool refused_over_cap(Server *s, int fd)
{
    if (s->max_connections == 0 || s->nconnections < s->max_connections)
        return false;
    say_once(&s->said_full,
             "echo_server: %ld connections, the --max-connections cap: "
             "refusing new ones until some close (said once)\n",
             s->nconnections);
    loop_close_fd(s->loop, fd);
    return true;
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
            if (!refused_over_cap(s, s->accept.accepted))
                start_connection(s, s->accept.accepted);
            continue;
        }
        if (!client_gone(s->error) && !out_of_fds(s->error)) {
            fprintf(stderr,
                    "echo_server: accept: %s (hint: the listening socket "
                    "is broken; restart the server)\n",
                    strerror(s->error));
            s->failed = true;
            break;
        }
        if (client_gone(s->error))
            say_once(&s->said_accept_error,
                     "echo_server: accept: %s: a client failed before it was "
                     "accepted; serving on (said once)\n",
                     strerror(s->error));
        else
            say_out_of_fds(s);
        /* Out of fds: wait for some to close. A client gone: yield once
         * (asleep(0)), so that a storm of such errors cannot keep the
         * connections, or a stop signal, from their turn. */
        asleep(&s->pause, s->loop, client_gone(s->error) ? 0 : ACCEPT_PAUSE);
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

/* "--flag value" for bad_argument's message. */
static const char *flag_and_value(const char *flag, const char *value)
{
    static char given[128];
    snprintf(given, sizeof given, "%s %s", flag, value);
    return given;
}

/* A whole number in min..max, or a one-line error naming the flag. */
static long number_arg(const char *flag, const char *text, long min, long max,
                       const char *why)
{
    char *end;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (errno || end == text || *end || n < min || n > max)
        bad_argument(flag_and_value(flag, text), why);
    return n;
}

static double seconds_arg(const char *flag, const char *text)
{
    char *end;
    double seconds = strtod(text, &end);
    if (end == text || *end || !(seconds > 0 && seconds < 1e9))
        bad_argument(flag_and_value(flag, text),
                     "a number of seconds above 0, e.g. 30 or 0.5");
    return seconds;
}

/* --loop proactor: what ASYNCIO_LOOP=proactor asks loop_new for. */
static void loop_arg(const char *flag, const char *value)
{
    if (strcmp(value, "proactor") != 0 && strcmp(value, "readiness") != 0)
        bad_argument(flag_and_value(flag, value),
                     "a loop: readiness (epoll, kqueue or poll) or proactor "
                     "(io_uring)");
    setenv("ASYNCIO_LOOP", value, 1);
}

/* Flags come in pairs: --name value. Returns the port. */
static int options_from_args(Server *s, int argc, char **argv)
{
    int port = -1;
    for (int i = 1; i < argc; i += 2) {
        const char *flag = argv[i];
        bool known = strcmp(flag, "--port") == 0 ||
                     strcmp(flag, "--idle-timeout") == 0 ||
                     strcmp(flag, "--max-connections") == 0 ||
                     strcmp(flag, "--loop") == 0;
        if (!known)
            bad_argument(flag, "not an option: --port N, --idle-timeout S, "
                               "--max-connections N, --loop L, or --help");
        if (i + 1 == argc)
            bad_argument(flag, strcmp(flag, "--port") == 0
                                   ? "needs a port number: --port N"
                                   : "needs a value: --idle-timeout S, "
                                     "--max-connections N, --loop L");
        const char *value = argv[i + 1];
        if (strcmp(flag, "--port") == 0)
            port = (int)number_arg(flag, value, 0, 65535,
                                   "a port is a whole number from 0 to "
                                   "65535 (0: any free one)");
        else if (strcmp(flag, "--loop") == 0)
            loop_arg(flag, value);
        else if (strcmp(flag, "--idle-timeout") == 0)
            s->idle_timeout = seconds_arg(flag, value);
        else
            s->max_connections = number_arg(flag, value, 1, LONG_MAX,
                                            "a whole number of connections, "
                                            "1 or more");
    }
    return port >= 0 ? port : env_port();
}

/* The bind error names the port, and its hint fits the reason. */
static _Noreturn void cannot_listen(int port)
{
    char what[64];
    snprintf(what, sizeof what, "cannot listen on 127.0.0.1:%d", port);
    if (errno == EADDRINUSE)
        die(what, "another server holds that port? choose another: "
                  "--port N, or --port 0 for any free one");
    if (errno == EACCES)
        die(what, "ports below 1024 need privileges: choose another, "
                  "e.g. --port 8080");
    die(what, NULL);
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--port") == 0)
            unsetenv("PORT"); /* the flag wins, even over a PORT that is
                                 no port */
    talk_init(argv);
    help_if_asked(argc, argv, USAGE);
    static Server s;
    int port = options_from_args(&s, argc, argv);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    s.loop = loop_new(NULL);
    if (!s.loop)
        return 1;
    trace_from_env(s.loop, NULL);
    s.listener = tcp_listen(port, &port);
    if (s.listener == -1)
        cannot_listen(port);
    if (loop_add_signal_handler(s.loop, SIGINT, stop_serving, &s) == -1 ||
        loop_add_signal_handler(s.loop, SIGTERM, stop_serving, &s) == -1)
        die("signal handlers", NULL);
    fprintf(stderr, "listening on 127.0.0.1:%d\n", port);
    create_task(s.loop, &s.task, gen_init(&s.gen, serve_step, "serve"),
                "serve");
    int status = run_until_complete(s.loop, &s.task.future);
    loop_close(s.loop);
    return status == 0 && !s.failed ? 0 : 1;
}
#endif
