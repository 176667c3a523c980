"""scale.py - scale.c's task row in asyncio, for make bench's Scale table:
N tasks that each await asyncio.sleep(0.01), gathered. The time runs from
the first create_task to gather's result; the bytes are the peak resident
memory over the start, divided by N.

    python3 scale.py tasks N

One row on stdout: "tasks <TAB> N <TAB> seconds <TAB> bytes per task".
"""
import asyncio
import resource
import sys
import time


def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


async def sleeper():
    await asyncio.sleep(0.01)


async def gather_sleepers(n):
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    tasks = [loop.create_task(sleeper()) for _ in range(n)]
    await asyncio.gather(*tasks)
    return time.perf_counter() - start


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "tasks" or int(sys.argv[2]) <= 0:
        sys.exit("usage: scale.py tasks N (N > 0)")
    n = int(sys.argv[2])
    before = peak_kb()
    seconds = asyncio.run(gather_sleepers(n))
    grown = (peak_kb() - before) * 1024 / n
    print(f"tasks\t{n}\t{seconds:.4f}\t{grown:.0f}")


main()
