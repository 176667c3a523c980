/*
 * sock_recv_tries_first.c - sock_recv on a socket that already holds data
 * returns without yielding; on an empty one it waits for the data. As
 * sock_recv_tries_first.py.
 */
#include "scenario.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static Loop *loop;
static int pair[2];

static void peer_sends(void *arg)
{
    (void)arg;
    printf("callback runs: the peer sends\n");
    if (write(pair[1], "world", 5) != 5)
        perror("write");
}

typedef struct {
    Gen gen;
    char buf[100];
    SockRecv recv;
    Sleep sleep;
    void *ignored;
} Main;

static GenStatus main_step(Gen *g)
{
    Main *m = (Main *)g;
    GEN_BEGIN(g);
    if (write(pair[1], "hello", 5) != 5)
        perror("write");
    call_soon(loop, say, "callback queued before the first sock_recv runs");
    sock_recv(&m->recv, loop, pair[0], m->buf, sizeof m->buf);
    AWAIT(g, &m->recv.gen, m->ignored);
    printf("sock_recv returned %.*s at once\n", (int)m->recv.received, m->buf);
    asleep(&m->sleep, loop, 0);
    AWAIT(g, &m->sleep.gen, m->ignored);
    call_soon(loop, peer_sends, NULL);
    sock_recv(&m->recv, loop, pair[0], m->buf, sizeof m->buf);
    AWAIT(g, &m->recv.gen, m->ignored);
    printf("sock_recv waited, then returned %.*s\n", (int)m->recv.received,
           m->buf);
    GEN_END(g);
}

int main(void)
{
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == -1)
        return 1;
    fcntl(pair[0], F_SETFL, fcntl(pair[0], F_GETFL) | O_NONBLOCK);
    Main m;
    int status = run_main(gen_init(&m.gen, main_step, "main"));
    close(pair[0]);
    close(pair[1]);
    return status;
}
