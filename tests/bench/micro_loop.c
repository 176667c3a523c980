/*
 * micro_loop.c - the coroutine rows of the start-up, switch and memory
 * tables measured through stage 08's real event loop (loop/, linked
 * unchanged), where a coroutine runs as a task:
 *
 *   task start-up   create_task on a coroutine that returns at once, and
 *                   the loop running it to completion (call_soon -> the
 *                   task's step -> set_result -> done callbacks scheduled):
 *                   what asyncio's `await create_task(coro())` costs.
 *   task switch     two tasks taking turns with `await asleep(0)`: each
 *                   turn is the coroutine yielding, the task re-queued with
 *                   call_soon, the loop's next pass stepping the other task.
 *                   asyncio's sleep(0) switch costs ~2 us; the target here
 *                   is under 150 ns.
 *   task size       sizeof(Task) and of the coroutine frame it drives.
 *
 * Same tab-separated rows as micro.c.
 */
#include "../../08-event-loop/loop/asyncio.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>

static long runs = 200;

/* async def nothing(): return */
typedef struct {
    Gen gen;
} Nothing;

static GenStatus nothing_step(Gen *g)
{
    GEN_BEGIN(g);
    GEN_RETURN(g, NULL);
    GEN_END(g);
}

/* async def ping(n): for _ in range(n): await asyncio.sleep(0) */
typedef struct {
    Gen gen;
    Loop *loop;
    long i, n;
    Sleep sleep;
    void *ignored;
} Ping;

static GenStatus ping_step(Gen *g)
{
    Ping *f = (Ping *)g;
    GEN_BEGIN(g);
    for (f->i = 0; f->i < f->n; f->i++) {
        asleep(&f->sleep, f->loop, 0);
        AWAIT(g, &f->sleep.gen, f->ignored);
    }
    GEN_END(g);
}

/* K tasks created, then the loop runs until the last is done (FIFO: all
 * are). Returns ns per task. */
static double task_create_and_run(Loop *loop, int k)
{
    Task *tasks = malloc((size_t)k * sizeof *tasks);
    Nothing *frames = malloc((size_t)k * sizeof *frames);
    if (!tasks || !frames)
        fail("malloc");
    uint64_t start = now_ns();
    for (int i = 0; i < k; i++)
        create_task(loop, &tasks[i],
                    gen_init(&frames[i].gen, nothing_step, "nothing"), "t");
    if (run_until_complete(loop, &tasks[k - 1].future) == -1)
        fail("run_until_complete");
    double per = (double)(now_ns() - start) / k;
    for (int i = 0; i < k; i++)
        future_free(&tasks[i].future);
    free(tasks);
    free(frames);
    return per;
}

/* Two tasks, n turns each: ns per switch. */
static double task_switch(Loop *loop, long n)
{
    Ping a = {.loop = loop, .n = n}, b = {.loop = loop, .n = n};
    Task ta, tb;
    create_task(loop, &ta, gen_init(&a.gen, ping_step, "a"), "a");
    create_task(loop, &tb, gen_init(&b.gen, ping_step, "b"), "b");
    uint64_t start = now_ns();
    if (run_until_complete(loop, &tb.future) == -1)
        fail("run_until_complete");
    double per = (double)(now_ns() - start) / (double)(2 * n);
    future_free(&ta.future);
    future_free(&tb.future);
    return per;
}

int main(void)
{
    const char *r = getenv("RUNS");
    if (r && atol(r) > 0)
        runs = atol(r);
    Loop *loop = loop_new(NULL);
    if (!loop)
        return 1;
    enum { SAMPLES = 15 };
    double t[SAMPLES];
    char how[80];

    for (int s = 0; s < SAMPLES; s++)
        t[s] = task_create_and_run(loop, 10000);
    snprintf(how, sizeof how, "median of %d batches of 10000, %s loop", SAMPLES,
             loop_selector_name(loop));
    printf("startup\ttask (stage 08): create_task, run to completion in the "
           "loop\t%.2f\tns\t%s\n",
           median(t, SAMPLES), how);

    long turns = runs * 500;
    for (int s = 0; s < SAMPLES; s++)
        t[s] = task_switch(loop, turns);
    snprintf(how, sizeof how, "median of %d x %ld switches", SAMPLES,
             2 * turns);
    printf("switch\ttask switch through the loop (stage 08, asleep(0))\t%.2f\t"
           "ns\t%s\n",
           median(t, SAMPLES), how);

    printf("memory\ttask (stage 08 Task struct)\t%zu\tB\tsizeof(Task)\n",
           sizeof(Task));
    printf("memory\ttask + a coroutine frame awaiting asleep()\t%zu\tB\t"
           "sizeof(Task) + sizeof(Ping frame)\n",
           sizeof(Task) + sizeof(Ping));
    loop_close(loop);
    return 0;
}
