/*
 * parallel_sum.c - exercise: split a sum across threads, then join them.
 *
 *   chunks = split(numbers, nthreads)
 *   threads = [Thread(target=sum_slice, args=(c,)) for c in chunks]
 *   ... start each, join each, add up their sums
 *
 * Threads share memory, so each one writes its partial sum into its own
 * Slice and the main thread adds them up after pthread_join(): no two
 * threads write the same variable, and no mutex is needed. Your part is
 * parallel_sum(). Check it with `make exercise-02`.
 */
#include <pthread.h>
#include <stddef.h>

enum { MAX_THREADS = 16 };

typedef struct {
    const int *from; /* this thread's part of the numbers */
    size_t count;
    long sum; /* written by the thread, read after the join */
} Slice;

static void *sum_slice(void *arg)
{
    Slice *s = arg;
    s->sum = 0;
    for (size_t i = 0; i < s->count; i++)
        s->sum += s->from[i];
    return NULL;
}

/* The sum of a[0..n), computed by nthreads threads (1 to MAX_THREADS),
 * each over its own slice. -1 if nthreads is out of range. */
long parallel_sum(const int *a, size_t n, int nthreads)
{
    if (nthreads < 1 || nthreads > MAX_THREADS)
        return -1;
    Slice slices[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    /* TODO: give thread i the slice a[n*i/nthreads .. n*(i+1)/nthreads)
     * (together they cover every number once, even when n < nthreads),
     * pthread_create each one on sum_slice, then pthread_join each one and
     * add up the slices' sums. */
    (void)a;
    (void)n;
    (void)slices;
    (void)threads;
    (void)sum_slice;
    return 0;
}
