/*
 * test_03_blocking_io.c - stage 03's client, and the talk.h pieces every
 * trace relies on: the Timer's format (Python's timedelta), TIME_SCALE, the
 * talk's blocking trace line by line, EAGAIN on a non-blocking socket (the
 * C twin of BlockingIOError), and the hint when no server listens.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "harness.h"

#include "../03-blocking-io/blocking_io.c"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>

/* --- the Timer and TIME_SCALE (talk.c) ---------------------------------- */

static void expect_delta(double seconds, const char *expected)
{
    char text[32];
    format_delta(text, sizeof text, seconds);
    cr_assert_str_eq(text, expected, "format_delta(%.7f)", seconds);
}

Test(timer, formats_like_python_timedelta)
{
    expect_delta(0, "0:00:00.000000");
    expect_delta(0.000003, "0:00:00.000003");
    expect_delta(2.001454, "0:00:02.001454");
    expect_delta(59.9999996, "0:01:00.000000"); /* rounds, and carries */
    expect_delta(3725.5, "1:02:05.500000");
    expect_delta(36000, "10:00:00.000000");
    expect_delta(-0.5, "0:00:00.000000"); /* a clock never runs backwards */
}

Test(timer, logs_prefix_time_and_message, .init = cr_redirect_stdout)
{
    Timer plain = timer_start(NULL), named = timer_start("task1");
    timer_log(&plain, "starting function");
    timer_log(&named, "%s %d", "tick", 1);
    fflush(stdout);
    char text[256] = "";
    size_t n = fread(text, 1, sizeof text - 1, cr_get_redirected_stdout());
    text[n] = '\0';
    char *masked = mask_times(text);
    expect_trace(masked, "[T] starting function\n[task1][T] tick 1\n");
    cr_assert(strstr(text, "[0:00:00.0"), "not H:MM:SS.ffffff: %s", text);
    free(masked);
}

static double timed_sleep(const char *scale, double seconds)
{
    setenv("TIME_SCALE", scale, 1);
    double start = monotonic_now();
    sleep_scaled(seconds);
    return monotonic_now() - start;
}

Test(time_scale, multiplies_every_sleep)
{
    /* At least the scaled time, and far from the unscaled one: a busy
     * machine may wake us late, but not by half of what was asked. */
    double took = timed_sleep("0.05", 2.0); /* the server's delay, scaled */
    cr_assert(took >= 0.1 && took < 2.0 / 2, "slept %.3f s, not 0.1 s", took);
    took = timed_sleep("0.1", 0.5); /* a polling tick */
    cr_assert(took >= 0.05 && took < 0.5 / 2, "slept %.3f s, not 0.05 s", took);
    took = timed_sleep("0", 1000.0);
    cr_assert(took < 1000.0 / 1000, "TIME_SCALE=0 still slept %.3f s", took);
    setenv("TIME_SCALE", "0.05", 1);
    cr_assert_float_eq(time_scale(), 0.05, 1e-12);
}

Test(time_scale, a_bad_value_fails_with_a_hint)
{
    const char *argv[] = {bin("03-blocking-io/blocking_io"), NULL};
    const char *env[] = {"TIME_SCALE=fast", NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_eq(run.status, 2);
    cr_assert(strstr(run.err, "TIME_SCALE=fast") && strstr(run.err, "hint"),
              "%s", run.err);
    cr_assert_str_eq(run.out, "", "it ran anyway");
    run_free(&run);
}

/* --- with the demo server ------------------------------------------------ */

TestSuite(with_server, .init = start_demo_server, .fini = stop_demo_server,
          .timeout = 20 * BUILD_SLOWDOWN);

/* Seconds printed on the trace line that ends with message. */
static double logged_time(const char *trace, const char *message)
{
    const char *at = strstr(trace, message);
    cr_assert(at, "no \"%s\" in:\n%s", message, trace);
    const char *line = at;
    while (line > trace && line[-1] != '\n')
        line--;
    int h, m;
    double s;
    cr_assert_eq(sscanf(line, "[%d:%d:%lf]", &h, &m, &s), 3, "%s", line);
    return h * 3600 + m * 60 + s;
}

Test(with_server, prints_the_talks_blocking_trace)
{
    const char *argv[] = {bin("03-blocking-io/blocking_io"), NULL};
    const char *env[] = {port_env(&demo_server), "TIME_SCALE=0.05", NULL};
    Run run = run_program(argv, env, 10);
    cr_assert_eq(run.status, 0, "stderr: %s", run.err);
    char *masked = mask_times(run.out);
    expect_trace(masked,
                 "[T] starting function\n"
                 "[T] connected\n"
                 "[T] sent payload\n"
                 "[T] received response\n"
                 "response: \"Hello, world\"\n"
                 "recv on a non-blocking socket: Resource temporarily "
                 "unavailable (EAGAIN): the C twin of BlockingIOError\n");
    /* Blocking: recv() held the caller for the whole delay (0.1 s), and
     * not for anything like the unscaled 2 s. */
    double waited = logged_time(run.out, "] received response") -
                    logged_time(run.out, "] sent payload");
    cr_assert(waited >= 0.095 && waited < 2.0 / 2, "recv took %.3f s", waited);
    cr_assert_str_eq(run.err, "");
    free(masked);
    run_free(&run);
}

Test(with_server, recv_on_a_non_blocking_socket_fails_with_eagain)
{
    setenv("PORT", port_env(&demo_server) + strlen("PORT="), 1);
    int s = setup_non_blocking_socket();
    char data[RECV_SIZE + 1];
    errno = 0;
    cr_assert_not(recv_text(s, data, sizeof data), "the answer came at once");
    cr_assert(errno == EAGAIN || errno == EWOULDBLOCK, "errno %d", errno);
    /* The blocking version of the same socket would have waited for it. */
    fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK);
    cr_assert(recv_text(s, data, sizeof data));
    cr_assert_str_eq(data, "Hello, world");
    close(s);
}

/* --- without a server ---------------------------------------------------- */

/* A port where nothing listens, for sure: bound by us, never listening. */
static int bind_without_listening(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    cr_assert(bind(fd, (struct sockaddr *)&addr, len) == 0);
    getsockname(fd, (struct sockaddr *)&addr, &len);
    *port = ntohs(addr.sin_port);
    return fd;
}

Test(no_server, the_client_says_to_run_make_server_and_fails)
{
    int port;
    int holder = bind_without_listening(&port);
    char port_text[32];
    snprintf(port_text, sizeof port_text, "PORT=%d", port);
    const char *argv[] = {bin("03-blocking-io/blocking_io"), NULL};
    const char *env[] = {port_text, NULL};
    Run run = run_program(argv, env, 5);
    cr_assert_eq(run.status, 1);
    cr_assert(strstr(run.err, "Connection refused"), "%s", run.err);
    cr_assert(strstr(run.err, "make server"), "no hint: %s", run.err);
    cr_assert(strchr(run.err, '\n') == run.err + strlen(run.err) - 1,
              "not one line: %s", run.err);
    run_free(&run);
    close(holder);
}
