/*
 * srv_select.c - echo server on one thread with select(), the stage-04
 * system call used the way servers used it before poll and epoll. Every
 * call copies and scans a bitmap of all descriptors, and that bitmap has
 * FD_SETSIZE (1,024) bits: a descriptor numbered 1,024 or more cannot be
 * put in it at all (FD_SET on it writes past the end of the fd_set).
 * So when accept() returns such a descriptor this server closes it at once
 * and says so, once: it fails cleanly, and keeps serving the connections it
 * has. The benchmark's chart shows where it stopped.
 *
 * Bench-only. Stops on SIGTERM the default way.
 */
#include "bench.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

static bool is_client[FD_SETSIZE];

static void refuse(int fd)
{
    static bool said;
    if (!said)
        fprintf(stderr,
                "srv_select: descriptor %d does not fit in an fd_set "
                "(FD_SETSIZE = %d): refusing new connections\n",
                fd, FD_SETSIZE);
    said = true;
    close(fd);
}

static void accept_one(int listener, int *maxfd)
{
    int fd = accept(listener, NULL, NULL);
    if (fd == -1)
        return;
    if (fd >= FD_SETSIZE) {
        refuse(fd);
        return;
    }
    is_client[fd] = true;
    if (fd > *maxfd)
        *maxfd = fd;
}

/* One recv and its echo; blocking send is fine: the client reads. */
static void echo(int fd)
{
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n == -1 && errno == EINTR)
        return;
    if (n <= 0) {
        is_client[fd] = false;
        close(fd);
        return;
    }
    for (ssize_t off = 0; off < n;) {
        ssize_t sent = send(fd, buf + off, (size_t)(n - off), 0);
        if (sent <= 0)
            return;
        off += sent;
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    bench_raise_fd_limit();
    int listener = listen_local(port_from(argc, argv));
    int maxfd = listener;
    for (;;) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        for (int fd = 0; fd <= maxfd; fd++)
            if (is_client[fd])
                FD_SET(fd, &readable);
        if (select(maxfd + 1, &readable, NULL, NULL, NULL) == -1) {
            if (errno == EINTR)
                continue;
            fail("select");
        }
        for (int fd = 0; fd <= maxfd; fd++)
            if (is_client[fd] && FD_ISSET(fd, &readable))
                echo(fd);
        if (FD_ISSET(listener, &readable))
            accept_one(listener, &maxfd);
    }
}
