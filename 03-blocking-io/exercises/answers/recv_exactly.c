/*
 * recv_exactly.c - answer. The loop asks only for what is still missing,
 * at the spot where it goes, so nothing is overwritten and nothing is read
 * past n (the next message's bytes stay in the socket for the next call).
 */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Receives exactly n bytes into buf. Returns n, or fewer if the peer
 * closed first (how many arrived), or -1 with recv's errno. */
ssize_t recv_exactly(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, buf + got, n - got, 0);
        if (r == 0)
            break;
        if (r == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        got += (size_t)r;
    }
    return (ssize_t)got;
}
