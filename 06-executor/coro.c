/*
 * coro.c - next(gen) for the stackless generators of coro.h.
 * Identical in stages 05 to 08.
 */
#include "coro.h"

#include <stdio.h>

Gen *gen_init(Gen *gen, GenStatus (*step)(Gen *), const char *name)
{
    *gen = (Gen){.step = step, .name = name};
    return gen;
}

int gen_finished(const Gen *gen)
{
    return gen->resume_at == -1;
}

GenStatus gen_next(Gen *gen)
{
    if (gen_finished(gen)) {
        /* Python raises StopIteration again; in C it would be a jump into a
         * frame that is gone, so say so and refuse. */
        fprintf(stderr,
                "gen_next: generator '%s' already finished "
                "(hint: check gen_finished() before stepping it)\n",
                gen->name ? gen->name : "?");
        return GEN_ERROR;
    }
    return gen->step(gen);
}
