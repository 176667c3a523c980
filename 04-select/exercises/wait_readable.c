/*
 * wait_readable.c - exercise: select() over several sockets at once.
 *
 *   readable, _, _ = select.select(socks, [], [], timeout)
 *
 * Stage 04 asks select() about one socket; the point of select() is that
 * one call watches many. wait_readable() says which of n descriptors can
 * be read without blocking, waiting up to `timeout` seconds for the first.
 * Check it with `make exercise-04`.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/time.h>

/* Sets ready[i] for each fds[i] that is readable (data, or the peer
 * closed) and clears the others. Returns how many are ready, 0 if none
 * became ready within timeout seconds, -1 on error. */
int wait_readable(const int *fds, int n, double timeout, bool *ready)
{
    /* TODO: FD_ZERO a set, FD_SET each fd; select()'s first argument is
     * the highest descriptor + 1; timeout goes in a struct timeval
     * (seconds and microseconds). After select(), FD_ISSET says which. */
    for (int i = 0; i < n; i++)
        ready[i] = false;
    (void)fds;
    (void)timeout;
    return -1;
}
