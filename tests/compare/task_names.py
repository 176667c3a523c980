# A task created without a name is Task-N, N counting the unnamed ones from 1; a name given is kept; set_name renames.
import asyncio


async def work():
    pass


loop = asyncio.new_event_loop()
a = loop.create_task(work())
b = loop.create_task(work(), name="worker")
c = loop.create_task(work())
print(a.get_name(), b.get_name(), c.get_name())
c.set_name("renamed")
print(c.get_name())
loop.run_until_complete(asyncio.gather(a, b, c))
d = loop.create_task(work())
print(d.get_name())
loop.run_until_complete(d)
loop.close()
