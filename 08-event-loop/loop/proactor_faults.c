/*
 * proactor_faults.c - PROACTOR_FAULTS read once, and each completion
 * counted against it (proactor_faults.h says what for). The loop is one
 * thread, so plain counters do.
 */
#include "proactor_faults.h"

#ifdef PROACTOR_FAULTS
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_RULES = 16, MAX_SPEC = 512 };

static const char *const OPERATIONS[] = {"recv", "send", "accept", "connect"};
#define NOPERATIONS (int)(sizeof OPERATIONS / sizeof *OPERATIONS)

/* The errors a completion can carry, by name. */
#define ERRNO(e)                                                               \
    {                                                                          \
#e, e                                                                  \
    }
static const struct {
    const char *name;
    int value;
} ERRNOS[] = {
    ERRNO(ECONNRESET),   ERRNO(EPIPE),     ERRNO(ECONNABORTED),
    ERRNO(ECONNREFUSED), ERRNO(ETIMEDOUT), ERRNO(ENOTCONN),
    ERRNO(EMFILE),       ERRNO(ENFILE),    ERRNO(ENOBUFS),
    ERRNO(ENOMEM),       ERRNO(EPROTO),    ERRNO(ENETUNREACH),
    ERRNO(EHOSTUNREACH), ERRNO(EINTR),     ERRNO(EAGAIN),
    ERRNO(ECANCELED),    ERRNO(EBADF),     ERRNO(EINVAL),
    ERRNO(EIO),
};

/* operation's completions number first to last (from 1) fail with error. */
typedef struct {
    int operation;
    unsigned long first, last;
    int error;
} Rule;

static Rule rules[MAX_RULES];
static int nrules = -1; /* -1: PROACTOR_FAULTS not read yet */
static unsigned long completions[NOPERATIONS];

static int operation_named(const char *name)
{
    for (int i = 0; i < NOPERATIONS; i++)
        if (strcmp(OPERATIONS[i], name) == 0)
            return i;
    return -1;
}

static int errno_named(const char *name)
{
    for (size_t i = 0; i < sizeof ERRNOS / sizeof *ERRNOS; i++)
        if (strcmp(ERRNOS[i].name, name) == 0)
            return ERRNOS[i].value;
    return 0;
}

/* "recv:3=ECONNRESET", "accept:2-4=EMFILE", "send:2+=EPIPE". */
static bool parse_rule(char *text, Rule *r)
{
    char *when = strchr(text, ':'), *error = strchr(text, '=');
    if (!when || !error || error < when)
        return false;
    *when++ = '\0';
    *error++ = '\0';
    char *end;
    r->first = strtoul(when, &end, 10);
    r->last = r->first;
    if (*end == '+') {
        r->last = ULONG_MAX;
        end++;
    } else if (*end == '-') {
        r->last = strtoul(end + 1, &end, 10);
    }
    r->operation = operation_named(text);
    r->error = errno_named(error);
    return end != when && *end == '\0' && r->operation >= 0 && r->error != 0 &&
           r->first >= 1 && r->last >= r->first;
}

static void read_rules(void)
{
    const char *spec = getenv("PROACTOR_FAULTS");
    nrules = 0;
    if (!spec || !*spec)
        return;
    static char copy[MAX_SPEC];
    bool parsed = strlen(spec) < sizeof copy;
    if (parsed)
        strcpy(copy, spec);
    char *rest = copy, *item;
    while (parsed && (item = strtok_r(rest, ",", &rest)))
        parsed = nrules < MAX_RULES && parse_rule(item, &rules[nrules++]);
    if (!parsed) {
        fprintf(stderr,
                "event loop: PROACTOR_FAULTS=%s is not a list of faults "
                "(hint: PROACTOR_FAULTS=recv:3=ECONNRESET,accept:2-4=EMFILE,"
                "send:2+=EPIPE)\n",
                spec);
        exit(2);
    }
}

int proactor_fault(const char *operation)
{
    if (nrules < 0)
        read_rules();
    int op = operation_named(operation);
    if (op < 0)
        return 0;
    unsigned long n = ++completions[op];
    for (int i = 0; i < nrules; i++)
        if (rules[i].operation == op && n >= rules[i].first &&
            n <= rules[i].last)
            return rules[i].error;
    return 0;
}
#endif
