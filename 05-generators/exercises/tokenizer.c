/*
 * tokenizer.c - exercise: a generator with coro.h's macros that cuts a
 * line of text into tokens, one per step.
 *
 *   def tokenizer(text):
 *       for token in re.findall(r"[A-Za-z0-9_]+|\S", text):
 *           yield token
 *
 * A token is a run of letters, digits and underscores ("x", "42", "a_b"),
 * or any other single character that is not a space ("=", "+", "(").
 * Spaces only separate tokens. Each YIELD hands out f->token, a copy of
 * the token as a C string; the generator returns (GEN_END) after the last.
 * Check it with `make exercise-05`.
 */
#include "coro.h"

#include <ctype.h>
#include <stddef.h>

typedef struct {
    Gen gen;
    const char *text; /* the line; the generator reads it, never writes */
    size_t pos;       /* where the next token starts looking */
    char token[64];   /* the token just yielded, NUL-terminated */
} Tokenizer;

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static GenStatus tokenizer_step(Gen *g)
{
    Tokenizer *f = (Tokenizer *)g;
    GEN_BEGIN(g);
    /* TODO: loop: skip spaces; stop at the end of the text; copy one token
     * (a run of is_word_char, or one other character) into f->token;
     * YIELD(g, f->token). Only the frame's fields survive a YIELD. */
    (void)f;
    GEN_END(g);
}

/* Python: gen = tokenizer(text). */
Gen *tokenizer(Tokenizer *f, const char *text)
{
    f->text = text;
    f->pos = 0;
    f->token[0] = '\0';
    return gen_init(&f->gen, tokenizer_step, "tokenizer");
}
