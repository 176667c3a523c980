/*
 * talk_loop.c - stage 08, the talk's part: "New event loop" and "What we've
 * learned so far" (In [54] and In [56]), then the bug hunt.
 *
 * This is futures.c (stage 07) with one idea added: a task that yields a
 * future is parked, not queued again, and the future's done callback puts
 * it back in the queue. The talk's version of that loses a task: In [56]'s
 * parent_task never prints `finished waiting for background tasks`. Five
 * bugs hide behind it; `bugs` below says which are still in, and main runs
 * In [56] once with all of them, then once after each fix.
 *
 * Run `./talk_loop` for every run, or `./talk_loop fix3` for one (names
 * below). TRACE=1 draws a timeline of the loop on stderr.
 */
#include "coro.h"
#include "talk.h"
#include "talk/awaitable.h"
#include "talk/nonblocking_socket.h"
#include "talk/yield_from.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* From stage 07 on: a loop that runs many tasks, taking turns.       */

/* The talk's five bugs. Each fix clears one bit; the tests run with none. */
enum {
    BUG_SHARED_CALLBACKS = 1 << 0, /* 1: _callbacks = [] is the class's */
    BUG_NO_SET_RESULT = 1 << 1,    /* 2: In [48]'s Task never sets a result */
    BUG_SHADOWED_TASK = 1 << 2,    /* 3: lambda task: ... wakes the wrong one */
    BUG_DONE_FUTURE_PARKS = 1 << 3, /* 4: await on a done future still parks */
    BUG_STOP_ITERATION_RESULT = 1 << 4, /* 5: set_result(StopIteration) */
    TALK_BUGS = (1 << 5) - 1,
};
static unsigned bugs = 0; /* the bugs still in: 0 is the fixed code */

static bool has_bug(unsigned bug)
{
    return (bugs & bug) != 0;
}

/* Python values, in C: a result is a C string, or NULL for None. */
static const char *show(const void *value)
{
    return value ? value : "None";
}

/* Python: the StopIteration a finished coroutine raises: an object that
 * carries the return value. The talk's Task hands this object itself to
 * set_result (stage 08 fixes that), so it must be a thing we can store and
 * print. Its first field is str(exception), which is what print() shows:
 * the value, or '' when the value is None. */
typedef struct {
    char str[64];
    void *value;
} StopIteration;

static void *stop_iteration(StopIteration *e, void *value)
{
    snprintf(e->str, sizeof e->str, "%s", value ? (char *)value : "");
    e->value = value;
    return e;
}

/* Python: raise Exception(...) inside a coroutine. A raising generator is
 * finished; GEN_ERROR travels up through every AWAIT to the loop, which
 * stops, as the notebook's cell stopped on the traceback. */
static GenStatus raise_exception(Gen *g, const char *exception)
{
    printf("%s\n", exception);
    g->resume_at = -1;
    return GEN_ERROR;
}

/* ------------------------------------------------------------------ */
/* In [19]: @make_awaitable def asleep(s), a coroutine that polls the  */
/* clock.                                                              */

typedef struct {
    Gen gen;
    double seconds;
    double deadline; /* Python: target, fixed when the body first runs */
} AsleepBody;

static GenStatus asleep_step(Gen *g)
{
    AsleepBody *f = (AsleepBody *)g;
    GEN_BEGIN(g);
    f->deadline = monotonic_now() + f->seconds * time_scale();
    while (monotonic_now() < f->deadline)
        YIELD(g, NULL); /* not yet: step me again later */
    GEN_END(g);
}

/* The generator and the Awaitable that @make_awaitable wraps it in. */
typedef struct {
    AsleepBody body;
    Awaitable awaitable;
} Asleep;

/* Python: asleep(2) makes the coroutine and runs nothing; `await` drives it.
 * In C that is two lines: asleep(&f->sleep, 2) fills in the child's frame,
 * then AWAIT(g, &f->sleep.awaitable.gen, ...) steps it. (AWAIT re-reads its
 * argument on every resume: make the child before AWAIT, not inside it.) */
static Gen *asleep(Asleep *frame, double seconds)
{
    frame->body.seconds = seconds;
    gen_init(&frame->body.gen, asleep_step, "asleep");
    return make_awaitable(&frame->awaitable, &frame->body.gen);
}

/* ------------------------------------------------------------------ */
/* In [47] Future, and what it should have been.                     */

typedef enum { PENDING, FINISHED } FutureState;

/* Python: type(future). Stage 07's NaiveFuture is gone: every future and
 * every task is now a Future. */
typedef enum {
    NOT_A_FUTURE, /* In [21]: BaseTask, with no result to await */
    FUTURE,       /* In [47]: await yields once; set_result runs callbacks */
} FutureClass;

typedef struct Future Future;
typedef void (*Callback)(Future *done, void *arg);

#define MAX_CALLBACKS 8
typedef struct {
    int count;
    struct {
        Callback fn;
        void *arg; /* what a Python closure would have captured */
    } items[MAX_CALLBACKS];
} CallbackList;

struct Future {
    FutureClass cls; /* first field: what isfuture() reads */
    const char *name;
    FutureState state;
    void *result;
    CallbackList callbacks; /* fix 1: Python's self._callbacks = [] */
};

/* Python: _callbacks = [] in the class body of Future: ONE list, shared by
 * every future (bug 1). */
static CallbackList future_callbacks;

static CallbackList *callbacks_of(Future *fut)
{
    return has_bug(BUG_SHARED_CALLBACKS) ? &future_callbacks : &fut->callbacks;
}

static Future *future_init(Future *fut, FutureClass cls, const char *name)
{
    *fut = (Future){.cls = cls, .name = name, .state = PENDING};
    return fut;
}

static bool future_done(const Future *fut)
{
    return fut->state != PENDING;
}

/* Python: asyncio.isfuture(x). C cannot ask a void * what it points at, so
 * the coroutines here keep one rule: they yield NULL (a bare `yield`: step
 * me again) or a Future *. A Future's first field names its class, as
 * Python asks type(x)._asyncio_future_blocking; a BaseTask is no future. */
static bool isfuture(const void *yielded)
{
    return yielded != NULL && ((const Future *)yielded)->cls != NOT_A_FUTURE;
}

/* Python: future.register_callback(cb): cb(future) once it is done - or
 * now, if it is done already (fix 4: it will never be set again). */
static void future_register_callback(Future *fut, Callback fn, void *arg)
{
    if (future_done(fut) && !has_bug(BUG_DONE_FUTURE_PARKS)) {
        fn(fut, arg);
        return;
    }
    CallbackList *list = callbacks_of(fut);
    if (list->count == MAX_CALLBACKS) {
        errno = 0;
        die("register_callback: too many callbacks",
            "raise MAX_CALLBACKS in talk_loop.c");
    }
    list->items[list->count].fn = fn;
    list->items[list->count].arg = arg;
    list->count++;
}

/* Python: Future.set_result: store the result, then call every callback,
 * once each, in the order they were registered. A future is set once:
 * a second set_result is a bug of the caller's (asyncio raises
 * InvalidStateError); say so and return -1. */
static int future_set_result(Future *fut, void *result)
{
    if (future_done(fut)) {
        fprintf(stderr,
                "set_result: <%s> already has a result (hint: set a future "
                "once; check future_done() first)\n",
                fut->name);
        return -1;
    }
    printf("set_result <%s>: %s\n", fut->name, show(result));
    fut->result = result;
    fut->state = FINISHED;
    CallbackList *list = callbacks_of(fut);
    for (int i = 0; i < list->count; i++)
        list->items[i].fn(fut, list->items[i].arg);
    if (!has_bug(BUG_SHARED_CALLBACKS))
        list->count = 0; /* run once: they belonged to this future alone */
    return 0;
}

/* Python: future.__await__(), the generator that `await future` drives. */
typedef struct {
    Gen gen;
    Future *future;
} FutureAwait;

/* In [47]: yield the future once; whoever steps us next must only do so
 * once the future is done. Fix 4: a done future has nothing to wait for. */
static GenStatus future_await_step(Gen *g)
{
    FutureAwait *f = (FutureAwait *)g;
    GEN_BEGIN(g);
    if (!future_done(f->future) || has_bug(BUG_DONE_FUTURE_PARKS))
        YIELD(g, f->future);
    if (!future_done(f->future))
        return raise_exception(g, "Exception: Future is not ready");
    GEN_RETURN(g, f->future->result);
    GEN_END(g);
}

/* Python: `await future` calls type(future).__await__. */
static Gen *future_await(FutureAwait *frame, Future *fut)
{
    frame->future = fut;
    return gen_init(&frame->gen, future_await_step, "__await__");
}

/* ------------------------------------------------------------------ */
/* In [48] Task(BaseTask, Future), and what it should have been.      */

typedef struct Loop Loop;

typedef struct {
    Future future;      /* first: a Task is a Future, a Task * is a Future * */
    Gen *coro;          /* Python: self._coro */
    StopIteration stop; /* what the finished coroutine raised */
    Loop *loop;         /* Python: self._loop, for the wake-up callback */
    Future *fut_waiter; /* the future it is parked on (asyncio's name) */
} Task;

/* Python: Task._step(). Steps the coroutine once; when it returns, the task
 * (a future) sets its own result: fix 2, for In [48]'s Task did not. Fix 5:
 * the result is the coroutine's return value, not the StopIteration. */
static GenStatus task_step(Task *task)
{
    if (gen_finished(task->coro)) {
        printf("RuntimeError: cannot reuse already awaited coroutine\n");
        return GEN_ERROR;
    }
    GenStatus status = gen_next(task->coro);
    if (status == GEN_RETURNED && !has_bug(BUG_NO_SET_RESULT))
        future_set_result(&task->future,
                          has_bug(BUG_STOP_ITERATION_RESULT)
                              ? stop_iteration(&task->stop, task->coro->result)
                              : task->coro->result);
    return status;
}

/* ------------------------------------------------------------------ */
/* In [23] BaseLoop and In [54] Loop.                                  */

#define MAX_TASKS 16
struct Loop {
    Task *tasks[MAX_TASKS]; /* Python: self.tasks, the queue */
    int n_tasks;
    Task *created[MAX_TASKS]; /* every task, in order: C frees them */
    int n_created;
    struct {
        bool on;       /* TRACE=1 */
        int step;      /* loop iterations so far */
        int n_columns; /* tasks in the last header line */
    } timeline;
};

static void loop_init(Loop *l)
{
    *l = (Loop){0};
    l->timeline.on = env_long("TRACE", 0, 0, 1) == 1;
}

static void loop_free(Loop *l)
{
    for (int i = 0; i < l->n_created; i++)
        free(l->created[i]);
    *l = (Loop){0};
}

/* Python: _schedule_task(task, immediately). */
static void loop_schedule_task(Loop *l, Task *task, bool immediately)
{
    if (l->n_tasks == MAX_TASKS) {
        errno = 0;
        die("_schedule_task: the queue is full", "raise MAX_TASKS");
    }
    if (immediately) {
        memmove(&l->tasks[1], &l->tasks[0], sizeof l->tasks[0] * l->n_tasks);
        l->tasks[0] = task;
    } else {
        l->tasks[l->n_tasks] = task;
    }
    l->n_tasks++;
}

/* Python: self.tasks.pop(0). */
static Task *loop_pop_first(Loop *l)
{
    Task *first = l->tasks[0];
    l->n_tasks--;
    memmove(&l->tasks[0], &l->tasks[1], sizeof l->tasks[0] * l->n_tasks);
    return first;
}

/* Python: create_task(coro, name): a Task, queued. */
static Task *loop_create_task(Loop *l, Gen *coro, const char *name)
{
    Task *task = malloc(sizeof *task);
    if (task == NULL || l->n_created == MAX_TASKS) {
        errno = 0;
        die("create_task: too many tasks", "raise MAX_TASKS");
    }
    *task = (Task){.coro = coro, .loop = l};
    future_init(&task->future, FUTURE, name);
    l->created[l->n_created++] = task;
    loop_schedule_task(l, task, false);
    return task;
}

/* Python: print('loop queue', self.tasks), each task's repr being <name>. */
static void print_queue(const Loop *l)
{
    printf("loop queue [");
    for (int i = 0; i < l->n_tasks; i++)
        printf("%s<%s>", i ? ", " : "", l->tasks[i]->future.name);
    printf("]\n");
}

static bool is_queued(const Loop *l, const Task *task)
{
    for (int i = 0; i < l->n_tasks; i++)
        if (l->tasks[i] == task)
            return true;
    return false;
}

/* TRACE=1: one line per loop iteration on stderr, one column per task:
 * who ran, who waited, who is done - tasks taking turns on one thread. */
static void timeline_start(const Loop *l)
{
    if (l->timeline.on)
        fprintf(stderr, "timeline: # ran  . waiting in the queue  "
                        "z parked on a future  - done\n");
}

static char timeline_mark(const Loop *l, const Task *task, const Task *ran)
{
    if (task == ran)
        return '#';
    if (gen_finished(task->coro))
        return '-';
    if (is_queued(l, task))
        return '.';
    return task->fut_waiter ? 'z' : ' ';
}

static void timeline_row(Loop *l, const Task *ran)
{
    if (!l->timeline.on)
        return;
    if (l->timeline.n_columns != l->n_created) { /* a task was created */
        fprintf(stderr, "step |");
        for (int i = 0; i < l->n_created; i++)
            fprintf(stderr, " %s", l->created[i]->future.name);
        fprintf(stderr, "\n");
        l->timeline.n_columns = l->n_created;
    }
    fprintf(stderr, "%4d |", ++l->timeline.step);
    for (int i = 0; i < l->n_created; i++) {
        const Task *task = l->created[i];
        bool last = i == l->n_created - 1; /* no trailing blanks */
        fprintf(stderr, " %-*c", last ? 1 : (int)strlen(task->future.name),
                timeline_mark(l, task, ran));
    }
    fprintf(stderr, "\n");
}

/* TRACE=1, once the queue is empty: a task that is neither done nor
 * queued is parked on a future whose callback will never come. */
static void timeline_end(const Loop *l)
{
    for (int i = 0; l->timeline.on && i < l->n_created; i++) {
        const Task *task = l->created[i];
        if (!gen_finished(task->coro) && task->fut_waiter)
            fprintf(stderr, "timeline: <%s> never finished: parked on <%s>\n",
                    task->future.name, task->fut_waiter->name);
    }
}

/* Python: lambda task: self._schedule_task(task), the callback In [54]
 * registers: called as c(future) once the future is done. The talk's
 * lambda names its parameter `task`, hiding the task that waits: it
 * queues the finished future (a Task here) again (bug 3). Fixed, it
 * wakes the task that waited: lambda _: self._schedule_task(task). */
static void wake_up(Future *done, void *waiting)
{
    Task *task = waiting;
    /* every awaited future in this program is a Task */
    if (has_bug(BUG_SHADOWED_TASK))
        task = (Task *)done;
    task->fut_waiter = NULL;
    loop_schedule_task(task->loop, task, false);
}

/* Python: Loop.advance(task), In [54]: step the task; if it yielded a
 * future, park it: the future's done callback will queue it again. If it
 * yielded anything else, queue it again at once. Returns -1 if it raised. */
static int loop_advance(Loop *l, Task *task)
{
    switch (task_step(task)) {
    case GEN_YIELDED:
        if (isfuture(task->coro->yielded)) {
            task->fut_waiter = task->coro->yielded;
            future_register_callback(task->fut_waiter, wake_up, task);
        } else {
            loop_schedule_task(l, task, false);
        }
        return 0;
    case GEN_RETURNED:
        printf("task <%s> result: %s\n", task->future.name,
               show(task->coro->result));
        return 0;
    case GEN_ERROR:
        break;
    }
    printf("loop stopped: task <%s> raised\n", task->future.name);
    return -1;
}

/* Python: run_until_complete(): pop, step, sleep 0.5 s, until no task is
 * left. Returns -1 if a task raised (Python: the exception propagates). */
static int loop_run_until_complete(Loop *l)
{
    timeline_start(l);
    while (l->n_tasks != 0) {
        print_queue(l);
        Task *task = loop_pop_first(l);
        int status = loop_advance(l, task);
        timeline_row(l, task);
        if (status == -1)
            return -1;
        sleep_scaled(0.5);
    }
    timeline_end(l);
    return 0;
}

/* ------------------------------------------------------------------ */
/* In [56]: a parent task and its background tasks.                   */

/* Python: async def background_task(): await asleep(2);
 * print('finished background task') */
typedef struct {
    Gen gen;
    Asleep sleep;
    void *slept;
} BackgroundTask;

static GenStatus background_task_step(Gen *g)
{
    BackgroundTask *f = (BackgroundTask *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 2); /* Python: await asleep(2) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    printf("finished background task\n");
    GEN_END(g);
}

static Gen *background_task(BackgroundTask *frame)
{
    return gen_init(&frame->gen, background_task_step, "background_task");
}

/* Python: In [56]'s parent_task: two background tasks, awaited. */
typedef struct {
    Gen gen;
    Loop *loop;
    BackgroundTask background1, background2;
    Task *task1, *task2;
    Asleep sleep;
    FutureAwait await1, await2;
    void *slept, *result1, *result2;
} ParentTask;

static GenStatus parent_task_step(Gen *g)
{
    ParentTask *f = (ParentTask *)g;
    GEN_BEGIN(g);
    f->task1 =
        loop_create_task(f->loop, background_task(&f->background1), "task1");
    f->task2 =
        loop_create_task(f->loop, background_task(&f->background2), "task2");
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    printf("finished main task\n");
    future_await(&f->await1, &f->task1->future); /* Python: await task1 */
    AWAIT(g, &f->await1.gen, f->result1);
    future_await(&f->await2, &f->task2->future); /* Python: await task2 */
    AWAIT(g, &f->await2.gen, f->result2);
    printf("finished waiting for background tasks\n");
    GEN_END(g);
}

static Gen *parent_task(ParentTask *frame, Loop *l)
{
    frame->loop = l;
    return gen_init(&frame->gen, parent_task_step, "parent_task");
}

/* ------------------------------------------------------------------ */
/* "Actual event loop": awaitable_non_blocking_io, stage 06's socket   */
/* coroutine behind make_awaitable, now run as a task of the loop.     */

/* Python: awaitable_non_blocking_io = make_awaitable(
 *             really_really_non_blocking_io)
 * The generator and its Awaitable, in one frame. */
typedef struct {
    ReallyReallyNonBlockingIo io;
    Awaitable awaitable;
} AwaitableNonBlockingIo;

static Gen *awaitable_non_blocking_io(AwaitableNonBlockingIo *frame)
{
    return make_awaitable(&frame->awaitable,
                          really_really_non_blocking_io(&frame->io));
}

/* ------------------------------------------------------------------ */
/* The runs.                                                           */

/* In [56], with the given bugs still in. */
static void in_56(unsigned bugs_left)
{
    bugs = bugs_left;
    future_callbacks.count = 0; /* a fresh class for each run */
    Loop l;
    loop_init(&l);
    ParentTask coro;
    loop_create_task(&l, parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* "Actual event loop" again, on the new loop: a socket is not a future,
 * so a task waiting for one still yields None and is polled every step. */
static void actual_event_loop(unsigned bugs_left)
{
    bugs = bugs_left;
    Timer t = timer_start(NULL);
    Loop loop;
    loop_init(&loop);
    AwaitableNonBlockingIo coro1, coro2;
    loop_create_task(&loop, awaitable_non_blocking_io(&coro1), "task1");
    loop_create_task(&loop, awaitable_non_blocking_io(&coro2), "task2");
    loop_run_until_complete(&loop);
    timer_log(&t, "two requests, both answered");
    loop_free(&loop);
}

#ifndef STAGE_NO_MAIN
/* The talk's trace, then one fix at a time: each run keeps the bugs that
 * are not fixed yet. */
static const struct {
    const char *name;
    const char *title;
    void (*run)(unsigned bugs);
    unsigned bugs;
} runs[] = {
    {"56", "In [56]: the talk's loop: parent_task vanishes", in_56, TALK_BUGS},
    {"fix1", "fix 1: each future has its own callbacks", in_56,
     TALK_BUGS & ~BUG_SHARED_CALLBACKS},
    {"fix2", "fix 2: a Task sets its result, so its callbacks run", in_56,
     TALK_BUGS & ~(BUG_SHARED_CALLBACKS | BUG_NO_SET_RESULT)},
    {"fix3", "fix 3: the callback wakes the waiting task, not the done one",
     in_56, BUG_DONE_FUTURE_PARKS | BUG_STOP_ITERATION_RESULT},
    {"fix4", "fix 4: awaiting a done future does not park", in_56,
     BUG_STOP_ITERATION_RESULT},
    {"fix5", "fix 5: set_result gets the value, not the StopIteration", in_56,
     0},
    {"shared", "why fix 1 matters: fixes 2 to 5 with one shared callback list",
     in_56, BUG_SHARED_CALLBACKS},
    {"sketch", "Actual event loop, on the new loop: sockets still poll",
     actual_event_loop, 0},
};

int main(int argc, char **argv)
{
    talk_init(argv);
    /* A server that hangs up makes send() fail with EPIPE, which we report,
     * instead of a SIGPIPE that would kill us without a word. */
    signal(SIGPIPE, SIG_IGN);
    bool found = false;
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        if (argc > 1 && strcmp(argv[1], runs[i].name) != 0)
            continue;
        printf("--- %s ---\n", runs[i].title);
        runs[i].run(runs[i].bugs);
        found = true;
    }
    if (!found) {
        fprintf(stderr,
                "%s: no run '%s' (hint: one of 56 fix1 fix2 fix3 fix4 fix5 "
                "shared sketch, or none for all)\n",
                argv[0], argv[1]);
        return 2;
    }
    return 0;
}
#endif
