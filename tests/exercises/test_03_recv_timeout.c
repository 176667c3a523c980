/*
 * test_03_recv_timeout.c - 03-blocking-io/exercises/recv_timeout.c: data
 * comes back at once, silence ends in ETIMEDOUT no earlier than asked, a
 * closed peer is 0, and a late answer within the time is still received.
 */
#include EXERCISE
#include "exercise.h"

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

TestSuite(recv_timeout, .timeout = HANG_TIMEOUT);

static int ends[2];

static void open_pair(void)
{
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0, "socketpair");
}

Test(recv_timeout, answers_at_once_with_data_that_is_there, .init = open_pair)
{
    char buf[16];
    send(ends[1], "hi", 2, 0);
    ssize_t n = recv_timeout(ends[0], buf, sizeof buf, scaled(5));
    cr_assert_eq(n, 2,
                 "data was waiting but recv_timeout returned %zd: "
                 "when the socket is readable, recv() it",
                 n);
}

Test(recv_timeout, gives_up_with_etimedout, .init = open_pair)
{
    char buf[16];
    double start = seconds_now();
    ssize_t n = recv_timeout(ends[0], buf, sizeof buf, 0.05);
    double took = seconds_now() - start;
    cr_assert(n == -1 && errno == ETIMEDOUT,
              "with nothing to read it returned %zd (errno %d): return -1 "
              "with errno = ETIMEDOUT",
              n, errno);
    cr_assert_geq(took, 0.05,
                  "it gave up after %.3f s, before the 0.05 s "
                  "it was given: poll's timeout is in ms",
                  took);
}

Test(recv_timeout, closed_peer_is_0, .init = open_pair)
{
    char buf[16];
    close(ends[1]);
    ssize_t n = recv_timeout(ends[0], buf, sizeof buf, scaled(5));
    cr_assert_eq(n, 0,
                 "the peer closed, and it returned %zd, not 0: a "
                 "closed socket is readable, and recv() says 0",
                 n);
}

static void *send_later(void *arg)
{
    (void)arg;
    struct timespec pause = {0, 20000000}; /* 20 ms */
    nanosleep(&pause, NULL);
    send(ends[1], "late", 4, 0);
    return NULL;
}

Test(recv_timeout, waits_for_data_that_comes_in_time, .init = open_pair)
{
    pthread_t t;
    char buf[16];
    pthread_create(&t, NULL, send_later, NULL);
    ssize_t n = recv_timeout(ends[0], buf, sizeof buf, scaled(5));
    pthread_join(t, NULL);
    cr_assert(n == 4 && memcmp(buf, "late", 4) == 0,
              "data sent 20 ms later, well within the time, was not "
              "received (%zd): wait for the socket to become readable",
              n);
}
