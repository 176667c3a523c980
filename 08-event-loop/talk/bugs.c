/*
 * bugs.c - which of the talk's bugs are still in: the one switch every
 * place the talk's code and the fixed code differ reads.
 */
#include "bugs.h"

unsigned bugs = 0;

bool has_bug(unsigned bug)
{
    return (bugs & bug) != 0;
}
