/*
 * cells_event_loop.h - the sketch the talk's "Actual event loop" section
 * opens with, two socket requests as tasks, run on In [54]'s loop.
 */
#ifndef CELLS_EVENT_LOOP_H
#define CELLS_EVENT_LOOP_H

void actual_event_loop(unsigned bugs_left);

#endif
