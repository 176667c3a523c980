/*
 * generators.c - stage 05, "Generators are coroutines" (the talk's In [6] to
 * In [8]).
 *
 * C has no yield, so we build one the way CPython does: a generator is a
 * frame (a struct holding where to resume and every local that must outlive
 * a yield) and a step function that jumps back to where it left off. First
 * the talk's counter written out by hand, then the same with coro.h's
 * macros, then really_non_blocking_io(): stage 04's polling loop turned
 * inside out, a generator that yields until select() says the answer is
 * there, driven by a loop that prints `waiting...`.
 */
#include "coro.h"
#include "talk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

/* Python: In [6], written out by hand. The frame of coroutine(): */
typedef struct {
    int resume_at; /* where the next step starts: 0 = the top (f_lasti) */
    int a;         /* the local `a`: here, because the C stack forgets it */
} CounterFrame;

/* One call = one next(gen): runs up to the next `yield a` and returns a.
 * The switch jumps straight back inside the loop, to just after the yield
 * that last returned: that is all a resume is. */
static int counter_next(CounterFrame *f)
{
    switch (f->resume_at) {
    case 0: /* first next(): start at the top */
        f->a = 1;
        while (true) {
            f->a += 1;
            printf("inside coroutine %d\n", f->a);
            f->resume_at = 1; /* yield a: remember where we are... */
            return f->a;      /* ...and hand a out */
        case 1:;              /* the next next() lands here */
        }
    }
    return -1; /* unreachable: resume_at is only ever 0 or 1 */
}

/* Python: gen = coroutine(); print(next(gen)) five times. */
static void counter_by_hand(void)
{
    CounterFrame gen = {.resume_at = 0}; /* made, but nothing has run yet */
    for (int i = 0; i < 5; i++)
        printf("%d\n", counter_next(&gen));
}

/* Python: In [6] again, with coro.h: the same frame and the same switch,
 * which GEN_BEGIN, YIELD and GEN_END now write for us. */
typedef struct {
    Gen gen; /* resume point, step function, yielded value, result */
    int a;
} Coroutine;

static GenStatus coroutine_step(Gen *g)
{
    Coroutine *f = (Coroutine *)g;
    GEN_BEGIN(g);
    f->a = 1;
    while (true) {
        f->a += 1;
        printf("inside coroutine %d\n", f->a);
        YIELD(g, &f->a);
    }
    GEN_END(g);
}

/* Python: def coroutine(): calling it makes the frame and runs nothing. */
static Gen *coroutine(Coroutine *frame)
{
    return gen_init(&frame->gen, coroutine_step, "coroutine");
}

static void counter_with_macros(void)
{
    Coroutine frame;
    Gen *gen = coroutine(&frame);
    for (int i = 0; i < 5; i++) {
        gen_next(gen);
        printf("%d\n", *(int *)gen->yielded);
    }
}

/* Python: s.setblocking(False). */
static void set_non_blocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
        die("fcntl(O_NONBLOCK)", NULL);
}

/* Python: In [4] setup_non_blocking_socket(): connect, stop blocking, send
 * the payload (12 bytes fit in any socket buffer, so the send never waits).
 */
static int setup_non_blocking_socket(void)
{
    int fd = connect_to_server();
    set_non_blocking(fd);
    const char *payload = "Hello, world";
    if (send(fd, payload, strlen(payload), 0) != (ssize_t)strlen(payload))
        die("send", "did the server hang up?");
    return fd;
}

/* Python: r, _, _ = select.select([fd], [], [], 0); len(r) > 0.
 * A zero timeout: look whether data is waiting, never wait for it. */
static bool is_readable(int fd)
{
    if (fd >= FD_SETSIZE)
        die("select", "descriptor too large for an fd_set");
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    struct timeval zero = {0, 0};
    int ready = select(fd + 1, &readable, NULL, NULL, &zero);
    if (ready == -1 && errno != EINTR)
        die("select", NULL);
    return ready > 0;
}

/* Python: s.recv(1024).decode(): what one recv returns, as a C string.
 * An empty string means the server closed the connection. */
static char *receive(int fd, char *buf, size_t size)
{
    ssize_t n = recv(fd, buf, size - 1, 0);
    if (n == -1)
        die("recv", "did the server crash?");
    buf[n] = '\0';
    return buf;
}

/* Python: In [7] really_non_blocking_io(), a generator. Its frame holds the
 * socket and the buffer: both must still be there after every yield. */
typedef struct {
    Gen gen;
    int fd;
    char data[1024 + 1]; /* recv(1024), plus the C string's '\0' */
} ReallyNonBlockingIo;

static GenStatus really_non_blocking_io_step(Gen *g)
{
    ReallyNonBlockingIo *f = (ReallyNonBlockingIo *)g;
    GEN_BEGIN(g);
    f->fd = setup_non_blocking_socket();
    while (!is_readable(f->fd))
        YIELD(g, NULL); /* Python: a bare yield: "not yet, come back later" */
    receive(f->fd, f->data, sizeof f->data);
    close(f->fd);
    GEN_RETURN(g, f->data); /* Python: return data.decode() */
    GEN_END(g);
}

static Gen *really_non_blocking_io(ReallyNonBlockingIo *frame)
{
    return gen_init(&frame->gen, really_non_blocking_io_step,
                    "really_non_blocking_io");
}

/* Python: In [8]. We drive the generator by hand: each next() is one look
 * at the socket; the sleep between looks is ours, not the generator's. */
static void drive_really_non_blocking_io(void)
{
    ReallyNonBlockingIo frame;
    Gen *gen = really_non_blocking_io(&frame);
    while (gen_next(gen) == GEN_YIELDED) {
        puts("waiting...");
        sleep_scaled(0.5);
    }
    /* Python: except StopIteration as response: response.value */
    printf("response: \"%s\"\n", (char *)gen->result);
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    (void)argc;
    talk_init(argv);
    puts("In [6], by hand:");
    counter_by_hand();
    puts("In [6], with coro.h:");
    counter_with_macros();
    puts("In [8]:");
    drive_really_non_blocking_io();
    return 0;
}
#endif
