/*
 * test_slides.c - SLIDES.md cannot drift from the code.
 *
 * The deck shows C code and what the programs print. Both would rot the day
 * someone renames a function or rewords a trace, so this test reads
 * SLIDES.md and holds every labelled block to the truth. The labels (the
 * top of SLIDES.md documents them):
 *
 *   <!-- file: 05-generators/generators.c -->   the line right above a ```c
 *       block: each of the block's lines, leading and trailing whitespace
 *       aside, appears in that file, in the block's order (lines may be
 *       skipped between them: a slide cuts to the lines that matter). A line
 *       that is just an elision marker, slash-star ... star-slash, is
 *       skipped.
 *   <!-- output: 05-generators/generators [args] -->   the line right above
 *       a ```text block: the block is a contiguous run of the lines that
 *       program prints on stdout, with TIME_SCALE=0.05 and a demo server on
 *       PORT, times (H:MM:SS.ffffff) masked and trailing whitespace dropped
 *       on both sides (leading whitespace counts: ` -> received`).
 *
 *   <!-- file: 05-generators/generators.py -->   the same, above a ```python
 *       block: a Python twin's lines, held to its file as a C block is (a
 *       line that is just `# ...` is skipped). The stage READMEs' labelled
 *       ```python blocks are held to their files too, and every stage
 *       README quotes its twin at least once.
 *
 * Every ```c and ```text block must carry its label. An unlabelled
 * ```python block is the talk's notebook text; ```sh and unlabelled ```
 * blocks (diagrams) are not checked.
 * No fenced block may be longer than MAX_BLOCK_LINES, so a slide fits an
 * 80x24 terminal. A failure names SLIDES.md's line and the slide number.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

enum {
    MAX_BLOCK_LINES = 18, /* 24 rows, less a title, a caption and fences */
    SCREEN_ROWS = 24,
    SCREEN_COLUMNS = 80,
    MAX_BLOCKS = 256,
    MAX_COMMANDS = 32,
};
static const double PROGRAM_TIMEOUT = 15; /* seconds, per program */
static const char ELISION[] = "/* ... */";
static const char PYTHON_ELISION[] = "# ...";

/* ---- Reading files ------------------------------------------------------ */

/* The whole file, NUL-terminated, or NULL if it cannot be read. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)size + 1);
    cr_assert(text, "out of memory");
    size_t got = fread(text, 1, (size_t)size, f);
    text[got] = '\0';
    fclose(f);
    return text;
}

/* Splits text into lines, in place (the '\n's become NULs). */
typedef struct {
    char **at;
    int count;
} Lines;

static Lines split_lines(char *text)
{
    Lines lines = {0};
    int cap = 0;
    for (char *p = text; *p;) {
        if (lines.count == cap) {
            cap = cap * 2 + 64;
            lines.at = realloc(lines.at, sizeof *lines.at * (size_t)cap);
            cr_assert(lines.at, "out of memory");
        }
        lines.at[lines.count++] = p;
        char *end = strchr(p, '\n');
        if (!end)
            break;
        *end = '\0';
        p = end + 1;
    }
    return lines;
}

static void free_lines(Lines *lines)
{
    free(lines->at);
    *lines = (Lines){0};
}

/* A copy of s without its leading and trailing whitespace. */
static char *trimmed(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && strchr(" \t\r", s[len - 1]))
        len--;
    char *copy = malloc(len + 1);
    cr_assert(copy, "out of memory");
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

/* Drops trailing whitespace in place: editors strip it from Markdown, so
 * `set_result <task1>: ` on a slide may lose its last space. */
static void trim_right(char *line)
{
    size_t len = strlen(line);
    while (len && strchr(" \t\r", line[len - 1]))
        line[--len] = '\0';
}

static char *source_path(const char *relative)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", SOURCE_DIR, relative);
    return path;
}

/* ---- Parsing SLIDES.md -------------------------------------------------- */

typedef enum { CODE, OUTPUT, UNCHECKED } Kind;

/* A fenced block of SLIDES.md. */
typedef struct {
    Kind kind;
    int slide;       /* from 1; slides are separated by `---` lines */
    int fence_line;  /* SLIDES.md line of the opening fence, from 1 */
    char info[32];   /* ```c -> "c" */
    char label[256]; /* file: or output: value, "" when unlabelled */
    char **lines;    /* the block's lines (pointers into the deck's text) */
    int n_lines;
} Block;

typedef struct {
    char *text;
    Lines lines;
    Block blocks[MAX_BLOCKS];
    int n_blocks;
    int n_slides;
} Deck;

/* "<!-- file: X -->" with prefix "file:" -> "X" (in value), else false. */
static bool read_label(const char *line, const char *prefix, char *value,
                       size_t size)
{
    char *t = trimmed(line);
    bool ok = false;
    size_t len = strlen(t);
    if (strncmp(t, "<!--", 4) == 0 && len >= 7 &&
        strcmp(t + len - 3, "-->") == 0) {
        t[len - 3] = '\0';
        char *inner = trimmed(t + 4);
        if (strncmp(inner, prefix, strlen(prefix)) == 0) {
            char *v = trimmed(inner + strlen(prefix));
            snprintf(value, size, "%s", v);
            ok = *v != '\0';
            free(v);
        }
        free(inner);
    }
    free(t);
    return ok;
}

static bool is_fence(const char *line)
{
    return strncmp(line, "```", 3) == 0;
}

/* Any Markdown file cut into blocks: SLIDES.md, a stage's README.md. */
static Deck *deck_load_path(const char *path)
{
    Deck *deck = calloc(1, sizeof *deck);
    cr_assert(deck, "out of memory");
    deck->text = read_text(path);
    cr_assert(deck->text, "cannot read %s", path);
    deck->lines = split_lines(deck->text);
    deck->n_slides = 1;
    char **at = deck->lines.at;
    for (int i = 0; i < deck->lines.count; i++) {
        if (strcmp(at[i], "---") == 0) {
            deck->n_slides++;
            continue;
        }
        if (!is_fence(at[i]))
            continue;
        cr_assert(deck->n_blocks < MAX_BLOCKS, "raise MAX_BLOCKS");
        Block *b = &deck->blocks[deck->n_blocks++];
        *b = (Block){.slide = deck->n_slides, .fence_line = i + 1};
        char *info = trimmed(at[i] + 3);
        snprintf(b->info, sizeof b->info, "%s", info);
        free(info);
        const char *above = i > 0 ? at[i - 1] : "";
        if (read_label(above, "file:", b->label, sizeof b->label))
            b->kind = CODE;
        else if (read_label(above, "output:", b->label, sizeof b->label))
            b->kind = OUTPUT;
        else
            b->kind = UNCHECKED;
        b->lines = &at[i + 1];
        int close = i + 1;
        while (close < deck->lines.count && !is_fence(at[close]))
            close++;
        cr_assert(close < deck->lines.count,
                  "SLIDES.md:%d (slide %d): this ``` block is never closed",
                  i + 1, b->slide);
        b->n_lines = close - (i + 1);
        i = close;
    }
    return deck;
}

static Deck *deck_load(void)
{
    /* SLIDES_MD=path checks another copy: how this test was tested. */
    const char *path = getenv("SLIDES_MD");
    return deck_load_path(path ? path : source_path("SLIDES.md"));
}

static void deck_free(Deck *deck)
{
    free_lines(&deck->lines);
    free(deck->text);
    free(deck);
}

/* SLIDES.md's line number of a block's line (from 0). */
static int line_of(const Block *b, int index)
{
    return b->fence_line + 1 + index;
}

/* ---- The shape of the deck ---------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

Test(slides, every_code_and_output_block_is_labelled)
{
    Deck *deck = deck_load();
    int labelled = 0;
    for (int i = 0; i < deck->n_blocks; i++) {
        const Block *b = &deck->blocks[i];
        if (strcmp(b->info, "c") == 0)
            cr_expect(b->kind == CODE,
                      "SLIDES.md:%d (slide %d): a ```c block needs the line "
                      "<!-- file: NN-stage/file.c --> right above it",
                      b->fence_line, b->slide);
        else if (strcmp(b->info, "text") == 0)
            cr_expect(b->kind == OUTPUT,
                      "SLIDES.md:%d (slide %d): a ```text block needs the "
                      "line <!-- output: NN-stage/program --> right above it "
                      "(diagrams use a plain ``` fence)",
                      b->fence_line, b->slide);
        else if (strcmp(b->info, "python") == 0)
            cr_expect(b->kind == UNCHECKED ||
                          (b->kind == CODE && ends_with(b->label, ".py")),
                      "SLIDES.md:%d (slide %d): a ```python block is the "
                      "talk's own text, unlabelled, or a twin's, labelled "
                      "<!-- file: NN-stage/file.py -->",
                      b->fence_line, b->slide);
        else
            cr_expect(b->kind == UNCHECKED,
                      "SLIDES.md:%d (slide %d): a file: label goes above a "
                      "```c block, an output: label above a ```text block",
                      b->fence_line, b->slide);
        labelled += b->kind != UNCHECKED;
    }
    cr_expect(labelled > 0, "SLIDES.md has no labelled block at all");
    deck_free(deck);
}

Test(slides, every_block_fits_an_80x24_terminal)
{
    Deck *deck = deck_load();
    cr_expect(deck->n_blocks > 0, "SLIDES.md has no fenced block");
    for (int i = 0; i < deck->n_blocks; i++) {
        const Block *b = &deck->blocks[i];
        cr_expect(b->n_lines <= MAX_BLOCK_LINES,
                  "SLIDES.md:%d (slide %d): a block of %d lines; at most %d "
                  "fit on a slide",
                  b->fence_line, b->slide, b->n_lines, MAX_BLOCK_LINES);
    }
    deck_free(deck);
}

/* How many rows of an 80-column terminal the lines [from, to) take: HTML
 * comments (the labels) are not shown, long lines wrap, and the blank lines
 * around the slide do not count. */
static int rows_of(char **at, int from, int to)
{
    int rows = 0, blanks = 0;
    bool in_comment = false;
    for (int i = from; i < to; i++) {
        const char *line = at[i];
        if (in_comment || strncmp(line, "<!--", 4) == 0) {
            in_comment = strstr(line, "-->") == NULL;
            continue;
        }
        int len = (int)strlen(line);
        if (len == 0) {
            blanks += rows > 0; /* leading blanks do not count */
            continue;
        }
        rows += blanks + (len + SCREEN_COLUMNS - 1) / SCREEN_COLUMNS;
        blanks = 0; /* trailing blanks never get added */
    }
    return rows;
}

Test(slides, every_slide_fits_an_80x24_terminal)
{
    Deck *deck = deck_load();
    char **at = deck->lines.at;
    int slide = 1, start = 0;
    for (int i = 0; i <= deck->lines.count; i++) {
        bool in_block = false;
        for (int b = 0; b < deck->n_blocks; b++) {
            const Block *block = &deck->blocks[b];
            in_block |= i >= block->fence_line &&
                        i <= block->fence_line + block->n_lines;
        }
        if (i < deck->lines.count && (in_block || strcmp(at[i], "---") != 0))
            continue;
        int rows = rows_of(at, start, i);
        cr_expect(rows <= SCREEN_ROWS,
                  "SLIDES.md:%d (slide %d): the slide takes %d rows of an "
                  "80-column terminal; at most %d fit",
                  start + 1, slide, rows, SCREEN_ROWS);
        slide++;
        start = i + 1;
    }
    cr_expect(slide > 2, "SLIDES.md has a single slide: no `---` lines");
    deck_free(deck);
}

/* A program's source is its name plus .c; stage 08's demo 1 is the one
 * exception: event_loop is built from demo.c (08-event-loop/stage.mk). */
static void source_of(const char *program, char *source, size_t size)
{
    if (strcmp(program, "08-event-loop/event_loop") == 0)
        snprintf(source, size, "08-event-loop/demo.c");
    else
        snprintf(source, size, "%s.c", program);
}

/* "07-futures/futures 36" -> "07-futures/futures" */
static void program_of(const char *command, char *program, size_t size)
{
    snprintf(program, size, "%.*s", (int)strcspn(command, " "), command);
}

Test(slides, every_named_file_exists)
{
    Deck *deck = deck_load();
    for (int i = 0; i < deck->n_blocks; i++) {
        const Block *b = &deck->blocks[i];
        if (b->kind == CODE) {
            cr_expect(access(source_path(b->label), R_OK) == 0,
                      "SLIDES.md:%d (slide %d): no file %s", b->fence_line,
                      b->slide, b->label);
        } else if (b->kind == OUTPUT) {
            char program[256], source[300];
            program_of(b->label, program, sizeof program);
            source_of(program, source, sizeof source);
            cr_expect(access(source_path(source), R_OK) == 0,
                      "SLIDES.md:%d (slide %d): no program %s (no %s)",
                      b->fence_line, b->slide, program, source);
            cr_expect(access(bin(program), X_OK) == 0,
                      "SLIDES.md:%d (slide %d): %s is not built (make %s)",
                      b->fence_line, b->slide, bin(program), program);
        }
    }
    deck_free(deck);
}

/* ---- Code blocks are real code ------------------------------------------ */

/* Checks that the block's lines appear in order in its file; where says
 * which Markdown file holds the block, for the messages. */
static void check_code_block(const Block *b, const char *where)
{
    char *text = read_text(source_path(b->label));
    cr_expect(text, "%s:%d: no file %s", where, b->fence_line, b->label);
    if (!text)
        return;
    Lines file = split_lines(text);
    int next = 0; /* the file's line where the search goes on */
    int last_found = 0;
    for (int k = 0; k < b->n_lines; k++) {
        char *want = trimmed(b->lines[k]);
        if (*want == '\0' || strcmp(want, ELISION) == 0 ||
            strcmp(want, PYTHON_ELISION) == 0) {
            free(want);
            continue;
        }
        int found = -1;
        for (int j = next; j < file.count && found < 0; j++) {
            char *have = trimmed(file.at[j]);
            if (strcmp(have, want) == 0)
                found = j;
            free(have);
        }
        cr_expect(found >= 0,
                  "%s:%d (slide %d): not in %s after its line %d: "
                  "\"%s\"",
                  where, line_of(b, k), b->slide, b->label, last_found, want);
        free(want);
        if (found < 0)
            break;
        next = found + 1;
        last_found = found + 1;
    }
    free_lines(&file);
    free(text);
}

/* Checks the deck's labelled blocks of one language; returns how many. */
static int check_code_blocks(const Deck *deck, const char *info,
                             const char *where)
{
    int checked = 0;
    for (int i = 0; i < deck->n_blocks; i++)
        if (deck->blocks[i].kind == CODE &&
            strcmp(deck->blocks[i].info, info) == 0) {
            check_code_block(&deck->blocks[i], where);
            checked++;
        }
    return checked;
}

Test(slides, c_blocks_are_real_code)
{
    Deck *deck = deck_load();
    cr_expect(check_code_blocks(deck, "c", "SLIDES.md") > 0,
              "SLIDES.md shows no C code");
    deck_free(deck);
}

Test(slides, python_blocks_are_real_code)
{
    Deck *deck = deck_load();
    cr_expect(check_code_blocks(deck, "python", "SLIDES.md") > 0,
              "SLIDES.md quotes no Python twin (<!-- file: NN/x.py -->)");
    deck_free(deck);
}

/* Each stage's README quotes its Python twin, from the file itself. */
Test(slides, readme_python_blocks_are_real_code)
{
    static const char *stages[] = {
        "01-processes",  "02-threads",  "03-blocking-io", "04-select",
        "05-generators", "06-executor", "07-futures",     "08-event-loop"};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        char readme[64];
        snprintf(readme, sizeof readme, "%s/README.md", stages[i]);
        Deck *deck = deck_load_path(source_path(readme));
        cr_expect(check_code_blocks(deck, "python", readme) > 0,
                  "%s quotes no Python twin: a ```python block with "
                  "<!-- file: %s/x.py --> right above it",
                  readme, stages[i]);
        deck_free(deck);
    }
}

/* ---- Output blocks are real output -------------------------------------- */

/* Every program runs once, however many slides quote it. */
typedef struct {
    char command[256];
    Run run;
    char *masked; /* its stdout, times masked */
    char *split;  /* a copy of masked, cut into lines */
    Lines lines;
} Cached;

static Cached cache[MAX_COMMANDS];
static int n_cached;

static Cached *output_of(const char *command)
{
    for (int i = 0; i < n_cached; i++)
        if (strcmp(cache[i].command, command) == 0)
            return &cache[i];
    cr_assert(n_cached < MAX_COMMANDS, "raise MAX_COMMANDS");
    Cached *c = &cache[n_cached++];
    snprintf(c->command, sizeof c->command, "%s", command);

    char words[256];
    snprintf(words, sizeof words, "%s", command);
    const char *argv[16] = {0};
    int argc = 0;
    for (char *w = strtok(words, " "); w && argc < 15; w = strtok(NULL, " ")) {
        argv[argc] = argc == 0 ? bin(w) : w;
        argc++;
    }
    const char *env[] = {"TIME_SCALE=0.05", "RUNS=3", port_env(&demo_server),
                         NULL};
    c->run = run_program(argv, env, PROGRAM_TIMEOUT);
    c->masked = mask_times(c->run.out);
    c->split = strdup(c->masked);
    cr_assert(c->split, "out of memory");
    c->lines = split_lines(c->split);
    for (int i = 0; i < c->lines.count; i++)
        trim_right(c->lines.at[i]);
    return c;
}

/* How many of the block's lines (masked) match the output from its line
 * `start` on. */
static int matching_run(const Block *b, char **masked, const Lines *out,
                        int start)
{
    int k = 0;
    while (k < b->n_lines && start + k < out->count &&
           strcmp(masked[k], out->at[start + k]) == 0)
        k++;
    return k;
}

/* Checks that the block is a contiguous run of its program's output. */
static void check_output_block(const Block *b)
{
    Cached *c = output_of(b->label);
    cr_expect(!c->run.timedout && c->run.status == 0,
              "SLIDES.md:%d (slide %d): `%s` %s (status %d); stderr:\n%s",
              b->fence_line, b->slide, b->label,
              c->run.timedout ? "timed out" : "failed", c->run.status,
              c->run.err);
    char **masked = malloc(sizeof *masked * (size_t)(b->n_lines + 1));
    cr_assert(masked, "out of memory");
    for (int k = 0; k < b->n_lines; k++) {
        masked[k] = mask_times(b->lines[k]);
        trim_right(masked[k]);
    }
    int best = 0;
    for (int start = 0; start < c->lines.count && best < b->n_lines; start++) {
        int run = matching_run(b, masked, &c->lines, start);
        if (run > best)
            best = run;
    }
    if (best < b->n_lines) {
        int k = best; /* the first block line that matched nowhere */
        cr_expect_fail(
            "SLIDES.md:%d (slide %d): `%s` does not print this block: its "
            "line \"%s\" %s\n--- what it printed (times masked) ---\n%s",
            line_of(b, k), b->slide, b->label, masked[k],
            best ? "does not follow the lines above it" : "is not printed",
            c->masked);
    }
    for (int k = 0; k < b->n_lines; k++)
        free(masked[k]);
    free(masked);
}

Test(slides, output_blocks_are_real_output, .init = start_demo_server,
     .fini = stop_demo_server, .timeout = 120 * BUILD_SLOWDOWN)
{
    Deck *deck = deck_load();
    int checked = 0;
    for (int i = 0; i < deck->n_blocks; i++)
        if (deck->blocks[i].kind == OUTPUT) {
            check_output_block(&deck->blocks[i]);
            checked++;
        }
    cr_expect(checked > 0, "SLIDES.md shows no program output");
    for (int i = 0; i < n_cached; i++) {
        run_free(&cache[i].run);
        free_lines(&cache[i].lines);
        free(cache[i].masked);
        free(cache[i].split);
    }
    n_cached = 0;
    deck_free(deck);
}
