#!/usr/bin/env python3
"""echo_server.py - the Python twin of echo_server.c: demo 2 of the real
loop, an echo server, one coroutine per connection, every connection on
one thread, on asyncio's own loop (no uvloop). It is also `make bench`'s
asyncio server, so the bench measures the code readers see.

  python3 echo_server.py [--port N]   (else PORT, default 8080; 0: any
                                       free port)

SIGINT or SIGTERM: close every connection, exit 0.
"""
import asyncio
import errno
import signal
import socket
import sys

from fd_limit import raise_fd_limit
from talk import env_port, talk_init

ACCEPT_PAUSE = 0.1  # seconds, when out of descriptors
OUT_OF_FDS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)


async def echo(conn):
    loop = asyncio.get_running_loop()
    try:
        while data := await loop.sock_recv(conn, 65536):
            await loop.sock_sendall(conn, data)
    except ConnectionError:
        pass  # the client reset the connection: nothing left to echo
    finally:
        conn.close()


async def serve(listener, connections):
    loop = asyncio.get_running_loop()
    said_out_of_fds = False
    while True:
        try:
            conn, _ = await loop.sock_accept(listener)
        except OSError as e:
            if e.errno not in OUT_OF_FDS:
                raise
            if not said_out_of_fds:  # keep serving the others; say so once
                print(f'echo_server: out of file descriptors ({e.strerror}) '
                      f'with {len(connections)} connections: still serving '
                      'them, accepting again when some close (said once; '
                      'hint: ulimit -n)', file=sys.stderr)
                said_out_of_fds = True
            await asyncio.sleep(ACCEPT_PAUSE)
            continue
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        task = loop.create_task(echo(conn))
        connections.add(task)  # the loop keeps only a weak reference
        task.add_done_callback(connections.discard)


def port_from_args():
    if len(sys.argv) == 1:
        return env_port()
    if len(sys.argv) == 3 and sys.argv[1] == '--port' and sys.argv[2].isdigit() \
            and int(sys.argv[2]) <= 65535:
        return int(sys.argv[2])
    print('usage: echo_server.py [--port N]  (N in 0..65535; without --port, '
          'PORT or 8080; 0: any free port)', file=sys.stderr)
    sys.exit(2)


async def main(port):
    raise_fd_limit()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(('127.0.0.1', port))
    except OSError as e:
        print(f'echo_server.py: cannot listen on 127.0.0.1: {e.strerror} '
              '(hint: another server on that port? choose another: --port N, '
              'or 0)', file=sys.stderr)
        sys.exit(1)
    listener.listen(socket.SOMAXCONN)
    listener.setblocking(False)
    print(f'listening on 127.0.0.1:{listener.getsockname()[1]}',
          file=sys.stderr, flush=True)
    connections = set()
    serving = asyncio.create_task(serve(listener, connections))
    loop = asyncio.get_running_loop()
    for signo in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signo, serving.cancel)
    try:
        await serving
    except asyncio.CancelledError:
        pass  # stopping: cancel every connection, wait until all are closed
    for task in connections:
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)
    listener.close()


if __name__ == '__main__':
    talk_init()
    asyncio.run(main(port_from_args()))
