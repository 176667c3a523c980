/*
 * test_04_wait_readable.c - 04-select/exercises/wait_readable.c: one call
 * reports every readable socket of several, and silence is a timeout no
 * shorter than asked.
 */
#include EXERCISE
#include "exercise.h"

#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

TestSuite(wait_readable, .timeout = HANG_TIMEOUT);

static int ours[4], theirs[4]; /* four socket pairs */

static void open_pairs(void)
{
    for (int i = 0; i < 4; i++) {
        int ends[2];
        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0, "pair");
        ours[i] = ends[0];
        theirs[i] = ends[1];
    }
}

Test(wait_readable, reports_each_readable_socket, .init = open_pairs)
{
    bool ready[4];
    send(theirs[1], "x", 1, 0);
    close(theirs[3]); /* a closed peer is readable too */
    int n = wait_readable(ours, 4, scaled(5), ready);
    cr_assert_eq(n, 2,
                 "2 of 4 sockets were readable, it said %d: count "
                 "what select() reports",
                 n);
    cr_assert(!ready[0] && ready[1] && !ready[2] && ready[3],
              "ready[] is %d%d%d%d, not 0101: FD_ISSET(fds[i]) after "
              "select() says which",
              ready[0], ready[1], ready[2], ready[3]);
}

Test(wait_readable, times_out_when_none_is_ready, .init = open_pairs)
{
    bool ready[4] = {true, true, true, true};
    double start = seconds_now();
    int n = wait_readable(ours, 4, 0.05, ready);
    double took = seconds_now() - start;
    cr_assert_eq(n, 0, "nothing to read: it returned %d, not 0", n);
    cr_assert(!ready[0] && !ready[1] && !ready[2] && !ready[3],
              "nothing was readable, but a ready[] flag is set");
    cr_assert_geq(took, 0.05,
                  "it returned after %.3f s, before its 0.05 s "
                  "timeout: struct timeval is seconds and "
                  "microseconds",
                  took);
}
