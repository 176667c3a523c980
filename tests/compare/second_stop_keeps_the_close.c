/*
 * second_stop_keeps_the_close.c - echo_server's shutdown: the first stop
 * cancels serve, which cancels its connections and waits until all are
 * closed; a second stop meanwhile is ignored, so the close completes. As
 * second_stop_keeps_the_close.py.
 */
#include "../../08-event-loop/loop/asyncio.h"

#include <stdio.h>

static Loop *loop;
static Task serve_task;
static bool stop_requested;

static void stop(void *arg) /* what SIGINT calls */
{
    (void)arg;
    if (stop_requested) {
        printf("stop: already stopping, ignored\n");
        return;
    }
    stop_requested = true;
    printf("stop: cancels serve\n");
    task_cancel(&serve_task);
}

typedef struct {
    Gen gen;
    const char *name;
    Sleep sleep;
    void *ignored;
    int error;
} Connection;

static GenStatus connection_step(Gen *g)
{
    Connection *c = (Connection *)g;
    GEN_BEGIN(g);
    asleep(&c->sleep, loop, 10);
    TRY_AWAIT(g, &c->sleep.gen, c->ignored, c->error);
    printf("%s closes\n", c->name); /* Python: finally */
    if (c->error)
        RAISE(g, c->error);
    GEN_END(g);
}

typedef struct {
    Gen gen;
    Connection frame[2];
    Task connection[2];
    Future all_closed;
    int open;
    Sleep sleep;
    FutureAwait await;
    void *ignored;
    int error;
} Serve;

static void closed(void *arg)
{
    Serve *s = arg;
    if (--s->open == 0)
        future_set_result(&s->all_closed, NULL);
}

static GenStatus serve_step(Gen *g)
{
    Serve *s = (Serve *)g;
    GEN_BEGIN(g);
    s->frame[0].name = "connection 1";
    s->frame[1].name = "connection 2";
    future_init(&s->all_closed, loop);
    s->open = 2;
    for (int i = 0; i < 2; i++) {
        create_task(loop, &s->connection[i],
                    gen_init(&s->frame[i].gen, connection_step, "connection"),
                    "connection");
        future_add_done_callback(&s->connection[i].future, closed, s);
    }
    asleep(&s->sleep, loop, 10); /* accepting */
    TRY_AWAIT(g, &s->sleep.gen, s->ignored, s->error);
    if (s->error == ECANCELED)
        printf("serve: cancelled, closes every connection\n");
    for (int i = 0; i < 2; i++)
        task_cancel(&s->connection[i]);
    call_soon(loop, stop, NULL); /* SIGINT again, while serve waits */
    future_await(&s->await, &s->all_closed);
    AWAIT(g, &s->await.gen, s->ignored);
    printf("serve: all closed\n");
    GEN_END(g);
}

int main(void)
{
    loop = loop_new(NULL);
    if (!loop)
        return 1;
    static Serve s;
    create_task(loop, &serve_task, gen_init(&s.gen, serve_step, "serve"),
                "serve");
    TimerHandle t;
    call_later(loop, &t, 0.01, stop, NULL);
    run_until_complete(loop, &serve_task.future);
    printf("serve finished, cancelled: %s\n",
           future_cancelled(&serve_task.future) ? "True" : "False");
    loop_close(loop);
    return 0;
}
