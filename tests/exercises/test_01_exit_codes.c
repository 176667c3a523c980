/*
 * test_01_exit_codes.c - 01-processes/exercises/exit_codes.c: the parent
 * adds up its children's exit codes, notices a killed child, and reaps
 * every one.
 */
#include EXERCISE
#include "exercise.h"

#include <errno.h>
#include <signal.h>

TestSuite(exit_codes, .timeout = HANG_TIMEOUT);

static int code_is_i_plus_1(int i)
{
    return i + 1;
}

static int third_one_is_killed(int i)
{
    if (i == 2)
        raise(SIGKILL);
    return 1;
}

static void assert_no_child_left(void)
{
    cr_assert(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
              "a child was never waited for: it stays a zombie; "
              "waitpid() every one, even after a killed one");
}

Test(exit_codes, adds_up_the_exit_codes)
{
    int sum = sum_exit_codes(code_is_i_plus_1, 5);
    cr_assert_eq(sum, 15,
                 "codes 1..5 gave %d, not 15: WEXITSTATUS(status) is a "
                 "child's exit code",
                 sum);
    assert_no_child_left();
}

Test(exit_codes, then_a_killed_child_gives_minus_1)
{
    int sum = sum_exit_codes(third_one_is_killed, 5);
    cr_assert_eq(sum, -1,
                 "a child killed by SIGKILL gave %d, not -1: check "
                 "WIFEXITED(status) before reading its code",
                 sum);
    assert_no_child_left();
}
