# call_soon runs callbacks in the order queued; a callback queued by a running callback waits for the next iteration, and stop() lets the current iteration finish.
import asyncio

loop = asyncio.new_event_loop()


def callback(name, queue_another=False):
    print(f"{name} runs")
    if queue_another:
        loop.call_soon(callback, f"{name}'s child")


loop.call_soon(callback, "first", True)
loop.call_soon(callback, "second")
loop.call_soon(loop.stop)
loop.call_soon(callback, "third")
loop.run_forever()
print("run_forever returned")
loop.call_soon(loop.stop)
loop.run_forever()
print("run_forever returned")
loop.close()
