"""futures.py - the Python twin of futures.c: the talk's first event loop,
"Actual event loop", "Tasks", "Futures" and "Actual futures are not
coroutines" (In [19] to In [48]). Prints the same lines, cell by cell.

A Task wraps a coroutine and steps it once per _step(). The Loop keeps a
queue of tasks: it pops the first, steps it, puts it back at the end, and
sleeps 0.5 s, so tasks take turns on one thread. asleep() polls the clock.
Then futures: a NaiveFuture whose await polls too, a Task that is such a
future, and the talk's Future, whose set_result runs callbacks - which this
loop never uses yet: that is stage 08.

The notebook redefines Task three times; here each one keeps its own name
(Task, NaiveTask, FutureTask) and a loop is told which one it makes, so
that any cell runs alone: `python3 futures.py 41`. TRACE=1 draws a
timeline of the loop on stderr.
"""
import asyncio
import sys
import time
from asyncio.futures import _FINISHED, _PENDING

from awaitable_io import awaitable_non_blocking_io, make_awaitable
from talk import Timer, env_long, sleep_scaled, talk_init, time_scale


@make_awaitable
def asleep(s):
    """In [19]: a busy poll of the clock (scaled by TIME_SCALE)."""
    target = time.monotonic() + s * time_scale()
    while time.monotonic() < target:
        yield
    return


class BaseTask:
    """In [21]."""

    def __init__(self, coro, name=None):
        self._coro = coro
        self._name = name

    def __repr__(self):
        return f'<{self._name}>' if self._name is not None else super().__repr__()

    def _step(self):
        try:
            return self._coro.send(None)
        except StopIteration as result:
            raise result


class Task(BaseTask):
    pass


class BaseLoop:
    """In [22]: `tasks = []` in the class body is ONE list, shared by
    every loop; In [23] rewrites the class right away."""
    tasks = []


class BaseLoop:
    """In [23]: each loop its own queue (and, for TRACE=1, every task it
    made, and its timeline). task_class: which Task the loop makes."""

    def __init__(self, task_class=Task):
        self.tasks = []
        self.task_class = task_class
        self.created = []
        self.timeline = Timeline()

    def create_task(self, coro, name=None):
        task = self.task_class(coro, name)
        self.created.append(task)
        self._schedule_task(task)
        return task

    def _schedule_task(self, task, immediately=False):
        if immediately:
            self.tasks.insert(0, task)
        else:
            self.tasks.append(task)

    def run_until_complete(self):
        self.timeline.start()
        while len(self.tasks) != 0:
            print('loop queue', self.tasks)
            task = self.tasks.pop(0)
            try:
                self.advance(task)
            except Exception as e:  # the notebook stopped on the traceback
                print(f'{type(e).__name__}: {e}')
                print(f'loop stopped: task {task!r} raised')
                return self.timeline.row(self, task)
            self.timeline.row(self, task)
            sleep_scaled(0.5)


class Loop(BaseLoop):
    """In [24]: whatever the task yielded, queue it again at the end."""

    def advance(self, task):
        try:
            task._step()
            self.tasks.append(task)
        except StopIteration as result:
            print(f'task {task!r} result: "{result.value}"')


def finished(coro):
    """Has the coroutine (or generator) returned or raised?"""
    return getattr(coro, 'cr_frame', getattr(coro, 'gi_frame', None)) is None


class Timeline:
    """TRACE=1: one row per loop step on stderr, one column per task."""

    def __init__(self):
        self.on = env_long('TRACE', 0, 0, 1) == 1
        self.step = 0
        self.columns = 0

    def start(self):
        if self.on:
            print('timeline: # ran  . waiting in the queue  - done',
                  file=sys.stderr)

    def mark(self, loop, task, ran):
        if task is ran:
            return '#'
        if finished(task._coro):
            return '-'
        return '.' if task in loop.tasks else ' '

    def row(self, loop, ran):
        if not self.on:
            return
        if self.columns != len(loop.created):  # a task was created
            names = ' '.join(task._name for task in loop.created)
            print(f'step | {names}', file=sys.stderr)
            self.columns = len(loop.created)
        self.step += 1
        marks = [self.mark(loop, task, ran).ljust(len(task._name))
                 for task in loop.created]
        print(f'{self.step:4d} | {" ".join(marks).rstrip()}', file=sys.stderr)


async def background_task():
    """In [41]'s: the background task of the Futures cells."""
    await asleep(2)


def in_36():
    async def awaitable_io(n):
        await asleep(2)
        return f'Hello world {n}'

    async def wait_and_print(n):
        result = await awaitable_io(n)
        print(f' -> received "{result}"')
        return result

    l = Loop()
    l.create_task(wait_and_print(1), 'task1')
    l.create_task(wait_and_print(2), 'task2')
    l.run_until_complete()


def in_37():
    async def run_subtask():
        await asleep(1)

    l = Loop()
    l.create_task(run_subtask(), 'run_subtask')
    l.run_until_complete()


def in_28():
    async def background_task():
        await asleep(2)
        print('finished background task')

    async def parent_task():
        task = l.create_task(background_task(), 'background_task')
        await asleep(1)
        # await task ?

    l = Loop()
    l.create_task(parent_task(), 'parent_task')
    l.run_until_complete()


def actual_event_loop():
    """The "Actual event loop" sketch, made real. The notebook's Awaitable
    has no send(); the generator its __await__() makes has."""
    t = Timer()
    loop = Loop()
    loop.create_task(awaitable_non_blocking_io().__await__(), 'task1')
    loop.create_task(awaitable_non_blocking_io().__await__(), 'task2')
    loop.run_until_complete()
    t.log('two requests, both answered')


class NaiveFuture:
    """In [38]."""
    _state = _PENDING
    _result = None

    def __await__(self):
        print(f'await future {self!r}')
        while not self.done():
            print(f'await future yield {self!r}, {self._state}')
            yield self
        return self._result

    def done(self): return self._state != _PENDING

    def set_result(self, result):
        print(f'set_result {self!r}: {result}')
        self._result = result
        self._state = _FINISHED


class NaiveTask(BaseTask, NaiveFuture):
    """In [39]: class Task(BaseTask, NaiveFuture)."""

    def _step(self):
        try:
            return self._coro.send(None)
        except StopIteration as result:
            self.set_result(result)
            raise result


def parent_task(l):
    """In [41]'s parent_task, on loop l (the notebook's global l)."""
    async def parent_task():
        task1 = l.create_task(background_task(), 'task1')
        task2 = l.create_task(background_task(), 'task2')

        await asleep(1)
        print('finished main task')
        await task1
        await task2
    return parent_task()


def in_41():
    l = Loop(NaiveTask)
    l.create_task(parent_task(l), 'parent_task')
    l.run_until_complete()


class Future(NaiveFuture):
    """In [47]: `_callbacks = []` in the class body: ONE list, shared by
    every future. Stage 08 finds out what that costs."""
    _asyncio_future_blocking = False
    _callbacks = []

    def __await__(self):
        yield self
        if not self.done(): raise Exception("Future is not ready")
        return self._result

    def set_result(self, result):
        super().set_result(result)
        for c in self._callbacks: c(self)

    def register_callback(self, cb):
        self._callbacks.append(cb)


class FutureTask(BaseTask, Future):
    """In [48]: class Task(BaseTask, Future)."""
    pass


def in_47():
    """A Future, stepped by hand: await yields it once; set_result runs
    its callbacks; the next step returns the result."""
    class NamedFuture(Future):  # prints as <fut>, as the tasks print
        __repr__ = BaseTask.__repr__

    async def wait_for(future):
        return await future

    fut = NamedFuture()
    fut._name = 'fut'
    fut.register_callback(
        lambda done: print(f'callback: {done!r} is done, result {done._result}'))
    coro = wait_for(fut)
    step = coro.send(None)
    if asyncio.isfuture(step):
        print(f'step 1: yielded {step!r}, a future: the coroutine waits')
    fut.set_result('42')
    try:
        coro.send(None)
    except StopIteration as result:
        print(f'step 2: returned "{result.value}"')
    Future._callbacks.clear()  # the class's list outlives this cell


def in_48():
    """Task is now a Future, but In [24]'s Loop steps a waiting task again
    anyway: the await finds its future not ready and raises."""
    l = Loop(FutureTask)
    l.create_task(parent_task(l), 'parent_task')
    l.run_until_complete()


cells = {
    '36': ('In [36]: two wait_and_print tasks take turns', in_36),
    '37': ('In [37]: run_subtask', in_37),
    '28': ('In [28]: the parent does not await its background task', in_28),
    'sketch': ('Actual event loop: two awaitable_non_blocking_io tasks',
               actual_event_loop),
    '41': ('In [41]: Task as a NaiveFuture: await polls', in_41),
    '47': ('In [47]: Future: await yields once, set_result runs callbacks',
           in_47),
    '48': ("In [48]: Task as a Future, on In [24]'s loop", in_48),
}

# A cell that fails on purpose says so before it runs and after: a bug the
# talk shows must not look like ours.
on_purpose = {
    '48': ("the next cell fails on purpose, as in the talk: In [24]'s loop "
           "steps a task whose future is not ready",
           "that failure was expected: stage 08's loop parks a waiting task "
           "on its future instead (make 08)"),
}

if __name__ == '__main__':
    talk_init()
    wanted = sys.argv[1] if len(sys.argv) > 1 else None
    if wanted is not None and wanted not in cells:
        print(f"{sys.argv[0]}: no cell '{wanted}' (hint: one of 36 37 28 "
              "sketch 41 47 48, or none for all)", file=sys.stderr)
        sys.exit(2)
    for name, (title, run) in cells.items():
        if wanted in (None, name):
            before, after = on_purpose.get(name, (None, None))
            if before:
                print(f'[on purpose] {before}')
            print(f'--- {title} ---')
            run()
            if after:
                print(f'[on purpose] {after}')
