# wait: FIRST_COMPLETED returns when one is done, FIRST_EXCEPTION when one fails, ALL_COMPLETED when all are; on timeout it returns what is done so far, raising nothing.
import asyncio


async def job(name, turns, fails):
    for _ in range(turns):
        await asyncio.sleep(0)
    print(f"{name} {'fails' if fails else 'done'}")
    if fails:
        raise ConnectionResetError()


def show(label, tasks, done):
    names = "".join(f" {t.get_name()}" for t in tasks if t in done)
    rest = "".join(f" {t.get_name()}" for t in tasks if t not in done)
    print(f"{label}: done{names}; pending{rest}")


async def main():
    a = asyncio.create_task(job("a", 1, False), name="a")
    b = asyncio.create_task(job("b", 10, True), name="b")
    c = asyncio.create_task(job("c", 20, False), name="c")
    never = asyncio.get_running_loop().create_future()
    tasks = [a, b, c]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    show("FIRST_COMPLETED", tasks, done)
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    show("FIRST_EXCEPTION", tasks, done)
    done, _ = await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    show("ALL_COMPLETED", tasks, done)
    done, _ = await asyncio.wait([c, never], timeout=0.01)
    print(f"timeout: {len(done)} done, never pending: {not never.done()}")
    print(f"b raised {type(b.exception()).__name__}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
