/*
 * futures.c - stage 07, the talk's first event loop: "Actual event loop",
 * "Tasks", "Futures" and "Actual futures are not coroutines" (In [19] to
 * In [48]).
 *
 * A Task wraps a coroutine and steps it once per _step(). The Loop keeps a
 * queue of tasks: it pops the first, steps it, puts it back at the end, and
 * sleeps 0.5 s, so tasks take turns on one thread. asleep() is a coroutine
 * that polls the clock. Then futures: a NaiveFuture whose await polls too,
 * a Task that is such a future (a Task "is a" Future: the Future struct comes
 * first in the Task struct), and the talk's Future, whose set_result runs
 * callbacks - which this loop never uses yet: that is stage 08.
 *
 * Run `./futures` for every cell, or `./futures 41` for one (names below).
 * TRACE=1 draws a timeline of the loop on stderr.
 */
#include "awaitable.h"
#include "coro.h"
#include "nonblocking_socket.h"
#include "talk.h"
#include "yield_from.h"

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
/* In [38] NaiveFuture and In [47] Future.                            */

typedef enum { PENDING, FINISHED } FutureState;
static const char *const state_names[] = {"PENDING", "FINISHED"};

/* Python: type(future). The notebook redefines Task three times; in C the
 * class is this field, and the functions below look at it. */
typedef enum {
    NOT_A_FUTURE, /* In [21]: BaseTask, with no result to await */
    NAIVE_FUTURE, /* In [38]: await polls until done */
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
};

/* Python: _callbacks = [] in the class body of Future: ONE list, shared by
 * every future. Stage 08 finds out what that costs. */
static CallbackList future_callbacks;

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

/* Python: future.register_callback(cb): cb(future) once it is done. */
static void future_register_callback(Future *fut, Callback fn, void *arg)
{
    CallbackList *list = &future_callbacks;
    (void)fut; /* the talk's list is the class's, not this future's */
    if (list->count == MAX_CALLBACKS) {
        errno = 0;
        die("register_callback: too many callbacks",
            "raise MAX_CALLBACKS in futures.c");
    }
    list->items[list->count].fn = fn;
    list->items[list->count].arg = arg;
    list->count++;
}

/* Python: NaiveFuture.set_result, and Future.set_result, which then calls
 * every callback. */
static void future_set_result(Future *fut, void *result)
{
    printf("set_result <%s>: %s\n", fut->name, show(result));
    fut->result = result;
    fut->state = FINISHED;
    if (fut->cls != FUTURE)
        return;
    for (int i = 0; i < future_callbacks.count; i++)
        future_callbacks.items[i].fn(fut, future_callbacks.items[i].arg);
}

/* Python: future.__await__(), the generator that `await future` drives. */
typedef struct {
    Gen gen;
    Future *future;
} FutureAwait;

/* In [38]: while the future is pending, yield it and poll again. */
static GenStatus naive_future_await_step(Gen *g)
{
    FutureAwait *f = (FutureAwait *)g;
    GEN_BEGIN(g);
    printf("await future <%s>\n", f->future->name);
    while (!future_done(f->future)) {
        printf("await future yield <%s>, %s\n", f->future->name,
               state_names[f->future->state]);
        YIELD(g, f->future);
    }
    GEN_RETURN(g, f->future->result);
    GEN_END(g);
}

/* In [47]: yield the future once; whoever steps us next must only do so
 * once the future is done. */
static GenStatus future_await_step(Gen *g)
{
    FutureAwait *f = (FutureAwait *)g;
    GEN_BEGIN(g);
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
    return gen_init(&frame->gen,
                    fut->cls == NAIVE_FUTURE ? naive_future_await_step
                                             : future_await_step,
                    "__await__");
}

/* ------------------------------------------------------------------ */
/* In [21] BaseTask, In [39] Task(BaseTask, NaiveFuture),             */
/* In [48] Task(BaseTask, Future).                                     */

typedef struct {
    Future future;      /* first: a Task is a Future, a Task * is a Future * */
    Gen *coro;          /* Python: self._coro */
    StopIteration stop; /* what the finished coroutine raised */
} Task;

/* Python: Task._step(). Steps the coroutine once; when it returns, In [39]'s
 * Task sets its own result, with the StopIteration as it caught it. */
static GenStatus task_step(Task *task)
{
    if (gen_finished(task->coro)) {
        printf("RuntimeError: cannot reuse already awaited coroutine\n");
        return GEN_ERROR;
    }
    GenStatus status = gen_next(task->coro);
    if (status == GEN_RETURNED && task->future.cls == NAIVE_FUTURE)
        future_set_result(&task->future,
                          stop_iteration(&task->stop, task->coro->result));
    return status;
}

/* ------------------------------------------------------------------ */
/* In [23] BaseLoop and In [24] Loop.                                  */

#define MAX_TASKS 16
typedef struct {
    Task *tasks[MAX_TASKS]; /* Python: self.tasks, the queue */
    int n_tasks;
    Task *created[MAX_TASKS]; /* every task, in order: C frees them */
    int n_created;
    FutureClass task_class; /* which Task class create_task makes */
    struct {
        bool on;       /* TRACE=1 */
        int step;      /* loop iterations so far */
        int n_columns; /* tasks in the last header line */
    } timeline;
} Loop;

static void loop_init(Loop *l, FutureClass task_class)
{
    *l = (Loop){.task_class = task_class};
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

/* Python: create_task(coro, name): a Task of today's class, queued. */
static Task *loop_create_task(Loop *l, Gen *coro, const char *name)
{
    Task *task = malloc(sizeof *task);
    if (task == NULL || l->n_created == MAX_TASKS) {
        errno = 0;
        die("create_task: too many tasks", "raise MAX_TASKS");
    }
    *task = (Task){.coro = coro};
    future_init(&task->future, l->task_class, name);
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
        fprintf(stderr, "timeline: # ran  . waiting in the queue  - done\n");
}

static char timeline_mark(const Loop *l, const Task *task, const Task *ran)
{
    if (task == ran)
        return '#';
    if (gen_finished(task->coro))
        return '-';
    return is_queued(l, task) ? '.' : ' ';
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

/* Python: Loop.advance(task), In [24]: step the task; if it yielded, queue
 * it again at the end, whatever it yielded. Returns -1 if it raised. */
static int loop_advance(Loop *l, Task *task)
{
    switch (task_step(task)) {
    case GEN_YIELDED:
        loop_schedule_task(l, task, false);
        return 0;
    case GEN_RETURNED:
        printf("task <%s> result: \"%s\"\n", task->future.name,
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
    return 0;
}

/* ------------------------------------------------------------------ */
/* In [35] to In [37]: wait_and_print and run_subtask.                */

/* Python: async def awaitable_io(n): await asleep(2); return f'...' */
typedef struct {
    Gen gen;
    int n;
    Asleep sleep;
    void *slept; /* asleep's result: None */
    char text[32];
} AwaitableIo;

static GenStatus awaitable_io_step(Gen *g)
{
    AwaitableIo *f = (AwaitableIo *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 2); /* Python: await asleep(2) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    snprintf(f->text, sizeof f->text, "Hello world %d", f->n);
    GEN_RETURN(g, f->text);
    GEN_END(g);
}

static Gen *awaitable_io(AwaitableIo *frame, int n)
{
    frame->n = n;
    return gen_init(&frame->gen, awaitable_io_step, "awaitable_io");
}

/* Python: async def wait_and_print(n). */
typedef struct {
    Gen gen;
    int n;
    AwaitableIo io;
    void *result;
} WaitAndPrint;

static GenStatus wait_and_print_step(Gen *g)
{
    WaitAndPrint *f = (WaitAndPrint *)g;
    GEN_BEGIN(g);
    awaitable_io(&f->io, f->n); /* Python: await awaitable_io(n) */
    AWAIT(g, &f->io.gen, f->result);
    printf(" -> received \"%s\"\n", show(f->result));
    GEN_RETURN(g, f->result);
    GEN_END(g);
}

static Gen *wait_and_print(WaitAndPrint *frame, int n)
{
    frame->n = n;
    return gen_init(&frame->gen, wait_and_print_step, "wait_and_print");
}

/* Python: async def run_subtask(): await asleep(1) */
typedef struct {
    Gen gen;
    Asleep sleep;
    void *slept;
} RunSubtask;

static GenStatus run_subtask_step(Gen *g)
{
    RunSubtask *f = (RunSubtask *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    GEN_END(g);
}

static Gen *run_subtask(RunSubtask *frame)
{
    return gen_init(&frame->gen, run_subtask_step, "run_subtask");
}

/* ------------------------------------------------------------------ */
/* In [28] and In [41]: a parent task and its background tasks.       */

/* Python: async def background_task(): await asleep(2), and in In [28]
 * print('finished background task'). */
typedef struct {
    Gen gen;
    bool announce;
    Asleep sleep;
    void *slept;
} BackgroundTask;

static GenStatus background_task_step(Gen *g)
{
    BackgroundTask *f = (BackgroundTask *)g;
    GEN_BEGIN(g);
    asleep(&f->sleep, 2); /* Python: await asleep(2) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    if (f->announce)
        printf("finished background task\n");
    GEN_END(g);
}

static Gen *background_task(BackgroundTask *frame, bool announce)
{
    frame->announce = announce;
    return gen_init(&frame->gen, background_task_step, "background_task");
}

/* Python: In [28]'s parent_task: starts a background task, never awaits it
 * (`# await task ?`). */
typedef struct {
    Gen gen;
    Loop *loop; /* Python: the global l */
    BackgroundTask background;
    Asleep sleep;
    void *slept;
} LonelyParentTask;

static GenStatus lonely_parent_task_step(Gen *g)
{
    LonelyParentTask *f = (LonelyParentTask *)g;
    GEN_BEGIN(g);
    loop_create_task(f->loop, background_task(&f->background, true),
                     "background_task");
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    GEN_END(g);
}

static Gen *lonely_parent_task(LonelyParentTask *frame, Loop *l)
{
    frame->loop = l;
    return gen_init(&frame->gen, lonely_parent_task_step, "parent_task");
}

/* Python: In [41]'s parent_task: two background tasks, awaited. */
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
    f->task1 = loop_create_task(
        f->loop, background_task(&f->background1, false), "task1");
    f->task2 = loop_create_task(
        f->loop, background_task(&f->background2, false), "task2");
    asleep(&f->sleep, 1); /* Python: await asleep(1) */
    AWAIT(g, &f->sleep.awaitable.gen, f->slept);
    printf("finished main task\n");
    future_await(&f->await1, &f->task1->future); /* Python: await task1 */
    AWAIT(g, &f->await1.gen, f->result1);
    future_await(&f->await2, &f->task2->future); /* Python: await task2 */
    AWAIT(g, &f->await2.gen, f->result2);
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
/* The cells, in the talk's order.                                     */

/* In [36]: two wait_and_print tasks take turns. */
static void in_36(void)
{
    Loop l;
    loop_init(&l, NOT_A_FUTURE);
    WaitAndPrint coro1, coro2;
    loop_create_task(&l, wait_and_print(&coro1, 1), "task1");
    loop_create_task(&l, wait_and_print(&coro2, 2), "task2");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* In [37]: a task whose coroutine awaits a sub-coroutine. */
static void in_37(void)
{
    Loop l;
    loop_init(&l, NOT_A_FUTURE);
    RunSubtask coro;
    loop_create_task(&l, run_subtask(&coro), "run_subtask");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* In [28]: the parent finishes first; nobody waits for the background. */
static void in_28(void)
{
    Loop l;
    loop_init(&l, NOT_A_FUTURE);
    LonelyParentTask coro;
    loop_create_task(&l, lonely_parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* "Actual event loop": the sketch, made real. */
static void actual_event_loop(void)
{
    Timer t = timer_start(NULL);
    Loop loop;
    loop_init(&loop, NOT_A_FUTURE);
    AwaitableNonBlockingIo coro1, coro2;
    loop_create_task(&loop, awaitable_non_blocking_io(&coro1), "task1");
    loop_create_task(&loop, awaitable_non_blocking_io(&coro2), "task2");
    loop_run_until_complete(&loop);
    timer_log(&t, "two requests, both answered");
    loop_free(&loop);
}

/* In [41]: Task is a NaiveFuture; the parent polls its children. */
static void in_41(void)
{
    Loop l;
    loop_init(&l, NAIVE_FUTURE);
    ParentTask coro;
    loop_create_task(&l, parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}

/* In [47]: a Future, stepped by hand: await yields it once; set_result
 * runs its callbacks; the next step returns the result. */
typedef struct {
    Gen gen;
    Future *future;
    FutureAwait await;
    void *result;
} WaitFor;

static GenStatus wait_for_step(Gen *g)
{
    WaitFor *f = (WaitFor *)g;
    GEN_BEGIN(g);
    future_await(&f->await, f->future); /* Python: await future */
    AWAIT(g, &f->await.gen, f->result);
    GEN_RETURN(g, f->result);
    GEN_END(g);
}

static void say_done(Future *done, void *arg)
{
    (void)arg;
    printf("callback: <%s> is done, result %s\n", done->name,
           show(done->result));
}

static void in_47(void)
{
    Future fut;
    future_init(&fut, FUTURE, "fut");
    future_register_callback(&fut, say_done, NULL);
    WaitFor coro = {.future = &fut};
    Gen *gen = gen_init(&coro.gen, wait_for_step, "wait_for");
    if (gen_next(gen) == GEN_YIELDED && isfuture(gen->yielded))
        printf("step 1: yielded <%s>, a future: the coroutine waits\n",
               ((Future *)gen->yielded)->name);
    future_set_result(&fut, "42");
    if (gen_next(gen) == GEN_RETURNED)
        printf("step 2: returned \"%s\"\n", show(gen->result));
    future_callbacks.count = 0; /* the class's list outlives this cell */
}

/* In [48]: Task is now a Future, but In [24]'s Loop steps a waiting task
 * again anyway: the await finds its future not ready and raises. */
static void in_48(void)
{
    Loop l;
    loop_init(&l, FUTURE);
    ParentTask coro;
    loop_create_task(&l, parent_task(&coro, &l), "parent_task");
    loop_run_until_complete(&l);
    loop_free(&l);
}

#ifndef STAGE_NO_MAIN
static const struct {
    const char *name;
    const char *title;
    void (*run)(void);
} cells[] = {
    {"36", "In [36]: two wait_and_print tasks take turns", in_36},
    {"37", "In [37]: run_subtask", in_37},
    {"28", "In [28]: the parent does not await its background task", in_28},
    {"sketch", "Actual event loop: two awaitable_non_blocking_io tasks",
     actual_event_loop},
    {"41", "In [41]: Task as a NaiveFuture: await polls", in_41},
    {"47", "In [47]: Future: await yields once, set_result runs callbacks",
     in_47},
    {"48", "In [48]: Task as a Future, on In [24]'s loop", in_48},
};

int main(int argc, char **argv)
{
    talk_init(argv);
    /* A server that hangs up makes send() fail with EPIPE, which we report,
     * instead of a SIGPIPE that would kill us without a word. */
    signal(SIGPIPE, SIG_IGN);
    bool found = false;
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        if (argc > 1 && strcmp(argv[1], cells[i].name) != 0)
            continue;
        printf("--- %s ---\n", cells[i].title);
        cells[i].run();
        found = true;
    }
    if (!found) {
        fprintf(stderr,
                "%s: no cell '%s' (hint: one of 36 37 28 sketch 41 47 48, "
                "or none for all)\n",
                argv[0], argv[1]);
        return 2;
    }
    return 0;
}
#endif
