/*
 * fan_out.c - exercise: run many jobs with at most `limit` at a time, the
 * results in order, on the real loop's tasks and gather.
 *
 *   async def fan_out(jobs, limit):
 *       results = [None] * len(jobs)
 *       it = iter(enumerate(jobs))
 *       async def worker():
 *           for i, job in it:           # the workers share one iterator
 *               results[i] = await job
 *       await asyncio.gather(*(worker() for _ in range(limit)))
 *       return results
 *
 * A fan-out client (fetch 1,000 URLs, 10 at a time) is this with a fetch
 * coroutine as the job. fan_out() starts the workers as tasks and gathers
 * them; your part is worker_step(). Check it with `make exercise-08`.
 */
#include "loop/gather.h"
#include "loop/task.h"

enum { FAN_OUT_MAX_WORKERS = 16 };

typedef struct FanOut FanOut;

typedef struct {
    Gen gen;
    FanOut *fan;
    int i; /* the job this worker is running */
} Worker;

struct FanOut {
    Gen **jobs;     /* coroutines, each awaited once */
    int n, next;    /* next: the first job no worker has taken yet */
    void **results; /* results[i]: what jobs[i] returned */
    Worker workers[FAN_OUT_MAX_WORKERS];
    Task tasks[FAN_OUT_MAX_WORKERS];
    Future *children[FAN_OUT_MAX_WORKERS];
    void *worker_results[FAN_OUT_MAX_WORKERS];
    Gather gather;
};

static GenStatus worker_step(Gen *g)
{
    Worker *w = (Worker *)g;
    GEN_BEGIN(g);
    /* TODO: while jobs are left (fan->next < fan->n): take the next one
     * (w->i = fan->next++), then AWAIT(g, fan->jobs[w->i],
     * fan->results[w->i]). Everything a resume needs is in the frame: i,
     * and fan. */
    (void)w;
    GEN_END(g);
}

/* Python: await fan_out(jobs, limit). Returns the future to await (or to
 * run_until_complete): done when every job is. NULL if limit is out of
 * range. */
Future *fan_out(FanOut *fan, Loop *loop, Gen **jobs, int n, int limit,
                void **results)
{
    if (limit < 1 || limit > FAN_OUT_MAX_WORKERS)
        return NULL;
    fan->jobs = jobs;
    fan->n = n;
    fan->next = 0;
    fan->results = results;
    int nworkers = n < limit ? n : limit;
    for (int k = 0; k < nworkers; k++) {
        fan->workers[k].fan = fan;
        Gen *coro = gen_init(&fan->workers[k].gen, worker_step, "worker");
        fan->children[k] =
            &create_task(loop, &fan->tasks[k], coro, NULL)->future;
    }
    return gather(&fan->gather, loop, fan->children, nworkers,
                  fan->worker_results);
}
