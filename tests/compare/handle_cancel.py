# A cancelled handle never runs: call_soon's, and a timer cancelled by a callback of the iteration it fell due in; call_at and call_later share one clock.
import asyncio

loop = asyncio.new_event_loop()


def say(what):
    print(what)


def cancel(name, handle, what):
    print(f"{name} cancels {what}")
    handle.cancel()


a = loop.call_soon(say, "a")
b = loop.call_soon(say, "b")
loop.call_soon(say, "c")
b.cancel()
now = loop.time()
t2 = None
t1 = loop.call_at(now, lambda: cancel("t1", t2, "t2, due too"))
t2 = loop.call_at(now, say, "t2")
loop.call_later(0.02, say, "call_later(0.02)")
loop.call_at(now + 0.01, say, "call_at(now + 0.01)")
loop.call_later(0.03, loop.stop)
loop.run_forever()
a.cancel()  # it ran already: nothing happens
print("done")
loop.close()
