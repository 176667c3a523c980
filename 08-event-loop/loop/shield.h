/*
 * shield.h - asyncio.shield(fut): a future that a cancel cannot reach
 * through.
 */
#ifndef LOOP_SHIELD_H
#define LOOP_SHIELD_H

#include "future.h"

/* Cancelling the outer future cancels only it: inner runs on, and its
 * result or error is no longer passed on. Until then, the outer future
 * takes inner's outcome. When inner is already done, shield returns
 * inner itself, as asyncio does. The Shield must outlive inner or the
 * outer future's end, whichever comes first. */
typedef struct {
    Future outer;
    Future *inner;
} Shield;
Future *shield(Shield *s, Future *inner);

#endif
