/*
 * test_02_parallel_sum.c - 02-threads/exercises/parallel_sum.c: the slices
 * cover every number once, however n and nthreads compare.
 */
#include EXERCISE
#include "exercise.h"

TestSuite(parallel_sum, .timeout = HANG_TIMEOUT);

static int numbers[1000];

static void fill(void)
{
    for (int i = 0; i < 1000; i++)
        numbers[i] = i + 1;
}

Test(parallel_sum, adds_a_thousand_numbers_on_four_threads, .init = fill)
{
    long got = parallel_sum(numbers, 1000, 4);
    cr_assert_eq(got, 500500,
                 "1..1000 on 4 threads gave %ld, not 500500: add up every "
                 "slice's sum after joining its thread",
                 got);
}

Test(parallel_sum, slices_cover_every_number_once, .init = fill)
{
    for (int threads = 1; threads <= 16; threads++) {
        long got = parallel_sum(numbers, 999, threads);
        cr_assert_eq(got, 499500,
                     "1..999 on %d threads gave %ld, not 499500: the "
                     "slices leave out or repeat a number",
                     threads, got);
    }
    long got = parallel_sum(numbers, 3, 8);
    cr_assert_eq(got, 6,
                 "3 numbers on 8 threads gave %ld, not 6: with "
                 "fewer numbers than threads some slices are empty",
                 got);
}
