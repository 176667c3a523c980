"""blocking_io.py - the Python twin of blocking_io.c: blocking IO vs non
blocking IO (the talk's In [2] and In [3]). Prints the same lines.

blocking_io() connects to the demo server, sends "Hello, world" and waits
in recv() until the answer comes, two seconds later. Then In [3]'s "???":
recv() on a non-blocking socket with nothing to read yet raises
BlockingIOError at once (the C sees recv() fail with errno EAGAIN).
"""
import errno

from talk import Timer, connect_to_server, talk_init


def blocking_io():
    """In [2]."""
    t = Timer()
    t.log('starting function')
    s = connect_to_server()
    t.log('connected')
    s.sendall('Hello, world'.encode())
    t.log('sent payload')
    data = s.recv(1024)  # blocks here for 2 s
    t.log('received response')
    s.close()
    return data.decode()


def setup_non_blocking_socket():
    """In [4]: the first lines of In [3], given a name."""
    s = connect_to_server()
    s.setblocking(False)
    s.sendall('Hello, world'.encode())
    return s


def non_blocking_io():
    """In [3], the talk's "???": the answer is two seconds away."""
    s = setup_non_blocking_socket()
    try:
        data = s.recv(1024)  # ???
    except BlockingIOError as e:
        # The same line as the C program, word for word, so the traces
        # compare: what C calls EAGAIN, Python raises as BlockingIOError.
        print(f'recv on a non-blocking socket: {e.strerror} '
              f'({errno.errorcode[e.errno]}): the C twin of BlockingIOError')
        return None
    finally:
        s.close()
    return data.decode()


if __name__ == '__main__':
    talk_init()
    print(f'response: "{blocking_io()}"')
    response = non_blocking_io()
    if response:
        print(f'response: "{response}"')
