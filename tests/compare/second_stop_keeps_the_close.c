/*
 * second_stop_keeps_the_close.c - echo_server's shutdown: the first stop
 * cancels serve, which cancels its connections and waits until all are
 * closed; a second stop meanwhile is ignored, so the close completes. As
 * second_stop_keeps_the_close.py.
 */
#include "scenario.h"

#include <stdio.h>

static Loop *loop;
static Task serve_task;
static bool stop_requested;

static void stop_serving(void *arg) /* what SIGINT calls */
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
    LongSleep frame[2];
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
    future_init(&s->all_closed, loop);
    s->open = 2;
    for (int i = 0; i < 2; i++) {
        create_task(loop, &s->connection[i],
                    long_sleep(&s->frame[i],
                               i == 0 ? "connection 1" : "connection 2",
                               "closes"),
                    "connection");
        future_add_done_callback(&s->connection[i].future, closed, s);
    }
    asleep(&s->sleep, loop, 10); /* accepting */
    TRY_AWAIT(g, &s->sleep.gen, s->ignored, s->error);
    if (s->error == ECANCELED)
        printf("serve: cancelled, closes every connection\n");
    for (int i = 0; i < 2; i++)
        task_cancel(&s->connection[i]);
    call_soon(loop, stop_serving, NULL); /* SIGINT again, while serve waits */
    future_await(&s->await, &s->all_closed);
    AWAIT(g, &s->await.gen, s->ignored);
    printf("serve: all closed\n");
    GEN_END(g);
}

int main(void)
{
    if (new_loop() == -1)
        return 1;
    static Serve s;
    create_task(loop, &serve_task, gen_init(&s.gen, serve_step, "serve"),
                "serve");
    TimerHandle t;
    call_later(loop, &t, 0.01, stop_serving, NULL);
    run_task_then_close(&serve_task);
    printf("serve finished, cancelled: %s\n",
           py_bool(future_cancelled(&serve_task.future)));
    return 0;
}
