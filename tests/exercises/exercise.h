/*
 * exercise.h - what every exercise's tests share. A test file #includes
 * the learner's file (EXERCISE, set by exercises.mk: the starter, or with
 * ANSWERS=1 the answer) and then this. Each assertion's message is the
 * one-line hint `make exercise-NN` prints on the first failure, so it says
 * what to look at, not what the answer's code is.
 */
#ifndef EXERCISE_H
#define EXERCISE_H

#include "../harness.h"
#include <criterion/criterion.h>
#include <time.h>

/* A Criterion timeout that only catches a hang (tests/README.md). */
#define HANG_TIMEOUT (10 * BUILD_SLOWDOWN)

/* Seconds on CLOCK_MONOTONIC, for lower bounds: "it waited at least". */
static inline double seconds_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#endif
