/*
 * blocking_io.c - stage 03: blocking IO vs non-blocking IO (the talk's
 * In [2] and In [3]).
 *
 * blocking_io() connects to the demo server, sends "Hello, world" and
 * waits in recv() until the answer comes, two seconds later: the whole
 * thread is stuck there, doing nothing. The talk then asks "???": what if
 * the socket does not block? In C, as in Python, recv() on a non-blocking
 * socket with nothing to read yet fails at once: errno EAGAIN, the error
 * Python raises as BlockingIOError. Stage 04 waits for the answer politely.
 */
#include "talk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { RECV_SIZE = 1024 }; /* s.recv(1024) */
static const char PAYLOAD[] = "Hello, world";

static const char USAGE[] =
    "usage: blocking_io [--help]\n"
    "  Stage 03: a blocking client stuck in recv() for the demo server's\n"
    "  2 s, then recv() on a non-blocking socket: EAGAIN. It gives up\n"
    "  when no answer comes (a wrong server).\n" CLIENT_ENVIRONMENT;

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

/* Python (In [2]): def blocking_io(). */
static const char *blocking_io(void)
{
    static char data[RECV_SIZE + 1];
    Timer t = timer_start(NULL);
    timer_log(&t, "starting function");
    int s = connect_to_server();
    timer_log(&t, "connected");
    send_all(s, PAYLOAD, strlen(PAYLOAD));
    timer_log(&t, "sent payload");
    if (!recv_text(s, data, sizeof data)) /* blocks here for 2 s */
        give_up(); /* ... or until patience() runs out: a wrong server */
    timer_log(&t, "received response");
    close(s);
    return data;
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
 * lines of In [3], given a name. Stage 04 starts from here. */
static int setup_non_blocking_socket(void)
{
    int s = connect_to_server();
    set_non_blocking(s);
    send_all(s, PAYLOAD, strlen(PAYLOAD)); /* 12 bytes: always fit */
    return s;
}

/* Python (In [3]): def non_blocking_io(), the talk's "???". The answer is
 * two seconds away, so recv() cannot wait for it: it fails at once. */
static const char *non_blocking_io(void)
{
    static char data[RECV_SIZE + 1];
    int s = setup_non_blocking_socket();

    if (!recv_text(s, data, sizeof data)) { /* ??? */
        printf("recv on a non-blocking socket: %s (EAGAIN): the C twin of "
               "BlockingIOError\n",
               strerror(errno));
        close(s);
        return NULL;
    }
    close(s);
    return data;
}

#ifndef STAGE_NO_MAIN
int main(int argc, char **argv)
{
    talk_init(argv);
    take_no_arguments(argc, argv, USAGE);
    printf("response: \"%s\"\n", blocking_io());
    /* The talk leaves this print commented out: non_blocking_io() raises
     * BlockingIOError, so there is no response to print. */
    const char *response = non_blocking_io();
    if (response)
        printf("response: \"%s\"\n", response);
    return 0;
}
#endif
