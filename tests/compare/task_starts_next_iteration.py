# create_task runs nothing at once: the task's first step is queued behind what is already there; a task awaiting a pending future parks until it is done, and others run meanwhile.
import asyncio


async def waiter(fut):
    print("waiter starts, awaits the future")
    value = await fut
    print(f"waiter resumes with {value}")


async def other():
    for i in range(3):
        print(f"other runs, turn {i + 1}")
        await asyncio.sleep(0)
    fut.set_result("the result")
    print("other set the result")


loop = asyncio.new_event_loop()
fut = loop.create_future()
loop.call_soon(print, "callback queued before the tasks runs")
task = loop.create_task(waiter(fut))
print("create_task returned: nothing ran yet")
loop.create_task(other())
loop.run_until_complete(task)
loop.close()
