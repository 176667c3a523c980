/*
 * cells_what_we_learned.h - the cell of the talk's "What we've learned so
 * far" section: In [56], a parent task that awaits two background tasks
 * on In [54]'s loop, run with the talk's bugs that are still in.
 */
#ifndef CELLS_WHAT_WE_LEARNED_H
#define CELLS_WHAT_WE_LEARNED_H

void in_56(unsigned bugs_left);

#endif
