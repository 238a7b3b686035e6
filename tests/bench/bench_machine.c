/* bench_machine.c — the machine `make bench` runs on, measured rather than
 * assumed: CPU model, vector width (cpuid and the OS's saved state), caches
 * (sysfs), load, DGEMM on one and two cores (the peak proxy every later
 * ratio refers to) and stream bandwidth.  Runs first; writes the rates to
 * $FADYN_BENCH_DIR/machine.txt for the benchmarks that follow. */
#include "bench_util.h"

#include <cblas.h>
#include <omp.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define HAVE_CPUID 1
#else
#define HAVE_CPUID 0
#endif

/* OpenBLAS's build description (not in cblas.h on every version). */
char *openblas_get_config(void);
char *openblas_get_corename(void);

static void cpu_model(char *out, size_t n) {
    snprintf(out, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            const char *v = strchr(line, ':') + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            snprintf(out, n, "%s", v);
            out[strcspn(out, "\n")] = 0;
            break;
        }
    if (f) fclose(f);
}

/* Widest vector the CPU has and the OS saves: 512 (AVX-512F), 256 (AVX2),
 * 128 (SSE2); fma set when FMA is there too. */
static int vector_bits(int *fma) {
    *fma = 0;
#if HAVE_CPUID
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 128;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    *fma = (c >> 12) & 1;
    if (!osxsave || !avx) return 128;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    int ymm = (lo & 0x6) == 0x6, zmm = (lo & 0xe6) == 0xe6;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return ymm ? 256 : 128;
    int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1;
    if (avx512f && zmm) return 512;
    if (avx2 && ymm) return 256;
#endif
    return 128;
}

static void read_line(const char *path, char *out, size_t n) {
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (f && fgets(out, (int)n, f)) out[strcspn(out, "\n")] = 0;
    if (f) fclose(f);
}

/* Cache levels of cpu0 from sysfs; returns the last-level size in bytes. */
static double caches(void) {
    double llc = 0;
    printf("caches (cpu0, sysfs):");
    for (int i = 0; i < 8; i++) {
        char base[256], path[300], level[32], type[32], size[32], shared[64];
        snprintf(base, sizeof base, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
        snprintf(path, sizeof path, "%s/level", base);
        read_line(path, level, sizeof level);
        if (!level[0]) break;
        snprintf(path, sizeof path, "%s/type", base);
        read_line(path, type, sizeof type);
        snprintf(path, sizeof path, "%s/size", base);
        read_line(path, size, sizeof size);
        snprintf(path, sizeof path, "%s/shared_cpu_list", base);
        read_line(path, shared, sizeof shared);
        if (strcmp(type, "Instruction") == 0) continue;
        printf(" L%s %s %s (cpus %s);", level, type, size, shared);
        double kb = atof(size);
        if (strchr(size, 'M')) kb *= 1024;
        llc = kb * 1024;
    }
    if (llc == 0) printf(" not in sysfs");
    printf("\n");
    return llc;
}

/* Stream triad a = b + s c over n doubles on `threads` threads, best of
 * reps; GB/s counting 24 bytes per entry (STREAM's convention). */
static double triad(double *a, const double *b, const double *c, size_t n, int threads, int reps) {
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t0 = fadyn_wall_seconds();
#pragma omp parallel for num_threads(threads) schedule(static)
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + 0.5 * c[i];
        double t = fadyn_wall_seconds() - t0;
        if (t < best) best = t;
    }
    return 24.0 * (double)n / best * 1e-9;
}

int main(void) {
    char model[256], load[128];
    cpu_model(model, sizeof model);
    int fma, bits = vector_bits(&fma);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    read_line("/proc/loadavg", load, sizeof load);
    char load3[64];
    bench_loadavg(load3, sizeof load3);
    printf("cpu: %s, %ld logical cpus; vectors %d bits (%s)%s\n", model, cpus, bits,
           bits == 512   ? "AVX-512F"
           : bits == 256 ? "AVX2"
                         : "SSE2",
           fma ? " + FMA" : "");
    double llc = caches();
    printf("load average at start: %s\n", load);
    printf("OpenBLAS: %s (core %s); compiler %s\n", openblas_get_config(), openblas_get_corename(),
           __VERSION__);

    /* interleaved, so the two see the same load */
    double d1 = 0, d2 = 0;
    for (int r = 0; r < 3; r++) {
        double x = bench_dgemm_gflops(1000, 3, 1), y = bench_dgemm_gflops(1000, 3, 2);
        if (x > d1) d1 = x;
        if (y > d2) d2 = y;
    }
    printf("DGEMM 1000^3 (OpenBLAS, best of 9): one core %.1f GFLOP/s, two cores %.1f GFLOP/s "
           "(%.2fx)\n",
           d1, d2, d2 / d1);

    /* arrays 4x the last-level cache (at least 64 MB, at most 512 MB in all) */
    double bytes = 4 * llc;
    if (bytes < 64e6) bytes = 64e6;
    if (bytes > 512e6) bytes = 512e6;
    size_t n = (size_t)(bytes / 24.0);
    double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double)),
           *c = malloc(n * sizeof(double));
    if (!a || !b || !c) return 1;
#pragma omp parallel for num_threads(2) schedule(static)
    for (size_t i = 0; i < n; i++)
        a[i] = 0, b[i] = 1, c[i] = 2;
    double b1 = 0, b2 = 0;
    for (int r = 0; r < 3; r++) {
        double x = triad(a, b, c, n, 1, 2), y = triad(a, b, c, n, 2, 2);
        if (x > b1) b1 = x;
        if (y > b2) b2 = y;
    }
    printf("stream triad, %.0f MB of arrays (best of 6): one core %.1f GB/s, two cores %.1f GB/s\n",
           24.0 * (double)n * 1e-6, b1, b2);
    free(a), free(b), free(c);

    const char *dir = bench_dir();
    if (dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/machine.txt", dir);
        FILE *f = fopen(path, "w");
        if (f) fprintf(f, "dgemm1 %.6g dgemm2 %.6g bw1 %.6g bw2 %.6g\n", d1, d2, b1, b2), fclose(f);
        snprintf(path, sizeof path, "%s/targets.txt", dir);
        remove(path); /* a fresh summary for this run, headed by the machine */
        bench_summary("machine: %s, %ld cpus, %d-bit vectors%s; DGEMM %.1f GFLOP/s on one core, "
                      "%.1f on two; triad %.1f GB/s on one core, %.1f on two",
                      model, cpus, bits, fma ? " + FMA" : "", d1, d2, b1, b2);
        bench_summary("load average at the start of the run: %s", load3);
    }
    return 0;
}
