"""generators.py - the Python twin of generators.c: "Generators are
coroutines" (the talk's In [6] to In [8]). Prints the same lines.

generators.c builds a generator twice, by hand (a frame struct and a step
function that jumps back to where it left off) and with coro.h's macros.
Here "by hand" is the same frame written as a Python iterator class, and
"with coro.h" is Python's own `yield`, which does that work for us. Then
really_non_blocking_io(): stage 04's polling loop turned inside out, a
generator that yields until select() says the answer is there.
"""
import select

from talk import connect_to_server, sleep_scaled, talk_init


class CounterFrame:
    """In [6], by hand: the frame of coroutine(). resume_at says where the
    next step starts (CPython: f_lasti); `a` is the local that must
    outlive every yield."""

    def __init__(self):
        self.resume_at = 0  # made, but nothing has run yet

    def __iter__(self):
        return self

    def __next__(self):
        if self.resume_at == 0:  # first next(): start at the top
            self.a = 1
        # resume_at 1: back just after `yield a`, so round the loop again
        self.a += 1
        print('inside coroutine', self.a)
        self.resume_at = 1  # yield a: remember where we are...
        return self.a       # ...and hand a out


def coroutine():
    """In [6], as the talk wrote it."""
    a = 1
    while True:
        a += 1
        print('inside coroutine', a)
        yield a


def setup_non_blocking_socket():
    """In [4]: the first lines of In [3], given a name."""
    s = connect_to_server()
    s.setblocking(False)
    s.sendall('Hello, world'.encode())
    return s


def really_non_blocking_io():
    """In [7]: where stage 04 slept, this yields; whoever steps it decides
    what to do with the time."""
    s = setup_non_blocking_socket()

    while True:
        r,_,_ = select.select([s.fileno()], [], [], 0)
        if len(r) > 0: break
        yield

    data = s.recv(1024)
    s.close()
    return data.decode()


def drive_really_non_blocking_io():
    """In [8]: each next() is one look at the socket; the sleep between
    looks is ours, not the generator's."""
    gen = really_non_blocking_io()
    try:
        while True:
            next(gen)
            print('waiting...')
            sleep_scaled(.5)
    except StopIteration as response:
        print(f'response: "{response.value}"')


if __name__ == '__main__':
    talk_init()
    print('In [6], by hand:')
    gen = CounterFrame()
    for _ in range(5):
        print(next(gen))
    print('In [6], with coro.h:')
    gen = coroutine()
    for _ in range(5):
        print(next(gen))
    print('In [8]:')
    drive_really_non_blocking_io()
