/* bench_util.h — helpers shared by the benchmarks: timing, min/median of
 * repeats, the machine's measured rates (written once per `make bench` run by
 * bench_machine, measured here when run alone), targets printed next to
 * their ratios, and the Python reference process (SciPy, NumPy) that runs
 * in the same benchmark, request by request, so that each fadyn timing has
 * a reference timing taken next to it. */
#ifndef FADYN_BENCH_UTIL_H
#define FADYN_BENCH_UTIL_H

#include "fadyn/clock.h"
#include "fadyn/linalg.h"

#include <dirent.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static inline double bench_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of the calling thread alone: what a one-thread run used,
 * without idle helper threads (fadyn's, OpenBLAS's) that may be spinning. */
static inline double bench_thread_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int bench_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sort t[n]; return min and median. */
static inline void bench_stats(double *t, int n, double *min, double *med) {
    qsort(t, (size_t)n, sizeof *t, bench_cmp);
    *min = t[0];
    *med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
}

/* Measured DGEMM rate on n x n x n with `threads` BLAS threads (GFLOP/s,
 * best of reps). */
static inline double bench_dgemm_gflops(size_t n, int reps, int threads) {
    int old = fadyn_blas_set_threads(threads);
    double *a = malloc(n * n * sizeof(double)), *b = malloc(n * n * sizeof(double)),
           *c = malloc(n * n * sizeof(double));
    for (size_t i = 0; i < n * n; i++)
        a[i] = 1.0 / (double)(i + 1), b[i] = 1.0, c[i] = 0;
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = fadyn_wall_seconds();
        fadyn_gemm(0, 0, n, n, n, 1.0, a, b, 0.0, c);
        double t = fadyn_wall_seconds() - t0;
        if (t < best) best = t;
    }
    free(a), free(b), free(c);
    fadyn_blas_set_threads(old);
    return 2.0 * (double)n * (double)n * (double)n / best * 1e-9;
}

/* What bench_machine measured: DGEMM 1000³ on one and on two cores
 * (GFLOP/s), stream triad bandwidth on one and two cores (GB/s). */
typedef struct {
    double dgemm1, dgemm2, bw1, bw2;
} bench_machine;

static inline const char *bench_dir(void) {
    const char *d = getenv("FADYN_BENCH_DIR");
    return d && *d ? d : NULL;
}

/* The rates of this run: from $FADYN_BENCH_DIR/machine.txt (bench_machine
 * writes it first in `make bench`), else DGEMM measured now (bandwidth
 * then unknown: 0). */
static inline bench_machine bench_machine_rates(void) {
    bench_machine m = {0, 0, 0, 0};
    char path[4096];
    const char *d = bench_dir();
    FILE *f = NULL;
    if (d) {
        snprintf(path, sizeof path, "%s/machine.txt", d);
        f = fopen(path, "r");
    }
    if (f && fscanf(f, "dgemm1 %lf dgemm2 %lf bw1 %lf bw2 %lf", &m.dgemm1, &m.dgemm2, &m.bw1,
                    &m.bw2) == 4) {
        fclose(f);
        printf("machine (measured by bench_machine in this run): DGEMM %.1f GFLOP/s on one core, "
               "%.1f on two; triad %.1f GB/s on one core, %.1f on two\n",
               m.dgemm1, m.dgemm2, m.bw1, m.bw2);
        return m;
    }
    if (f) fclose(f);
    m.dgemm1 = bench_dgemm_gflops(1000, 5, 1);
    m.dgemm2 = bench_dgemm_gflops(1000, 5, 2);
    printf("machine (measured now; run bench_machine for the rest): DGEMM %.1f GFLOP/s on one "
           "core, %.1f on two\n",
           m.dgemm1, m.dgemm2);
    return m;
}

/* Append one line (printf-style, newline added) to the summary
 * $FADYN_BENCH_DIR/targets.txt that `make bench` prints at the end. */
static inline void bench_summary(const char *fmt, ...) {
    const char *d = bench_dir();
    if (!d) return;
    char path[4096];
    snprintf(path, sizeof path, "%s/targets.txt", d);
    FILE *f = fopen(path, "a");
    if (!f) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

/* Print a target next to its measured value and log it for the summary at
 * the end of `make bench`: met when value >= target (ge = 1) or
 * value <= target (ge = 0). */
static inline void bench_target(const char *what, double value, int ge, double target) {
    const char *verdict = (ge ? value >= target : value <= target) ? "met" : "MISSED";
    printf("  target %-60s %8.2f %s %-6g %s\n", what, value, ge ? ">=" : "<=", target, verdict);
    bench_summary("%-68s %8.2f %s %-6g %s", what, value, ge ? ">=" : "<=", target, verdict);
}

/* A target this run could not measure (SciPy, NumPy or the data missing, a
 * comparison that failed): printed and summarised as such, so the summary
 * lists every target whatever the run had at hand. */
static inline void bench_target_unmeasured(const char *what, int ge, double target,
                                           const char *why) {
    printf("  target %-60s %8s %s %-6g NOT MEASURED (%s)\n", what, "-", ge ? ">=" : "<=", target,
           why);
    bench_summary("%-68s %8s %s %-6g NOT MEASURED (%s)", what, "-", ge ? ">=" : "<=", target, why);
}

/* A measured figure the summary shows beside the targets, without a
 * threshold of its own (printed here too). */
static inline void bench_figure(const char *what, const char *fmt, ...) {
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    printf("  figure %-60s %s\n", what, text);
    bench_summary("%-68s %s", what, text);
}

/* The load average now (the first three fields of /proc/loadavg). */
static inline void bench_loadavg(char *out, size_t n) {
    double l[3] = {0, 0, 0};
    FILE *f = fopen("/proc/loadavg", "r");
    if (f && fscanf(f, "%lf %lf %lf", &l[0], &l[1], &l[2]) == 3)
        snprintf(out, n, "%.2f %.2f %.2f", l[0], l[1], l[2]);
    else
        snprintf(out, n, "unknown");
    if (f) fclose(f);
}

/* The Python reference process ($FADYN_BENCH_PYTHON, default
 * /usr/bin/python3, running $FADYN_BENCH_REF, default
 * tests/bench/reference.py): one request line in, one reply line out. */
typedef struct {
    pid_t pid;
    FILE *to, *from;
} bench_ref;

/* Start it with `threads` BLAS threads (0: NumPy's default); 0 if Python,
 * SciPy or NumPy is missing (the reason is printed). */
static inline int bench_ref_open(bench_ref *r, int threads) {
    const char *script = getenv("FADYN_BENCH_REF"), *py = getenv("FADYN_BENCH_PYTHON");
    if (!script || !*script) script = "tests/bench/reference.py";
    if (!py || !*py) py = "/usr/bin/python3";
    int in[2], out[2];
    memset(r, 0, sizeof *r);
    if (access(py, X_OK) != 0 || access(script, R_OK) != 0) {
        printf("reference: %s or %s missing: no SciPy/NumPy comparison\n", py, script);
        return 0;
    }
    if (pipe(in) || pipe(out)) return 0;
    fflush(stdout);
    r->pid = fork();
    if (r->pid < 0) return 0;
    if (r->pid == 0) {
        dup2(in[0], 0), dup2(out[1], 1);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        if (threads > 0) {
            char n[16];
            snprintf(n, sizeof n, "%d", threads);
            setenv("OPENBLAS_NUM_THREADS", n, 1);
            setenv("OMP_NUM_THREADS", n, 1);
        }
        execl(py, py, script, (char *)NULL);
        _exit(127);
    }
    close(in[0]), close(out[1]);
    r->to = fdopen(in[1], "w");
    r->from = fdopen(out[0], "r");
    char reply[256];
    if (!r->to || !r->from || !fgets(reply, sizeof reply, r->from) ||
        strncmp(reply, "ready", 5) != 0) {
        printf("reference: %s did not start (SciPy/NumPy missing? apt-get install "
               "python3-scipy): no comparison\n",
               script);
        if (r->to) fclose(r->to);
        if (r->from) fclose(r->from);
        waitpid(r->pid, NULL, 0);
        memset(r, 0, sizeof *r);
        return 0;
    }
    printf("reference: %s", reply + 5 + (reply[5] == ' '));
    return 1;
}

/* Send one request (printf-style) and read the reply line into reply;
 * 0 when the process failed or replied with an error. */
static inline int bench_ref_ask(bench_ref *r, char *reply, size_t n, const char *fmt, ...) {
    if (!r->to) return 0;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(r->to, fmt, ap);
    va_end(ap);
    fputc('\n', r->to);
    fflush(r->to);
    if (!fgets(reply, (int)n, r->from)) return 0;
    if (strncmp(reply, "error", 5) == 0) {
        printf("reference: %s", reply);
        return 0;
    }
    return 1;
}

static inline void bench_ref_close(bench_ref *r) {
    if (!r->to) return;
    fputs("quit\n", r->to);
    fclose(r->to);
    fclose(r->from);
    waitpid(r->pid, NULL, 0);
    memset(r, 0, sizeof *r);
}

/* Seconds on a CPU of each thread of this process (Linux: the first field
 * of /proc/self/task/TID/schedstat), up to max threads; returns how many,
 * with their ids in tid. */
static inline int bench_thread_cpu(long *tid, double *sec, int max) {
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    struct dirent *e;
    while (d && n < max && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", e->d_name);
        FILE *f = fopen(path, "r");
        double ns = 0;
        if (f && fscanf(f, "%lf", &ns) == 1) tid[n] = atol(e->d_name), sec[n++] = ns * 1e-9;
        if (f) fclose(f);
    }
    if (d) closedir(d);
    return n;
}

/* A process that keeps one core busy (a spinning child), for the
 * "other core busy" measurements; bench_busy_stop ends it. */
static inline pid_t bench_busy_start(void) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        volatile double x = 1.0;
        for (;;)
            x = x * 1.0000001 + 1e-9;
    }
    return pid;
}

static inline void bench_busy_stop(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
}

#endif
