# echo_server's shutdown: the first stop cancels serve, which cancels its connections and waits until all are closed; a second stop meanwhile is ignored, so the close completes.
import asyncio

stop_requested = False


def stop_serving():  # what SIGINT calls
    global stop_requested
    if stop_requested:
        print("stop: already stopping, ignored")
        return
    stop_requested = True
    print("stop: cancels serve")
    serve_task.cancel()


async def connection(name):
    try:
        await asyncio.sleep(10)
    finally:
        print(f"{name} closes")


async def serve():
    connections = [loop.create_task(connection(f"connection {i}")) for i in (1, 2)]
    all_closed = loop.create_future()
    open_ = len(connections)

    def closed(_):
        nonlocal open_
        open_ -= 1
        if open_ == 0:
            all_closed.set_result(None)

    for c in connections:
        c.add_done_callback(closed)
    try:
        await asyncio.sleep(10)  # accepting
    except asyncio.CancelledError:
        print("serve: cancelled, closes every connection")
    for c in connections:
        c.cancel()
    loop.call_soon(stop_serving)  # SIGINT again, while serve waits
    await all_closed
    print("serve: all closed")


loop = asyncio.new_event_loop()
serve_task = loop.create_task(serve())
loop.call_later(0.01, stop_serving)
loop.run_until_complete(serve_task)
print(f"serve finished, cancelled: {serve_task.cancelled()}")
loop.close()
