# set_result runs no done callback itself: they run on the next pass, in the order added; one added to a done future is scheduled too.
import asyncio

loop = asyncio.new_event_loop()
fut = loop.create_future()
for name in ["first", "second", "third"]:
    fut.add_done_callback(lambda f, name=name: print(f"{name} done callback runs: {f.result()}"))


def complete():
    print("complete: set_result(42)")
    fut.set_result(42)
    print("complete: set_result returned")
    fut.add_done_callback(lambda f: print(f"late done callback runs: {f.result()}"))
    loop.call_soon(print, "call_soon after set_result runs")
    loop.call_soon(loop.stop)


loop.call_soon(complete)
loop.run_forever()
loop.close()
