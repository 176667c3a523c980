/*
 * fib_by_hand.c - answer. The switch is the whole trick: case 0 starts the
 * generator, and case 1 sits inside the while loop, just after the
 * `return`, so the second call jumps into the middle of the loop with a and
 * b as the frame kept them. The C stack forgets everything between calls;
 * the frame does not. Any resume_at values work, as long as each yield has
 * its own case.
 */
typedef struct {
    int resume_at; /* 0: not started; then where the next step resumes */
    long a, b;     /* the generator's locals */
} FibFrame;

long fib_next(FibFrame *f)
{
    switch (f->resume_at) {
    case 0:
        f->a = 0;
        f->b = 1;
        for (;;) {
            f->resume_at = 1; /* yield a */
            return f->a;
        case 1:;
            long next = f->a + f->b;
            f->a = f->b;
            f->b = next;
        }
    }
    return -1; /* unreachable: resume_at is only ever 0 or 1 */
}
