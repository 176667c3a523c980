/*
 * fib_by_hand.c - exercise: a Fibonacci generator written out by hand,
 * the way generators.c writes counter_next(), without coro.h's macros.
 *
 *   def fib():
 *       a, b = 0, 1
 *       while True:
 *           yield a
 *           a, b = b, a + b
 *
 * fib_next(&frame) is one next(gen): it runs up to the next `yield a` and
 * returns a. Everything that must outlive a yield lives in the frame; a
 * frame of zeros is a generator that has not started. Check it with
 * `make exercise-05`.
 */
typedef struct {
    int resume_at; /* 0: not started; then where the next step resumes */
    long a, b;     /* the generator's locals */
} FibFrame;

long fib_next(FibFrame *f)
{
    /* TODO: one switch on f->resume_at: case 0 sets a and b and enters the
     * loop; inside it, remember where you are, return a, and put the next
     * case label right there, so the next call lands after the yield. */
    (void)f;
    return -1;
}
