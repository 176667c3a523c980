# TaskGroup: the body's end waits for every task; the first failure cancels the other tasks and the body's own await, and the group raises once all have finished.
import asyncio


async def job(name, seconds, fails):
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    if fails:
        print(f"{name} fails")
        raise ConnectionResetError()
    print(f"{name} done")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(job("a", 0, False))
        tg.create_task(job("b", 0.01, False))
        print("body ends, the group waits")
    print("group 1 done")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(job("c", 0, True))
            tg.create_task(job("d", 10, False))
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                print("body cancelled")
                raise
    except* ConnectionResetError as group:
        print(f"group 2 raised {len(group.exceptions)} error: ConnectionResetError")
    print("main goes on")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
