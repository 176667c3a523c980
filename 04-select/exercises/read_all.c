/*
 * read_all.c - exercise: read several sockets to their end, each as its
 * data comes, with one select() loop.
 *
 *   open_socks = list(socks)
 *   while open_socks:
 *       readable, _, _ = select.select(open_socks, [], [])
 *       for s in readable:
 *           data = s.recv(4096)
 *           if data: bufs[s] += data
 *           else: open_socks.remove(s)
 *
 * Reading them one after the other can wait forever: the first socket may
 * not end until someone reads the second. Check it with `make exercise-04`.
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
    /* TODO: while some fd is still open: select() on the open ones (no
     * timeout: NULL); for each one FD_ISSET reports, read_some() once; 0
     * means its peer closed: it is no longer open; -1 is an error. */
    (void)open;
    (void)fds;
    (void)bufs;
    (void)size;
    (void)read_some;
    return -1;
}
