# wait_for on a timeout cancels the inner task and waits for it: a result or an error it returns instead of the cancellation is wait_for's; only a cancelled inner is a TimeoutError.
import asyncio


async def inner(name, on_cancel):
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name}: cancelled, {on_cancel}")
        if on_cancel == "returns 7":
            return 7
        if on_cancel == "raises ValueError":
            raise ValueError(name)
        raise


async def main():
    for on_cancel in ["returns 7", "raises ValueError", "lets it through"]:
        task = loop.create_task(inner("inner", on_cancel))
        try:
            print(f"wait_for returned {await asyncio.wait_for(task, 0.01)}")
        except ValueError:
            print("wait_for raised ValueError")
        except asyncio.TimeoutError:
            print("wait_for raised TimeoutError")
    task = loop.create_task(inner("not started", "lets it through"))
    try:
        await asyncio.wait_for(task, 0)
    except asyncio.TimeoutError:
        print(f"timeout 0: TimeoutError, the task never ran: {task.cancelled()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
