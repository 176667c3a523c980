/*
 * pmap.c - answer. fork() returns twice: 0 in the child, which computes
 * f(x), writes it into the pipe and leaves with _exit() (exit() would run
 * the parent's atexit handlers and flush its stdio buffers a second time);
 * the child's pid in the parent, which keeps only the read end. Each side
 * closes the end it does not use, so the parent's read sees end-of-file if
 * a child dies without writing, instead of waiting forever.
 */
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Starts a child that computes f(x) and writes the int into a pipe. Returns
 * the pipe's read end (the parent's), with *pid the child's id, or -1 if
 * pipe() or fork() failed. */
static int start_child(int (*f)(int), int x, pid_t *pid)
{
    int ends[2];
    if (pipe(ends) == -1)
        return -1;
    fflush(stdout);
    *pid = fork();
    if (*pid == -1) {
        close(ends[0]);
        close(ends[1]);
        return -1;
    }
    if (*pid == 0) {
        close(ends[0]);
        int result = f(x);
        ssize_t sent = write(ends[1], &result, sizeof result);
        _exit(sent == (ssize_t)sizeof result ? 0 : 1);
    }
    close(ends[1]);
    return ends[0];
}

/* Reads the child's int, closes the pipe, reaps the child. */
static int collect(int fd, pid_t pid, int *result)
{
    ssize_t n = read(fd, result, sizeof *result);
    close(fd);
    int status;
    while (waitpid(pid, &status, 0) == -1)
        ;
    return n == (ssize_t)sizeof *result ? 0 : -1;
}

enum { PMAP_MAX = 64 };

/* Python: out = pool.map(f, in). Every child starts before the first is
 * collected, so they run at the same time. 0 on success, -1 on failure. */
int pmap(int (*f)(int), const int *in, int *out, int n)
{
    int fds[PMAP_MAX];
    pid_t pids[PMAP_MAX];
    if (n > PMAP_MAX)
        return -1;
    int started = 0;
    while (started < n) {
        fds[started] = start_child(f, in[started], &pids[started]);
        if (fds[started] == -1)
            break;
        started++;
    }
    int failed = started < n;
    for (int i = 0; i < started; i++)
        failed |= collect(fds[i], pids[i], &out[i]) != 0;
    return failed ? -1 : 0;
}
