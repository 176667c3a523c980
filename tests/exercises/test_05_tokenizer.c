/*
 * test_05_tokenizer.c - 05-generators/exercises/tokenizer.c: one token per
 * step, then the generator returns; frames do not share state.
 */
#include EXERCISE
#include "exercise.h"

#include <stdio.h>
#include <string.h>

TestSuite(tokenizer, .timeout = HANG_TIMEOUT);

/* Steps gen to its end; "x|=|42" for the tokens x, = and 42. */
static void tokens_of(const char *text, char *out, size_t size)
{
    Tokenizer f;
    Gen *gen = tokenizer(&f, text);
    out[0] = '\0';
    for (int steps = 0; steps < 50; steps++) {
        GenStatus s = gen_next(gen);
        if (s == GEN_RETURNED)
            return;
        cr_assert_eq(s, GEN_YIELDED,
                     "gen_next() said GEN_ERROR: the step "
                     "function ran past the generator's end");
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? "|" : "",
                 (const char *)gen->yielded);
    }
    cr_assert_fail("50 steps and no end: after the last token, leave the "
                   "loop so GEN_END returns");
}

Test(tokenizer, cuts_words_numbers_and_symbols)
{
    char got[256];
    tokens_of("x = 42+y_1", got, sizeof got);
    cr_assert_str_eq(got, "x|=|42|+|y_1",
                     "\"x = 42+y_1\" gave \"%s\", tokens split by |: a run "
                     "of word characters is one token, any other character "
                     "is one on its own",
                     got);
}

Test(tokenizer, spaces_only_separate)
{
    char got[256];
    tokens_of("  (a)  ", got, sizeof got);
    cr_assert_str_eq(got, "(|a|)",
                     "\"  (a)  \" gave \"%s\": skip the spaces "
                     "before a token and after the last one",
                     got);
    tokens_of("", got, sizeof got);
    cr_assert_str_eq(got, "",
                     "\"\" yielded \"%s\": an empty line yields "
                     "nothing",
                     got);
}

Test(tokenizer, two_tokenizers_step_independently)
{
    Tokenizer fa, fb;
    Gen *a = tokenizer(&fa, "one two"), *b = tokenizer(&fb, "three");
    gen_next(a);
    gen_next(b);
    cr_assert_eq(gen_next(a), GEN_YIELDED,
                 "the first generator stopped early: keep the position in "
                 "the frame (f->pos), not in a local or a static");
    cr_assert_str_eq(a->yielded, "two",
                     "interleaved with another "
                     "tokenizer, the second token of "
                     "\"one two\" was not \"two\"");
    cr_assert_str_eq(b->yielded, "three",
                     "a tokenizer's token changed "
                     "when another one stepped");
}
