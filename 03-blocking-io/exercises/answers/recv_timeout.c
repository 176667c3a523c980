/*
 * recv_timeout.c - answer. poll() sleeps until the descriptor is readable
 * or the timeout runs out, whichever comes first; it reports "readable"
 * also when the peer closed (recv() then returns 0) or on an error (recv()
 * then fails with it). An EINTR (a signal) restarts the wait with what is
 * left of the time, measured on CLOCK_MONOTONIC. (setsockopt SO_RCVTIMEO
 * does the same in the kernel, and is fine too.)
 */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

/* Python: sock.settimeout(seconds); sock.recv(len). Returns what recv()
 * returns (0 when the peer closed), or -1 with errno ETIMEDOUT when nothing
 * arrived within `seconds`, or -1 with recv's errno. */
ssize_t recv_timeout(int fd, void *buf, size_t len, double seconds)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        double left = seconds - (double)(now.tv_sec - start.tv_sec) -
                      (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, left > 0 ? (int)(left * 1000 + 0.999) : 0);
        if (ready > 0)
            return recv(fd, buf, len, 0);
        if (ready == 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        if (errno != EINTR)
            return -1;
    }
}
