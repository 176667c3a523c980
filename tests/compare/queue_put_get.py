# Queue(maxsize=2): put waits while it is full and get while it is empty, each line first come first served; join returns once every item had its task_done.
import asyncio


async def producer(queue):
    for item in range(5):
        print(f"put {item}")
        await queue.put(item)
    print("producer done")


async def consumer(name, queue):
    while True:
        item = await queue.get()
        print(f"{name} got {item}")
        await asyncio.sleep(0)
        queue.task_done()


async def main():
    queue = asyncio.Queue(maxsize=2)
    consumers = [asyncio.create_task(consumer(n, queue)) for n in ("c1", "c2")]
    await asyncio.create_task(producer(queue))
    print(f"qsize {queue.qsize()}")
    await queue.join()
    print("joined")
    for c in consumers:
        c.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)
    print(f"empty: {queue.empty()}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
