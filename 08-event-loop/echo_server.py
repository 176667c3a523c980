#!/usr/bin/env python3
"""echo_server.py - the Python twin of echo_server.c: demo 2 of the real
loop, an echo server, one coroutine per connection, every connection on
one thread, on asyncio's own loop (no uvloop). It is also `make bench`'s
asyncio server, so the bench measures the code readers see.

  python3 echo_server.py [--port N]   (else PORT, default 8080; 0: any
                                       free port)
                         [--loop readiness|proactor]   (else ASYNCIO_LOOP)

--loop proactor asks for asyncio's ProactorEventLoop, which exists on
Windows only (IOCP): elsewhere one line says so and the server runs on
the readiness loop, as echo_server.c does where io_uring is missing.

SIGINT or SIGTERM: close every connection, exit 0.
"""
import asyncio
import errno
import os
import selectors
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


LOOPS = ('readiness', 'proactor')


def usage():
    print('usage: echo_server.py [--port N] [--loop readiness|proactor]  '
          '(N in 0..65535; without --port, PORT or 8080; 0: any free port; '
          'without --loop, ASYNCIO_LOOP or readiness)', file=sys.stderr)
    sys.exit(2)


def options_from_args():
    """Flags come in pairs, --port N and --loop L, in any order."""
    options = {}
    args = sys.argv[1:]
    if len(args) % 2:
        usage()
    for flag, value in zip(args[::2], args[1::2]):
        if flag == '--port' and value.isdigit() and int(value) <= 65535:
            options['port'] = int(value)
        elif flag == '--loop' and value in LOOPS:
            options['loop'] = value
        else:
            usage()
    return options.get('port', None), options.get('loop', None)


def loop_kind(kind):
    """--loop, else ASYNCIO_LOOP, else readiness: as loop_new reads it."""
    if kind is None:
        kind = os.environ.get('ASYNCIO_LOOP') or 'readiness'
    if kind not in LOOPS:
        print(f'event loop: ASYNCIO_LOOP={kind} is not a loop (hint: '
              'ASYNCIO_LOOP=proactor or ASYNCIO_LOOP=readiness)',
              file=sys.stderr)
        sys.exit(1)
    return kind


def new_event_loop(kind):
    """asyncio.ProactorEventLoop() where there is one (Windows), else the
    selector loop, said in one line as loop.c's open_proactor says it."""
    if kind == 'proactor' and hasattr(asyncio, 'ProactorEventLoop'):
        return asyncio.ProactorEventLoop()
    if kind == 'proactor':
        selector = selectors.DefaultSelector.__name__  # EpollSelector
        print('event loop: no proactor here (asyncio\'s ProactorEventLoop '
              'is Windows\'s): running on the readiness loop '
              f'({selector.replace("Selector", "").lower()})',
              file=sys.stderr)
    return asyncio.SelectorEventLoop()


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
    port, kind = options_from_args()
    loop = new_event_loop(loop_kind(kind))
    try:
        loop.run_until_complete(main(env_port() if port is None else port))
    finally:
        loop.close()
