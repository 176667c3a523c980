# shield: cancelling a task that awaits a shielded task cancels only the waiting; the inner task runs on, and a shield passes its result on when nobody cancels.
import asyncio


async def inner(release):
    print("inner starts")
    await release
    print("inner finishes")
    return 7


async def waiter(task):
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        print("waiter cancelled")
        raise


async def main():
    release = asyncio.get_running_loop().create_future()
    t = asyncio.create_task(inner(release))
    w = asyncio.create_task(waiter(t))
    await asyncio.sleep(0)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print("main sees the waiter cancelled")
    print(f"inner cancelled: {t.cancelled()}")
    release.set_result(None)
    print(f"inner result: {await t}")
    t2 = asyncio.create_task(inner(release))
    print(f"shielded result: {await asyncio.shield(t2)}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
