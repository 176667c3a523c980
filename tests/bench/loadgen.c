/*
 * loadgen.c - the benchmark's load generator: N busy connections doing
 * 64-byte ping-pong with an echo server, beside M idle ones.
 *
 * Why our own: the numbers must mean the same thing for every server, so
 * one program drives them all, the same way. It
 *   - ramps up in batches: a batch connects, each of its connections sends
 *     one message and waits for the echo before the next batch starts, so
 *     the server's listen backlog never overflows (an overflowing backlog
 *     drops SYNs and turns a benchmark into a test of TCP retransmission);
 *     a connection that echoes is one the server really holds;
 *   - verifies every byte that comes back (each message is a pattern made
 *     of the connection's number and the message's number) and exits 2 on
 *     any mismatch, stray byte included;
 *   - measures after a warm-up, in slices (the median slice rate is the
 *     figure: one hiccup does not move it), records every round trip in a
 *     log-scale histogram (p50, p99), and reads the server's CPU time
 *     before and after from /proc (--pid), so it can report CPU per message;
 *   - checks at the end that every connection, idle ones included, still
 *     echoes;
 *   - can switch a system-call counter on and off around its window
 *     (--window-fifos CTL,ACK: perf stat's --control protocol), so that a
 *     count divides by the messages of the same window;
 *   - is bounded in time (alarm: exit 4), raises its fd limit to the hard
 *     limit, and says what it could not measure.
 * epoll on Linux (O(ready) per wait, so 10,000 idle connections cost the
 * generator nothing); poll() elsewhere.
 *
 * Prints one line of key=value pairs on stdout for run-bench.sh.
 */
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif

enum { MAX_SIZE = 4096, SLICES_MAX = 64, BUCKETS = 1920 };

typedef struct {
    int fd;
    int index;
    uint32_t seq;     /* number of the message in flight */
    size_t got;       /* bytes of it echoed so far */
    uint64_t sent_at; /* ns */
    bool in_flight;
    bool dead;
    bool busy;
} Conn;

static struct {
    int port;
    pid_t server;
    int busy, idle, batch, slices;
    double seconds;
    size_t size;
    Conn *conns;
    int nconns;
    int pending;            /* messages in flight */
    bool resend;            /* busy phase: answer each echo with a message */
    bool measuring;         /* inside the measured window */
    uint64_t end_at;        /* busy phase ends (ns) */
    uint64_t hist[BUCKETS]; /* round trips, log-scale */
    uint64_t measured;      /* messages in the window */
    uint64_t echoed;        /* messages in the whole run */
    uint64_t slice_count[SLICES_MAX];
    int slice;
    int dead_busy;
    int window_ctl, window_ack; /* --window-fifos, or -1 */
    bool window_failed;         /* the counter did not answer */
#ifdef __linux__
    int epfd;
#else
    struct pollfd *pfds;
#endif
} lg = {.busy = 100,
        .batch = 100,
        .slices = 5,
        .seconds = 2,
        .size = 64,
        .window_ctl = -1,
        .window_ack = -1};

/* --- the pattern every message carries --------------------------------- */

static unsigned char pattern(const Conn *c, uint32_t seq, size_t offset)
{
    return (unsigned char)((unsigned)c->index * 131u + seq * 7u +
                           (unsigned)offset * 13u + 1u);
}

/* --- latency histogram: 32 buckets per power of two (3% precision) ----- */

static int bucket_of(uint64_t ns)
{
    if (ns < 32)
        return (int)ns;
    int bit = 63 - __builtin_clzll(ns);
    return (bit - 4) * 32 + (int)((ns >> (bit - 5)) & 31);
}

static double bucket_value(int b)
{
    if (b < 32)
        return b;
    int bit = b / 32 + 4;
    return (double)((uint64_t)(32 + b % 32) << (bit - 5));
}

static double percentile(double p)
{
    uint64_t total = 0, seen = 0;
    for (int b = 0; b < BUCKETS; b++)
        total += lg.hist[b];
    for (int b = 0; b < BUCKETS; b++) {
        seen += lg.hist[b];
        if (total && (double)seen >= p * (double)total)
            return bucket_value(b);
    }
    return 0;
}

/* --- sending and receiving --------------------------------------------- */

static void kill_conn(Conn *c, const char *why)
{
    if (c->dead)
        return;
    if (c->busy) {
        fprintf(stderr, "loadgen: busy connection %d lost: %s\n", c->index,
                why);
        lg.dead_busy++;
    }
    if (c->in_flight)
        lg.pending--;
    c->dead = true;
    c->in_flight = false;
#ifndef __linux__
    lg.pfds[c->index].fd = -1;
#endif
    close(c->fd);
}

/* 64 bytes into an empty socket buffer: send() takes them at once. If it
 * ever takes less, wait until it can take the rest (rare; blocking here
 * only slows the generator, it cannot corrupt the measurement). */
static void send_message(Conn *c)
{
    unsigned char buf[MAX_SIZE];
    c->seq++;
    for (size_t i = 0; i < lg.size; i++)
        buf[i] = pattern(c, c->seq, i);
    c->sent_at = now_ns();
    c->got = 0;
    c->in_flight = true;
    lg.pending++;
    size_t done = 0;
    while (done < lg.size) {
        ssize_t n = send(c->fd, buf + done, lg.size - done, 0);
        if (n > 0) {
            done += (size_t)n;
        } else if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
            struct timeval tv = {0, 1000};
            select(0, NULL, NULL, NULL, &tv);
        } else {
            kill_conn(c, strerror(errno));
            return;
        }
    }
}

static void message_done(Conn *c)
{
    uint64_t now = now_ns();
    c->in_flight = false;
    lg.pending--;
    lg.echoed++;
    if (lg.measuring) {
        lg.hist[bucket_of(now - c->sent_at)]++;
        lg.measured++;
        lg.slice_count[lg.slice]++;
    }
    if (lg.resend && c->busy && now < lg.end_at)
        send_message(c);
}

static void on_readable(Conn *c)
{
    unsigned char buf[MAX_SIZE];
    size_t want = c->in_flight ? lg.size - c->got : sizeof buf;
    ssize_t n = recv(c->fd, buf, want, 0);
    if (n == -1 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        kill_conn(c, n == 0 ? "closed by the server" : strerror(errno));
        return;
    }
    if (!c->in_flight) {
        fprintf(stderr, "loadgen: connection %d: %zd unexpected bytes\n",
                c->index, n);
        exit(2);
    }
    for (ssize_t i = 0; i < n; i++)
        if (buf[i] != pattern(c, c->seq, c->got + (size_t)i)) {
            fprintf(stderr,
                    "loadgen: connection %d, message %u, byte %zu: got %u, "
                    "expected %u\n",
                    c->index, c->seq, c->got + (size_t)i, buf[i],
                    pattern(c, c->seq, c->got + (size_t)i));
            exit(2);
        }
    c->got += (size_t)n;
    if (c->got == lg.size)
        message_done(c);
}

/* --- waiting: epoll (Linux) or poll ----------------------------------- */

static void poller_open(void)
{
#ifdef __linux__
    lg.epfd = epoll_create1(0);
    if (lg.epfd == -1)
        fail("epoll_create1");
#else
    lg.pfds = calloc((size_t)lg.nconns, sizeof *lg.pfds);
    if (!lg.pfds)
        fail("calloc");
    for (int i = 0; i < lg.nconns; i++)
        lg.pfds[i].fd = -1;
#endif
}

static void poller_add(Conn *c)
{
#ifdef __linux__
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(lg.epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
        fail("epoll_ctl");
#else
    lg.pfds[c->index] = (struct pollfd){.fd = c->fd, .events = POLLIN};
#endif
}

/* Waits up to timeout_ms and handles what is readable. */
static void poll_once(int timeout_ms)
{
#ifdef __linux__
    struct epoll_event evs[256];
    int n = epoll_wait(lg.epfd, evs, 256, timeout_ms);
    for (int i = 0; i < n; i++)
        on_readable(evs[i].data.ptr);
#else
    int n = poll(lg.pfds, (nfds_t)lg.nconns, timeout_ms);
    for (int i = 0; n > 0 && i < lg.nconns; i++)
        if (lg.pfds[i].fd != -1 && lg.pfds[i].revents) {
            n--;
            on_readable(&lg.conns[i]);
        }
#endif
}

static int ms_until(uint64_t t)
{
    uint64_t now = now_ns();
    return now >= t ? 0 : (int)((t - now) / 1000000u) + 1;
}

/* Every live connection of conns[from, to) sends one message and waits for
 * its echo, until deadline. Returns how many echoed. */
static int echo_round(int from, int to, double timeout)
{
    uint64_t deadline = now_ns() + (uint64_t)(timeout * 1e9);
    for (int i = from; i < to; i++)
        if (!lg.conns[i].dead)
            send_message(&lg.conns[i]);
    while (lg.pending > 0 && now_ns() < deadline)
        poll_once(ms_until(deadline));
    int ok = 0;
    for (int i = from; i < to; i++) {
        if (lg.conns[i].in_flight)
            kill_conn(&lg.conns[i], "no echo in time");
        ok += !lg.conns[i].dead;
    }
    return ok;
}

/* --- the phases -------------------------------------------------------- */

static bool open_conn(Conn *c, int index)
{
    *c = (Conn){.index = index, .busy = index < lg.busy, .fd = -1};
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd == -1) {
        c->dead = true;
        return false;
    }
    /* connect() honours the send timeout on Linux: a server that stopped
     * accepting cannot hang the ramp. */
    struct timeval tv = {2, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int on = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)lg.port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        close(c->fd);
        c->dead = true;
        return false;
    }
    fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    poller_add(c);
    return true;
}

/* Busy connections first (they must all be held), then the idle ones,
 * batch after batch. Returns how many connections the server holds. */
static int ramp_up(char *note, size_t note_size)
{
    int held = 0;
    for (int from = 0; from < lg.nconns; from += lg.batch) {
        int to = from + lg.batch < lg.nconns ? from + lg.batch : lg.nconns;
        if (from < lg.busy && to > lg.busy)
            to = lg.busy; /* a batch is all busy or all idle */
        for (int i = from; i < to; i++)
            open_conn(&lg.conns[i], i);
        int ok = echo_round(from, to, 5.0);
        held += ok;
        if (lg.dead_busy > 0) {
            fprintf(stderr, "loadgen: the server refused busy connections\n");
            exit(3);
        }
        if (ok == 0) {
            snprintf(note, note_size,
                     "server stopped accepting after %d connections", held);
            for (int i = to; i < lg.nconns; i++)
                lg.conns[i] = (Conn){.index = i, .dead = true, .fd = -1};
            break;
        }
    }
    return held;
}

/* --- the counter's window: perf stat --control fifo:CTL,ACK ------------- */

/* Both opened read-write: on Linux that never blocks, so a counter that did
 * not start cannot hang the generator before its alarm. */
static void window_open(const char *fifos)
{
    char ctl[512];
    const char *comma = strchr(fifos, ',');
    if (!comma || (size_t)(comma - fifos) >= sizeof ctl) {
        fprintf(stderr, "loadgen: --window-fifos wants CTL,ACK\n");
        exit(1);
    }
    snprintf(ctl, sizeof ctl, "%.*s", (int)(comma - fifos), fifos);
    lg.window_ctl = open(ctl, O_RDWR);
    lg.window_ack = open(comma + 1, O_RDWR);
    if (lg.window_ctl == -1 || lg.window_ack == -1)
        fail("open --window-fifos");
}

/* Says "enable" or "disable" to the counter and waits for its ack (2 s at
 * most), so that the count covers exactly the messages counted here. */
static void window_switch(const char *command)
{
    if (lg.window_ctl == -1 || lg.window_failed)
        return;
    char line[16], ack[16];
    int len = snprintf(line, sizeof line, "%s\n", command);
    struct pollfd answer = {.fd = lg.window_ack, .events = POLLIN};
    if (write(lg.window_ctl, line, (size_t)len) != len ||
        poll(&answer, 1, 2000) != 1 || read(lg.window_ack, ack, sizeof ack) < 1)
        lg.window_failed = true;
}

static void busy_phase(double *cpu_seconds, double *cpu_split,
                       double *slice_rates)
{
    double warmup = lg.seconds / 5 < 0.2 ? lg.seconds / 5 : 0.2;
    uint64_t start = now_ns();
    uint64_t measure_at = start + (uint64_t)(warmup * 1e9);
    uint64_t slice_ns =
        (uint64_t)((lg.seconds - warmup) * 1e9) / (uint64_t)lg.slices;
    lg.end_at = measure_at + slice_ns * (uint64_t)lg.slices;
    lg.resend = true;
    for (int i = 0; i < lg.busy; i++)
        send_message(&lg.conns[i]);
    while (now_ns() < measure_at)
        poll_once(ms_until(measure_at));
    window_switch("enable");
    double cpu0 = process_cpu_seconds(lg.server, 1), user0, kernel0;
    int split0 = process_cpu_split(lg.server, &user0, &kernel0);
    lg.measuring = true;
    for (lg.slice = 0; lg.slice < lg.slices; lg.slice++) {
        uint64_t slice_end = measure_at + slice_ns * (uint64_t)(lg.slice + 1);
        while (now_ns() < slice_end)
            poll_once(ms_until(slice_end));
    }
    lg.slice = 0;
    lg.measuring = false;
    window_switch("disable");
    double cpu1 = process_cpu_seconds(lg.server, 1), user1, kernel1;
    int split1 = process_cpu_split(lg.server, &user1, &kernel1);
    *cpu_seconds = cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0;
    cpu_split[0] = split0 || split1 ? -1 : user1 - user0;
    cpu_split[1] = split0 || split1 ? -1 : kernel1 - kernel0;
    for (int s = 0; s < lg.slices; s++)
        slice_rates[s] = (double)lg.slice_count[s] / ((double)slice_ns / 1e9);
    lg.resend = false;
    uint64_t drain_until = now_ns() + 5000000000u;
    while (lg.pending > 0 && now_ns() < drain_until)
        poll_once(ms_until(drain_until));
    if (lg.pending > 0) {
        fprintf(stderr, "loadgen: %d echoes never came back\n", lg.pending);
        exit(4);
    }
}

/* Seconds of server CPU in the window, per message measured, in us; -1
 * when unknown. */
static double per_message_us(double seconds)
{
    return seconds < 0 || lg.measured == 0
               ? -1
               : seconds * 1e6 / (double)lg.measured;
}

static void on_alarm(int signo)
{
    (void)signo;
    static const char msg[] = "loadgen: time limit reached, giving up\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(4);
}

static void parse_args(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--port"))
            lg.port = atoi(v);
        else if (!strcmp(k, "--pid"))
            lg.server = (pid_t)atoi(v);
        else if (!strcmp(k, "--busy"))
            lg.busy = atoi(v);
        else if (!strcmp(k, "--idle"))
            lg.idle = atoi(v);
        else if (!strcmp(k, "--batch"))
            lg.batch = atoi(v);
        else if (!strcmp(k, "--slices"))
            lg.slices = atoi(v);
        else if (!strcmp(k, "--seconds"))
            lg.seconds = atof(v);
        else if (!strcmp(k, "--size"))
            lg.size = (size_t)atol(v);
        else if (!strcmp(k, "--window-fifos"))
            window_open(v);
        else {
            fprintf(stderr, "loadgen: unknown option %s\n", k);
            exit(1);
        }
    }
    if (lg.port <= 0 || lg.busy < 1 || lg.idle < 0 || lg.batch < 1 ||
        lg.slices < 1 || lg.slices > SLICES_MAX || lg.seconds <= 0 ||
        lg.size < 1 || lg.size > MAX_SIZE) {
        fprintf(stderr, "usage: loadgen --port P [--pid SERVER_PID] [--busy N]"
                        " [--idle M] [--seconds S] [--size B] [--batch K]"
                        " [--slices N] [--window-fifos CTL,ACK]\n");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm((unsigned)(60 + lg.seconds * 2));
    char note[160] = "";
    long fds = bench_raise_fd_limit();
    lg.nconns = lg.busy + lg.idle;
    if (lg.nconns > fds - 16) {
        snprintf(note, sizeof note,
                 "fd limit %ld: only %ld of %d connections attempted", fds,
                 fds - 16, lg.nconns);
        lg.nconns = (int)(fds - 16);
        lg.idle = lg.nconns - lg.busy;
    }
    lg.conns = calloc((size_t)lg.nconns, sizeof *lg.conns);
    if (!lg.conns)
        fail("calloc");
    poller_open();
    int held = ramp_up(note, sizeof note);
    double cpu, split[2], rates[SLICES_MAX];
    busy_phase(&cpu, split, rates);
    int nprocs = 1;
    long rss = lg.server ? process_peak_kb(lg.server, &nprocs) : -1;
    int still = echo_round(0, lg.nconns, 10.0);
    double rate = median(rates, (size_t)lg.slices);
    /* The split leaves children out: n/a (-1) for a server that has some.
     * Without children, CPU is the split's sum: read apart, the two could
     * differ by a clock tick. */
    if (nprocs > 1)
        split[0] = split[1] = -1;
    else if (split[0] >= 0)
        cpu = split[0] + split[1];
    printf("wanted=%d held=%d held_end=%d msgs=%llu msgs_all=%llu rate=%.0f "
           "p50_us=%.1f p99_us=%.1f cpu_us_per_msg=%.2f user_us_per_msg=%.2f "
           "kernel_us_per_msg=%.2f rss_kb=%ld procs=%d window=%s note=%s\n",
           lg.busy + lg.idle, held, still, (unsigned long long)lg.measured,
           (unsigned long long)lg.echoed, rate, percentile(0.50) / 1000,
           percentile(0.99) / 1000, per_message_us(cpu),
           per_message_us(split[0]), per_message_us(split[1]), rss, nprocs,
           lg.window_ctl == -1 ? "-"
           : lg.window_failed  ? "no-answer"
                               : "ok",
           note[0] ? note : "-");
    /* Reset, not close: the side that closes first keeps its port in
     * TIME_WAIT (30 s on macOS), and macOS lends such a port to no other
     * connection meanwhile: two runs of 10,100 connections in a row would
     * use up its 16,384 ephemeral ports. A reset leaves nothing behind. */
    for (int i = 0; i < lg.nconns; i++)
        if (!lg.conns[i].dead) {
            struct linger hard = {.l_onoff = 1, .l_linger = 0};
            setsockopt(lg.conns[i].fd, SOL_SOCKET, SO_LINGER, &hard,
                       sizeof hard);
            close(lg.conns[i].fd);
        }
    return lg.dead_busy > 0 ? 3 : 0;
}
