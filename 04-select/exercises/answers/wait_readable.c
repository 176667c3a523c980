/*
 * wait_readable.c - answer. select() takes a bit set of descriptors (an
 * fd_set), sleeps until one of them is ready or the time is up, and
 * rewrites the set to hold only the ready ones. Its first argument is not
 * a count but the highest descriptor plus one: how far into the set to
 * look. A closed peer counts as readable: recv() would not block, it
 * would return 0.
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
    fd_set readable;
    FD_ZERO(&readable);
    int highest = -1;
    for (int i = 0; i < n; i++) {
        FD_SET(fds[i], &readable);
        if (fds[i] > highest)
            highest = fds[i];
    }
    struct timeval tv;
    tv.tv_sec = (time_t)timeout;
    tv.tv_usec = (suseconds_t)((timeout - (double)tv.tv_sec) * 1e6);
    int count = select(highest + 1, &readable, NULL, NULL, &tv);
    for (int i = 0; i < n; i++)
        ready[i] = count > 0 && FD_ISSET(fds[i], &readable);
    return count;
}
