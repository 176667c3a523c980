/*
 * loops.c - which of stage 08's loops this build and this machine have,
 * for run-all.sh, which runs every loop test once on each (tests/README.md).
 *
 * One line per loop on stdout: its name, then the environment that picks
 * it at run time (loop_new(NULL) reads it), e.g.
 *     epoll ASYNCIO_LOOP=readiness ASYNCIO_SELECTOR=epoll
 *     io_uring ASYNCIO_LOOP=proactor
 * The proactor is listed only where io_uring works here; where it is
 * missing or refused, one "[SKIP] ..." line on stderr says so, with the
 * loop's own reason, so that no loop is left out silently.
 */
#include "../08-event-loop/loop/asyncio.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const SELECTORS[] = {"epoll", "kqueue", "poll"};

/* loop_new("io_uring"), with the one line it prints on stderr where
 * io_uring is refused caught in `why`. True if the loop is the proactor. */
static bool proactor_works(char *why, size_t size)
{
    FILE *caught = tmpfile();
    int saved = dup(2);
    if (!caught || saved == -1) {
        snprintf(why, size, "cannot catch stderr to ask the loop");
        return false;
    }
    fflush(stderr);
    dup2(fileno(caught), 2);
    Loop *loop = loop_new("io_uring");
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    bool works = loop && loop_proactor(loop) != NULL;
    if (loop)
        loop_close(loop);
    rewind(caught);
    if (!fgets(why, (int)size, caught))
        snprintf(why, size, "loop_new(\"io_uring\") said nothing\n");
    why[strcspn(why, "\n")] = '\0';
    fclose(caught);
    return works;
}

int main(void)
{
    for (size_t i = 0; i < sizeof SELECTORS / sizeof *SELECTORS; i++)
        if (selector_by_name(SELECTORS[i]))
            printf("%s ASYNCIO_LOOP=readiness ASYNCIO_SELECTOR=%s\n",
                   SELECTORS[i], SELECTORS[i]);
    char why[256];
    if (proactor_works(why, sizeof why))
        printf("io_uring ASYNCIO_LOOP=proactor\n");
    else
        fprintf(stderr, "[SKIP] the loop tests do not run on io_uring: %s\n",
                why);
    return 0;
}
