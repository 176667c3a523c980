/*
 * test_02_thread_pool.c - 02-threads/exercises/thread_pool.c: every job
 * runs once on a worker, pool_close() waits for all of them, and the
 * workers really run jobs at the same time.
 */
#include EXERCISE
#include "exercise.h"

TestSuite(thread_pool, .timeout = HANG_TIMEOUT);

static pthread_mutex_t counted = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t arrived_changed = PTHREAD_COND_INITIALIZER;
static int runs, on_main_thread, arrived;
static pthread_t main_thread;

static void count_run(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&counted);
    runs++;
    on_main_thread += pthread_equal(pthread_self(), main_thread) != 0;
    pthread_mutex_unlock(&counted);
}

Test(thread_pool, runs_every_job_once_before_close_returns)
{
    Pool pool;
    main_thread = pthread_self();
    cr_assert_eq(pool_start(&pool, 4), 0, "pool_start failed");
    for (int i = 0; i < 500; i++)
        cr_assert_eq(pool_submit(&pool, count_run, NULL), 0,
                     "the queue filled up: are the workers taking jobs?");
    pool_close(&pool);
    cr_assert_eq(runs, 500,
                 "%d of 500 jobs ran by the time pool_close returned: a "
                 "worker leaves only when closing and the queue is empty",
                 runs);
    cr_assert_eq(on_main_thread, 0,
                 "a job ran on the caller's thread, not "
                 "on a worker");
}

/* Each of 4 jobs waits until all 4 are running: with 4 workers that ends,
 * but a pool that runs one job at a time waits here until the timeout. */
static void meet_the_others(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&counted);
    arrived++;
    pthread_cond_broadcast(&arrived_changed);
    while (arrived < 4)
        pthread_cond_wait(&arrived_changed, &counted);
    pthread_mutex_unlock(&counted);
}

Test(thread_pool, workers_run_jobs_at_the_same_time)
{
    Pool pool;
    cr_assert_eq(pool_start(&pool, 4), 0, "pool_start failed");
    pool_submit(&pool, count_run, NULL);
    pool_close(&pool);
    cr_assert_eq(runs, 1,
                 "a job submitted before close did not run: take "
                 "jobs from the queue in worker()");
    cr_assert_eq(pool_start(&pool, 4), 0, "pool_start failed");
    for (int i = 0; i < 4; i++)
        pool_submit(&pool, meet_the_others, NULL);
    /* A hang here (the test times out): jobs run one at a time; unlock
     * before running a job. */
    pool_close(&pool);
    cr_assert_eq(arrived, 4, "not every job ran");
}
