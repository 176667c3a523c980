"""talk_loop.py - the Python twin of talk_loop.c: the talk's "New event
loop" and "What we've learned so far" (In [54] and In [56]), then the bug
hunt. Prints the same lines, run by run.

Stage 07's loop with one idea added: a task that yields a future is
parked, not queued again, and the future's callback puts it back in the
queue. The talk's version of that loses a task: In [56]'s parent_task
never prints `finished waiting for background tasks`. Five bugs hide
behind it; `bugs` says which are still in, and the runs below play In [56]
once with all of them, then once after each fix:

  1 SHARED_CALLBACKS       `_callbacks = []` is the class's, not the future's
  2 NO_SET_RESULT          In [48]'s Task never sets its result
  3 SHADOWED_TASK          `lambda task: ...` wakes the done task, not the waiting one
  4 DONE_FUTURE_PARKS      awaiting a done future still parks, forever
  5 STOP_ITERATION_RESULT  set_result(StopIteration), not its value

`python3 talk_loop.py fix3` plays one run. TRACE=1 draws a timeline of
the loop on stderr.
"""
import asyncio
import sys
import time
from asyncio.futures import _FINISHED, _PENDING

from awaitable_io import awaitable_non_blocking_io, make_awaitable
from talk import Timer, env_long, sleep_scaled, talk_init, time_scale

SHARED_CALLBACKS = 'shared callbacks'
NO_SET_RESULT = 'no set_result'
SHADOWED_TASK = 'shadowed task'
DONE_FUTURE_PARKS = 'done future parks'
STOP_ITERATION_RESULT = 'StopIteration result'
TALK_BUGS = {SHARED_CALLBACKS, NO_SET_RESULT, SHADOWED_TASK,
             DONE_FUTURE_PARKS, STOP_ITERATION_RESULT}

bugs = set()  # the bugs still in: empty is the fixed code


def has_bug(bug):
    return bug in bugs


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


class NaiveFuture:
    """In [38]: what In [47]'s Future inherits (its __await__ is replaced)."""
    _state = _PENDING
    _result = None

    def done(self): return self._state != _PENDING

    def set_result(self, result):
        print(f'set_result {self!r}: {result}')
        self._result = result
        self._state = _FINISHED


class Future(NaiveFuture):
    """In [47], with bugs 1 and 4 in or fixed."""
    _asyncio_future_blocking = False
    _callbacks = []  # bug 1: ONE list, in the class body

    def __init__(self):
        if not has_bug(SHARED_CALLBACKS):
            self._callbacks = []  # fix 1: each future its own list

    def __await__(self):
        if not self.done() or has_bug(DONE_FUTURE_PARKS):  # fix 4
            yield self
        if not self.done(): raise Exception("Future is not ready")
        return self._result

    def set_result(self, result):
        super().set_result(result)
        for c in self._callbacks: c(self)

    def register_callback(self, cb):
        if self.done() and not has_bug(DONE_FUTURE_PARKS):
            return cb(self)  # fix 4: it will never be set again: call now
        self._callbacks.append(cb)


class Task(BaseTask, Future):
    """In [48], with bugs 2 and 5 in or fixed. _fut_waiter: the future it
    is parked on (asyncio's name), for TRACE=1."""

    def __init__(self, coro, name=None):
        BaseTask.__init__(self, coro, name)
        Future.__init__(self)
        self._fut_waiter = None

    def _step(self):
        try:
            return self._coro.send(None)
        except StopIteration as result:
            if not has_bug(NO_SET_RESULT):  # fix 2
                # fix 5: the coroutine's return value, not the StopIteration
                self.set_result(result if has_bug(STOP_ITERATION_RESULT)
                                else result.value)
            raise result


class BaseLoop:
    """In [23] (and, for TRACE=1, every task made, and the timeline)."""

    def __init__(self):
        self.tasks = []
        self.created = []
        self.timeline = Timeline()

    def create_task(self, coro, name=None):
        task = Task(coro, name)
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
        self.timeline.end(self)


class Loop(BaseLoop):
    """In [54], with bug 3 in or fixed."""

    def advance(self, task):
        try:
            step = task._step()
            # both schedule later execution
            if asyncio.isfuture(step):
                task._fut_waiter = step
                if has_bug(SHADOWED_TASK):
                    # the talk's lambda: its `task` is the done future
                    step.register_callback(lambda task: self._wake(task))
                else:
                    step.register_callback(lambda _: self._wake(task))  # fix 3
            else:
                self._schedule_task(task)
        except StopIteration as result:
            print(f'task {task!r} result: {result.value}')

    def _wake(self, task):
        """The talk's self._schedule_task(task), and the task is no longer
        parked."""
        task._fut_waiter = None
        self._schedule_task(task)


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
            print('timeline: # ran  . waiting in the queue  '
                  'z parked on a future  - done', file=sys.stderr)

    def mark(self, loop, task, ran):
        if task is ran:
            return '#'
        if finished(task._coro):
            return '-'
        if task in loop.tasks:
            return '.'
        return 'z' if task._fut_waiter else ' '

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

    def end(self, loop):
        """Once the queue is empty: a task neither done nor queued is
        parked on a future whose callback will never come."""
        for task in loop.created if self.on else []:
            if not finished(task._coro) and task._fut_waiter:
                print(f'timeline: {task!r} never finished: parked on '
                      f'{task._fut_waiter!r}', file=sys.stderr)


def in_56(bugs_left):
    """In [56], with the given bugs still in."""
    bugs.clear()
    bugs.update(bugs_left)
    Future._callbacks.clear()  # a fresh class for each run

    l = Loop()
    async def background_task():
        await asleep(2)
        print('finished background task')

    async def parent_task():
        task1 = l.create_task(background_task(), 'task1')
        task2 = l.create_task(background_task(), 'task2')

        await asleep(1)
        print('finished main task')
        await task1
        await task2
        print('finished waiting for background tasks')

    l.create_task(parent_task(), 'parent_task')
    l.run_until_complete()


def actual_event_loop(bugs_left):
    """"Actual event loop" again, on the new loop: a socket is not a
    future, so a task waiting for one still yields None and is polled
    every step. The notebook's Awaitable has no send(); the generator its
    __await__() makes has."""
    bugs.clear()
    bugs.update(bugs_left)
    t = Timer()
    loop = Loop()
    loop.create_task(awaitable_non_blocking_io().__await__(), 'task1')
    loop.create_task(awaitable_non_blocking_io().__await__(), 'task2')
    loop.run_until_complete()
    t.log('two requests, both answered')


runs = {
    '56': ("In [56]: the talk's loop: parent_task vanishes", in_56, TALK_BUGS),
    'fix1': ('fix 1: each future has its own callbacks', in_56,
             TALK_BUGS - {SHARED_CALLBACKS}),
    'fix2': ('fix 2: a Task sets its result, so its callbacks run', in_56,
             TALK_BUGS - {SHARED_CALLBACKS, NO_SET_RESULT}),
    'fix3': ('fix 3: the callback wakes the waiting task, not the done one',
             in_56, {DONE_FUTURE_PARKS, STOP_ITERATION_RESULT}),
    'fix4': ('fix 4: awaiting a done future does not park', in_56,
             {STOP_ITERATION_RESULT}),
    'fix5': ('fix 5: set_result gets the value, not the StopIteration',
             in_56, set()),
    'shared': ('why fix 1 matters: fixes 2 to 5 with one shared callback list',
               in_56, {SHARED_CALLBACKS}),
    'sketch': ('Actual event loop, on the new loop: sockets still poll',
               actual_event_loop, set()),
}

# A run that still has a bug that stops it short says so before it runs
# and after: a bug the talk shows must not look like ours.
on_purpose = {
    '56': ("the talk's loop has bugs, kept on purpose: watch parent_task",
           "parent_task never finished: the loop lost it, as in the talk; "
           "the fixes below find why"),
    'fix1': ("four bugs left, on purpose",
             "parent_task still vanishes, as expected: fix 1 alone changes "
             "nothing yet"),
    'fix2': ("three bugs left, on purpose: this run ends in an error",
             "that error was expected: the callback queued the finished "
             "task1 again, not parent_task (fix 3)"),
    'fix3': ("two bugs left, on purpose: this run stops short",
             "stopped short, as expected: parent_task woke, awaited task2, "
             "which was already done, and parked for good (fix 4)"),
    'shared': ("fix 1 undone on purpose: this run ends in an error",
               "that error was expected: one shared callback list woke "
               "parent_task twice, and its second step raised"),
}

if __name__ == '__main__':
    talk_init()
    wanted = sys.argv[1] if len(sys.argv) > 1 else None
    if wanted is not None and wanted not in runs:
        print(f"{sys.argv[0]}: no run '{wanted}' (hint: one of 56 fix1 fix2 "
              "fix3 fix4 fix5 shared sketch, or none for all)", file=sys.stderr)
        sys.exit(2)
    for name, (title, run, bugs_left) in runs.items():
        if wanted in (None, name):
            before, after = on_purpose.get(name, (None, None))
            if before:
                print(f'[on purpose] {before}')
            print(f'--- {title} ---')
            run(bugs_left)
            if after:
                print(f'[on purpose] {after}')
