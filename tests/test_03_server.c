/*
 * test_03_server.c - the demo server: it echoes the exact bytes after one
 * delay (not before), answers 100 clients at once in about one delay, keeps
 * serving when clients hang up early or send more than one buffer, refuses
 * a port in use with a hint, and stops on SIGTERM or SIGINT with exit 0;
 * it answers the probe at once with its TIME_SCALE, and nothing else. And
 * with-server.sh, which every `make NN` runs its client through: it tells
 * the demo server from a program that is not, and from one at another
 * TIME_SCALE, and two runs at once never share a server they may stop.
 *
 * Each test starts its own server on a free port (PORT=0) at TIME_SCALE=0.05
 * (a 0.1 s delay) and stops it by its PID in .fini, also when it fails.
 */
#include <criterion/criterion.h>

#include "harness.h"

#include "../03-blocking-io/server.c"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

static const double SCALED_DELAY = 2.0 * 0.05;
TestSuite(server, .init = start_demo_server, .fini = stop_demo_server,
          .timeout = 20 * BUILD_SLOWDOWN);

/* Reads exactly size bytes within timeout seconds; returns how many came. */
static size_t read_exactly(int fd, char *buffer, size_t size, double timeout)
{
    size_t got = 0;
    double deadline = monotonic_now() + timeout;
    while (got < size) {
        int left_ms = (int)((deadline - monotonic_now()) * 1000);
        struct pollfd p = {fd, POLLIN, 0};
        if (left_ms <= 0 || poll(&p, 1, left_ms) != 1)
            break;
        ssize_t n = recv(fd, buffer + got, size - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static bool readable_within(int fd, double seconds)
{
    struct pollfd p = {fd, POLLIN, 0};
    return poll(&p, 1, (int)(seconds * 1000)) == 1;
}

static int connect_to(const Server *s)
{
    int fd = tcp_connect(s->port);
    cr_assert(fd >= 0, "cannot connect to the server on port %d", s->port);
    return fd;
}

Test(server, echoes_the_exact_bytes_after_one_delay_not_before)
{
    char sent[256], back[256];
    for (int i = 0; i < 256; i++)
        sent[i] = (char)i; /* every byte value, NUL included */
    int fd = connect_to(&demo_server);
    double start = monotonic_now();
    cr_assert(send_all(fd, sent, sizeof sent));
    cr_assert_not(readable_within(fd, SCALED_DELAY / 2),
                  "the answer came before the delay");
    cr_assert_eq(read_exactly(fd, back, sizeof back, 2), sizeof back);
    double took = monotonic_now() - start;
    cr_assert(memcmp(sent, back, sizeof sent) == 0, "bytes changed on the way");
    cr_assert(took >= SCALED_DELAY * 0.95, "answered after %.3f s", took);
    close(fd);
}

Test(server, answers_every_message_of_a_connection)
{
    int fd = connect_to(&demo_server);
    for (int i = 0; i < 3; i++) {
        char back[16] = "";
        cr_assert(send_all(fd, "Hello, world", 12));
        cr_assert_eq(read_exactly(fd, back, 12, 2), 12, "answer %d", i + 1);
        cr_assert_str_eq(back, "Hello, world");
    }
    close(fd);
}

/* How long one client waits for its answer, now. */
static double one_round_trip(void)
{
    char back[8];
    int fd = connect_to(&demo_server);
    double start = monotonic_now();
    cr_assert(send_all(fd, "one", 3));
    cr_assert_eq(read_exactly(fd, back, 3, 5), 3);
    close(fd);
    return monotonic_now() - start;
}

Test(server, answers_100_clients_at_once_in_about_one_delay)
{
    enum { CLIENTS = 100 };
    int fds[CLIENTS];
    double start = monotonic_now();
    for (int i = 0; i < CLIENTS; i++) {
        char message[16];
        fds[i] = connect_to(&demo_server);
        int len = snprintf(message, sizeof message, "client %d", i);
        cr_assert(send_all(fds[i], message, (size_t)len));
    }
    for (int i = 0; i < CLIENTS; i++) {
        char expected[16], back[16] = "";
        int len = snprintf(expected, sizeof expected, "client %d", i);
        cr_assert_eq(read_exactly(fds[i], back, (size_t)len, 5), (size_t)len);
        cr_assert_str_eq(back, expected);
        close(fds[i]);
    }
    double took = monotonic_now() - start;
    /* Against one client timed now, in the same run: one after another,
     * 100 would take 100 times as long; at once, about as long. */
    double one = one_round_trip();
    cr_assert(took < CLIENTS * one / 4,
              "100 clients took %.2f s, one client %.3f s: not much faster "
              "than one after the other",
              took, one);
}

Test(server, echoes_a_message_larger_than_its_buffer_in_chunks)
{
    enum { SIZE = 3 * BUFFER_SIZE - 100 };
    static char sent[SIZE], back[SIZE];
    for (int i = 0; i < SIZE; i++)
        sent[i] = (char)('a' + i % 26);
    int fd = connect_to(&demo_server);
    double start = monotonic_now();
    cr_assert(send_all(fd, sent, SIZE));
    cr_assert_eq(read_exactly(fd, back, SIZE, 5), SIZE);
    cr_assert(memcmp(sent, back, SIZE) == 0);
    double took = monotonic_now() - start;
    /* At least three recv(1024)s, each answered one delay later. */
    cr_assert(took >= 3 * SCALED_DELAY * 0.95, "took only %.3f s", took);
    close(fd);
}

/* Closes fd with a TCP reset (SO_LINGER 0) instead of a polite FIN. */
static void reset(int fd)
{
    struct linger now = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
    close(fd);
}

Test(server, keeps_serving_after_clients_hang_up_early)
{
    int polite = connect_to(&demo_server), rude = connect_to(&demo_server);
    int mute = connect_to(&demo_server), silent = connect_to(&demo_server);
    send_all(polite, "bye", 3);
    send_all(rude, "bye", 3);
    close(polite); /* gone before its answer: the server's send gets EPIPE */
    reset(rude);   /* gone with a reset: ECONNRESET */
    close(mute);   /* sent nothing at all */
    nanosleep(&(struct timespec){.tv_nsec = 150000000}, NULL); /* > delay */

    int fd = connect_to(&demo_server);
    char back[16] = "";
    cr_assert(send_all(fd, "still there?", 12));
    cr_assert_eq(read_exactly(fd, back, 12, 2), 12, "the server stopped");
    cr_assert_str_eq(back, "still there?");
    close(fd);
    close(silent); /* it stayed silent all along, and blocked nobody */
    int status = server_stop(&demo_server);
    cr_assert_eq(status, 0, "the server died (status %d)", status);
}

static void expect_clean_stop(int signo)
{
    int silent = connect_to(&demo_server), waiting = connect_to(&demo_server);
    send_all(waiting, "Hello, world", 12);
    double start = monotonic_now();
    kill(demo_server.pid, signo);
    int raw = 0;
    cr_assert_eq(waitpid(demo_server.pid, &raw, 0), demo_server.pid);
    demo_server.pid = 0; /* reaped: nothing left for .fini */
    close(demo_server.err_fd);
    demo_server.err_fd = -1;
    double took = monotonic_now() - start;
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "exit status %d", raw);
    /* Not held up by the silent client (that would be forever), nor by
     * the waiting one's delay beyond reason. */
    cr_assert(took < scaled(1.0), "stopping took %.2f s", took);
    /* Closed: an end of file, or a reset if the server had not even
     * accepted it yet (it was still in the listen queue). */
    char byte;
    cr_assert(readable_within(silent, 1), "the connection stayed open");
    ssize_t got = recv(silent, &byte, 1, 0);
    cr_assert(got == 0 || (got == -1 && errno == ECONNRESET),
              "the connection stayed open");
    cr_assert_eq(tcp_connect(demo_server.port), -1, "something still listens");
    close(silent);
    close(waiting);
}

Test(server, stops_on_sigterm_closing_its_connections_with_exit_0)
{
    expect_clean_stop(SIGTERM);
}

Test(server, stops_on_sigint_closing_its_connections_with_exit_0)
{
    expect_clean_stop(SIGINT);
}

Test(server, refuses_a_port_in_use_with_a_hint)
{
    char port[32];
    snprintf(port, sizeof port, "PORT=%d", demo_server.port);
    const char *argv[] = {bin("03-blocking-io/server"), NULL};
    const char *env[] = {port, NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_eq(run.status, 1, "exit status %d", run.status);
    cr_assert(strstr(run.err, "Address already in use"), "%s", run.err);
    cr_assert(strstr(run.err, "choose another port"), "%s", run.err);
    cr_assert(strchr(run.err, '\n') == run.err + strlen(run.err) - 1,
              "not one line: %s", run.err);
    run_free(&run);
}

Test(server, help_prints_usage_and_a_bad_argument_fails)
{
    const char *help[] = {bin("03-blocking-io/server"), "--help", NULL};
    Run run = run_program(help, NULL, 5);
    cr_assert_eq(run.status, 0);
    cr_assert(strstr(run.out, "usage: server"), "%s", run.out);
    run_free(&run);
    const char *bad[] = {bin("03-blocking-io/server"), "--bogus", NULL};
    run = run_program(bad, NULL, 5);
    cr_assert_eq(run.status, 2);
    cr_assert(strstr(run.err, "--help"), "%s", run.err);
    run_free(&run);
}

/* --- the stop latch, unit-tested inside this process ------------------- */

Test(stop_latch, sleeps_on_time_and_wakes_at_once_when_set)
{
    cr_assert_eq(pipe(stop_pipe), 0);
    double start = monotonic_now();
    cr_assert_not(sleep_unless_stopped(0.05));
    double took = monotonic_now() - start;
    cr_assert(took >= 0.05 && took < 0.5, "slept %.6f s, not 0.05 s", took);

    cr_assert_eq(write(stop_pipe[1], "x", 1), 1); /* what the handler does */
    start = monotonic_now();
    cr_assert(sleep_unless_stopped(10));
    cr_assert(monotonic_now() - start < 10 / 2, "the latch did not wake it");
    cr_assert(sleep_unless_stopped(10), "a latch stays set");
    close(stop_pipe[0]);
    close(stop_pipe[1]);
}

/* --- with-server.sh ----------------------------------------------------- */

Test(with_server, starts_a_server_runs_the_command_and_stops_the_server)
{
    /* PORT=0: the script's server picks a port and hands it to the command,
     * which prints it and fails on purpose. */
    const char *argv[] = {SOURCE_DIR "/03-blocking-io/with-server.sh",
                          bin("03-blocking-io/server"),
                          "/bin/sh",
                          "-c",
                          "echo \"$PORT\"; exit 7",
                          NULL};
    const char *env[] = {"PORT=0", "TIME_SCALE=0.05", NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_eq(run.status, 7, "the command's status; stderr: %s", run.err);
    int port = atoi(run.out);
    cr_assert(port > 0, "the command did not get PORT: %s", run.out);
    cr_assert_eq(tcp_connect(port), -1, "the server was left running");
    run_free(&run);
}

Test(with_server, uses_the_server_already_listening, .init = start_demo_server,
     .fini = stop_demo_server)
{
    const char *argv[] = {SOURCE_DIR "/03-blocking-io/with-server.sh",
                          bin("03-blocking-io/server"),
                          "/bin/sh",
                          "-c",
                          "echo \"$PORT\"",
                          NULL};
    const char *env[] = {port_env(&demo_server), NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_eq(run.status, 0, "%s", run.err);
    cr_assert_eq(atoi(run.out), demo_server.port);
    run_free(&run);
    int fd = connect_to(&demo_server);
    close(fd); /* ours is still there: the script did not stop it */
}

/* --- who is on the port: the probe -------------------------------------- */

static Run probe_port(int port, const char *time_scale)
{
    char port_text[32], scale_text[32];
    snprintf(port_text, sizeof port_text, "PORT=%d", port);
    snprintf(scale_text, sizeof scale_text, "TIME_SCALE=%s", time_scale);
    const char *argv[] = {bin("03-blocking-io/server"), "--probe", NULL};
    const char *env[] = {port_text, scale_text, NULL};
    return run_program(argv, env, 10);
}

Test(server, probe_knows_the_demo_server_and_its_time_scale)
{
    Run same = probe_port(demo_server.port, "0.05");
    cr_assert_eq(same.status, 0, "%s", same.err);
    cr_assert_str_empty(same.out);
    run_free(&same);
    Run other = probe_port(demo_server.port, "1");
    cr_assert_eq(other.status, 4, "%s", other.err);
    cr_assert_str_eq(other.out, "0.05\n");
    run_free(&other);
}

Test(server, probe_tells_nothing_from_a_program_that_is_not_the_demo_server)
{
    int port;
    int nothing = hold_port(&port, false);
    Run run = probe_port(port, "0.05");
    cr_assert_eq(run.status, 1, "nothing listens: %s", run.err);
    run_free(&run);
    close(nothing);

    int silent = hold_port(&port, true); /* accepts, never answers */
    run = probe_port(port, "0.05");
    cr_assert_eq(run.status, 3, "a silent program: %s", run.err);
    run_free(&run);
    close(silent);
}

/* Echoes at once whatever one connection sends, then closes: a program
 * that is not the demo server, and answers. */
static void *echo_at_once(void *arg)
{
    int listener = *(int *)arg;
    int fd = accept(listener, NULL, NULL);
    char buffer[256];
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got > 0)
        send(fd, buffer, (size_t)got, 0);
    close(fd);
    return NULL;
}

Test(server, probe_is_not_fooled_by_a_program_that_echoes_at_once)
{
    int port;
    int listener = hold_port(&port, true);
    pthread_t thread;
    cr_assert_eq(pthread_create(&thread, NULL, echo_at_once, &listener), 0);
    Run run = probe_port(port, "0.05");
    pthread_join(thread, NULL);
    close(listener);
    cr_assert_eq(run.status, 3, "%s", run.err);
    run_free(&run);
}

/* The probe changes nothing for any other message: the probe without its
 * last byte, or the probe as a connection's second message, comes back
 * after the delay like any other bytes. */
Test(server, only_the_exact_probe_first_is_answered_at_once)
{
    size_t size = strlen(PROBE);
    char back[64];
    int fd = connect_to(&demo_server);
    double start = monotonic_now();
    cr_assert_eq(send(fd, PROBE, size - 1, 0), (ssize_t)size - 1);
    cr_assert_eq(read_exactly(fd, back, size - 1, scaled(5)), size - 1);
    cr_assert(monotonic_now() - start >= SCALED_DELAY, "answered early");
    cr_assert_eq(memcmp(back, PROBE, size - 1), 0);
    cr_assert_eq(send(fd, PROBE, size, 0), (ssize_t)size);
    cr_assert_eq(read_exactly(fd, back, size, scaled(5)), size);
    cr_assert_eq(memcmp(back, PROBE, size), 0, "the second message is echoed");
    close(fd);
}

/* --- with-server.sh: the wrong server, another scale, two runs ---------- */

/* Runs `make 04` as the Makefile does: with-server.sh, stage 04's client. */
static Run run_stage_04(int port, const char *time_scale)
{
    char port_text[32], scale_text[32];
    snprintf(port_text, sizeof port_text, "PORT=%d", port);
    snprintf(scale_text, sizeof scale_text, "TIME_SCALE=%s", time_scale);
    const char *argv[] = {SOURCE_DIR "/03-blocking-io/with-server.sh",
                          bin("03-blocking-io/server"), bin("04-select/select"),
                          NULL};
    const char *env[] = {port_text, scale_text, "INVOKED_AS=make 04", NULL};
    return run_program(argv, env, 20);
}

static void expect_first_line(const char *text, const char *start)
{
    cr_assert(strncmp(text, start, strlen(start)) == 0,
              "the first line should start with \"%s\"; it is: %s", start,
              text);
}

Test(with_server, a_program_that_is_not_the_demo_server_gets_a_private_one)
{
    int port;
    int silent = hold_port(&port, true);
    Run run = run_stage_04(port, "0.05");
    close(silent);
    cr_assert_eq(run.status, 0, "%s", run.err);
    cr_assert(strstr(run.out, "response: \"Hello, world\""), "%s", run.out);
    char expected[128];
    snprintf(expected, sizeof expected,
             "make 04: 127.0.0.1:%d is held by a program that is not the "
             "demo server: started a demo server for this run on",
             port);
    expect_first_line(run.err, expected);
    run_free(&run);
}

Test(with_server, a_program_that_echoes_at_once_gets_a_private_one_too)
{
    int port;
    int listener = hold_port(&port, true);
    pthread_t thread; /* answers the probe with the probe itself */
    cr_assert_eq(pthread_create(&thread, NULL, echo_at_once, &listener), 0);
    Run run = run_stage_04(port, "0.05");
    pthread_join(thread, NULL);
    close(listener);
    cr_assert_eq(run.status, 0, "%s", run.err);
    cr_assert(strstr(run.out, "response: \"Hello, world\""), "%s", run.out);
    cr_assert(strstr(run.err, "is held by a program that is not the demo "
                              "server"),
              "%s", run.err);
    run_free(&run);
}

Test(with_server, a_demo_server_at_another_scale_is_said_on_the_first_line,
     .init = start_demo_server, .fini = stop_demo_server)
{
    Run run = run_stage_04(demo_server.port, "0.1"); /* the server: 0.05 */
    cr_assert_eq(run.status, 0, "%s", run.err);
    char expected[160];
    snprintf(expected, sizeof expected,
             "make 04: the demo server on 127.0.0.1:%d runs at "
             "TIME_SCALE=0.05, this run at TIME_SCALE=0.1: started a demo "
             "server for this run",
             demo_server.port);
    expect_first_line(run.err, expected);
    /* Its own server, at 0.1: a 0.2 s delay is 4 ticks of 0.05 s. */
    char *masked = mask_times(run.out);
    expect_trace_polling(masked, "@5 [T] socket not ready to read\n"
                                 "response: \"Hello, world\"\n");
    free(masked);
    run_free(&run);
}

/* A with-server.sh run whose command says which port it got (as a server
 * says "listening on"), then waits until the file `release` exists. */
static Server start_waiting_run(int port, const char *release)
{
    static char port_text[2][32], release_text[2][256];
    static int next;
    char *p = port_text[next % 2], *r = release_text[next++ % 2];
    snprintf(p, 32, "PORT=%d", port);
    snprintf(r, 256, "RELEASE=%s", release);
    const char *argv[] = {SOURCE_DIR "/03-blocking-io/with-server.sh",
                          bin("03-blocking-io/server"),
                          "/bin/sh",
                          "-c",
                          "echo \"listening on 127.0.0.1:$PORT\" >&2; "
                          "while [ ! -e \"$RELEASE\" ]; do sleep 0.05; done",
                          NULL};
    const char *env[] = {p, r, "TIME_SCALE=0.05", NULL};
    return server_start(argv, env);
}

static void touch(const char *dir, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_CREAT | O_WRONLY, 0600);
    cr_assert(fd != -1, "%s: %s", path, strerror(errno));
    close(fd);
}

/* The two runs and the folder of their release files: .fini releases
 * and stops whatever a failed assertion left running (with-server.sh then
 * stops its own server, as it does after any command). */
static Server runs[2];
static char release_dir[] = "/tmp/with-server-test-XXXXXX";

static void release_both_runs(void)
{
    touch(release_dir, "a");
    touch(release_dir, "b");
    for (int i = 0; i < 2; i++)
        server_stop_by(&runs[i], 0); /* harmless if already stopped */
    char path[256];
    snprintf(path, sizeof path, "%s/a", release_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/b", release_dir);
    unlink(path);
    rmdir(release_dir);
}

static void make_release_dir(void)
{
    cr_assert(mkdtemp(release_dir), "mkdtemp: %s", strerror(errno));
}

Test(with_server, two_runs_at_once_never_stop_each_others_server,
     .init = make_release_dir, .fini = release_both_runs)
{
    int port; /* nothing listens there: each run starts its own server */
    int nothing = hold_port(&port, false);
    char release_a[256], release_b[256];
    snprintf(release_a, sizeof release_a, "%s/a", release_dir);
    snprintf(release_b, sizeof release_b, "%s/b", release_dir);
    Server *a = &runs[0], *b = &runs[1];
    *a = start_waiting_run(port, release_a);
    *b = start_waiting_run(port, release_b);
    cr_assert_neq(a->port, b->port, "both runs got the same server");

    touch(release_dir, "a"); /* A ends first, while B still runs */
    cr_assert_eq(server_stop_by(a, 0), 0, "run A failed");
    cr_assert_eq(tcp_connect(a->port), -1, "run A left its server running");

    /* B's server still answers: A took only its own away. */
    int client = tcp_connect(b->port);
    cr_assert(client >= 0, "run A stopped run B's server");
    char back[8];
    cr_assert_eq(send(client, "ping", 4, 0), 4);
    cr_assert_eq(read_exactly(client, back, 4, scaled(5)), 4);
    close(client);
    touch(release_dir, "b");
    cr_assert_eq(server_stop_by(b, 0), 0, "run B failed");
    cr_assert_eq(tcp_connect(b->port), -1, "run B left its server running");
    close(nothing);
}
