/*
 * srv_libuv.c - echo server on libuv, the C event loop under Node.js and
 * uvloop: the yardstick stage 08's echo_server is measured against. Written
 * the way a fast libuv echo server is written: one read buffer reused by
 * every connection (the loop is single-threaded and we echo at once),
 * uv_try_write first (the socket buffer is almost always free, so no copy
 * and no callback), uv_write with a copy only for what did not fit.
 *
 * Bench-only, built only where libuv is installed (pkg-config libuv).
 */
#ifdef __APPLE__
/* uv.h brings in Darwin's Mach and os/lock headers, which expect the full
 * Darwin namespace that POSIX mode (-D_POSIX_C_SOURCE) trims. */
#define _DARWIN_C_SOURCE
#endif
#include "bench.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static char read_buffer[65536];

typedef struct {
    uv_write_t req;
    uv_buf_t buf;
} PendingWrite;

static void on_close(uv_handle_t *handle)
{
    free(handle);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    (void)handle;
    (void)suggested;
    *buf = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void on_written(uv_write_t *req, int status)
{
    PendingWrite *w = (PendingWrite *)req;
    (void)status;
    free(w->buf.base);
    free(w);
}

static void on_read(uv_stream_t *client, ssize_t nread, const uv_buf_t *buf)
{
    if (nread < 0) {
        uv_close((uv_handle_t *)client, on_close);
        return;
    }
    uv_buf_t data = uv_buf_init(buf->base, (unsigned)nread);
    int sent = nread > 0 ? uv_try_write(client, &data, 1) : 0;
    if (sent == UV_EAGAIN)
        sent = 0;
    if (sent < 0) {
        uv_close((uv_handle_t *)client, on_close);
        return;
    }
    if (sent < nread) {
        PendingWrite *w = malloc(sizeof *w);
        size_t rest = (size_t)nread - (size_t)sent;
        w->buf = uv_buf_init(malloc(rest), (unsigned)rest);
        memcpy(w->buf.base, buf->base + sent, rest);
        uv_write(&w->req, client, &w->buf, 1, on_written);
    }
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0)
        return;
    uv_tcp_t *client = malloc(sizeof *client);
    uv_tcp_init(server->loop, client);
    if (uv_accept(server, (uv_stream_t *)client) == 0) {
        uv_tcp_nodelay(client, 1);
        uv_read_start((uv_stream_t *)client, on_alloc, on_read);
    } else {
        uv_close((uv_handle_t *)client, on_close);
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    bench_raise_fd_limit();
    uv_loop_t *loop = uv_default_loop();
    uv_tcp_t server;
    uv_tcp_init(loop, &server);
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", port_from(argc, argv), &addr);
    if (uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0) != 0 ||
        uv_listen((uv_stream_t *)&server, SOMAXCONN, on_connection) != 0) {
        fprintf(stderr, "srv_libuv: cannot listen\n");
        return 1;
    }
    struct sockaddr_in bound;
    int len = sizeof bound;
    uv_tcp_getsockname(&server, (struct sockaddr *)&bound, &len);
    fprintf(stderr, "listening on 127.0.0.1:%d\n", ntohs(bound.sin_port));
    return uv_run(loop, UV_RUN_DEFAULT);
}
