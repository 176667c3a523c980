/*
 * cells_futures.h - the cells of the talk's "Futures" and "Actual futures
 * are not coroutines" sections: In [41], a parent that awaits its tasks,
 * a Future stepped by hand (In [47]), and In [48].
 */
#ifndef CELLS_FUTURES_H
#define CELLS_FUTURES_H

void in_41(void);
void in_47(void);
void in_48(void);

#endif
