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
#include <sys/time.h>
#include <unistd.h>

enum { RECV_SIZE = 1024 }; /* s.recv(1024) */
static const char PAYLOAD[] = "Hello, world";

static const char USAGE[] =
    "usage: generators [--help]\n"
    "  Stage 05: generators in C, by hand and with coro.h, then stage 04's\n"
    "  polling as a generator stepped by hand. It gives up when no\n"
    "  answer comes (a wrong server).\n" CLIENT_ENVIRONMENT;

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

/* Python: s.sendall(data). send() may take only part of the data: loop. */
static void send_all(int s, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t sent = send(s, data, size, 0);
        if (sent == -1 && errno == EINTR)
            continue;
        if (sent == -1)
            die("send", "did the server stop? start it with `make server`");
        data += sent;
        size -= (size_t)sent;
    }
}

/* Python: data = s.recv(1024); data.decode(). Stores what one recv()
 * returns as a C string. Returns false, errno EAGAIN or EWOULDBLOCK, when
 * the socket is non-blocking and nothing has arrived yet: the case Python
 * raises BlockingIOError for. */
static bool recv_text(int s, char *data, size_t size)
{
    ssize_t got;
    while ((got = recv(s, data, size - 1, 0)) == -1 && errno == EINTR)
        continue;
    if (got == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return false;
    if (got == -1)
        die("recv", "did the server stop? start it with `make server`");
    if (got == 0) {
        errno = 0;
        die("the server closed the connection without answering",
            "is it the demo server? start it with `make server`");
    }
    data[got] = '\0';
    return true;
}

/* Python: s.setblocking(False). The socket's O_NONBLOCK flag, from now on
 * read by every recv() and send() on it. */
static void set_non_blocking(int s)
{
    int flags = fcntl(s, F_GETFL);
    if (flags == -1 || fcntl(s, F_SETFL, flags | O_NONBLOCK) == -1)
        die("fcntl(O_NONBLOCK)", NULL);
}

/* Python (In [4], "Extracting socket setup for readability"): the first
 * lines of In [3], given a name. */
static int setup_non_blocking_socket(void)
{
    int s = connect_to_server();
    set_non_blocking(s);
    send_all(s, PAYLOAD, strlen(PAYLOAD)); /* 12 bytes: always fit */
    return s;
}

/* Python: r,_,_ = select.select([s.fileno()], [], [], 0); len(r) > 0.
 * A zero timeout: the kernel answers at once, readable or not yet. */
static bool ready_to_read(int s)
{
    if (s >= FD_SETSIZE) /* an fd_set is a bitmap of FD_SETSIZE bits */
        die("select: descriptor too large for an fd_set",
            "select() only takes descriptors below FD_SETSIZE, 1024");
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(s, &readable);
    struct timeval no_wait = {0, 0};
    int ready = select(s + 1, &readable, NULL, NULL, &no_wait);
    if (ready == -1)
        die("select", NULL);
    return ready > 0;
}

/* Python (In [7]): def really_non_blocking_io(), a generator. Stage 04's
 * polling loop without its sleep: where 04 slept, this yields, and whoever
 * steps it decides what to do with the time. Its frame holds the socket
 * and the buffer (04's static data): both must outlive every yield. */
typedef struct {
    Gen gen;
    int s;
    double asked_at; /* when the request went out: see give_up_if_late */
    char data[RECV_SIZE + 1];
} ReallyNonBlockingIo;

static GenStatus really_non_blocking_io_step(Gen *g)
{
    ReallyNonBlockingIo *f = (ReallyNonBlockingIo *)g;
    GEN_BEGIN(g);
    f->s = setup_non_blocking_socket();
    f->asked_at = monotonic_now();

    while (!ready_to_read(f->s)) {
        give_up_if_late(f->asked_at); /* not the demo server? */
        YIELD(g, NULL); /* Python: a bare yield, "not yet" */
    }

    /* select() said the data is there: recv() cannot come back empty */
    if (!recv_text(f->s, f->data, sizeof f->data))
        die("recv after select", NULL);
    close(f->s);
    GEN_RETURN(g, f->data); /* Python: return data.decode() */
    GEN_END(g);
}

/* Python: gen = really_non_blocking_io(). Makes the frame; runs nothing. */
static Gen *really_non_blocking_io(ReallyNonBlockingIo *frame)
{
    return gen_init(&frame->gen, really_non_blocking_io_step,
                    "really_non_blocking_io");
}

/* Python (In [8]): we drive the generator by hand. Each next() is one look
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
    talk_init(argv);
    take_no_arguments(argc, argv, USAGE);
    puts("In [6], by hand:");
    counter_by_hand();
    puts("In [6], with coro.h:");
    counter_with_macros();
    puts("In [8]:");
    drive_really_non_blocking_io();
    return 0;
}
#endif
