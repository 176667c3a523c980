"""executor.py - the Python twin of executor.c: from "Async executor" to
"Awaitable" (the talk's In [9] to In [18]). Prints the same lines.

The driving loop of stage 05 becomes a function, run_until_complete(), the
talk's "executor"; sockets get generator methods (sendall, recv); and a
generator hands the driving of another one up to whoever drives it: by
hand first ("generators all the way down"), then with `yield from`, then
behind make_awaitable() (`__await__`).
"""
import inspect
import select

from awaitable_io import (NonBlockingSocket, awaitable_non_blocking_io,
                          really_really_non_blocking_io)
from talk import Timer, connect_to_server, sleep_scaled, talk_init


def setup_non_blocking_socket():
    """In [4]: the first lines of In [3], given a name."""
    s = connect_to_server()
    s.setblocking(False)
    s.sendall('Hello, world'.encode())
    return s


def really_non_blocking_io():
    """In [7]: stage 05's generator."""
    s = setup_non_blocking_socket()

    while True:
        r,_,_ = select.select([s.fileno()], [], [], 0)
        if len(r) > 0: break
        yield

    data = s.recv(1024)
    s.close()
    return data.decode()


def run_until_complete(task, wait=.05, debug=None):
    """In [10], the executor: step the task, sleep `wait` (scaled) after
    every yield, hand back StopIteration.value."""
    try:
        while True:
            next(task)
            if debug:
                if type(debug) == bool:
                    print('executor waiting...')
                else:
                    debug()
            sleep_scaled(wait)
    except StopIteration as response:
        return response.value


def run_task():
    """In [11]."""
    t = Timer()
    task = really_non_blocking_io()
    t.log('running task')
    ret = run_until_complete(task)
    t.log(f'{ret=}')


def the_mistake():
    """In [13]: s.sendall(...) and s.recv(1024) called as if they were
    functions. Each call only makes a generator: not one line of its body
    runs until someone steps it. (The lines keep the C's words, NULL
    included, so that the two traces compare.)"""
    s = NonBlockingSocket()
    value = 'hello world'.encode()
    sendall = s.sendall(value)  # makes a generator, sends nothing
    data = s.recv(1024)         # makes a generator, receives nothing
    never_ran = inspect.getgeneratorstate(sendall) == inspect.GEN_CREATED
    print(f'sendall: made, never stepped: {0 if never_ran else len(value)} '
          f'of {len(value)} bytes sent')
    print('recv: made, never stepped: result '
          f'{"NULL" if inspect.isgenerator(data) else "set"}')
    s.close()


def not_really_non_blocking_io():
    """In [14]: each generator run to completion by its own executor, so
    this function waits for the answer: blocking again, one level up."""
    t = Timer()
    s = NonBlockingSocket()
    t.log('send')
    run_until_complete(s.sendall('Hello world'.encode()))
    t.log('recv')
    data = run_until_complete(s.recv(1024))
    t.log('close')
    s.close()
    return data.decode()


def really_really_non_blocking_io_by_hand():
    """In [15]: generators all the way down, by hand."""
    t = Timer()
    s = NonBlockingSocket()

    gen = s.sendall('Hello world'.encode())
    try:
        while True:
            t.log('trying to write')
            yield next(gen)
    except StopIteration:
        pass

    gen = s.recv(1024)
    try:
        while True:
            t.log('trying to read')
            yield next(gen)
    except StopIteration as response:
        s.close()
        return response.value.decode()


async def cell_18():
    """In [18]'s cell: a top-level await makes the notebook cell a
    coroutine, run to completion (In [17]'s `async def func()`)."""
    return await awaitable_non_blocking_io()


if __name__ == '__main__':
    talk_init()
    print('In [11]:')
    run_task()
    print('In [13], the mistake:')
    the_mistake()
    print('In [14]:')
    print(not_really_non_blocking_io())
    print('In [15]:')
    print(run_until_complete(really_really_non_blocking_io_by_hand(), wait=.5))
    print('In [16]:')
    print(run_until_complete(really_really_non_blocking_io(), wait=.5,
                             debug=True))
    print('In [18]:')
    # A coroutine has send() but no __next__; its __await__() iterator has.
    print(repr(run_until_complete(cell_18().__await__())))
