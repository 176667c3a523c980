/*
 * cells_event_loop.h - the cells of the talk's "Actual event loop"
 * section, run on this stage's loop: In [36], and the sketch the section
 * opens with, two socket requests as tasks.
 */
#ifndef CELLS_EVENT_LOOP_H
#define CELLS_EVENT_LOOP_H

void in_36(void);
void actual_event_loop(void);

#endif
