/*
 * test_05_fib_by_hand.c - 05-generators/exercises/fib_by_hand.c: each call
 * is one next(gen), and the frame alone carries the generator's state.
 */
#include EXERCISE
#include "exercise.h"

TestSuite(fib_by_hand, .timeout = HANG_TIMEOUT);

Test(fib_by_hand, yields_the_fibonacci_numbers_from_0)
{
    static const long expected[] = {0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89};
    FibFrame gen = {0};
    for (int i = 0; i < 12; i++) {
        long got = fib_next(&gen);
        cr_assert_eq(got, expected[i],
                     "next() number %d gave %ld, not %ld: the first "
                     "call yields 0, then each yield moves a and b on",
                     i + 1, got, expected[i]);
    }
}

Test(fib_by_hand, two_generators_keep_their_own_state)
{
    FibFrame x = {0}, y = {0};
    cr_assert_eq(fib_next(&x), 0, "the first next() must yield a = 0");
    for (int i = 0; i < 4; i++)
        fib_next(&x); /* 1 1 2 3 */
    cr_assert_eq(fib_next(&y), 0,
                 "a new frame started where another one was: keep every "
                 "local in the frame, none in static variables");
    cr_assert_eq(fib_next(&x), 5, "stepping one frame moved another one");
}
