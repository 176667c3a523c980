# IO callbacks and due timers go behind what was already queued and run in one pass; a reader removed or a timer cancelled earlier in that pass never runs.
import asyncio
import socket

loop = asyncio.new_event_loop()
a1, b1 = socket.socketpair()
a2, b2 = socket.socketpair()
b1.send(b"x")
b2.send(b"x")


def reader(name, sock):
    print(f"{name} runs")
    sock.recv(1)
    loop.remove_reader(sock)


def timer(name):
    print(f"{name} runs")


def first():
    print("first runs: queues X, removes reader 2, cancels timer 2")
    loop.call_soon(print, "X runs")
    loop.call_soon(loop.stop)
    loop.remove_reader(a2)
    timer2.cancel()


loop.call_soon(first)
loop.add_reader(a1, reader, "reader 1", a1)
loop.add_reader(a2, reader, "reader 2", a2)
loop.call_later(0, timer, "timer 1")
timer2 = loop.call_later(0, timer, "timer 2")
loop.run_forever()
print("run_forever returned")
loop.close()
