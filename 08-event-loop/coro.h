/*
 * coro.h - stackless generators, built the way CPython builds them.
 *
 * A generator is a frame: a struct that starts with a Gen (the resume point
 * and the step function) and then holds every local that must outlive a
 * yield. Its step function is one switch on the resume point: YIELD saves the
 * line it stands on and returns; the next step jumps straight back to that
 * case label. No second stack, no ucontext, no assembly: a resume is a
 * function call and a jump. generators.c shows the same thing written out by
 * hand before these macros hide it.
 *
 * Identical in stages 05 to 08.
 */
#ifndef CORO_H
#define CORO_H

typedef enum {
    GEN_YIELDED,  /* Python: next(gen) returned a value: gen->yielded */
    GEN_RETURNED, /* Python: StopIteration; its .value is gen->result */
    GEN_ERROR,    /* a bug, such as stepping a finished generator: on stderr */
} GenStatus;

/* Python: the generator raised an exception. Stage 08's RAISE returns it
 * (its exception.h says which exception); stages 05 to 07 never do. It is
 * a GenStatus kept out of the list above so that a switch written before
 * stage 08 (07's loop_advance) stays complete without a case it can never
 * see; YIELD_FROM tests for it with if, not case, for the same reason. */
#define GEN_RAISED ((GenStatus)(GEN_ERROR + 1))

typedef struct Gen Gen;
struct Gen {
    GenStatus (*step)(Gen *self); /* Python: the generator's code object */
    /* Python: gi_frame.f_lasti, where to resume. CPython's value before the
     * first step is -1 up to 3.10, 0 in 3.11-3.12, 2 in 3.13; here 0 = not
     * started, -1 = done (a finished generator's gi_frame is None) */
    int resume_at;
    void *yielded; /* Python: the value of the last yield (NULL: bare yield) */
    void *result;  /* Python: StopIteration.value */
    const char *name; /* Python: gen.__name__, for messages */
};

/* Python: gen = coroutine(). Fills in the Gen at the top of a frame. */
Gen *gen_init(Gen *gen, GenStatus (*step)(Gen *), const char *name);

/* Python: next(gen). Stepping a finished generator is an error, not UB. */
GenStatus gen_next(Gen *gen);

/* Python: gen.gi_frame is None. */
int gen_finished(const Gen *gen);

/* The body of a step function sits between GEN_BEGIN and GEN_END. */
#define GEN_BEGIN(gen)                                                         \
    switch ((gen)->resume_at) {                                                \
    case 0:

/* Python: yield value. Hands value out; the next step resumes after it.
 * One YIELD per source line: the line number is the resume point. */
#define YIELD(gen, value)                                                      \
    do {                                                                       \
        (gen)->yielded = (value);                                              \
        (gen)->resume_at = __LINE__;                                           \
        return GEN_YIELDED;                                                    \
    case __LINE__:;                                                            \
    } while (0)

/* Python: return value (raises StopIteration(value) in the caller). */
#define GEN_RETURN(gen, value)                                                 \
    do {                                                                       \
        (gen)->result = (value);                                               \
        (gen)->resume_at = -1;                                                 \
        return GEN_RETURNED;                                                   \
    } while (0)

/* Python: into = yield from child. Steps child; each of its yields is handed
 * up to whoever steps us; its return value lands in `into`, a field of our
 * frame (a switch-based frame cannot yield in the middle of an expression).
 * Works to any depth: child may itself be YIELD_FROM-ing. Every resume
 * evaluates `child` again, so make it a frame field set up on the line
 * before, not a call that builds a new generator. A bug (GEN_ERROR) or a
 * raised exception (GEN_RAISED) ends our frame too and goes on up. */
#define YIELD_FROM(gen, child, into)                                           \
    YIELD_FROM_EXCEPT(gen, child, into, (gen)->resume_at = -1;                 \
                      return GEN_RAISED)

/* YIELD_FROM, but if child raises, the statements `on_raised` run in our
 * frame instead of the exception going on up (stage 08's TRY_AWAIT). */
#define YIELD_FROM_EXCEPT(gen, child, into, on_raised)                         \
    do {                                                                       \
        (gen)->resume_at = __LINE__;                                           \
        if (0) { /* only a resume enters here, by the case label */            \
        case __LINE__:;                                                        \
        }                                                                      \
        GenStatus child_status = gen_next(child);                              \
        if (child_status == GEN_YIELDED) {                                     \
            (gen)->yielded = (child)->yielded;                                 \
            return GEN_YIELDED;                                                \
        }                                                                      \
        if (child_status == GEN_ERROR) {                                       \
            (gen)->resume_at = -1;                                             \
            return GEN_ERROR;                                                  \
        }                                                                      \
        if (child_status == GEN_RAISED) {                                      \
            on_raised;                                                         \
        } else {                                                               \
            into = (child)->result;                                            \
        }                                                                      \
    } while (0)

/* Python: await awaitable. The same machinery as yield from. */
#define AWAIT(gen, awaitable, into) YIELD_FROM(gen, awaitable, into)

/* Falling off the end of a generator returns None. */
#define GEN_END(gen)                                                           \
    }                                                                          \
    GEN_RETURN(gen, NULL)

#endif
