/*
 * thread_pool.c - exercise: a thread pool with a work queue.
 *
 *   with ThreadPoolExecutor(max_workers=4) as pool:
 *       for job in jobs:
 *           pool.submit(job)
 *   # leaving the with block waits for every job (pool.shutdown())
 *
 * pool_start() starts the workers, pool_submit() puts a job in the queue
 * and wakes a worker, pool_close() says no more jobs are coming and joins
 * the workers once the queue is empty. Your part is worker(), the loop
 * each thread runs. Check it with `make exercise-02`.
 */
#include <pthread.h>
#include <stdbool.h>

enum { POOL_MAX_THREADS = 16, POOL_QUEUE = 1024 };

typedef struct {
    void (*fn)(void *arg);
    void *arg;
} Job;

typedef struct {
    pthread_mutex_t lock;  /* guards everything below it */
    pthread_cond_t wakeup; /* signalled: a job arrived, or closing */
    Job queue[POOL_QUEUE]; /* a ring: count jobs from head */
    int head, count;
    bool closing; /* pool_close() was called: no more jobs */
    pthread_t threads[POOL_MAX_THREADS];
    int nthreads;
} Pool;

/* The loop each worker thread runs: take the next job, run it, again,
 * until the pool is closing and the queue is empty. */
static void *worker(void *arg)
{
    Pool *pool = arg;
    /* TODO: lock; while the queue is empty and the pool is not closing,
     * pthread_cond_wait(&pool->wakeup, &pool->lock); empty and closing:
     * unlock and return; otherwise take the job at head (head moves on,
     * count goes down), unlock, and only then run it, so other workers can
     * take jobs while this one runs. */
    (void)pool;
    return NULL;
}

/* Starts nthreads workers. 0 on success, -1 on failure. */
int pool_start(Pool *pool, int nthreads)
{
    if (nthreads < 1 || nthreads > POOL_MAX_THREADS)
        return -1;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->wakeup, NULL);
    pool->head = pool->count = 0;
    pool->closing = false;
    for (pool->nthreads = 0; pool->nthreads < nthreads; pool->nthreads++)
        if (pthread_create(&pool->threads[pool->nthreads], NULL, worker,
                           pool) != 0)
            return -1;
    return 0;
}

/* Python: pool.submit(fn, arg). -1 if the queue is full or closing. */
int pool_submit(Pool *pool, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&pool->lock);
    int ok = !pool->closing && pool->count < POOL_QUEUE;
    if (ok) {
        pool->queue[(pool->head + pool->count) % POOL_QUEUE] = (Job){fn, arg};
        pool->count++;
        pthread_cond_signal(&pool->wakeup);
    }
    pthread_mutex_unlock(&pool->lock);
    return ok ? 0 : -1;
}

/* Python: pool.shutdown(wait=True): every queued job still runs. */
void pool_close(Pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    pool->closing = true;
    pthread_cond_broadcast(&pool->wakeup);
    pthread_mutex_unlock(&pool->lock);
    for (int i = 0; i < pool->nthreads; i++)
        pthread_join(pool->threads[i], NULL);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->wakeup);
}
