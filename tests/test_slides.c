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
 *   <!-- reference: ANCHOR -->   the line right above a ``` block of
 *       measured figures: each of its lines that holds a digit names a row
 *       (the text before its first two spaces or ": ") of
 *       tests/bench/reference.txt, the next row starting with that name
 *       after the line that holds ANCHOR (rows in the reference's order),
 *       and every number on the line is on that row.
 *   <!-- reference: ROW = VALUE; ANCHOR > ROW = VALUE -->   the line right
 *       above a paragraph that quotes figures: each VALUE is in the
 *       paragraph and on the reference's first row starting with ROW
 *       (after the line holding ANCHOR, if given), and every figure of the
 *       paragraph is one of the VALUEs. Every figure in microseconds,
 *       nanoseconds, msg/s or millions in SLIDES.md and the READMEs' prose
 *       is under such a label: one dated run (`make bench REFERENCE=1`)
 *       for every figure.
 *
 * Every ```c and ```text block must carry its label. An unlabelled
 * ```python block is the talk's notebook text; ```sh and unlabelled ```
 * blocks (diagrams) are not checked.
 * Every slide fits an 80x24 terminal as patat draws it (the rules are
 * below), the main slides are about forty and an appendix follows. A
 * failure names SLIDES.md's line and the slide number.
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

typedef enum { CODE, OUTPUT, REFERENCE, UNCHECKED } Kind;

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
        else if (read_label(above, "reference:", b->label, sizeof b->label))
            b->kind = REFERENCE;
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
            cr_expect(b->kind == UNCHECKED ||
                          (b->kind == REFERENCE && b->info[0] == '\0'),
                      "SLIDES.md:%d (slide %d): a file: label goes above a "
                      "```c block, an output: label above a ```text block, "
                      "a reference: label above a ``` block",
                      b->fence_line, b->slide);
        labelled += b->kind != UNCHECKED;
    }
    cr_expect(labelled > 0, "SLIDES.md has no labelled block at all");
    deck_free(deck);
}

/* ---- Every slide fits an 80x24 terminal, as patat draws it ------------- */

/*
 * patat's layout, as `make slides` shows the deck. patat 0.8's --dump always
 * renders 72 columns wide, so it cannot measure an 80-column screen; these
 * rules were read off a real one instead: `tmux new-session -d -x 80 -y 24
 * 'patat SLIDES.md'`, `tmux send-keys` to page, `tmux capture-pane -p` to
 * read the screen (2026-11-30, patat 0.8.8.0 from Debian), on test decks
 * and on slides of this one:
 *
 * - row 1 is the title row (the file's name), row 2 blank; row 23 is the
 *   footer ("n / N"), row 24 blank. The slide's body gets rows 3 to 22: a
 *   body of 21 rows scrolls the title row away.
 * - a source line is a screen row (patat keeps line breaks) and the
 *   terminal wraps it at 80 columns; blocks are one blank row apart;
 *   HTML comments (the labels) take no row.
 * - a bullet "- x" is drawn "  - x", a numbered "1. x" as "1.  x", their
 *   continuation lines 4 columns in; `**` disappears, `code` keeps its
 *   width (the backticks become spaces), and `code` cut by a line break
 *   is drawn on one row: the two lines are joined.
 * - a fenced block is indented 3 columns and padded by one column and one
 *   row all round: every row is as wide as its longest line plus 5, so a
 *   block with one line longer than 75 columns wraps every row it has.
 *
 * Then the whole deck was paged through the same way, slide by slide
 * (`sleep 0.35` before each capture, `send-keys Right` after): on every
 * slide row 1 was still the title row, row 23 the footer "n / 70", and no
 * row was 80 columns wide (a wrapped line). A `---` under a line of text,
 * and underscores outside backticks, were found that way (tests below).
 */
enum {
    BODY_ROWS = 20,         /* SCREEN_ROWS less title, blank, footer, blank */
    CODE_EXTRA_COLUMNS = 5, /* 3 columns of indent, 1 of padding each side */
    MAIN_SLIDES_MAX = 42,   /* a 45-minute talk with live runs */
};

/* Columns a line takes on the terminal: UTF-8 continuation bytes take none. */
static int columns_of(const char *line)
{
    int n = 0;
    for (const char *p = line; *p; p++)
        n += ((unsigned char)*p & 0xC0) != 0x80;
    return n;
}

static int rows_for(int columns)
{
    return columns <= SCREEN_COLUMNS
               ? 1
               : (columns + SCREEN_COLUMNS - 1) / SCREEN_COLUMNS;
}

/* How patat draws a prose line: its width on screen (list markers
 * widened, `**` gone). in_list: the paragraph is a list. */
static int prose_columns(const char *line, bool in_list)
{
    int width = columns_of(line);
    for (const char *p = strstr(line, "**"); p; p = strstr(p + 2, "**"))
        width -= 2;
    const char *t = line + strspn(line, " ");
    if (strncmp(t, "- ", 2) == 0)
        return width + 2;
    if (*t >= '0' && *t <= '9' &&
        strncmp(t + strspn(t, "0123456789"), ". ", 2) == 0)
        return width + 1;
    if (in_list && t != line)
        return 4 + columns_of(t);
    return width;
}

static int backticks(const char *line)
{
    int n = 0;
    for (const char *p = strchr(line, '`'); p; p = strchr(p + 1, '`'))
        n++;
    return n;
}

static bool is_list_item(const char *line)
{
    const char *t = line + strspn(line, " ");
    return strncmp(t, "- ", 2) == 0 ||
           (*t >= '0' && *t <= '9' &&
            strncmp(t + strspn(t, "0123456789"), ". ", 2) == 0);
}

/* The rows patat gives the body of the slide in lines [from, to); *widest:
 * the widest row before the terminal wraps it. */
static int slide_rows(char **at, int from, int to, int *widest_row)
{
    int rows = 0, widest_drawn = 0;
    bool gap = false, in_list = false;
    for (int i = from; i < to; i++) {
        const char *line = at[i];
        if (strncmp(line, "<!--", 4) == 0) { /* a label: no row */
            while (i < to && !strstr(at[i], "-->"))
                i++;
            continue;
        }
        if (*line == '\0') {
            gap = rows > 0; /* blank lines between blocks: one row */
            in_list = false;
            continue;
        }
        rows += gap;
        gap = false;
        if (is_fence(line)) {
            int close = i + 1, widest = 0;
            while (close < to && !is_fence(at[close])) {
                int w = columns_of(at[close]);
                widest = w > widest ? w : widest;
                close++;
            }
            int lines = close - (i + 1) + 2; /* the padding rows */
            rows += lines * rows_for(widest + CODE_EXTRA_COLUMNS);
            if (widest + CODE_EXTRA_COLUMNS > widest_drawn)
                widest_drawn = widest + CODE_EXTRA_COLUMNS;
            i = close;
            continue;
        }
        in_list |= is_list_item(line);
        int columns = prose_columns(line, in_list);
        /* `code` cut by a line break is drawn on one row, joined */
        for (int ticks = backticks(line); ticks % 2 && i + 1 < to;) {
            i++;
            columns += 1 + columns_of(at[i] + strspn(at[i], " "));
            ticks += backticks(at[i]);
        }
        rows += rows_for(columns);
        widest_drawn = columns > widest_drawn ? columns : widest_drawn;
    }
    if (widest_row)
        *widest_row = widest_drawn;
    return rows;
}

/* Calls check(deck, first line, end line, slide number) for each slide. */
static void each_slide(Deck *deck,
                       void (*check)(Deck *, int from, int to, int slide))
{
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
        check(deck, start, i, slide);
        slide++;
        start = i + 1;
    }
}

static void check_fits(Deck *deck, int from, int to, int slide)
{
    int widest;
    int rows = slide_rows(deck->lines.at, from, to, &widest);
    cr_expect(widest <= SCREEN_COLUMNS,
              "SLIDES.md:%d (slide %d): patat draws a row %d columns wide; "
              "the terminal wraps it (a code block: its longest line + 5)",
              from + 1, slide, widest);
    cr_expect(rows <= BODY_ROWS,
              "SLIDES.md:%d (slide %d): patat draws this slide's body in %d "
              "rows; an 80x24 terminal has %d under the title row",
              from + 1, slide, rows, BODY_ROWS);
}

Test(slides, every_slide_fits_an_80x24_terminal_as_patat_draws_it)
{
    Deck *deck = deck_load();
    cr_expect(deck->n_slides > 2, "SLIDES.md has a single slide: no `---`");
    each_slide(deck, check_fits);
    deck_free(deck);
}

/* The layout model itself, on the cases read off tmux. */
Test(slides, the_layout_model_matches_what_patat_drew)
{
    char title[] = "# H", blank[] = "", fence[] = "```", l75[76], l76[77];
    memset(l75, 'x', 75), l75[75] = '\0';
    memset(l76, 'x', 76), l76[76] = '\0';
    char *fits[] = {title, blank, fence, l75, fence};
    cr_expect_eq(slide_rows(fits, 0, 5, NULL), 5, "a 75-column code line fits");
    char *wraps[] = {title, blank, fence, l76, fence};
    cr_expect_eq(slide_rows(wraps, 0, 5, NULL), 2 + 3 * 2,
                 "a 76-column code line wraps every row of its block");
    char bullet[] = "- 78 columns once drawn", numbered[] = "1. one";
    char *list[] = {bullet, numbered};
    cr_expect_eq(prose_columns(list[0], true), (int)strlen(bullet) + 2);
    cr_expect_eq(prose_columns(list[1], true), (int)strlen(numbered) + 1);
}

/* The first thing patat shows is the title: the opening comment holds no
 * nested `<!--`, which would end it early and show the rest. */
Test(slides, the_first_slide_opens_on_the_title)
{
    Deck *deck = deck_load();
    char **at = deck->lines.at;
    int i = 0;
    while (i < deck->lines.count &&
           (*at[i] == '\0' || strncmp(at[i], "<!--", 4) == 0)) {
        if (strncmp(at[i], "<!--", 4) == 0) {
            for (int j = i + 1;
                 j < deck->lines.count && !strstr(at[j - 1], "-->"); j++) {
                cr_expect(!strstr(at[j], "<!--"),
                          "SLIDES.md:%d: a `<!--` inside the opening comment "
                          "ends it early: patat shows the rest on slide 1",
                          j + 1);
                i = j;
            }
        }
        i++;
    }
    cr_expect(i < deck->lines.count && strncmp(at[i], "# ", 2) == 0,
              "SLIDES.md:%d: the first thing shown should be the title (# ...)",
              i + 1);
    deck_free(deck);
}

/* Markdown may read an underscore outside `code` as emphasis: in a
 * heading, really_non_blocking_io showed as "reallynonblocking_io", and
 * base_events.py (_run_once) lost both. Identifiers go in backticks
 * (or the underscore is escaped, \_exit). */
Test(slides, identifiers_keep_their_underscores)
{
    Deck *deck = deck_load();
    bool in_block = false, in_comment = false;
    for (int i = 0; i < deck->lines.count; i++) {
        const char *line = deck->lines.at[i];
        in_block ^= is_fence(line);
        if (in_comment || strncmp(line, "<!--", 4) == 0) {
            in_comment = !strstr(line, "-->");
            continue;
        }
        if (in_block || is_fence(line))
            continue;
        bool in_code = false;
        for (const char *p = line; *p; p++) {
            in_code ^= *p == '`';
            bool bare = !in_code && *p == '_' && (p == line || p[-1] != '\\');
            cr_expect(!bare,
                      "SLIDES.md:%d: an identifier goes in backticks, or "
                      "its underscores may vanish: %s",
                      i + 1, line);
            if (bare)
                break;
        }
    }
    deck_free(deck);
}

/* A `---` right under a line of text underlines it as a heading: the two
 * slides become one. A separator has a blank line above it. */
Test(slides, every_separator_has_a_blank_line_above)
{
    Deck *deck = deck_load();
    bool in_block = false;
    for (int i = 1; i < deck->lines.count; i++) {
        in_block ^= is_fence(deck->lines.at[i]);
        if (!in_block && strcmp(deck->lines.at[i], "---") == 0)
            cr_expect(*deck->lines.at[i - 1] == '\0',
                      "SLIDES.md:%d: `---` under a line of text makes that "
                      "line a heading, not a new slide: add a blank line",
                      i + 1);
    }
    deck_free(deck);
}

/* Main slides, then one marked "Appendix", for questions and readers. */
static int appendix_slide(Deck *deck)
{
    int slide = 1;
    for (int i = 0; i < deck->lines.count; i++) {
        if (strcmp(deck->lines.at[i], "---") == 0)
            slide++;
        else if (strncmp(deck->lines.at[i], "# Appendix", 10) == 0)
            return slide;
    }
    return 0;
}

Test(slides, about_forty_main_slides_then_the_appendix)
{
    Deck *deck = deck_load();
    int appendix = appendix_slide(deck);
    cr_expect(appendix > 0, "SLIDES.md has no slide titled `# Appendix`");
    cr_expect(appendix - 1 <= MAIN_SLIDES_MAX,
              "SLIDES.md has %d main slides before the appendix; a 45-minute "
              "talk with live runs has room for %d",
              appendix - 1, MAIN_SLIDES_MAX);
    deck_free(deck);
}

/* A main slide that shows a program's output goes with a live run: it names
 * the command, `make 05` for 05-generators/..., so the presenter knows. */
Test(slides, live_runs_name_their_make_command)
{
    Deck *deck = deck_load();
    int appendix = appendix_slide(deck);
    for (int i = 0; i < deck->n_blocks; i++) {
        const Block *b = &deck->blocks[i];
        if (b->kind != OUTPUT || (appendix && b->slide >= appendix))
            continue;
        char want[16];
        snprintf(want, sizeof want, "`make %.2s", b->label);
        bool named = false;
        int slide = 1;
        for (int k = 0; k < deck->lines.count; k++) {
            if (strcmp(deck->lines.at[k], "---") == 0)
                slide++;
            else if (slide == b->slide && strstr(deck->lines.at[k], want))
                named = true;
        }
        cr_expect(named,
                  "SLIDES.md:%d (slide %d): a live run; the slide should say "
                  "%s`",
                  b->fence_line, b->slide, want);
    }
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

/* A macro's line, its trailing backslash brought next to its code:
 * clang-format pads it out to column 80, and on a slide patat's indent
 * would push it past the screen's edge. */
static void close_up_backslash(char *line)
{
    size_t len = strlen(line);
    if (len < 2 || line[len - 1] != '\\')
        return;
    size_t end = len - 1;
    while (end > 0 && line[end - 1] == ' ')
        end--;
    line[end] = ' ';
    line[end + 1] = '\\';
    line[end + 2] = '\0';
}

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
        close_up_backslash(want);
        if (*want == '\0' || strcmp(want, ELISION) == 0 ||
            strcmp(want, PYTHON_ELISION) == 0) {
            free(want);
            continue;
        }
        int found = -1;
        for (int j = next; j < file.count && found < 0; j++) {
            char *have = trimmed(file.at[j]);
            close_up_backslash(have);
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

/* ---- Every figure comes from the reference run -------------------------- */

static const char REFERENCE_FILE[] = "tests/bench/reference.txt";

/* needle in line, not in the middle of a longer number: "19.3 us" is not
 * in "119.3 us". */
static bool has_figure(const char *line, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = strstr(line, needle); p; p = strstr(p + 1, needle)) {
        bool digit_before = p > line && (strchr("0123456789.,", p[-1]) &&
                                         strchr("0123456789", *needle));
        bool digit_after = strchr("0123456789", p[n]) && p[n] != '\0' &&
                           strchr("0123456789", needle[n - 1]);
        if (!digit_before && !digit_after)
            return true;
    }
    return false;
}

/* The index of the reference's first line holding anchor, from line
 * `from` on; -1 when there is none. */
static int reference_line(const Lines *ref, int from, const char *anchor)
{
    for (int i = from; i < ref->count; i++)
        if (strstr(ref->at[i], anchor))
            return i;
    return -1;
}

/* The reference's first row, from line `from` on, that starts with row
 * (leading spaces aside); -1 when there is none. */
static int reference_row(const Lines *ref, int from, const char *row)
{
    for (int i = from < 0 ? 0 : from; i < ref->count; i++) {
        const char *line = ref->at[i] + strspn(ref->at[i], " ");
        if (strncmp(line, row, strlen(row)) == 0)
            return i;
    }
    return -1;
}

/* "the row's name  figures" or "name: figures" -> "the row's name" */
static char *row_name(const char *line)
{
    char *t = trimmed(line);
    char *two = strstr(t, "  "), *colon = strstr(t, ": ");
    char *end = two && (!colon || two < colon) ? two : colon;
    if (end)
        *end = '\0';
    return t;
}

static void check_reference_block(const Block *b, const Lines *ref,
                                  const char *where)
{
    int from = reference_line(ref, 0, b->label);
    cr_expect(from >= 0, "%s:%d: no line \"%s\" in %s", where, b->fence_line,
              b->label, REFERENCE_FILE);
    if (from < 0)
        return;
    for (int k = 0; k < b->n_lines; k++) {
        const char *line = b->lines[k];
        if (!strpbrk(line, "0123456789"))
            continue;
        char *name = row_name(line);
        int row = reference_row(ref, from, name);
        cr_expect(row >= 0, "%s:%d: no row \"%s\" after \"%s\" in %s", where,
                  line_of(b, k), name, b->label, REFERENCE_FILE);
        const char *p = strstr(line, name) + strlen(name);
        while (row >= 0 && *p) {
            p += strcspn(p, "0123456789");
            if (!*p)
                break;
            size_t len = strspn(p, "0123456789.,/");
            while (len && strchr(".,/", p[len - 1]))
                len--;
            char number[64];
            snprintf(number, sizeof number, "%.*s", (int)len, p);
            cr_expect(has_figure(ref->at[row], number),
                      "%s:%d: %s is not on the reference's row:\n%s", where,
                      line_of(b, k), number, ref->at[row]);
            p += len;
        }
        if (row >= 0)
            from = row + 1; /* rows in the reference's order */
        free(name);
    }
}

/* Where a number with a unit of measure starts in line, or NULL: "18.9 us",
 * "201.8 µs", "3.6 ns", "182865 msg/s", "2.8 million". */
static const char *figure_in(const char *line)
{
    static const char *units[] = {"us", "µs", "ns", "msg/s", "million", "M "};
    for (const char *p = line; *p; p++) {
        if (!strchr("0123456789", *p) ||
            (p > line && strchr("0123456789.,", p[-1])))
            continue;
        const char *q = p + strspn(p, "0123456789.,");
        q += *q == ' ';
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
            size_t n = strlen(units[u]);
            bool spaced = q[-1] == ' '; /* "1.4 M" lost, not "1M timers" */
            if (strncmp(q, units[u], n) == 0 && !(q[n] >= 'a' && q[n] <= 'z') &&
                (*units[u] != 'M' || spaced))
                return p;
        }
    }
    return NULL;
}

/* Checks one `<!-- reference: ROW = VALUE; ... -->` comment (at line i) and
 * the paragraph under it; marks the paragraph's lines as covered. */
static void check_reference_comment(char **at, int count, int i,
                                    const Lines *ref, const char *where,
                                    bool *covered)
{
    char pairs[1024], all[1030];
    if (!read_label(at[i], "reference:", pairs, sizeof pairs))
        return;
    snprintf(all, sizeof all, "%s;", pairs);
    int end = i + 1; /* the paragraph: up to a blank line, a block, a label */
    while (end < count && *at[end] != '\0' && !is_fence(at[end]) &&
           strncmp(at[end], "<!--", 4) != 0)
        end++;
    for (int k = i + 1; k < end; k++) {
        covered[k] = true;
        /* every figure of the paragraph is one the label names */
        for (const char *f = figure_in(at[k]); f; f = figure_in(f)) {
            char number[32], listed[40];
            snprintf(number, sizeof number, "%.*s",
                     (int)strspn(f, "0123456789.,"), f);
            snprintf(listed, sizeof listed, "= %s", number);
            cr_expect(has_figure(all, listed),
                      "%s:%d: %s is not one of the label's VALUEs", where,
                      k + 1, number);
            f += strlen(number);
        }
    }
    for (char *pair = strtok(pairs, ";"); pair; pair = strtok(NULL, ";")) {
        char *eq = strstr(pair, " = ");
        cr_expect(eq, "%s:%d: \"%s\" is not ROW = VALUE", where, i + 1, pair);
        if (!eq)
            continue;
        *eq = '\0';
        char *value = trimmed(eq + 3), *row = trimmed(pair), *anchor = "";
        char *gt = strstr(row, " > ");
        if (gt) {
            *gt = '\0';
            anchor = row;
        }
        const char *name = gt ? gt + 3 : row;
        int at_row = reference_row(ref, reference_line(ref, 0, anchor), name);
        cr_expect(at_row >= 0, "%s:%d: no row \"%s\" in %s", where, i + 1, name,
                  REFERENCE_FILE);
        if (at_row >= 0)
            cr_expect(has_figure(ref->at[at_row], value),
                      "%s:%d: %s is not on the reference's row:\n%s", where,
                      i + 1, value, ref->at[at_row]);
        char micro[64] = ""; /* "19.3 us" may be written "19.3 µs" */
        if (ends_with(value, " us"))
            snprintf(micro, sizeof micro, "%.*s µs", (int)strlen(value) - 3,
                     value);
        bool quoted = false;
        for (int k = i + 1; k < end; k++)
            quoted |= has_figure(at[k], value) ||
                      (*micro && has_figure(at[k], micro));
        cr_expect(quoted,
                  "%s:%d: the paragraph under the label does not "
                  "quote %s",
                  where, i + 1, value);
        free(value);
        free(row);
    }
}

/* Every figure of the file's prose is under a reference label, and every
 * reference label and reference block holds. */
static void check_figures(const char *path, const Lines *ref)
{
    Deck *deck = deck_load_path(source_path(path));
    char **at = deck->lines.at;
    int count = deck->lines.count;
    bool *covered = calloc((size_t)count + 1, sizeof *covered);
    cr_assert(covered, "out of memory");
    for (int i = 0; i < count; i++)
        if (strncmp(at[i], "<!-- reference:", 15) == 0 &&
            !(i + 1 < count && is_fence(at[i + 1])))
            check_reference_comment(at, count, i, ref, path, covered);
    for (int i = 0; i < deck->n_blocks; i++) {
        const Block *b = &deck->blocks[i];
        int first = b->fence_line; /* index of the block's first line */
        for (int k = 0; k <= b->n_lines; k++)
            covered[first - 1 + k] = true; /* fence and lines: not prose */
        if (b->kind == REFERENCE)
            check_reference_block(b, ref, path);
        else if (b->info[0] == '\0')
            for (int k = 0; k < b->n_lines; k++)
                cr_expect(!figure_in(b->lines[k]),
                          "%s:%d: a measured figure in a ``` block with no "
                          "<!-- reference: ... --> label: %s",
                          path, line_of(b, k), b->lines[k]);
        covered[first + b->n_lines] = true; /* the closing fence */
    }
    bool in_comment = false;
    for (int i = 0; i < count; i++) {
        bool opens = strstr(at[i], "<!--") != NULL;
        if (in_comment || opens) {
            in_comment = !strstr(at[i], "-->");
            continue;
        }
        const char *figure = covered[i] ? NULL : figure_in(at[i]);
        cr_expect(!figure,
                  "%s:%d: a measured figure (\"%.12s...\") with no "
                  "<!-- reference: ROW = VALUE --> label above its paragraph: "
                  "every figure comes from %s",
                  path, i + 1, figure, REFERENCE_FILE);
    }
    free(covered);
    deck_free(deck);
}

Test(slides, every_figure_comes_from_the_reference_run)
{
    char *text = read_text(source_path(REFERENCE_FILE));
    cr_assert(text, "no %s: make bench REFERENCE=1 writes it", REFERENCE_FILE);
    Lines ref = split_lines(text);
    cr_expect(reference_row(&ref, 0, "command: make bench") >= 0 &&
                  reference_row(&ref, 0, "date: ") >= 0 &&
                  reference_row(&ref, 0, "machine: ") >= 0 &&
                  reference_row(&ref, 0, "kernel: ") >= 0 &&
                  reference_row(&ref, 0, "compiler") >= 0,
              "%s should say its command, date, machine, kernel and compiler",
              REFERENCE_FILE);
    static const char *files[] = {"SLIDES.md",
                                  "README.md",
                                  "01-processes/README.md",
                                  "02-threads/README.md",
                                  "03-blocking-io/README.md",
                                  "04-select/README.md",
                                  "05-generators/README.md",
                                  "06-executor/README.md",
                                  "07-futures/README.md",
                                  "08-event-loop/README.md",
                                  "tests/bench/README.md"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        check_figures(files[i], &ref);
    free_lines(&ref);
    free(text);
}
