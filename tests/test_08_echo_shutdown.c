/*
 * test_08_echo_shutdown.c - echo_server's orderly shutdown, in process:
 * the server's own serve task and signal callback (echo_server.c is
 * included, its main left out), driven one loop iteration at a time, so
 * a signal can land exactly where the shutdown is most fragile.
 */
#include "../08-event-loop/echo_server.c"

#define Server HarnessServer /* harness.h's Server is not echo_server's */
#include "harness.h"
#undef Server
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include <unistd.h>

/* A second SIGINT that lands while serve waits for the connections to
 * close must not cancel what it waits on (all_closed): the close then
 * finishes as the first SIGINT asked, and nothing is said on stderr
 * (cancelling all_closed led to an InvalidStateError). */
Test(echo_shutdown, a_second_sigint_does_not_abandon_the_orderly_close,
     .timeout = 10 * BUILD_SLOWDOWN)
{
    signal(SIGPIPE, SIG_IGN);
    cr_redirect_stderr();
    static Server s;
    s.loop = loop_new(NULL);
    cr_assert(s.loop);
    int port;
    s.listener = tcp_listen(0, &port);
    cr_assert_neq(s.listener, -1);
    create_task(s.loop, &s.task, gen_init(&s.gen, serve_step, "serve"),
                "serve");
    int client = tcp_connect(port);
    cr_assert_neq(client, -1);
    while (s.nconnections == 0)
        cr_assert_eq(loop_run_once(s.loop), 0);
    stop_serving(&s); /* SIGINT */
    while (!s.stopping)
        cr_assert_eq(loop_run_once(s.loop), 0);
    cr_assert_gt(s.nconnections, 0, "closed too soon for the test");
    stop_serving(&s); /* SIGINT again, while serve awaits all_closed */
    cr_assert_eq(run_until_complete(s.loop, &s.task.future), 0);
    cr_assert_not(future_cancelled(&s.task.future),
                  "the orderly close was abandoned");
    cr_assert_eq(s.nconnections, 0);
    fflush(stderr);
    cr_assert_stderr_eq_str("");
    loop_close(s.loop);
    close(client);
}
