# After stop(), run_forever returns once the pass under way is over: it does not ask the selector again, so an IO callback waits for the next run.
import asyncio
import socket

loop = asyncio.new_event_loop()
a, b = socket.socketpair()


def reader():
    print("reader runs")
    a.recv(1)
    loop.remove_reader(a)


def stopper():
    print("stopper runs: stops the loop, makes the socket readable")
    loop.stop()
    b.send(b"x")


loop.add_reader(a, reader)
loop.call_soon(stopper)
loop.run_forever()
print("run_forever returned")
loop.call_soon(loop.stop)
loop.run_forever()
print("run_forever returned")
loop.close()
