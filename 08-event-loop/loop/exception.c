/*
 * exception.c - the exception in flight between RAISE and whoever catches
 * it (exception.h).
 */
#include "exception.h"

/* Per thread: a loop, its tasks and their exceptions live on one thread,
 * and two loops on two threads must not see each other's. */
static _Thread_local int error_in_flight;

void error_set(int error)
{
    error_in_flight = error;
}

int error_fetch(void)
{
    int error = error_in_flight;
    error_in_flight = 0;
    return error;
}

bool error_pending(void)
{
    return error_in_flight != 0;
}
