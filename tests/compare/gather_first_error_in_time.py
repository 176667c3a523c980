# gather fails with the error of the first child to fail in time, not with the first failed one in argument order.
import asyncio


async def child(name, turns):
    for _ in range(turns):
        await asyncio.sleep(0)
    print(f"{name} fails")
    raise RuntimeError(name)


async def main():
    second = loop.create_task(child("child 2", 1))  # steps first
    first = loop.create_task(child("child 1", 1))
    try:
        await asyncio.gather(first, second)
    except RuntimeError as e:
        print(f"gather raised the error of {e}")
    try:
        await first
    except RuntimeError as e:
        print(f"child 1 raised {e}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
