# gather(return_exceptions=True) waits for every child, even after one fails, and returns each result or error in argument order.
import asyncio


async def ok():
    await asyncio.sleep(0)
    print("ok returns 1")
    return 1


async def fails():
    print("fails raises ConnectionResetError")
    raise ConnectionResetError()


async def slow():
    await asyncio.sleep(0.01)
    print("slow returns 4")
    return 4


async def main():
    children = [asyncio.create_task(c()) for c in (ok, fails, slow, slow)]
    children[3].cancel()
    results = await asyncio.gather(*children, return_exceptions=True)
    for r in results:
        print(type(r).__name__ if isinstance(r, BaseException) else r)


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
