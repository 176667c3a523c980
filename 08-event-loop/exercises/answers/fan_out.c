/*
 * fan_out.c - answer. `limit` workers, not one task per job: each worker
 * takes the next job when its last one is done, so at most `limit` jobs
 * are ever in progress, and no job waits on a limiter while holding a
 * task. fan->next is shared without a lock: on one thread, a worker runs
 * uninterrupted from one await to the next, so "take the next index" is
 * never split. Each result goes to its job's own slot, so the order of
 * the results is the order of the jobs, whatever order they finish in.
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
    while (w->fan->next < w->fan->n) {
        w->i = w->fan->next++;
        AWAIT(g, w->fan->jobs[w->i], w->fan->results[w->i]);
    }
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
