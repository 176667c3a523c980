/*
 * test_repo.c - the promises the repository's layout makes.
 *
 * Every stage carries its own copy of talk.h/talk.c (and 05..08 of coro.h/
 * coro.c, 06..08 of the talk's socket generators) so it stands alone; the
 * copies must stay identical, or `make diff-NN` would show noise and a fix
 * made in one stage would miss the others.
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
