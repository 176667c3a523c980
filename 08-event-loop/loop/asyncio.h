/*
 * asyncio.h - Python's `import asyncio`: every header of the real loop in
 * one include, for the tests and the benchmarks. (The programs include
 * what they use, so their first lines say which parts they need.)
 */
#ifndef LOOP_ASYNCIO_H
#define LOOP_ASYNCIO_H

#include "event.h"
#include "exception.h"
#include "future.h"
#include "gather.h"
#include "lock.h"
#include "loop.h"
#include "queue.h"
#include "selector.h"
#include "shield.h"
#include "signals.h"
#include "sleep.h"
#include "sock_ops.h"
#include "task.h"
#include "task_group.h"
#include "trace.h"
#include "virtual_clock.h"
#include "wait.h"
#include "wait_for.h"

#endif
