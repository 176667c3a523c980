"""awaitable_io.py - the talk's socket generators, as stage 06 builds them:
In [12] class NonBlockingSocket (sendall and recv are generators), In [16]
really_really_non_blocking_io() with `yield from`, and In [18]
make_awaitable. The Python twin of nonblocking_socket.c, yield_from.c and
awaitable.c; stages 06, 07 and 08 carry identical copies, as they do of
the C files (tests/test_repo.c checks both).
"""
import select
from functools import wraps

from talk import connect_to_server


class NonBlockingSocket:
    """In [12]: sendall and recv are generators."""

    def __init__(self):
        self.socket = connect_to_server()
        self.socket.setblocking(False)

    def sendall(self, value):
        while len(select.select([], [self.socket.fileno()], [], 0)[1]) == 0:
            yield
        return self.socket.sendall(value)

    def recv(self, amount):
        while len(select.select([self.socket.fileno()], [], [], 0)[0]) == 0:
            yield
        return self.socket.recv(amount)

    def close(self):
        return self.socket.close()


def really_really_non_blocking_io():
    """In [16]: the same with `yield from`."""
    s = NonBlockingSocket()
    yield from s.sendall('Hello world'.encode())
    data = yield from s.recv(1024)
    s.close()
    return data.decode()


def make_awaitable(f):
    """In [18]."""
    @wraps(f)
    def wrapper(*args, **kwds):
        class Awaitable:
            def __init__(self, gen):
                self._gen = gen

            def __await__(self):
                ret = yield from self._gen
                return ret
            __iter__ = __await__

            def __next__(self):
                next(self._gen)
        return Awaitable(f(*args, **kwds))
    return wrapper


awaitable_non_blocking_io = make_awaitable(really_really_non_blocking_io)
