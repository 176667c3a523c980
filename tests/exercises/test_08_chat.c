/*
 * test_08_chat.c - 08-event-loop/exercises/chat.c, end to end: the server
 * runs in a child process on a free port (stopped by its PID), the clients
 * are plain blocking sockets. What one client sends, every other one
 * receives, the sender does not, and a client that hung up does not stop
 * the others.
 */
#include EXERCISE
#include "exercise.h"
#include "loop/loop.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(chat, .timeout = HANG_TIMEOUT);

static pid_t server;
static int port;

static void start_server(void)
{
    int listener = tcp_listen(0, &port);
    cr_assert(listener != -1, "tcp_listen failed");
    fflush(NULL);
    server = fork();
    cr_assert(server != -1, "fork failed");
    if (server == 0) {
        signal(SIGPIPE, SIG_IGN); /* where MSG_NOSIGNAL is missing */
        static ChatServer s;
        Loop *loop = loop_new(NULL);
        run_until_complete(loop, chat_serve(&s, loop, listener));
        _exit(0);
    }
    close(listener);
}

static void stop_server(void)
{
    kill(server, SIGKILL);
    waitpid(server, NULL, 0);
}

/* A client that has been welcomed: the server knows it from now on. A
 * receive gives up after a scaled while: a message that never comes. */
static int join(void)
{
    int fd = tcp_connect(port);
    cr_assert(fd != -1, "cannot connect to the chat server");
    double wait = scaled(2);
    struct timeval tv = {(time_t)wait, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[16] = {0};
    ssize_t n = recv(fd, buf, 8, MSG_WAITALL);
    cr_assert(n == 8 && memcmp(buf, "welcome\n", 8) == 0,
              "no welcome from the server");
    return fd;
}

static void say(int fd, const char *text)
{
    send(fd, text, strlen(text), 0);
}

/* The next bytes fd receives are `expected`. */
static void hears(int fd, const char *expected, const char *hint)
{
    char buf[64] = {0};
    size_t len = strlen(expected);
    ssize_t n = recv(fd, buf, len, MSG_WAITALL);
    cr_assert(n == (ssize_t)len && memcmp(buf, expected, len) == 0,
              "a client heard \"%.*s\", not \"%.*s\": %s", n > 0 ? (int)n : 0,
              buf, (int)len - 1, expected, hint);
}

Test(chat, every_other_client_hears_a_message, .init = start_server,
     .fini = stop_server)
{
    int a = join(), b = join(), c = join();
    say(a, "hi\n");
    hears(b, "hi\n", "put a copy in every other client's outbox");
    hears(c, "hi\n", "put a copy in every other client's outbox");
    say(b, "yo\n");
    /* Had a heard its own "hi", it would come before "yo". */
    hears(a, "yo\n", "the sender must not get its own message back");
    hears(c, "yo\n", "every client but the sender hears it");
}

Test(chat, then_a_client_that_left_stops_no_one, .init = start_server,
     .fini = stop_server)
{
    int a = join(), b = join(), c = join();
    close(a);
    say(b, "still here\n");
    hears(c, "still here\n",
          "after a client hung up, the others must still hear each other");
    say(c, "me too\n");
    hears(b, "me too\n",
          "after a client hung up, the others must still hear each other");
}
