/*
 * test_04_read_all.c - 04-select/exercises/read_all.c: every socket is
 * read to its end, in whatever order their data comes, even when one
 * socket's end waits on another being read.
 */
#include EXERCISE
#include "exercise.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(read_all, .timeout = HANG_TIMEOUT);

enum { BIG = 4 << 20 }; /* more than a socket's buffer holds */
static int theirs[2];

/* Sends "first" on socket 0, then BIG bytes on socket 1, which fill its
 * buffer until the reader takes some, and only then ends socket 0. A
 * reader that waits for socket 0's end before reading socket 1 waits for
 * ever (the test times out). */
static void *writer(void *arg)
{
    char *big = arg;
    send(theirs[0], "first", 5, 0);
    for (size_t sent = 0; sent < BIG;) {
        ssize_t n = send(theirs[1], big + sent, BIG - sent, 0);
        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    close(theirs[1]);
    send(theirs[0], " last", 5, 0);
    close(theirs[0]);
    return NULL;
}

Test(read_all, reads_each_socket_as_its_data_comes)
{
    int ours[2];
    for (int i = 0; i < 2; i++) {
        int ends[2];
        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0, "pair");
        ours[i] = ends[0];
        theirs[i] = ends[1];
    }
    char *big = malloc(BIG), *bufs[2] = {malloc(BIG), malloc(BIG)};
    cr_assert(big && bufs[0] && bufs[1], "out of memory");
    memset(big, 'z', BIG);
    signal(SIGPIPE, SIG_IGN);
    pthread_t t;
    pthread_create(&t, NULL, writer, big);
    size_t lens[2] = {0, 0};
    /* A hang here: socket 0 was read to its end before socket 1. */
    int r = read_all(ours, 2, bufs, BIG, lens);
    if (r != 0) { /* the writer's sends fail (EPIPE), and it ends */
        close(ours[0]);
        close(ours[1]);
    }
    pthread_join(t, NULL);
    cr_assert_eq(r, 0,
                 "read_all returned %d: loop until every socket's "
                 "peer has closed",
                 r);
    cr_assert(lens[0] == 10 && memcmp(bufs[0], "first last", 10) == 0,
              "socket 0 gave %zu bytes, not \"first last\"", lens[0]);
    cr_assert_eq(lens[1], (size_t)BIG, "socket 1 gave %zu bytes of %d", lens[1],
                 BIG);
    free(big);
    free(bufs[0]);
    free(bufs[1]);
}
