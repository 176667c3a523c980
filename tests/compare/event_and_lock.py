# Event.set wakes every waiter in the order they began to wait; a Lock has one holder at a time and serves the others first come first served, passing over one cancelled while it waited.
import asyncio


async def waiter(name, event):
    print(f"{name} waits")
    await event.wait()
    print(f"{name} sees the event")


async def worker(name, lock):
    print(f"{name} wants the lock")
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        print(f"{name} cancelled while waiting")
        raise
    print(f"{name} holds the lock")
    await asyncio.sleep(0)
    lock.release()
    print(f"{name} released it")


async def main():
    event = asyncio.Event()
    waiters = [asyncio.create_task(waiter(n, event)) for n in ("a", "b")]
    await asyncio.sleep(0)
    print("main sets the event")
    event.set()
    await asyncio.gather(*waiters)
    await waiter("c", event)
    lock = asyncio.Lock()
    workers = [asyncio.create_task(worker(f"w{i}", lock)) for i in (1, 2, 3, 4)]
    await asyncio.sleep(0)
    workers[2].cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    print(f"locked: {lock.locked()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
