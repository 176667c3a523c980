/*
 * test_03_recv_exactly.c - 03-blocking-io/exercises/recv_exactly.c: a
 * message that arrives in pieces is put back together, no byte past n is
 * taken, and a peer that closes early gives a short count.
 */
#include EXERCISE
#include "exercise.h"

#include <string.h>
#include <unistd.h>

TestSuite(recv_exactly, .timeout = HANG_TIMEOUT);

/* Datagram sockets hand out one send() per recv(): a message in pieces,
 * for sure, as a busy network might cut it. */
Test(recv_exactly, joins_a_message_sent_in_pieces)
{
    int ends[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, ends), 0, "socketpair");
    send(ends[1], "Hel", 3, 0);
    send(ends[1], "lo, w", 5, 0);
    send(ends[1], "orld", 4, 0);
    char buf[32] = {0};
    ssize_t n = recv_exactly(ends[0], buf, 12);
    cr_assert(n == 12 && memcmp(buf, "Hello, world", 12) == 0,
              "sent in 3 pieces, it returned %zd bytes \"%.*s\": recv() "
              "again, at buf + got, until all n bytes are there",
              n, n > 0 ? (int)n : 0, buf);
}

Test(recv_exactly, takes_no_more_than_n)
{
    int ends[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0, "socketpair");
    send(ends[1], "abcdef", 6, 0);
    char buf[8] = {0}, rest[8] = {0};
    cr_assert_eq(recv_exactly(ends[0], buf, 4), 4, "asked for 4 of 6 bytes");
    cr_assert_eq(recv(ends[0], rest, sizeof rest, 0), 2,
                 "it read past n: ask recv() only for what is missing");
}

Test(recv_exactly, a_peer_that_closes_early_gives_a_short_count)
{
    int ends[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0, "socketpair");
    send(ends[1], "ab", 2, 0);
    close(ends[1]);
    char buf[8];
    ssize_t n = recv_exactly(ends[0], buf, 6);
    cr_assert_eq(n, 2,
                 "the peer sent 2 bytes and closed; it returned %zd: "
                 "recv() returning 0 means no more is coming",
                 n);
}
