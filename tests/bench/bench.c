/*
 * bench.c - the helpers of bench.h. The /proc readers are Linux-only; on
 * other systems they return -1 and the report prints "n/a".
 */
#include "bench.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double median(double *values, size_t n)
{
    if (n == 0)
        return 0;
    qsort(values, n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

_Noreturn void fail(const char *what)
{
    if (errno)
        fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
    else
        fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

long bench_raise_fd_limit(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == -1)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
#ifdef __APPLE__
        if (limit.rlim_cur > 10240) /* OPEN_MAX: macOS refuses more */
            limit.rlim_cur = 10240;
#endif
        setrlimit(RLIMIT_NOFILE, &limit); /* if refused: keep going */
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1L << 20 : (long)limit.rlim_cur;
}

int listen_local(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd == -1)
        fail("socket");
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == -1)
        fail("bind 127.0.0.1");
    if (listen(fd, SOMAXCONN) == -1)
        fail("listen");
    socklen_t len = sizeof addr;
    getsockname(fd, (struct sockaddr *)&addr, &len);
    fprintf(stderr, "listening on 127.0.0.1:%d\n", ntohs(addr.sin_port));
    return fd;
}

int port_from(int argc, char **argv)
{
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--port") == 0)
            return atoi(argv[i + 1]);
    const char *port = getenv("PORT");
    return port ? atoi(port) : 8080;
}

#ifdef __linux__
/* utime and stime (fields 14 and 15, in seconds) and ppid (field 4) of
 * /proc/PID/stat. The command name (field 2) may hold spaces: parse after
 * its ')'. */
static int read_stat_split(pid_t pid, double *user, double *kernel, pid_t *ppid)
{
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    char *end = got ? strrchr(line, ')') : NULL;
    if (!end)
        return -1;
    int parent;
    unsigned long utime, stime;
    if (sscanf(end + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
               &parent, &utime, &stime) != 3)
        return -1;
    *user = (double)utime / (double)sysconf(_SC_CLK_TCK);
    *kernel = (double)stime / (double)sysconf(_SC_CLK_TCK);
    *ppid = parent;
    return 0;
}

/* utime + stime of /proc/PID/stat, in seconds, and ppid. */
static int read_stat(pid_t pid, double *cpu, pid_t *ppid)
{
    double user, kernel;
    if (read_stat_split(pid, &user, &kernel, ppid) == -1)
        return -1;
    *cpu = user + kernel;
    return 0;
}

/* Calls visit(pid) for each live child of parent. */
static int for_each_child(pid_t parent, void (*visit)(pid_t, void *), void *arg)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return 0;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        pid_t pid = (pid_t)atoi(entry->d_name);
        double cpu;
        pid_t ppid;
        if (pid > 0 && read_stat(pid, &cpu, &ppid) == 0 && ppid == parent) {
            visit(pid, arg);
            count++;
        }
    }
    closedir(proc);
    return count;
}

/* A child's CPU time from /proc/PID/schedstat (nanoseconds on the CPU,
 * first field; its main thread only, which is all a forked echo child has):
 * /proc/PID/stat counts in clock ticks (10 ms), and summing a thousand
 * rounded-down figures would drown the signal. */
static void add_cpu(pid_t pid, void *sum)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long long ns;
    int got = f ? fscanf(f, "%llu", &ns) : 0;
    if (f)
        fclose(f);
    double cpu;
    pid_t ppid;
    if (got == 1)
        *(double *)sum += (double)ns / 1e9;
    else if (read_stat(pid, &cpu, &ppid) == 0)
        *(double *)sum += cpu;
}

double process_cpu_seconds(pid_t pid, int with_children)
{
    double cpu;
    pid_t ppid;
    if (read_stat(pid, &cpu, &ppid) == -1)
        return -1;
    if (with_children)
        for_each_child(pid, add_cpu, &cpu);
    return cpu;
}

int process_cpu_split(pid_t pid, double *user, double *kernel)
{
    pid_t ppid;
    return read_stat_split(pid, user, kernel, &ppid);
}

long status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    long kb = -1;
    size_t len = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, len) == 0 && line[len] == ':')
            kb = atol(line + len + 1);
    fclose(f);
    return kb;
}

static long pss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return status_kb(pid, "VmRSS"); /* older kernels: overcounts */
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Pss:", 4) == 0)
            kb = atol(line + 4);
    fclose(f);
    return kb;
}

static void add_pss(pid_t pid, void *sum)
{
    long kb = pss_kb(pid);
    if (kb > 0)
        *(long *)sum += kb;
}

long process_peak_kb(pid_t pid, int *nprocs)
{
    long children_pss = 0;
    int children = for_each_child(pid, add_pss, &children_pss);
    *nprocs = 1 + children;
    if (children == 0)
        return status_kb(pid, "VmHWM");
    return pss_kb(pid) + children_pss;
}
#else
double process_cpu_seconds(pid_t pid, int with_children)
{
    (void)pid;
    (void)with_children;
    return -1;
}

int process_cpu_split(pid_t pid, double *user, double *kernel)
{
    (void)pid;
    *user = *kernel = -1;
    return -1;
}

long status_kb(pid_t pid, const char *field)
{
    (void)pid;
    (void)field;
    return -1;
}

long process_peak_kb(pid_t pid, int *nprocs)
{
    (void)pid;
    *nprocs = 1;
    return -1;
}
#endif
