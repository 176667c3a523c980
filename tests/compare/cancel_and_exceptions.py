# cancel() on a sleeping task, on one not started yet (it never runs) and on one already done (False); an exception travels through every await; set_result twice and result() of a pending future are InvalidStateError.
import asyncio


async def sleeper(name):
    print(f"{name} starts, sleeps")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name} gets CancelledError")
        raise


async def failing():
    await asyncio.sleep(0)
    raise OSError(5, "I/O error")


async def middle():
    return await loop.create_task(failing())


async def quick():
    return "done"


async def main():
    sleeping = loop.create_task(sleeper("sleeping task"))
    await asyncio.sleep(0)
    print(f"cancel sleeping task: {sleeping.cancel()}")
    not_started = loop.create_task(sleeper("not started task"))
    print(f"cancel not started task: {not_started.cancel()}")
    finished = loop.create_task(quick())
    await finished
    print(f"cancel finished task: {finished.cancel()}")
    for task in [sleeping, not_started]:
        try:
            await task
        except asyncio.CancelledError:
            print(f"awaiting it raises CancelledError; cancelled: {task.cancelled()}")
    try:
        await loop.create_task(middle())
    except OSError as e:
        print(f"the error travelled up two awaits: errno {e.errno}")
    fut = loop.create_future()
    try:
        fut.result()
    except asyncio.InvalidStateError:
        print("result() of a pending future: InvalidStateError")
    fut.set_result(1)
    try:
        fut.set_result(2)
    except asyncio.InvalidStateError:
        print(f"set_result twice: InvalidStateError; result stays {fut.result()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
