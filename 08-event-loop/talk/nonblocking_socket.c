/*
 * nonblocking_socket.c - In [12]'s NonBlockingSocket: sendall and recv as
 * generators that yield until select() says the socket is ready, so
 * whoever drives them (an executor, a loop) decides what to do meanwhile.
 */
#include "nonblocking_socket.h"
#include "talk.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Python: data = s.recv(1024); data.decode(). Stores what one recv()
 * returns as a C string. Returns false, errno EAGAIN or EWOULDBLOCK, when
 * the socket is non-blocking and nothing has arrived yet: the case Python
 * raises BlockingIOError for. */
bool recv_text(int s, char *data, size_t size)
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

/* Python: s.setblocking(False). The socket's O_NONBLOCK flag, from now on
 * read by every recv() and send() on it. */
void set_non_blocking(int s)
{
    int flags = fcntl(s, F_GETFL);
    if (flags == -1 || fcntl(s, F_SETFL, flags | O_NONBLOCK) == -1)
        die("fcntl(O_NONBLOCK)", NULL);
}

/* Python: r,_,_ = select.select([s.fileno()], [], [], 0); len(r) > 0.
 * A zero timeout: the kernel answers at once, readable or not yet. */
bool ready_to_read(int s)
{
    if (s >= FD_SETSIZE) /* an fd_set is a bitmap of FD_SETSIZE bits */
        die("select: descriptor too large for an fd_set",
            "select() only takes descriptors below FD_SETSIZE, 1024");
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(s, &readable);
    struct timeval no_wait = {0, 0};
    int ready = select(s + 1, &readable, NULL, NULL, &no_wait);
    if (ready == -1)
        die("select", NULL);
    return ready > 0;
}

/* Python: NonBlockingSocket(): connect, then setblocking(False). */
NonBlockingSocket non_blocking_socket(void)
{
    NonBlockingSocket s = {.fd = connect_to_server()};
    set_non_blocking(s.fd);
    return s;
}

/* Python: select.select([], [s.fileno()], [], 0)[1]: room to write now?
 * Like ready_to_read, on the other set. */
bool ready_to_write(int s)
{
    if (s >= FD_SETSIZE) /* an fd_set is a bitmap of FD_SETSIZE bits */
        die("select: descriptor too large for an fd_set",
            "select() only takes descriptors below FD_SETSIZE, 1024");
    fd_set writable;
    FD_ZERO(&writable);
    FD_SET(s, &writable);
    struct timeval no_wait = {0, 0};
    int ready = select(s + 1, NULL, &writable, NULL, &no_wait);
    if (ready == -1)
        die("select", NULL);
    return ready > 0;
}

/* A send() that a signal interrupted (EINTR) or that found the buffer
 * full after all (EAGAIN) sent nothing: try again, as stage 05's blocking
 * send_all does. */
static GenStatus sendall_step(Gen *g)
{
    SendAll *f = (SendAll *)g;
    GEN_BEGIN(g);
    while (f->sent < f->size) {
        while (!ready_to_write(f->s->fd))
            YIELD(g, NULL);
        ssize_t n = send(f->s->fd, f->value + f->sent, f->size - f->sent, 0);
        if (n == -1 && errno != EINTR && errno != EAGAIN &&
            errno != EWOULDBLOCK)
            die("send", "did the server hang up?");
        f->sent += n > 0 ? (size_t)n : 0;
    }
    GEN_END(g); /* Python: return self.socket.sendall(value), that is None */
}

/* Python: s.sendall(value). Makes the generator; sends nothing yet. */
Gen *socket_sendall(SendAll *frame, NonBlockingSocket *s, const char *value)
{
    *frame = (SendAll){.s = s, .value = value, .size = strlen(value)};
    return gen_init(&frame->gen, sendall_step, "sendall");
}

static GenStatus recv_step(Gen *g)
{
    Recv *f = (Recv *)g;
    GEN_BEGIN(g);
    f->asked_at = monotonic_now();
    while (!ready_to_read(f->s->fd)) {
        give_up_if_late(f->asked_at); /* not the demo server? */
        YIELD(g, NULL);
    }
    if (!recv_text(f->s->fd, f->data, f->amount + 1))
        die("recv after select", NULL);
    GEN_RETURN(g, f->data);
    GEN_END(g);
}

/* Python: s.recv(amount), at most 1024 bytes: what the frame holds. */
Gen *socket_recv(Recv *frame, NonBlockingSocket *s, size_t amount)
{
    frame->s = s;
    frame->amount = amount < RECV_SIZE ? amount : RECV_SIZE;
    return gen_init(&frame->gen, recv_step, "recv");
}

/* Python: s.close(). A plain function: closing never has to wait. */
void socket_close(NonBlockingSocket *s)
{
    close(s->fd);
    s->fd = -1;
}
