/*
 * chat.c - answer. broadcast() only puts: it never sends, and never waits.
 * Each copy goes to one outbox, whose writer task sends it when its client
 * can take it and frees it; the reading task goes straight back to
 * reading. A client that hung up is skipped (its writer has been told to
 * stop), and the sender is skipped so it does not get its own words back.
 */
#include "loop/exception.h"
#include "loop/queue.h"
#include "loop/sock_ops.h"
#include "loop/task.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { CHAT_MAX_CLIENTS = 32, CHAT_CHUNK = 256 };

typedef struct ChatServer ChatServer;
typedef struct ChatClient ChatClient;

typedef struct { /* the reading task's frame */
    Gen gen;
    ChatClient *client;
    SockRecv recv;
    char buf[CHAT_CHUNK];
    void *ignored;
    int error;
} Reader;

typedef struct { /* the writing task's frame */
    Gen gen;
    ChatClient *client;
    QueueOp get;
    SockSendAll send;
    char *message; /* what outbox.get() gave: NULL means stop */
    void *ignored;
    int error;
} Writer;

struct ChatClient {
    ChatServer *server;
    int fd;
    bool connected; /* false once it hung up: no more messages for it */
    Queue outbox;   /* malloc'd C strings, freed once sent; NULL: stop */
    Reader reader;
    Writer writer;
    Task reader_task, writer_task;
};

struct ChatServer {
    Loop *loop;
    int listener;
    ChatClient clients[CHAT_MAX_CLIENTS];
    int nclients; /* slots used so far (a slot is not reused) */
    Gen gen;      /* the accepting task's frame */
    SockAccept accept;
    void *ignored;
    int error;
    Task task;
};

/* A copy of data[0..size) as a C string, for one outbox. */
static char *message_copy(const char *data, size_t size)
{
    char *copy = malloc(size + 1);
    if (copy) {
        memcpy(copy, data, size);
        copy[size] = '\0';
    }
    return copy;
}

/* Puts a copy of data in the outbox of every connected client but the
 * sender. The outboxes have no bound, so a put never waits: a put that
 * waited would let one slow client hold up every other. */
static void broadcast(ChatServer *s, const ChatClient *sender, const char *data,
                      size_t size)
{
    for (int i = 0; i < s->nclients; i++) {
        ChatClient *c = &s->clients[i];
        if (c == sender || !c->connected)
            continue;
        char *copy = message_copy(data, size);
        if (copy)
            queue_put_nowait(&c->outbox, copy);
    }
}

static GenStatus reader_step(Gen *g)
{
    Reader *r = (Reader *)g;
    ChatClient *c = r->client;
    GEN_BEGIN(g);
    for (;;) {
        sock_recv(&r->recv, c->server->loop, c->fd, r->buf, sizeof r->buf);
        TRY_AWAIT(g, &r->recv.gen, r->ignored, r->error);
        if (r->error || r->recv.received == 0)
            break; /* reset, or it hung up */
        broadcast(c->server, c, r->buf, (size_t)r->recv.received);
    }
    c->connected = false;
    queue_put_nowait(&c->outbox, NULL); /* the writer stops and closes */
    GEN_END(g);
}

static GenStatus writer_step(Gen *g)
{
    Writer *w = (Writer *)g;
    ChatClient *c = w->client;
    GEN_BEGIN(g);
    for (;;) {
        queue_get(&w->get, &c->outbox);
        AWAIT(g, &w->get.gen, w->message);
        if (!w->message)
            break;
        if (!w->error) { /* after an error, drain the queue unsent */
            sock_sendall(&w->send, c->server->loop, c->fd, w->message,
                         strlen(w->message));
            TRY_AWAIT(g, &w->send.gen, w->ignored, w->error);
        }
        free(w->message);
    }
    loop_close_fd(c->server->loop, c->fd);
    GEN_END(g);
}

static void start_client(ChatServer *s, int fd)
{
    if (s->nclients == CHAT_MAX_CLIENTS) {
        loop_close_fd(s->loop, fd);
        return;
    }
    ChatClient *c = &s->clients[s->nclients++];
    *c = (ChatClient){.server = s, .fd = fd, .connected = true};
    queue_init(&c->outbox, s->loop, 0);
    queue_put_nowait(&c->outbox, message_copy("welcome\n", 8));
    c->reader.client = c->writer.client = c;
    create_task(s->loop, &c->reader_task,
                gen_init(&c->reader.gen, reader_step, "reader"), NULL);
    create_task(s->loop, &c->writer_task,
                gen_init(&c->writer.gen, writer_step, "writer"), NULL);
}

static GenStatus serve_step(Gen *g)
{
    ChatServer *s = (ChatServer *)((char *)g - offsetof(ChatServer, gen));
    GEN_BEGIN(g);
    for (;;) {
        sock_accept(&s->accept, s->loop, s->listener);
        TRY_AWAIT(g, &s->accept.gen, s->ignored, s->error);
        if (s->error)
            break;
        start_client(s, s->accept.accepted);
    }
    GEN_END(g);
}

/* Python: await asyncio.start_server(client, sock=listener). Returns the
 * accepting task's future: it runs until an accept fails. */
Future *chat_serve(ChatServer *s, Loop *loop, int listener)
{
    s->loop = loop;
    s->listener = listener;
    s->nclients = 0;
    return &create_task(loop, &s->task, gen_init(&s->gen, serve_step, "serve"),
                        "serve")
                ->future;
}
