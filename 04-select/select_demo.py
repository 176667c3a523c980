"""select_demo.py - the Python twin of select.c: asking before reading,
with select() (the talk's In [4] and In [5]). Prints the same lines.

Not named select.py: Python puts the script's folder first on sys.path,
so a select.py here would hide the standard library's select module from
`import select`, this file's own included.

Stage 03's recv() on a non-blocking socket raised BlockingIOError because
the answer was not there yet. So ask first: select() with a zero timeout
says at once whether the socket has something to read. Ask every half
second until it does; then recv() cannot fail.
"""
import select

from talk import Timer, connect_to_server, sleep_scaled, talk_init


def setup_non_blocking_socket():
    """In [4]: the first lines of In [3], given a name."""
    s = connect_to_server()
    s.setblocking(False)
    s.sendall('Hello, world'.encode())
    return s


def non_blocking_io():
    """In [5]. The talk logs between the question and the break, so its
    last "socket not ready to read" is printed when the socket IS ready:
    kept as in the talk."""
    t = Timer()
    s = setup_non_blocking_socket()

    while True:
        r,_,_ = select.select([s.fileno()], [], [], 0)
        t.log('socket not ready to read')
        if len(r) > 0: break
        sleep_scaled(0.5)

    data = s.recv(1024)
    s.close()
    return data.decode()


if __name__ == '__main__':
    talk_init()
    print(f'response: "{non_blocking_io()}"')
