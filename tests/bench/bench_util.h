/* bench_util.h — timing helpers shared by the benchmarks: repeated runs,
 * min/median, the machine's measured DGEMM rate and its nominal peak. */
#ifndef FADYN_BENCH_UTIL_H
#define FADYN_BENCH_UTIL_H

#include "fadyn/clock.h"
#include "fadyn/linalg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Nominal peak of one core: GHz (from /proc/cpuinfo) × 16 flops/cycle
 * (AVX2: two FMA units × 4 doubles × 2 flops). */
static inline double bench_core_peak_gflops(void) {
    FILE *f = fopen("/proc/cpuinfo", "r");
    double mhz = 0;
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "cpu MHz", 7) == 0) {
            sscanf(strchr(line, ':') + 1, "%lf", &mhz);
            break;
        }
    if (f) fclose(f);
    return mhz * 1e-3 * 16.0;
}

/* Measured DGEMM rate of one thread on n x n (GFLOP/s, best of reps). */
static inline double bench_dgemm_gflops(size_t n, int reps) {
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
    return 2.0 * (double)n * (double)n * (double)n / best * 1e-9;
}

#endif
