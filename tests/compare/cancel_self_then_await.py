# A task that cancels itself, then awaits a future nobody completes: the future is cancelled at once and the task ends cancelled.
import asyncio


async def main():
    fut = loop.create_future()
    print("task cancels itself")
    asyncio.current_task().cancel()
    print("task awaits a future nobody completes")
    try:
        await fut
    except asyncio.CancelledError:
        print(f"task got CancelledError; the future is cancelled: {fut.cancelled()}")
        raise


loop = asyncio.new_event_loop()
task = loop.create_task(main())
try:
    loop.run_until_complete(task)
except asyncio.CancelledError:
    print(f"run_until_complete raised CancelledError; task cancelled: {task.cancelled()}")
loop.close()
