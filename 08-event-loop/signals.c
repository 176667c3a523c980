/*
 * signals.c - loop_add_signal_handler, as asyncio's unix_events.py does it:
 * the self-pipe trick. A signal handler may do almost nothing safely, so it
 * only writes the signal's number into a pipe; the loop watches the pipe's
 * read end like any socket, and the handler's callback then runs as an
 * ordinary callback of the loop, never inside the signal handler.
 */
#include "event_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

enum { MAX_SIGNALS = 8 };

static int signal_pipe[2] = {-1, -1};
static struct {
    int signo;
    Handle handle;
} signal_handlers[MAX_SIGNALS];
static int nsignal_handlers;

static void write_signal_byte(int signo)
{
    int saved = errno; /* a handler must not change errno under the code
                          it interrupted */
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(signal_pipe[1], &byte, 1);
    (void)ignored; /* a full pipe already holds a wake-up */
    errno = saved;
}

static void read_signal_bytes(void *arg)
{
    Loop *loop = arg;
    unsigned char bytes[64];
    ssize_t n;
    while ((n = read(signal_pipe[0], bytes, sizeof bytes)) > 0)
        for (ssize_t i = 0; i < n; i++)
            for (int h = 0; h < nsignal_handlers; h++)
                if (signal_handlers[h].signo == bytes[i])
                    call_soon(loop, signal_handlers[h].handle.fn,
                              signal_handlers[h].handle.arg);
}

int loop_add_signal_handler(Loop *loop, int signo, Callback fn, void *arg)
{
    if (nsignal_handlers == MAX_SIGNALS) {
        errno = ENOSPC;
        return -1;
    }
    if (signal_pipe[0] == -1) {
        if (pipe(signal_pipe) == -1)
            return -1;
        for (int i = 0; i < 2; i++) {
            fcntl(signal_pipe[i], F_SETFL, O_NONBLOCK);
            fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
        }
        if (add_reader(loop, signal_pipe[0], read_signal_bytes, loop) == -1)
            return -1;
    }
    signal_handlers[nsignal_handlers].signo = signo;
    signal_handlers[nsignal_handlers++].handle = (Handle){fn, arg};
    struct sigaction sa = {.sa_handler = write_signal_byte};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(signo, &sa, NULL);
}

void loop_remove_signal_handlers(Loop *loop)
{
    if (signal_pipe[0] == -1)
        return;
    for (int h = 0; h < nsignal_handlers; h++)
        signal(signal_handlers[h].signo, SIG_DFL);
    nsignal_handlers = 0;
    loop_close_fd(loop, signal_pipe[0]);
    close(signal_pipe[1]);
    signal_pipe[0] = signal_pipe[1] = -1;
}
