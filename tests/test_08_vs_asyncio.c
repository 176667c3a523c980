/*
 * test_08_vs_asyncio.c - stage 08's real loop does what CPython's asyncio
 * does, in the same order: every scenario of tests/compare/ runs twice,
 * NAME.py under python3 and NAME.c's program on the real loop, and the two
 * must print the same lines.
 *
 * Without python3 the C is held to NAME.expected instead (asyncio's output,
 * committed; `make compare-expected` writes it), and the test says it did
 * so. A scenario that depends on one CPython version's internal hops says
 * `# cpython-version: X.Y` in its .py: under another version a difference
 * is reported as a note, not a failure (tests/compare/README.md).
 *
 * A loop test: run-all.sh runs it once per loop (loop_under_test.h), and
 * the scenarios inherit the choice. python3 runs on the build's default
 * loop's turn, where NAME.expected is held to it too; the other loops are
 * held to NAME.expected, or on the proactor to NAME.proactor where a
 * scenario has one: the lines it prints there, where asyncio's proactor
 * orders them differently, with `# ` lines saying why.
 */
#include "harness.h"
#include "loop_under_test.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef SOURCE_DIR
#define SOURCE_DIR "."
#endif

static const double SCENARIO_TIMEOUT = 10; /* seconds: only a hang */

/* The whole file, NUL-terminated, or NULL. */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *text = calloc(1, (size_t)size + 1);
    cr_assert(text, "out of memory");
    if (fread(text, 1, (size_t)size, f) != (size_t)size)
        text[0] = '\0';
    fclose(f);
    return text;
}

/* python3's full path from PATH (execv takes no search), or NULL. */
static const char *python3(void)
{
    static char found[1024];
    static bool looked;
    if (looked)
        return found[0] ? found : NULL;
    looked = true;
    const char *path = getenv("PATH");
    for (const char *p = path ? path : ""; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(found, sizeof found, "%.*s/python3", (int)len, p);
        if (len > 0 && access(found, X_OK) == 0)
            return found;
        p += len + (p[len] == ':');
    }
    found[0] = '\0';
    return NULL;
}

/* "3.11": the running python3's version, or "" if it would not say. */
static const char *python_version(void)
{
    static char version[16];
    if (version[0] || !python3())
        return version;
    const char *argv[] = {python3(), "-c",
                          "import sys; print('%d.%d' % sys.version_info[:2])",
                          NULL};
    Run run = run_program(argv, NULL, SCENARIO_TIMEOUT);
    snprintf(version, sizeof version, "%.*s", (int)strcspn(run.out, "\n"),
             run.out);
    run_free(&run);
    return version;
}

/* The X.Y a scenario names with "# cpython-version: X.Y", or NULL. */
static char *pinned_version(const char *py_source)
{
    static char version[16];
    const char *at = strstr(py_source, "# cpython-version: ");
    if (!at)
        return NULL;
    at += strlen("# cpython-version: ");
    snprintf(version, sizeof version, "%.*s", (int)strcspn(at, " \n"), at);
    return version;
}

/* The lines asyncio prints for scenario `name`: python3's, or the
 * committed NAME.expected without it. NULL if neither is there. */
static char *asyncio_output(const char *name, const char *py_path)
{
    if (python3()) {
        const char *argv[] = {python3(), py_path, NULL};
        Run run = run_program(argv, NULL, SCENARIO_TIMEOUT);
        cr_assert(run.status == 0 && !run.timedout,
                  "python3 %s failed (status %d): %s", py_path, run.status,
                  run.err);
        free(run.err);
        return run.out;
    }
    char expected[1024];
    snprintf(expected, sizeof expected, "%s/tests/compare/%s.expected",
             SOURCE_DIR, name);
    return read_file(expected);
}

/* NAME.proactor's lines without the "# " lines that open it and say why
 * (asserted there). */
static char *proactor_lines(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/compare/%s.proactor", SOURCE_DIR,
             name);
    char *text = read_file(path);
    if (!text)
        return NULL;
    cr_assert(strncmp(text, "# ", 2) == 0,
              "%s says no why: its first lines, `# ...`, say which lines the "
              "proactor orders differently and why",
              path);
    char *kept = text;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n") + (line[strcspn(line, "\n")] != 0);
        if (strncmp(line, "# ", 2) != 0) {
            memmove(kept, line, len);
            kept += len;
        }
        line += len;
    }
    *kept = '\0';
    return text;
}

/* What the C must print on this loop when python3 is not asked: the
 * proactor's own lines where the scenario has them, else asyncio's
 * committed ones. NULL if there are none. */
static char *committed_output(const char *name)
{
    char *own = testing_the_proactor() ? proactor_lines(name) : NULL;
    if (own)
        return own;
    char expected[1024];
    snprintf(expected, sizeof expected, "%s/tests/compare/%s.expected",
             SOURCE_DIR, name);
    return read_file(expected);
}

static bool on_the_default_loop(void)
{
    const char *name = loop_under_test();
    return name && strcmp(name, selector_by_name(NULL)->name) == 0;
}

/* Runs scenario `name` both ways and compares. */
static void compare(const char *name)
{
    char py_path[1024], program[512];
    snprintf(py_path, sizeof py_path, "%s/tests/compare/%s.py", SOURCE_DIR,
             name);
    snprintf(program, sizeof program, "tests/bin/compare/%s", name);
    char *source = read_file(py_path);
    cr_assert(source, "cannot read %s", py_path);
    bool ask_python = python3() && on_the_default_loop();
    char *committed = committed_output(name);
    char *wanted = ask_python ? asyncio_output(name, py_path) : committed;
    if (!wanted) {
        note_skipped("%s: no python3 and no %s.expected to compare with", name,
                     name);
        free(source);
        return;
    }
    const char *argv[] = {bin(program), NULL};
    Run run = run_program(argv, NULL, SCENARIO_TIMEOUT);
    cr_assert(run.status == 0 && !run.timedout,
              "%s: the C scenario failed (status %d): %s", name, run.status,
              run.err);
    const char *pinned = pinned_version(source);
    bool other_python =
        pinned && python3() && strcmp(pinned, python_version()) != 0;
    if (other_python && strcmp(run.out, wanted) != 0)
        note_skipped("%s: differs from asyncio under python %s; it was "
                     "written against %s, whose internal hops it follows",
                     name, python_version(), pinned);
    else if (strcmp(run.out, wanted) != 0)
        cr_assert_fail("%s: the real loop (%s) printed\n%s--- where asyncio "
                       "printed ---\n%s",
                       name, loop_under_test(), run.out, wanted);
    /* The other loops' runs are held to the committed output: it must be
     * what asyncio prints. */
    if (ask_python && !other_python)
        cr_assert(committed && strcmp(committed, wanted) == 0,
                  "tests/compare/%s.expected is not what python3 prints "
                  "(hint: make compare-expected)",
                  name);
    run_free(&run);
    if (wanted != committed)
        free(wanted);
    free(committed);
    free(source);
}

Test(vs_asyncio, every_scenario_prints_what_asyncio_prints,
     .timeout = 120 * BUILD_SLOWDOWN)
{
    if (!python3())
        note_skipped("python3 is missing: the scenarios are compared with "
                     "the committed tests/compare/*.expected instead");
    char dir_path[1024];
    snprintf(dir_path, sizeof dir_path, "%s/tests/compare", SOURCE_DIR);
    DIR *dir = opendir(dir_path);
    cr_assert(dir, "cannot open %s", dir_path);
    int compared = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".py") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(len - 3), e->d_name);
        compare(name);
        compared++;
    }
    closedir(dir);
    cr_assert_gt(compared, 0, "no scenario in %s", dir_path);
}
