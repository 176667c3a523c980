/*
 * test_repo.c - the promises the repository's layout makes.
 *
 * Every stage carries its own copy of talk.h/talk.c (and 05..08 of coro.h/
 * coro.c, 06..08 of the talk's socket generators; the same goes for the
 * Python twins' talk.py and awaitable_io.py) so it stands alone; the
 * copies must stay identical, or `make diff-NN` would show noise and a fix
 * made in one stage would miss the others. And `make diff-NN` itself reads
 * in one sitting: no hunk over 150 lines where a stage grows the previous
 * program (05 to 08), one line where it starts a new one (03).
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

static const char *stages[] = {
    "01-processes",  "02-threads",  "03-blocking-io", "04-select",
    "05-generators", "06-executor", "07-futures",     "08-event-loop"};

static char *slurp(const char *stage, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", SOURCE_DIR, stage, file);
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)size + 1);
    cr_assert(text && fread(text, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    return text;
}

/* Every stage from `first` on has the same copy of `file` as stage `first`. */
static void expect_identical_copies(int first, const char *file)
{
    char *reference = slurp(stages[first], file);
    for (int i = first + 1; i < 8; i++) {
        char *copy = slurp(stages[i], file);
        cr_expect_str_eq(copy, reference,
                         "%s/%s differs from %s/%s: keep the copies identical",
                         stages[i], file, stages[first], file);
        free(copy);
    }
    free(reference);
}

Test(repository, talk_helpers_are_identical_in_every_stage)
{
    expect_identical_copies(0, "talk.h");
    expect_identical_copies(0, "talk.c");
    expect_identical_copies(0, "talk.py"); /* the Python twins' talk.h */
}

/* Each stage folder's Makefile hands its work to the top one: `make -C
 * 05-generators run` works from anywhere. */
Test(repository, stage_makefiles_are_identical_in_every_stage)
{
    expect_identical_copies(0, "Makefile");
}

Test(repository, coroutine_core_is_identical_from_stage_05_on)
{
    expect_identical_copies(4, "coro.h");
    expect_identical_copies(4, "coro.c");
}

/* In [12]'s NonBlockingSocket, In [16]'s yield from and In [18]'s
 * make_awaitable: stage 06 writes them, 07's loop and 08's talk loop (in
 * 08-event-loop/talk/) reuse them unchanged. */
Test(repository, socket_generators_are_identical_from_stage_06_on)
{
    static const char *files[] = {
        "nonblocking_socket.h", "nonblocking_socket.c", "yield_from.h",
        "yield_from.c",         "awaitable.h",          "awaitable.c"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char in_08[64];
        snprintf(in_08, sizeof in_08, "talk/%s", files[i]);
        char *reference = slurp("06-executor", files[i]);
        char *copy_07 = slurp("07-futures", files[i]);
        char *copy_08 = slurp("08-event-loop", in_08);
        cr_expect_str_eq(copy_07, reference,
                         "07-futures/%s differs from 06-executor/%s: keep "
                         "the copies identical",
                         files[i], files[i]);
        cr_expect_str_eq(copy_08, reference,
                         "08-event-loop/%s differs from 06-executor/%s: "
                         "keep the copies identical",
                         in_08, files[i]);
        free(reference);
        free(copy_07);
        free(copy_08);
    }
}

/* The Python twins' In [12], In [16] and In [18], one file a stage. */
Test(repository, python_socket_generators_are_identical_from_stage_06_on)
{
    expect_identical_copies(5, "awaitable_io.py");
}

/* In [19]'s asleep: stage 07 writes it, 08's talk loop reuses it. */
Test(repository, asleep_is_identical_in_07_and_08s_talk_loop)
{
    const char *files[] = {"asleep.h", "asleep.c"};
    for (size_t i = 0; i < 2; i++) {
        char in_08[64];
        snprintf(in_08, sizeof in_08, "talk/%s", files[i]);
        char *reference = slurp("07-futures", files[i]);
        char *copy = slurp("08-event-loop", in_08);
        cr_expect_str_eq(copy, reference,
                         "08-event-loop/%s differs from 07-futures/%s: keep "
                         "the copies identical",
                         in_08, files[i]);
        free(reference);
        free(copy);
    }
}

Test(repository, every_stage_has_its_chapter)
{
    for (int i = 0; i < 8; i++) {
        char *readme = slurp(stages[i], "README.md");
        cr_expect(strstr(readme, "make diff-") || i == 0,
                  "%s/README.md does not say what changed (make diff-NN)",
                  stages[i]);
        free(readme);
    }
}

/* ---- make diff-NN reads in one sitting ------------------------------- */

enum { MAX_HUNK_LINES = 150 };

/* What `make diff-NN` prints, run in the repository (NULL if make fails).
 * MAKEFLAGS is cleared: `make test`'s own flags (a jobserver) are not for
 * this make. */
static char *make_diff(const char *stage)
{
    char command[1024];
    snprintf(command, sizeof command,
             "cd '%s' && MAKEFLAGS= make -s --no-print-directory diff-%s",
             SOURCE_DIR, stage);
    FILE *p = popen(command, "r");
    cr_assert(p, "cannot run %s", command);
    size_t size = 0, cap = 1 << 16;
    char *text = malloc(cap);
    cr_assert(text);
    size_t got;
    while ((got = fread(text + size, 1, cap - size - 1, p)) > 0) {
        size += got;
        if (size + 1 == cap) {
            cap *= 2;
            text = realloc(text, cap);
            cr_assert(text);
        }
    }
    text[size] = '\0';
    int status = pclose(p);
    cr_assert_eq(status, 0, "`make diff-%s` failed:\n%s", stage, text);
    return text;
}

/* The longest hunk of a unified diff, in lines a reader reads (context,
 * removed and added); `where` gets its file and hunk header. */
static int longest_hunk(const char *diff, char *where, size_t where_size)
{
    int longest = 0;
    const char *file = diff, *file_end = diff;
    for (const char *line = diff; *line;) {
        const char *end = strchr(line, '\n');
        const char *next = end ? end + 1 : line + strlen(line);
        long old_count = 1, new_count = 1;
        if (strncmp(line, "+++ ", 4) == 0) {
            file = line + 4;
            file_end = file + strcspn(file, "\t\n");
        }
        if (strncmp(line, "@@ -", 4) == 0) {
            /* @@ -a[,b] +c[,d] @@: b old lines and d new lines follow */
            const char *old_part = line + 4;
            const char *comma = strpbrk(old_part, ", ");
            if (*comma == ',')
                old_count = strtol(comma + 1, NULL, 10);
            const char *plus = strchr(old_part, '+');
            comma = strpbrk(plus, ", ");
            if (*comma == ',')
                new_count = strtol(comma + 1, NULL, 10);
            int lines = 0;
            const char *body = next;
            while ((old_count > 0 || new_count > 0) && *body) {
                if (*body != '+')
                    old_count--;
                if (*body != '-')
                    new_count--;
                lines++;
                const char *body_end = strchr(body, '\n');
                body = body_end ? body_end + 1 : body + strlen(body);
            }
            if (lines > longest) {
                longest = lines;
                snprintf(where, where_size, "%.*s %.*s", (int)(file_end - file),
                         file, (int)(next - line - 1), line);
            }
            next = body;
        }
        line = next;
    }
    return longest;
}

/* From 05 on each stage grows the previous stage's program: its diff must
 * read in one sitting, one short hunk at a time. */
Test(diffs, no_hunk_over_150_lines_from_stage_05_on)
{
    const char *grown[] = {"05", "06", "07", "08"};
    for (size_t i = 0; i < sizeof grown / sizeof grown[0]; i++) {
        char *diff = make_diff(grown[i]);
        char where[256] = "";
        int longest = longest_hunk(diff, where, sizeof where);
        cr_expect(strstr(diff, "@@ ") != NULL, "make diff-%s shows no diff",
                  grown[i]);
        cr_expect_leq(longest, MAX_HUNK_LINES,
                      "make diff-%s: the hunk at %s is %d lines (hint: "
                      "split the file, or order it so the diff shows steps)",
                      grown[i], where, longest);
        free(diff);
    }
}

/* Stages 02 and 03 are new programs, not growths of the one before: each
 * diff says so in one line instead of printing a whole file. */
Test(diffs, a_new_program_is_named_not_diffed)
{
    const char *new_programs[] = {"02", "03"};
    for (size_t i = 0; i < sizeof new_programs / sizeof new_programs[0]; i++) {
        char *diff = make_diff(new_programs[i]);
        cr_expect(strstr(diff, "is a new program") != NULL, "%s", diff);
        cr_expect_eq(strchr(diff, '\n'), diff + strlen(diff) - 1,
                     "make diff-%s prints more than one line:\n%s",
                     new_programs[i], diff);
        free(diff);
    }
}
