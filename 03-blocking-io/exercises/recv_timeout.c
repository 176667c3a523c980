/*
 * recv_timeout.c - exercise: a receive that gives up.
 *
 *   sock.settimeout(seconds)
 *   data = sock.recv(1024)    # raises socket.timeout if nothing comes
 *
 * A blocking recv() waits as long as it takes: stage 03's client sits
 * there for the server's whole delay, and forever if the server never
 * answers. recv_timeout() waits at most `seconds` for something to read,
 * then gives up with errno ETIMEDOUT. Check it with `make exercise-03`.
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Python: sock.settimeout(seconds); sock.recv(len). Returns what recv()
 * returns (0 when the peer closed), or -1 with errno ETIMEDOUT when nothing
 * arrived within `seconds`, or -1 with recv's errno. */
ssize_t recv_timeout(int fd, void *buf, size_t len, double seconds)
{
    /* TODO: wait until fd is readable or the time is up: poll() with one
     * struct pollfd {fd, POLLIN} and a timeout in milliseconds, or
     * select(). Nothing ready: errno = ETIMEDOUT, return -1. Ready (data,
     * or the peer closed): one recv(), which does not block now. */
    (void)fd;
    (void)buf;
    (void)len;
    (void)seconds;
    errno = 0;
    return -1;
}
