/*
 * designs.c - "what each stage's design can do", measured against the demo
 * server (03-blocking-io/server: every answer comes one delay, 2 s x
 * TIME_SCALE, after the question). Each design is the waiting strategy of
 * one stage, written as small as it can be:
 *
 *   blocking    stage 03: connect, send, recv() blocks; one request at a time
 *   select      stage 04: select() with a zero timeout, asked every 0.5 s
 *   executor    stage 06: a generator that polls select(0), stepped by
 *               run_until_complete every 0.05 s; one task at a time
 *   talk loop   stages 07/08 (the talk's Loop): a FIFO of generator tasks,
 *               each advanced once, then time.sleep(0.5), round-robin
 *   real loop   stage 08's event loop itself (loop/, unchanged):
 *               tasks parked on futures, the loop asleep in epoll/poll
 *
 * For each design, in a forked child (so wait4's rusage is its alone):
 *   - 2 requests at once: how many delays they take (2: one stalls the
 *     other; 1: they overlap);
 *   - 1 request: the CPU time burnt while waiting for it (the polling
 *     intervals scale with TIME_SCALE like the delay, so the number of
 *     polls, and so the CPU, is that of a real 2 s wait);
 *   - 10 and 1,000 requests at once: how many are answered within 1.5
 *     delays (one delay plus grace).
 * Every waiting interval is multiplied by TIME_SCALE, as in the stages.
 *
 * Output: one tab-separated row per design for run-bench.sh:
 *   design  delays_for_2  cpu_us_for_1  done_of_10  done_of_1000  note
 */
#include "../../05-generators/coro.h"
#include "bench.h"
#ifdef WITH_LOOP08
#include "../../08-event-loop/loop/asyncio.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char HELLO[] = "Hello, world";
enum { HELLO_LEN = sizeof HELLO - 1 };

static int port;
static double scale = 1; /* TIME_SCALE */
static double delay;     /* the server's: 2 s x TIME_SCALE */

static double now_s(void)
{
    return (double)now_ns() / 1e9;
}

static void sleep_s(double seconds)
{
    struct timespec ts = {(time_t)seconds,
                          (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        continue;
}

static struct sockaddr_in server_address(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

/* The talk's setup_non_blocking_socket(): connect, send, non-blocking. */
static int open_request(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = server_address();
    if (fd == -1 || connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
        send(fd, HELLO, HELLO_LEN, 0) != HELLO_LEN)
        fail("connect/send to the demo server");
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* select() with a zero timeout: the talk's readiness question. */
static bool readable_now(int fd)
{
    fd_set r;
    FD_ZERO(&r);
    FD_SET(fd, &r);
    struct timeval zero = {0, 0};
    return select(fd + 1, &r, NULL, NULL, &zero) == 1;
}

/* Reads and checks the echo, closes. The answer is there: no waiting. */
static void finish(int fd)
{
    char buf[64];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n != HELLO_LEN || memcmp(buf, HELLO, HELLO_LEN) != 0)
        fail("the demo server's answer");
    close(fd);
}

/* --- stage 03: blocking ------------------------------------------------ */

static int blocking(int n, double deadline)
{
    int done = 0;
    for (int i = 0; i < n && now_s() < deadline; i++) {
        int fd = open_request();
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        finish(fd); /* recv() blocks for one delay */
        done += now_s() <= deadline;
    }
    return done;
}

/* --- stage 04: select polling ------------------------------------------ */

static int select_polling(int n, double deadline)
{
    int done = 0;
    for (int i = 0; i < n && now_s() < deadline; i++) {
        int fd = open_request();
        while (!readable_now(fd))
            sleep_s(0.5 * scale);
        finish(fd);
        done += now_s() <= deadline;
    }
    return done;
}

/* --- a request as a generator (stages 05 to 07) ------------------------- */

typedef struct {
    Gen gen;
    int fd;
} Request;

static GenStatus request_step(Gen *g)
{
    Request *f = (Request *)g;
    GEN_BEGIN(g);
    f->fd = open_request();
    while (!readable_now(f->fd))
        YIELD(g, NULL);
    finish(f->fd);
    GEN_END(g);
}

/* Stage 06: run_until_complete(task, wait=.05), one task after another. */
static int executor(int n, double deadline)
{
    int done = 0;
    for (int i = 0; i < n && now_s() < deadline; i++) {
        Request r;
        gen_init(&r.gen, request_step, "request");
        while (gen_next(&r.gen) == GEN_YIELDED)
            sleep_s(0.05 * scale);
        done += now_s() <= deadline;
    }
    return done;
}

/* The talk's Loop.run_until_complete: pop a task, advance it, re-append it
 * unless it finished, time.sleep(0.5). */
static int talk_loop(int n, double deadline)
{
    Request *tasks = calloc((size_t)n, sizeof *tasks);
    int *queue = calloc((size_t)n, sizeof *queue);
    if (!tasks || !queue)
        fail("calloc");
    int head = 0, count = n, done = 0;
    for (int i = 0; i < n; i++) {
        gen_init(&tasks[i].gen, request_step, "request");
        queue[i] = i;
    }
    while (count > 0 && now_s() < deadline) {
        int t = queue[head];
        head = (head + 1) % n;
        count--;
        if (gen_next(&tasks[t].gen) == GEN_YIELDED)
            queue[(head + count++) % n] = t;
        else
            done += now_s() <= deadline;
        sleep_s(0.5 * scale);
    }
    free(tasks); /* unfinished requests' sockets: closed when we exit */
    free(queue);
    return done;
}

/* --- stage 08: the real loop -------------------------------------------- */

#ifdef WITH_LOOP08
static void nothing(void *arg)
{
    (void)arg;
}

typedef struct {
    Gen gen;
    Loop *loop;
    int fd;
    struct sockaddr_in address;
    char buf[64];
    SockConnect connect;
    SockSendAll send;
    SockRecv recv;
    void *ignored;
    int *done;
    double deadline;
} LoopRequest;

static GenStatus loop_request_step(Gen *g)
{
    LoopRequest *f = (LoopRequest *)g;
    GEN_BEGIN(g);
    f->fd = tcp_socket_nonblocking();
    f->address = server_address();
    /* Each child frame is made first, then awaited: AWAIT re-evaluates its
     * argument on every resume. */
    sock_connect(&f->connect, f->loop, f->fd, &f->address);
    AWAIT(g, &f->connect.gen, f->ignored);
    sock_sendall(&f->send, f->loop, f->fd, HELLO, HELLO_LEN);
    AWAIT(g, &f->send.gen, f->ignored);
    sock_recv(&f->recv, f->loop, f->fd, f->buf, sizeof f->buf);
    AWAIT(g, &f->recv.gen, f->ignored);
    if (f->recv.received != HELLO_LEN || memcmp(f->buf, HELLO, HELLO_LEN))
        fail("the demo server's answer");
    loop_close_fd(f->loop, f->fd);
    *f->done += now_s() <= f->deadline;
    /* Something ready keeps this iteration's selector wait from blocking,
     * so real_loop sees at once that every request is done. */
    call_soon(f->loop, nothing, NULL);
    GEN_END(g);
}

static int real_loop(int n, double deadline)
{
    Loop *loop = loop_new(NULL);
    LoopRequest *reqs = calloc((size_t)n, sizeof *reqs);
    Task *tasks = calloc((size_t)n, sizeof *tasks);
    if (!loop || !reqs || !tasks)
        fail("loop_new/calloc");
    int done = 0;
    for (int i = 0; i < n; i++) {
        reqs[i].loop = loop;
        reqs[i].done = &done;
        reqs[i].deadline = deadline;
        create_task(loop, &tasks[i],
                    gen_init(&reqs[i].gen, loop_request_step, "request"),
                    "request");
    }
    TimerHandle stop; /* wakes the selector at the deadline */
    call_later(loop, &stop, deadline - now_s(), nothing, NULL);
    while (done < n && now_s() < deadline && loop_run_once(loop) == 0)
        continue;
    return done; /* exiting: the kernel closes what is left */
}
#endif

/* --- measuring one design ------------------------------------------------ */

typedef int (*Design)(int n, double deadline);

typedef struct {
    int done;
    double wall, cpu; /* seconds */
} Outcome;

/* The child's own CPU time so far (wait4 would give it to the parent, but
 * is not POSIX). */
static double cpu_seconds(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

/* Runs design(n) in a child until deadline_delays delays have passed. */
static Outcome run(Design design, int n, double deadline_delays)
{
    int fds[2];
    if (pipe(fds) == -1)
        fail("pipe");
    double start = now_s();
    pid_t pid = fork();
    if (pid == 0) {
        bench_raise_fd_limit();
        double cpu0 = cpu_seconds();
        Outcome o = {.done = design(n, now_s() + deadline_delays * delay)};
        o.cpu = cpu_seconds() - cpu0;
        _exit(write(fds[1], &o, sizeof o) == sizeof o ? 0 : 1);
    }
    Outcome o = {.done = -1};
    if (read(fds[0], &o, sizeof o) != sizeof o)
        o.done = -1;
    waitpid(pid, NULL, 0);
    o.wall = now_s() - start;
    close(fds[0]);
    close(fds[1]);
    if (o.done < 0)
        fail("a design failed (is the demo server running on PORT?)");
    return o;
}

static void measure(const char *name, Design design)
{
    Outcome two = run(design, 2, 4);
    Outcome one = run(design, 1, 3);
    Outcome ten = run(design, 10, 1.5);
    Outcome many = run(design, 1000, 1.5);
    printf("%s\t%.2f\t%.0f\t%d\t%d\t-\n", name, two.wall / delay, one.cpu * 1e6,
           ten.done, many.done);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    const char *p = getenv("PORT"), *s = getenv("TIME_SCALE");
    port = p ? atoi(p) : 8080;
    scale = s ? atof(s) : 1;
    if (port <= 0 || scale <= 0)
        fail("PORT and TIME_SCALE must be positive");
    delay = 2 * scale;
    const char *only = argc > 1 ? argv[1] : NULL;
    struct {
        const char *name;
        Design design;
    } designs[] = {
        {"blocking client (stage 03)", blocking},
        {"select() polling every 0.5 s (stage 04)", select_polling},
        {"generator + executor, 0.05 s (stage 06)", executor},
        {"the talk's loop, 0.5 s per step (07/08)", talk_loop},
#ifdef WITH_LOOP08
        {"the real event loop (stage 08)", real_loop},
#endif
    };
    for (size_t i = 0; i < sizeof designs / sizeof designs[0]; i++)
        if (!only || strstr(designs[i].name, only))
            measure(designs[i].name, designs[i].design);
#ifndef WITH_LOOP08
    printf("the real event loop (stage 08)\t-\t-\t-\t-\tskipped: "
           "08-event-loop/loop/ is not there yet\n");
#endif
    return 0;
}
