/*
 * exit_codes.c - answer. waitpid() both reaps the child (it leaves the
 * process table) and hands over its status, a packed int read with macros:
 * WIFEXITED says it called exit, WEXITSTATUS is the code it gave, and
 * WIFSIGNALED/WTERMSIG say a signal ended it. One killed child makes the
 * answer -1, but the loop still reaps the others, or they stay zombies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Waits for each of the n children (pids[]) and returns the sum of their
 * exit codes, or -1 if one did not exit normally (a signal killed it). */
static int wait_and_sum(const pid_t *pids, int n)
{
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int status;
        while (waitpid(pids[i], &status, 0) == -1)
            if (errno != EINTR)
                return -1;
        if (WIFEXITED(status) && sum != -1)
            sum += WEXITSTATUS(status);
        else
            sum = -1;
    }
    return sum;
}

enum { MAX_CHILDREN = 64 };

/* Runs job(0) ... job(n-1), each in a child whose exit code is its result
 * (0 to 255). Returns the sum of the codes, -1 on failure. */
int sum_exit_codes(int (*job)(int), int n)
{
    pid_t pids[MAX_CHILDREN];
    if (n > MAX_CHILDREN)
        return -1;
    fflush(stdout); /* or the children print the parent's buffer again */
    int started = 0;
    for (; started < n; started++) {
        pids[started] = fork();
        if (pids[started] == -1)
            break;
        if (pids[started] == 0)
            _exit(job(started));
    }
    int sum = wait_and_sum(pids, started);
    return started < n ? -1 : sum;
}
