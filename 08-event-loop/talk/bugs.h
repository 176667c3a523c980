/*
 * bugs.h - the talk's five bugs, the reason In [56]'s parent_task never
 * finishes. Each fix clears one bit; main runs In [56] once with all of
 * them, then once after each fix; the tests run with none.
 */
#ifndef BUGS_H
#define BUGS_H

#include <stdbool.h>

enum {
    BUG_SHARED_CALLBACKS = 1 << 0, /* 1: _callbacks = [] is the class's */
    BUG_NO_SET_RESULT = 1 << 1,    /* 2: In [48]'s Task never sets a result */
    BUG_SHADOWED_TASK = 1 << 2,    /* 3: lambda task: ... wakes the wrong one */
    BUG_DONE_FUTURE_PARKS = 1 << 3, /* 4: await on a done future still parks */
    BUG_STOP_ITERATION_RESULT = 1 << 4, /* 5: set_result(StopIteration) */
    TALK_BUGS = (1 << 5) - 1,
};

extern unsigned bugs; /* the bugs still in: 0 is the fixed code */

bool has_bug(unsigned bug);

#endif
