/*
 * server.c - the demo server every client of the talk talks to.
 *
 * The notebook connects to 127.0.0.1:8080, sends "Hello, world" and gets it
 * back two seconds later: this is the server on the other end. On each
 * connection it takes what one recv() returns (up to 1024 bytes, like the
 * talk's recv(1024)), waits 2 s (times TIME_SCALE), sends those exact bytes
 * back, and repeats until the client hangs up.
 *
 * One message is not echoed: PROBE, as a connection's first message, gets
 * an answer at once that names this server and its TIME_SCALE, so that
 * `make NN` (with-server.sh) tells the demo server from whatever else
 * holds the port, and a server running at another scale from its own.
 *
 * It is a stage-03 program itself: blocking IO, one thread per connection.
 * A thread may sit in recv() for as long as its client likes, because the
 * kernel schedules threads (stage 02). A thousand clients cost a thousand
 * small stacks: the C10K problem in miniature, and why the talk goes on.
 *
 * Stopping (SIGINT, SIGTERM): the handler writes one byte into the stop
 * pipe and nobody ever reads it, so the pipe stays readable: a latch that
 * every poll() can wait on. The accept loop sees it and stops listening;
 * every connection is shut down, which wakes the threads blocked in recv()
 * or send(); the threads waiting out their delay poll the same pipe. main
 * waits until the last thread has closed its socket, then exits 0.
 */
#include "talk.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    BUFFER_SIZE = 1024,     /* one recv(1024), as in the talk */
    STACK_SIZE = 64 * 1024, /* per thread: 1,000 clients = 64 MiB reserved */
    WANTED_FDS = 4096,      /* raise `ulimit -n` this far if we may */
};
static const double DELAY = 2.0;   /* seconds before each answer, scaled */
static const double BACKOFF = 0.1; /* out of descriptors or threads: rest */

/* One client, on the list of open connections main shuts down at the end. */
typedef struct Connection {
    int fd;
    struct Connection *prev, *next;
} Connection;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t all_closed = PTHREAD_COND_INITIALIZER;
static Connection *connections; /* guarded by lock */
static int open_count;          /* guarded by lock */
static int stop_pipe[2] = {-1, -1};
static double delay; /* DELAY * TIME_SCALE */
static bool said_out_of_fds, said_out_of_threads, said_client_gone; /* main's */

static const char USAGE[] =
    "usage: server [--help | --probe]\n"
    "  The talk's echo server: each message comes back after 2 s.\n"
    "  --probe       for with-server.sh: is the demo server on PORT? exit 0:\n"
    "                yes, at our TIME_SCALE; 4: yes, at another one (printed\n"
    "                on stdout); 1: nothing listens there; 3: something\n"
    "                else holds the port (a wrong answer, or none within a\n"
    "                second)\n"
    "  --help        this text\n"
    "environment:\n"
    "  PORT=N        listen on 127.0.0.1:N (default 8080; 0: any free port)\n"
    "  TIME_SCALE=x  multiply the delay by x (TIME_SCALE=0.05: 0.1 s)\n"
    "  SLOWDOWN=x    a slower build (sanitizers): --probe waits x times "
    "longer\n"
    "Stop it with Ctrl-C (SIGINT) or SIGTERM.\n";

/* A connection whose first message is exactly PROBE gets IDENTITY and the
 * server's TIME_SCALE at once, then is closed. */
static const char PROBE[] = "asyncio-in-c: which server are you?\n";
static const char IDENTITY[] = "asyncio-in-c demo server, TIME_SCALE=";

/* --- stopping ----------------------------------------------------------- */

/* Async-signal-safe: one write() and nothing else. The write end is
 * non-blocking, so even a storm of signals cannot block here. */
static void on_stop_signal(int signo)
{
    (void)signo;
    int saved = errno;
    ssize_t ignored = write(stop_pipe[1], "x", 1);
    (void)ignored;
    errno = saved;
}

static void install_stop_handlers(void)
{
    if (pipe(stop_pipe) == -1)
        die("pipe", "too many open files? check ulimit -n");
    fcntl(stop_pipe[1], F_SETFL, O_NONBLOCK);
    fcntl(stop_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(stop_pipe[1], F_SETFD, FD_CLOEXEC);
    /* Only main receives them (connection threads block them), so only
     * main's poll() is ever interrupted: no SA_RESTART needed. */
    struct sigaction action = {.sa_handler = on_stop_signal};
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    /* A client that hangs up before its answer must cost us an EPIPE from
     * send(), not the default SIGPIPE that would kill the whole server. */
    signal(SIGPIPE, SIG_IGN);
}

/* Waits until the listener has a client (false) or we must stop (true). */
static bool wait_for_client(int listener)
{
    struct pollfd fds[2] = {{stop_pipe[0], POLLIN, 0}, {listener, POLLIN, 0}};
    while (poll(fds, 2, -1) == -1) /* EINTR: our own stop signal, likely */
        if (errno != EINTR)
            die("poll", NULL);
    return fds[0].revents != 0;
}

/* Sleeps up to seconds (rounded up to a millisecond); true if the stop
 * latch was set meanwhile. poll(), not select(): the pipe's descriptor can
 * be past FD_SETSIZE when a parent leaves a thousand of its own open. */
static bool stop_within(double seconds)
{
    struct pollfd stop = {stop_pipe[0], POLLIN, 0};
    double ms = seconds * 1000;
    return poll(&stop, 1, (int)ms + ((double)(int)ms < ms)) > 0;
}

/* Python: time.sleep(seconds), but a stop cuts it short (returns true).
 * Linux lets select() and poll() oversleep by 0.1% of their timeout (2 ms
 * on 2 s), which would shift the talk's traces: so wake 1% early and wait
 * the rest again, with a timeout too short to overshoot noticeably. */
static bool sleep_unless_stopped(double seconds)
{
    double deadline = monotonic_now() + seconds;
    for (double left = seconds; left > 0; left = deadline - monotonic_now())
        if (stop_within(left > 0.01 ? left * 0.99 : left))
            return true;
    return false;
}

/* --- one connection, one thread ----------------------------------------- */

static bool send_all(int fd, const char *data, size_t size)
{
    while (size > 0) {
        ssize_t sent = send(fd, data, size, 0);
        if (sent == -1 && errno == EINTR)
            continue;
        if (sent <= 0)
            return false; /* EPIPE, ECONNRESET: the client is gone */
        data += sent;
        size -= (size_t)sent;
    }
    return true;
}

static bool is_probe(const char *message, ssize_t size)
{
    return size == (ssize_t)strlen(PROBE) &&
           memcmp(message, PROBE, strlen(PROBE)) == 0;
}

static void say_who_we_are(int fd)
{
    char answer[128];
    int size =
        snprintf(answer, sizeof answer, "%s%.17g\n", IDENTITY, time_scale());
    send_all(fd, answer, (size_t)size);
}

/* The whole protocol: recv, wait, send back, until the client hangs up.
 * Except a probe, the first message only (see PROBE). */
static void echo_slowly(int fd)
{
    char buffer[BUFFER_SIZE];
    for (bool first = true;; first = false) {
        ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got == -1 && errno == EINTR)
            continue;
        if (got <= 0)
            return; /* 0: the client closed; -1: it reset, or we stop */
        if (first && is_probe(buffer, got)) {
            say_who_we_are(fd);
            return;
        }
        bool stopping = sleep_unless_stopped(delay);
        if (stopping || !send_all(fd, buffer, (size_t)got))
            return;
    }
}

static void forget(Connection *c)
{
    pthread_mutex_lock(&lock);
    if (c->prev)
        c->prev->next = c->next;
    else
        connections = c->next;
    if (c->next)
        c->next->prev = c->prev;
    close(c->fd); /* under the lock: main never shuts down a closed fd */
    if (--open_count == 0)
        pthread_cond_signal(&all_closed);
    pthread_mutex_unlock(&lock);
    free(c);
}

static void *connection_thread(void *arg)
{
    Connection *c = arg;
    echo_slowly(c->fd);
    forget(c);
    return NULL;
}

static Connection *remember(int fd)
{
    Connection *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    pthread_mutex_lock(&lock);
    *c = (Connection){.fd = fd, .next = connections};
    if (connections)
        connections->prev = c;
    connections = c;
    open_count++;
    pthread_mutex_unlock(&lock);
    return c;
}

/* 0, or pthread_create's error (EAGAIN). Detached, small-stack threads: nobody
 * joins them one by one; main counts them out instead (open_count). A new
 * thread inherits its creator's signal mask: create it with SIGINT and SIGTERM
 * blocked, so they always go to main, and no recv() or send() in a connection
 * thread sees EINTR. */
static int start_thread(Connection *c)
{
    sigset_t stop_signals, old_mask;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    size_t stack = STACK_SIZE;
#ifdef PTHREAD_STACK_MIN
    if (stack < (size_t)PTHREAD_STACK_MIN)
        stack = (size_t)PTHREAD_STACK_MIN;
#endif
    pthread_attr_setstacksize(&attr, stack); /* on failure: the default */
    pthread_t thread;
    int failed = pthread_create(&thread, &attr, connection_thread, c);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return failed;
}

/* A line on stderr the first time only: a storm of the same trouble
 * must not flood the log. */
static void say_once(bool *said, const char *what, int error, const char *hint)
{
    if (*said)
        return;
    *said = true;
    fprintf(stderr, "server: %s: %s; %s (said once)\n", what, strerror(error),
            hint);
}

static void serve(int fd)
{
    /* The listening socket is non-blocking and, on macOS and BSD, accepted
     * sockets inherit that: this thread wants plain blocking IO. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    Connection *c = remember(fd);
    int failed = c ? start_thread(c) : ENOMEM;
    if (!failed)
        return;
    if (c)
        forget(c); /* closes fd */
    else
        close(fd);
    say_once(&said_out_of_threads, c ? "cannot start a thread" : "malloc",
             failed,
             "closed that client, still serving the others (hint: ulimit -u)");
    sleep_unless_stopped(BACKOFF); /* out of memory or threads */
}

/* --- listening ---------------------------------------------------------- */

/* 1,000 clients need 1,000 descriptors; macOS starts with 256. */
static void raise_fd_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == -1 || limit.rlim_cur >= WANTED_FDS)
        return;
    limit.rlim_cur = limit.rlim_max < WANTED_FDS ? limit.rlim_max : WANTED_FDS;
    setrlimit(RLIMIT_NOFILE, &limit); /* best effort */
}

static int listen_on(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1)
        die("socket", "too many open files? check ulimit -n");
    /* Restarting right after a stop must not wait out TIME_WAIT. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1 ||
        listen(fd, SOMAXCONN) == -1) {
        char what[64], hint[160];
        snprintf(what, sizeof what, "cannot listen on 127.0.0.1:%d", port);
        if (errno == EADDRINUSE)
            snprintf(hint, sizeof hint,
                     "is another server on port %d? stop it, or choose "
                     "another port, e.g. PORT=%d make server, or PORT=0 for "
                     "any free one",
                     port, port == 65535 ? 8081 : port + 1);
        else if (errno == EACCES)
            snprintf(hint, sizeof hint,
                     "ports below 1024 need privileges: choose another, "
                     "e.g. PORT=8080 make server");
        die(what, errno == EADDRINUSE || errno == EACCES ? hint : NULL);
    }
    /* Non-blocking: a client that resets between poll() and accept() must
     * not leave us blocked in accept() (it can vanish from the queue). */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    getsockname(fd, (struct sockaddr *)&addr, &(socklen_t){sizeof addr});
    fprintf(stderr, "listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
    return fd;
}

static bool out_of_resources(int error)
{
    return error == EMFILE || error == ENFILE || error == ENOBUFS ||
           error == ENOMEM;
}

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

static void accept_until_stopped(int listener)
{
    while (!wait_for_client(listener)) {
        int fd = accept(listener, NULL, NULL);
        int error = errno;
        if (fd != -1) {
            serve(fd);
        } else if (out_of_resources(error)) {
            say_once(&said_out_of_fds, "accept", error,
                     "still serving the clients it has, accepting again "
                     "when some leave (hint: ulimit -n)");
            sleep_unless_stopped(BACKOFF); /* don't spin: wait for a free fd */
        } else if (client_gone(error)) {
            say_once(&said_client_gone, "accept", error,
                     "a client failed before it was accepted; serving on");
        } else if (error != EAGAIN && error != EWOULDBLOCK && error != EINTR) {
            die("accept", "the listening socket is broken; restart the server");
        }
    }
}

/* Shuts every connection down, which wakes its thread from recv() or
 * send(), and waits until the last one has closed its socket. */
static void close_all_connections(void)
{
    pthread_mutex_lock(&lock);
    for (Connection *c = connections; c; c = c->next)
        shutdown(c->fd, SHUT_RDWR);
    while (open_count > 0)
        pthread_cond_wait(&all_closed, &lock);
    pthread_mutex_unlock(&lock);
}

/* --- with-server.sh asks: is the demo server already there? ------------ */

/* Connects to 127.0.0.1:port within `seconds`: the socket, or -1 with
 * errno ECONNREFUSED when nothing listens, ETIMEDOUT when nobody accepts. */
static int connect_within(int port, double seconds)
{
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((unsigned short)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1)
        return -1;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    int error = 0;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == -1) {
        struct pollfd p = {fd, POLLOUT, 0};
        error = errno == EINPROGRESS ? ETIMEDOUT : errno;
        if (error == ETIMEDOUT && poll(&p, 1, (int)(seconds * 1000)) == 1)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error,
                       &(socklen_t){sizeof error});
    }
    fcntl(fd, F_SETFL, 0);
    if (error) {
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

/* Reads the answer to PROBE into answer (a C string): what arrives until
 * the server hangs up, or `seconds` pass. */
static void read_answer(int fd, char *answer, size_t size, double seconds)
{
    size_t have = 0;
    double deadline = monotonic_now() + seconds;
    while (have < size - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        int left_ms = (int)((deadline - monotonic_now()) * 1000);
        if (left_ms <= 0 || poll(&p, 1, left_ms) != 1)
            break;
        ssize_t got = recv(fd, answer + have, size - 1 - have, 0);
        if (got <= 0)
            break;
        have += (size_t)got;
    }
    answer[have] = '\0';
}

/* The exit statuses of --probe (USAGE says what each means). */
enum {
    PROBE_OURS = 0,
    PROBE_NOBODY = 1,
    PROBE_FOREIGN = 3,
    PROBE_RESCALED = 4
};

/* Asks whatever listens on port which server it is; prints the demo
 * server's TIME_SCALE on stdout when it is not ours. A second (times
 * SLOWDOWN) is plenty: the demo server answers a probe at once. */
static int probe(int port)
{
    double seconds = 1.0 * env_slowdown();
    int fd = connect_within(port, seconds);
    if (fd == -1)
        return errno == ECONNREFUSED ? PROBE_NOBODY : PROBE_FOREIGN;
    char answer[128];
    if (send_all(fd, PROBE, strlen(PROBE)))
        read_answer(fd, answer, sizeof answer, seconds);
    else
        answer[0] = '\0';
    close(fd);
    if (strncmp(answer, IDENTITY, strlen(IDENTITY)) != 0)
        return PROBE_FOREIGN;
    double theirs = strtod(answer + strlen(IDENTITY), NULL);
    if (theirs == time_scale())
        return PROBE_OURS;
    printf("%g\n", theirs);
    return PROBE_RESCALED;
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    talk_init(argv);
    help_if_asked(argc, argv, USAGE);
    if (argc == 2 && strcmp(argv[1], "--probe") == 0)
        return probe(env_port());
    if (argc > 1)
        bad_argument(argv[argc > 2 && strcmp(argv[1], "--probe") == 0 ? 2 : 1],
                     "not an option of the demo server");
    delay = DELAY * time_scale();
    install_stop_handlers();
    raise_fd_limit();
    int listener = listen_on(env_port());
    accept_until_stopped(listener);
    close(listener); /* first: nothing is left listening while we clean up */
    close_all_connections();
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    return 0;
}
#endif
