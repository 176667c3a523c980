/*
 * signals.c - loop_add_signal_handler, as asyncio's unix_events.py does it:
 * the self-pipe trick. A signal handler may do almost nothing safely, so it
 * only writes the signal's number into a pipe; the loop watches the pipe's
 * read end like any socket, and the handler's callback then runs as an
 * ordinary callback of the loop, never inside the signal handler.
 *
 * The pipe and the table of handlers belong to the loop (loop->signals).
 * Only the pipe's write end is process-wide, because a signal handler gets
 * no argument to find a loop by.
 */
#include "signals.h"
#include "memory.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

enum { MAX_SIGNALS = 8 };

struct SignalHandlers {
    int pipe[2];
    int n;
    struct {
        int signo;
        Handle handle;
    } table[MAX_SIGNALS];
};

/* Python: signal.set_wakeup_fd(fd). */
static volatile sig_atomic_t wakeup_fd = -1;

static void write_signal_byte(int signo)
{
    int saved = errno; /* a handler must not change errno under the code
                          it interrupted */
    unsigned char byte = (unsigned char)signo;
    ssize_t ignored = write(wakeup_fd, &byte, 1);
    (void)ignored; /* a full pipe already holds a wake-up */
    errno = saved;
}

static void read_signal_bytes(void *arg)
{
    Loop *loop = arg;
    struct SignalHandlers *s = loop->signals;
    unsigned char bytes[64];
    ssize_t n;
    while ((n = read(s->pipe[0], bytes, sizeof bytes)) > 0)
        for (ssize_t i = 0; i < n; i++)
            for (int h = 0; h < s->n; h++)
                if (s->table[h].signo == bytes[i])
                    call_soon(loop, s->table[h].handle.fn,
                              s->table[h].handle.arg);
}

static void remove_at_close(void *loop)
{
    loop_remove_signal_handlers(loop);
}

/* The loop's pipe, watched by the loop, and its empty table. */
static int start_handling_signals(Loop *loop)
{
    int fds[2];
    if (pipe(fds) == -1)
        return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    if (add_reader(loop, fds[0], read_signal_bytes, loop) == -1) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    loop->signals = reallocate(NULL, 1, sizeof *loop->signals);
    *loop->signals = (struct SignalHandlers){.pipe = {fds[0], fds[1]}};
    wakeup_fd = fds[1];
    loop_call_at_close(loop, remove_at_close, loop);
    return 0;
}

int loop_add_signal_handler(Loop *loop, int signo, Callback fn, void *arg)
{
    if (!loop->signals && start_handling_signals(loop) == -1)
        return -1;
    struct SignalHandlers *s = loop->signals;
    if (s->n == MAX_SIGNALS) {
        errno = ENOSPC;
        return -1;
    }
    s->table[s->n].signo = signo;
    s->table[s->n++].handle = (Handle){fn, arg};
    struct sigaction sa = {.sa_handler = write_signal_byte};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(signo, &sa, NULL);
}

void loop_remove_signal_handlers(Loop *loop)
{
    struct SignalHandlers *s = loop->signals;
    if (!s)
        return;
    for (int h = 0; h < s->n; h++)
        signal(s->table[h].signo, SIG_DFL);
    if (wakeup_fd == s->pipe[1])
        wakeup_fd = -1;
    loop_close_fd(loop, s->pipe[0]);
    close(s->pipe[1]);
    loop->signals = reallocate(s, 0, 0);
}
