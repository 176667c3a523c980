/*
 * test_01_pmap.c - 01-processes/exercises/pmap.c: every result comes back
 * through a pipe, f runs in children, and pmap leaves no child and no
 * descriptor behind.
 */
#include EXERCISE
#include "exercise.h"

#include <errno.h>
#include <fcntl.h>

TestSuite(pmap, .timeout = HANG_TIMEOUT);

static pid_t parent;
static int touched; /* f sets it: in a child, the parent's copy stays 0 */

static int square_in_child(int x)
{
    touched = 1;
    return getpid() == parent ? -1 : x * x;
}

static int open_fds(void)
{
    int n = 0;
    for (int fd = 0; fd < 256; fd++)
        n += fcntl(fd, F_GETFD) != -1;
    return n;
}

Test(pmap, maps_f_over_every_input_in_children)
{
    parent = getpid();
    int in[6] = {1, 2, 3, 4, 5, 6}, out[6] = {0};
    cr_assert_eq(pmap(square_in_child, in, out, 6), 0,
                 "pmap returned -1: start_child must return the pipe's "
                 "read end, in the parent");
    for (int i = 0; i < 6; i++)
        cr_assert_eq(out[i], in[i] * in[i],
                     "out[%d] is %d, not %d (-1: f ran in the parent; run "
                     "it in the child and write its result into the pipe)",
                     i, out[i], in[i] * in[i]);
    cr_assert_eq(touched, 0,
                 "f changed the parent's memory: f must run in "
                 "the child only");
}

Test(pmap, leaves_no_child_and_no_descriptor_behind)
{
    parent = getpid();
    int before = open_fds();
    int in[4] = {1, 2, 3, 4}, out[4];
    cr_assert_eq(pmap(square_in_child, in, out, 4), 0,
                 "pmap returned -1: start_child must return the pipe's "
                 "read end, in the parent");
    cr_assert_eq(open_fds(), before,
                 "descriptors leaked: the parent closes the write end of "
                 "each pipe (and collect() closes the read end)");
    cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1,
                 "a child is still there: does the child _exit() after "
                 "writing, instead of returning into pmap's loop?");
    cr_assert_eq(errno, ECHILD, "a child is still there after pmap");
}
