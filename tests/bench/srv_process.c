/*
 * srv_process.c - echo server, one process per connection (the talk's
 * "Multitasking #1", gunicorn's sync worker with a fork per client): the
 * parent accepts and forks; the child echoes with blocking recv() and
 * send() until its client leaves. The benchmark caps it at 1,000
 * connections: a thousand processes is already a lot for a 2-core machine,
 * and the point is made long before 10,000.
 *
 * Bench-only. Children die with the parent (PR_SET_PDEATHSIG on Linux) or
 * when their client closes.
 */
#include "bench.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

static void serve(int fd)
{
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
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_IGN); /* children are reaped by the kernel */
    bench_raise_fd_limit();
    pid_t parent = getpid();
    int listener = listen_local(port_from(argc, argv));
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd == -1) {
            if (errno != EINTR)
                sleep_ms(1);
            continue;
        }
        pid_t pid = fork();
        if (pid == 0) {
#ifdef __linux__
            prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
            if (getppid() != parent)
                _exit(0);
            close(listener);
            serve(fd);
            _exit(0);
        }
        close(fd); /* the child has its own copy (or fork failed: refuse) */
    }
}
