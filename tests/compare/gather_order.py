# gather's results come in argument order, whatever order the children finish in; 10,000 children sleeping 10 ms are gathered the same way.
import asyncio


async def child(value, turns):
    for _ in range(turns):
        await asyncio.sleep(0)
    print(f"child {value} finishes")
    return value


async def napper(value):
    await asyncio.sleep(0.01)
    return value


async def main():
    tasks = [loop.create_task(child(v, t)) for v, t in [(1, 3), (2, 1), (3, 2)]]
    print(f"gather returned {await asyncio.gather(*tasks)}")
    n = 10000
    tasks = [loop.create_task(napper(i)) for i in range(n)]
    results = await asyncio.gather(*tasks)
    print(f"{n} children gathered, in argument order: {results == list(range(n))}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
