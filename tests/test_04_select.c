/*
 * test_04_select.c - stage 04: select() with a zero timeout answers at once,
 * readable or not; the program polls every 0.5 s (scaled) and prints the
 * talk's trace; without a server it says to run `make server`.
 */
#include <criterion/criterion.h>

#include "harness.h"

#include "../04-select/select.c"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>

Test(select, a_zero_timeout_answers_at_once_readable_or_not)
{
    int pair[2];
    cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    double start = monotonic_now();
    cr_assert_not(ready_to_read(pair[0]), "nothing was sent yet");
    /* Far less than the shortest wait the stage asks for (a 0.5 s tick):
     * a select() that blocked would wait forever here. */
    cr_assert(monotonic_now() - start < 0.5 / 2, "select() waited");
    cr_assert_eq(write(pair[1], "x", 1), 1);
    cr_assert(ready_to_read(pair[0]), "a byte is waiting");
    close(pair[0]);
    close(pair[1]);
}

Test(select, prints_the_talks_polling_trace, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 20 * BUILD_SLOWDOWN)
{
    const char *argv[] = {bin("04-select/select"), NULL};
    const char *env[] = {port_env(&demo_server), "TIME_SCALE=0.05", NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_eq(run.status, 0, "stderr: %s", run.err);
    char *masked = mask_times(run.out);
    /* A 2 s delay is exactly four 0.5 s ticks: whether the fifth look sees
     * the answer depends on microseconds, so 5 lines (the talk) or 6. */
    const char *poll_line = "[T] socket not ready to read";
    int polls = count_lines(masked, poll_line);
    cr_assert(polls == 5 || polls == 6, "%d polling lines:\n%s", polls, masked);
    char expected[512] = "";
    for (int i = 0; i < polls; i++)
        strcat(strcat(expected, poll_line), "\n");
    strcat(expected, "response: \"Hello, world\"\n");
    expect_trace(masked, expected);
    cr_assert_str_eq(run.err, "");
    free(masked);
    run_free(&run);
}

Test(select, without_a_server_says_to_run_make_server)
{
    /* A port bound but not listening: connect() is refused, for sure. */
    int holder = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    cr_assert_eq(bind(holder, (struct sockaddr *)&addr, len), 0);
    getsockname(holder, (struct sockaddr *)&addr, &len);
    char port[32];
    snprintf(port, sizeof port, "PORT=%d", ntohs(addr.sin_port));

    const char *argv[] = {bin("04-select/select"), NULL};
    const char *env[] = {port, NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_eq(run.status, 1);
    cr_assert(strstr(run.err, "make server"), "no hint: %s", run.err);
    cr_assert_str_eq(run.out, "");
    run_free(&run);
    close(holder);
}
