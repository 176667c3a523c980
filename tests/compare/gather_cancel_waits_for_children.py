# Cancelling a task that awaits gather cancels the children at once; the task sees CancelledError only after they cleaned up.
# cpython-version: 3.11
import asyncio


async def child(name):
    try:
        await asyncio.sleep(10)
    finally:
        print(f"{name} cleans up")


async def parent():
    children = [loop.create_task(child("child 1")), loop.create_task(child("child 2"))]
    try:
        await asyncio.gather(*children)
    except asyncio.CancelledError:
        print("parent sees CancelledError")
        raise


async def main():
    task = loop.create_task(parent())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("main cancels parent")
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: parent cancelled: {task.cancelled()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
