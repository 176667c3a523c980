/*
 * loop_fixture.h - what stage 08's exercise tests share: a fresh real loop
 * for each test (Python: asyncio.run gives each its own), closed after.
 */
#ifndef LOOP_FIXTURE_H
#define LOOP_FIXTURE_H

#include "exercise.h"
#include "loop/asyncio.h"

static Loop *loop;

static void open_loop(void)
{
    loop = loop_new(NULL);
    cr_assert(loop, "loop_new failed");
}

static void close_loop(void)
{
    loop_close(loop);
}

#endif
