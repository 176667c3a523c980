/*
 * read_all.c - answer. Each pass builds the set again from the sockets
 * still open (select() overwrites it), sleeps until at least one has
 * something, and reads each ready one exactly once: one recv() never
 * blocks on a socket select() called readable, a second might. A socket
 * whose peer closed stays readable forever, so it must leave the set.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>

enum { READ_ALL_MAX = 16, CHUNK = 4096 };

/* Appends one recv() from fd to buf (size bytes, *len used). Returns the
 * bytes received: 0 when the peer closed (or buf is full), -1 on error. */
static ssize_t read_some(int fd, char *buf, size_t size, size_t *len)
{
    size_t room = size - *len < CHUNK ? size - *len : CHUNK;
    if (room == 0)
        return 0;
    ssize_t n = recv(fd, buf + *len, room, 0);
    if (n > 0)
        *len += (size_t)n;
    return n;
}

/* Reads each fds[i] until its peer closes, into bufs[i] (size bytes each;
 * lens[i] says how many arrived), whichever socket has data first.
 * Returns 0, or -1 on error. */
int read_all(const int *fds, int n, char **bufs, size_t size, size_t *lens)
{
    bool open[READ_ALL_MAX];
    if (n > READ_ALL_MAX)
        return -1;
    for (int i = 0; i < n; i++) {
        open[i] = true;
        lens[i] = 0;
    }
    int left = n;
    while (left > 0) {
        fd_set readable;
        FD_ZERO(&readable);
        int highest = -1;
        for (int i = 0; i < n; i++)
            if (open[i]) {
                FD_SET(fds[i], &readable);
                highest = fds[i] > highest ? fds[i] : highest;
            }
        if (select(highest + 1, &readable, NULL, NULL, NULL) == -1)
            return -1;
        for (int i = 0; i < n; i++) {
            if (!open[i] || !FD_ISSET(fds[i], &readable))
                continue;
            ssize_t got = read_some(fds[i], bufs[i], size, &lens[i]);
            if (got == -1)
                return -1;
            if (got == 0) {
                open[i] = false;
                left--;
            }
        }
    }
    return 0;
}
