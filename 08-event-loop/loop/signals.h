/*
 * signals.h - loop.add_signal_handler (asyncio/unix_events.py).
 */
#ifndef LOOP_SIGNALS_H
#define LOOP_SIGNALS_H

#include "loop.h"

/* Python: loop.add_signal_handler(signo, fn, arg). The handler only
 * writes a byte to a pipe the loop reads (the self-pipe trick), so fn runs
 * as an ordinary callback, never inside the signal handler. 0, or -1 with
 * errno. One loop per process handles signals: the last one to add a
 * handler (Python: signal.set_wakeup_fd, which asyncio calls, is one per
 * process too). */
int loop_add_signal_handler(Loop *loop, int signo, Callback fn, void *arg);
/* Puts the default actions back and closes the pipe. loop_close does it. */
void loop_remove_signal_handlers(Loop *loop);

#endif
