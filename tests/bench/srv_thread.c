/*
 * srv_thread.c - echo server, one thread per connection (the talk's
 * "Multitasking #2", the gthread worker): blocking recv() and send(), the
 * kernel switches between threads. Default thread attributes, as a naive
 * server would have them: each thread reserves its default stack (ulimit -s,
 * 8 MiB here) of virtual memory but touches only a few pages of it.
 *
 * Bench-only. Stops on SIGTERM the default way: the kernel closes its
 * sockets.
 */
#include "bench.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

static void *serve(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0 ||
           (n == -1 && errno == EINTR))
        for (ssize_t off = 0; n > 0 && off < n;) {
            ssize_t sent = send(fd, buf + off, (size_t)(n - off), 0);
            if (sent <= 0)
                break;
            off += sent;
        }
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    bench_raise_fd_limit();
    int listener = listen_local(port_from(argc, argv));
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd == -1) {
            if (errno != EINTR)
                sleep_ms(1); /* EMFILE and friends: rest, then retry */
            continue;
        }
        pthread_t thread;
        if (pthread_create(&thread, NULL, serve, (void *)(intptr_t)fd) != 0) {
            close(fd); /* out of threads: refuse this one */
            continue;
        }
        pthread_detach(thread);
    }
}
