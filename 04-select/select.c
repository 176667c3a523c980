/*
 * select.c - stage 04: asking before reading, with select() (the talk's
 * In [4] and In [5]).
 *
 * Stage 03's recv() on a non-blocking socket failed with EAGAIN because the
 * answer was not there yet. So ask first: select() with a zero timeout says
 * at once whether the socket has something to read, without waiting. Ask
 * every half second ("socket not ready to read") until it does, then recv()
 * cannot fail. The program no longer blocks inside recv(); it blocks in
 * sleep() instead, between questions: stage 05 gives that time away.
 */
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
    "usage: select [--help]\n"
    "  Stage 04: a non-blocking socket asked with select() every 0.5 s\n"
    "  until the demo server's answer is there. It gives up when no\n"
    "  answer comes (a wrong server).\n" CLIENT_ENVIRONMENT;

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

/* Python (In [5]): def non_blocking_io(). Polls every 0.5 s. The talk logs
 * between the question and the break, so its last "socket not ready to
 * read" is printed when the socket IS ready: kept as in the talk. */
static const char *non_blocking_io(void)
{
    static char data[RECV_SIZE + 1];
    Timer t = timer_start(NULL);
    int s = setup_non_blocking_socket();
    double asked_at = monotonic_now();

    for (;;) {
        bool ready = ready_to_read(s);
        timer_log(&t, "socket not ready to read");
        if (ready)
            break;
        give_up_if_late(asked_at); /* not the demo server? */
        sleep_scaled(0.5);
    }

    if (!recv_text(s, data, sizeof data)) /* select() said it would not */
        die("recv after select", NULL);
    close(s);
    return data;
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    talk_init(argv);
    take_no_arguments(argc, argv, USAGE);
    printf("response: \"%s\"\n", non_blocking_io());
    return 0;
}
#endif
