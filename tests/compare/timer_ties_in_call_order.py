# Timers run by deadline: one set last but due first runs first; two due at the same moment run in the order set (CPython's heapq keeps that order for two, not for every tie: ours keeps it always).
# cpython-version: 3.11
import asyncio

loop = asyncio.new_event_loop()
when = loop.time() + 0.01
loop.call_at(when, print, "timer A runs")
loop.call_at(when, print, "timer B runs")
loop.call_at(when - 0.005, print, "timer set last, due first, runs")
loop.call_at(when + 0.01, loop.stop)
loop.run_forever()
loop.close()
