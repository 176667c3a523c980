/*
 * parallel_sum.c - answer. Slice i spans n*i/nthreads to n*(i+1)/nthreads:
 * each slice starts where the previous one ends, the last one ends at n,
 * and with fewer numbers than threads some slices are simply empty. The
 * sums are read only after pthread_join(), which is what makes the
 * thread's writes visible to the main thread: no lock is needed.
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
    for (int i = 0; i < nthreads; i++) {
        size_t start = n * i / nthreads, end = n * (i + 1) / nthreads;
        slices[i] = (Slice){.from = a + start, .count = end - start};
        if (pthread_create(&threads[i], NULL, sum_slice, &slices[i]) != 0) {
            for (int j = 0; j < i; j++)
                pthread_join(threads[j], NULL);
            return -1;
        }
    }
    long total = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
        total += slices[i].sum;
    }
    return total;
}
