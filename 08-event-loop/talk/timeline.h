/*
 * timeline.h - TRACE=1: one line per loop iteration on stderr, one column
 * per task: who ran, who waited, who is parked, who is done - tasks taking
 * turns on one thread. The loop calls it; it only reads the loop.
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include "loop.h"

void timeline_start(const Loop *l);
void timeline_row(Loop *l, const Task *ran);
void timeline_end(const Loop *l);

#endif
