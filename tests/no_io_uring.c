/*
 * no_io_uring.c - runs a command where io_uring is refused, as a
 * container's seccomp filter refuses it: io_uring_setup fails with EPERM,
 * every other system call is let through. No root needed: a process may
 * filter its own system calls once it gives up gaining privileges
 * (PR_SET_NO_NEW_PRIVS), and the filter passes to what it execs.
 *
 *     tests/bin/no_io_uring COMMAND [ARG...]
 *
 * test_08_proactor.c runs echo_server under it with ASYNCIO_LOOP=proactor:
 * the loop must say so in one line and run on the readiness loop.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static int refuse_io_uring_setup(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
        BPF_STMT(BPF_RET | BPF_K,
                 SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {sizeof filter / sizeof *filter, filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0);
}
#else
static int refuse_io_uring_setup(void)
{
    errno = ENOSYS; /* nothing to refuse: io_uring is Linux's */
    return -1;
}
#endif

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: no_io_uring COMMAND [ARG...]\n");
        return 2;
    }
    if (refuse_io_uring_setup() == -1) {
        fprintf(stderr, "no_io_uring: cannot install the filter: %s\n",
                strerror(errno));
        return 2;
    }
    execv(argv[1], argv + 1);
    fprintf(stderr, "no_io_uring: exec %s: %s\n", argv[1], strerror(errno));
    return 127;
}
