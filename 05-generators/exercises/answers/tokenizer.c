/*
 * tokenizer.c - answer. The loop's state is f->pos, in the frame, so it
 * survives each YIELD; a local `i` would be gone on resume (a switch jumps
 * over its initialisation). One YIELD in a loop is enough: the macros give
 * it its own case label, and every resume comes back to the same spot.
 */
#include "coro.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

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
    for (;;) {
        while (isspace((unsigned char)f->text[f->pos]))
            f->pos++;
        if (f->text[f->pos] == '\0')
            break;
        size_t len = 1;
        if (is_word_char(f->text[f->pos]))
            while (is_word_char(f->text[f->pos + len]))
                len++;
        if (len >= sizeof f->token)
            len = sizeof f->token - 1; /* a longer word is cut, not overrun */
        memcpy(f->token, f->text + f->pos, len);
        f->token[len] = '\0';
        f->pos += len;
        YIELD(g, f->token);
    }
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
