#!/usr/bin/env python3
"""demo.py - the Python twin of demo.c: demo 1 of the real loop, on
asyncio's own loop. Prints the same lines as ./event_loop.

First the talk's sketch made real:

    loop.create_task(awaitable_non_blocking_io())
    loop.create_task(awaitable_non_blocking_io())
    loop.run()

two clients of the demo server on one thread, each asleep in the kernel
(epoll_wait) while the server takes its 2 s, not polling every 0.5 s. Then
N clients at once, for N = 1, 10 and 1,000: all of them finish in about
one server delay, not N delays. Needs the demo server (make server, or
make 08 PY=1 starts one). asyncio draws no timeline: TRACE does nothing.

  python3 demo.py --echo   one round trip to the echo_server on PORT
"""
import asyncio
import socket
import sys
import time

from fd_limit import raise_fd_limit
from talk import Timer, env_port, format_delta, talk_init


async def awaitable_non_blocking_io(message):
    """One request to the demo server; returns the answer, all of it."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, ('127.0.0.1', env_port()))
        await loop.sock_sendall(sock, message.encode())
        answer = b''
        while len(answer) < len(message):
            data = await loop.sock_recv(sock, 1024)
            if not data:
                raise ConnectionResetError('the server closed the connection')
            answer += data
    finally:
        sock.close()
    if answer != message.encode():
        raise ValueError(f'asked {message!r}, answered {answer!r}')
    return answer.decode()


async def run_clients(fmt, n, names=None):
    """n clients as n tasks, gathered: their answers, and the seconds
    they took."""
    began = time.monotonic()
    tasks = [asyncio.create_task(awaitable_non_blocking_io(fmt % (i + 1)),
                                 name=names[i] if names else 'client')
             for i in range(n)]
    try:
        answers = await asyncio.gather(*tasks)
    except OSError as e:
        print(f'event_loop: a client failed: {e.strerror or e} (hint: is the '
              'demo server running? make server, or make 08 starts one)',
              file=sys.stderr)
        sys.exit(1)
    return answers, time.monotonic() - began


async def the_talks_sketch():
    t = Timer()
    t.log('loop.create_task(awaitable_non_blocking_io()) x2, run')
    answers, took = await run_clients('Hello world %d', 2, ['task1', 'task2'])
    for i, answer in enumerate(answers):
        t.log(f'task{i + 1} result: "{answer}"')
    t.log(f'both answers in {format_delta(took)}: one server delay, not two')


async def n_clients(n, fd_limit):
    t = Timer()
    if fd_limit < n + 32:
        t.log(f'{n} clients: skipped, they need {n + 32} descriptors and the '
              f'limit is {fd_limit} (hint: ulimit -n {n + 32})')
        return
    _, took = await run_clients('client %d', n)
    s = '' if n == 1 else 's'
    t.log(f'{n} client{s}: {n} answer{s} in {format_delta(took)}')


async def echo_client():
    """demo.py --echo: one client of the echo_server on PORT."""
    answers, _ = await run_clients('Hello, echo %d', 1, ['echo client'])
    print(f'echo_server answered "{answers[0]}"')


def selector_name(loop):
    """epoll, kqueue, poll or select: the selector asyncio chose."""
    selector = getattr(loop, '_selector', None)  # not public: ask politely
    return type(selector).__name__.replace('Selector', '').lower() or '?'


async def main():
    fd_limit = raise_fd_limit()
    if sys.argv[1:] == ['--echo']:
        return await echo_client()
    print("== the talk's sketch, on the real loop "
          f'({selector_name(asyncio.get_running_loop())}) ==')
    await the_talks_sketch()
    print('== N clients at once: the server waits 2 s (x TIME_SCALE) per '
          'answer ==')
    for n in (1, 10, 1000):
        await n_clients(n, fd_limit)


if __name__ == '__main__':
    talk_init()
    if sys.argv[1:] not in ([], ['--echo']):
        print('usage: demo.py [--echo]  (--echo: one round trip to the '
              'echo_server on PORT)', file=sys.stderr)
        sys.exit(2)
    asyncio.run(main())
