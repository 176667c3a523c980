"""srv_asyncio.py - Python asyncio's echo server, the Protocol API (the
fastest pure-asyncio way: no coroutine per connection, callbacks straight
from the event loop), default event loop (uvloop NOT used). The reference
point the talk is about: the C stages rebuild this loop.

Bench-only. PORT from the environment or --port N; prints the same
"listening on 127.0.0.1:N" line as every server here.
"""
import asyncio
import os
import resource
import socket
import sys


class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.transport.write(data)


def port():
    if "--port" in sys.argv:
        return int(sys.argv[sys.argv.index("--port") + 1])
    return int(os.environ.get("PORT", "8080"))


async def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", port(), backlog=4096)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{bound}", file=sys.stderr, flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
