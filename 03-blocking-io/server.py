#!/usr/bin/env python3
"""server.py - the Python twin of server.c, the demo server every client of
the talk talks to: on each connection it takes what one recv(1024) returns,
waits 2 s (times TIME_SCALE), sends those exact bytes back, and repeats
until the client hangs up. One thread per connection (socketserver), as
server.c: blocking IO is fine when the kernel schedules the waiting.

  PORT=N        listen on 127.0.0.1:N (default 8080; 0: any free port)
  TIME_SCALE=x  multiply the delay by x
  --probe       for with-server.sh: exit 0 if something accepts
                connections on PORT, 1 if nothing listens, 3 if it does
                not answer within a second

SIGINT or SIGTERM: stop, exit 0.
"""
import signal
import socket
import socketserver
import sys
import time

from talk import die, env_port, talk_init, time_scale

DELAY = 2.0


class SlowEcho(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(1024):
            time.sleep(DELAY * time_scale())
            self.request.sendall(data)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True  # a restart need not wait out TIME_WAIT
    daemon_threads = True       # exiting does not wait for the clients
    request_queue_size = socket.SOMAXCONN


def probe(port):
    """0: something accepted a connection; 1: refused; 3: no answer."""
    try:
        socket.create_connection(('127.0.0.1', port), timeout=1).close()
        return 0
    except ConnectionRefusedError:
        return 1
    except OSError:
        return 3


def main():
    talk_init()
    if sys.argv[1:] == ['--probe']:
        sys.exit(probe(env_port()))
    if sys.argv[1:]:
        print(f'server.py: unknown argument {sys.argv[1]} (hint: read the '
              'top of server.py)', file=sys.stderr)
        sys.exit(2)
    port = env_port()
    try:
        server = Server(('127.0.0.1', port), SlowEcho)
    except OSError as e:
        die(f'cannot listen on 127.0.0.1:{port}: {e.strerror}',
            'is another server on that port? stop it, or choose another: '
            'PORT=0 for any free one')
    print(f'listening on 127.0.0.1:{server.server_address[1]}',
          file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == '__main__':
    main()
