# sock_recv on a socket that already holds data returns without yielding; on an empty one it waits for the data.
import asyncio
import socket


async def main():
    a, b = socket.socketpair()
    a.setblocking(False)
    b.send(b"hello")
    loop.call_soon(print, "callback queued before the first sock_recv runs")
    data = await loop.sock_recv(a, 100)
    print(f"sock_recv returned {data.decode()} at once")
    await asyncio.sleep(0)
    loop.call_soon(lambda: (print("callback runs: the peer sends"), b.send(b"world")))
    data = await loop.sock_recv(a, 100)
    print(f"sock_recv waited, then returned {data.decode()}")
    a.close()
    b.close()


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
