/*
 * recv_exactly.c - exercise: read a whole message when recv() hands it out
 * in pieces.
 *
 *   def recv_exactly(sock, n):
 *       data = b""
 *       while len(data) < n:
 *           chunk = sock.recv(n - len(data))
 *           if not chunk:
 *               break          # the peer closed early
 *           data += chunk
 *       return data
 *
 * recv() returns what has arrived, which may be less than asked for: TCP
 * cuts a stream where it likes. Check it with `make exercise-03`.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Receives exactly n bytes into buf. Returns n, or fewer if the peer
 * closed first (how many arrived), or -1 with recv's errno. */
ssize_t recv_exactly(int fd, char *buf, size_t n)
{
    /* TODO: call recv() for what is still missing, at buf + got, until
     * got == n; 0 from recv() means the peer closed: return got; -1 with
     * EINTR (a signal) means try again. */
    return recv(fd, buf, n, 0);
}
