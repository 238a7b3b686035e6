/* bench_ode.c — speed of the expected dynamics: right-hand-side rate for a
 * small and a large net against the measured DGEMM rate, and one full
 * 30–20–10 fa trajectory (rk8pd, rtol 1e-8) against its floor. */
#include "bench_util.h"
#include "fadyn.h"

#include <cblas.h>
#include <gsl/gsl_rng.h>

#define REPS      7
#define TRAJ_REPS 21 /* trajectories are short: more repeats for a steadier min/median */

static void draw(fadyn_problem *p, size_t n0, size_t nh, size_t no, unsigned long seed) {
    size_t sz[] = {n0, nh, no};
    fadyn_problem_alloc(p, 2, sz, fadyn_rule_type_find("fa"), NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    fadyn_init_params ip = fadyn_init_params_default();
    fadyn_problem_draw(p, &ip, r);
    gsl_rng_free(r);
}

/* fadyn_gemm (its small path below the threshold, BLAS above) against
 * cblas_dgemm directly, alternating in short batches so both see the same
 * machine load; min and median time per product. */
static void bench_gemm_shape(int ta, int tb, size_t m, size_t n, size_t k) {
    enum { BATCHES = 41 };
    size_t sz = (m > k ? m : k) * (n > k ? n : k) + m * n;
    double *A = malloc(sz * sizeof(double)), *B = malloc(sz * sizeof(double)),
           *C = malloc(sz * sizeof(double));
    for (size_t i = 0; i < sz; i++)
        A[i] = 1.0 / (double)(i + 1), B[i] = 0.5, C[i] = 0.0;
    long calls = (long)(2e5 / (double)(m * n * k)) + 2;
    double t[2][BATCHES], mn[2], md[2];
    for (int b = 0; b < BATCHES; b++)
        for (int w = 0; w < 2; w++) {
            double t0 = fadyn_wall_seconds();
            for (long c = 0; c < calls; c++) {
                if (w)
                    fadyn_gemm(ta, tb, m, n, k, 1.0, A, B, 0.0, C);
                else
                    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                                tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k, 1.0, A,
                                (int)(ta ? m : k), B, (int)(tb ? k : n), 0.0, C, (int)n);
            }
            t[w][b] = (fadyn_wall_seconds() - t0) / (double)calls;
        }
    for (int w = 0; w < 2; w++)
        bench_stats(t[w], BATCHES, &mn[w], &md[w]);
    double fl = 2.0 * (double)(m * n * k);
    printf("gemm %c%c %3zux%3zux%-3zu mnk %6zu: cblas min %6.3f us (%4.1f GF/s) median %6.3f; "
           "fadyn_gemm min %6.3f us (%4.1f GF/s) median %6.3f; cblas/fadyn %.2f (min) %.2f "
           "(median)\n",
           ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, m * n * k, mn[0] * 1e6, fl / mn[0] * 1e-9,
           md[0] * 1e6, mn[1] * 1e6, fl / mn[1] * 1e-9, md[1] * 1e6, mn[0] / mn[1], md[0] / md[1]);
    free(A), free(B), free(C);
}

static void bench_gemm(void) {
    /* the three products of the 30-20-10 right-hand side, as dynamics.c calls them */
    bench_gemm_shape(0, 0, 10, 30, 20); /* W A */
    bench_gemm_shape(0, 0, 20, 30, 10); /* B E */
    bench_gemm_shape(0, 1, 10, 20, 30); /* E Aᵀ */
    /* the other transpose cases, and sizes across the threshold */
    bench_gemm_shape(1, 0, 20, 30, 10);
    bench_gemm_shape(1, 1, 20, 30, 10);
    size_t sq[] = {8, 16, 24, 28, 32, 36, 40, 48};
    for (size_t i = 0; i < sizeof sq / sizeof sq[0]; i++) {
        bench_gemm_shape(0, 0, sq[i], sq[i], sq[i]);
        bench_gemm_shape(0, 1, sq[i], sq[i], sq[i]);
    }
    bench_gemm_shape(0, 0, 10, 100, 30);
    bench_gemm_shape(0, 0, 100, 10, 30);
    bench_gemm_shape(0, 0, 10, 10, 300);
}

static void bench_rhs(size_t n0, size_t nh, size_t no, double dgemm, int threads) {
    int old_threads = fadyn_blas_set_threads(threads);
    fadyn_problem p;
    draw(&p, n0, nh, no, 1);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    double *f = malloc(p.dim * sizeof(double));
    double flops = fadyn_dyn_rhs_flops(&p);
    /* enough calls per repetition for ~0.2 s */
    double t0 = fadyn_wall_seconds();
    fadyn_dyn_rhs(d, p.w0, f);
    double one = fadyn_wall_seconds() - t0;
    long calls = (long)(0.2 / (one > 1e-7 ? one : 1e-7)) + 1;
    double t[REPS], mn, md;
    for (int r = 0; r < REPS; r++) {
        t0 = fadyn_wall_seconds();
        for (long c = 0; c < calls; c++)
            fadyn_dyn_rhs(d, p.w0, f);
        t[r] = (fadyn_wall_seconds() - t0) / (double)calls;
    }
    bench_stats(t, REPS, &mn, &md);
    double gf = flops / mn * 1e-9;
    printf("rhs %4zu-%4zu-%-3zu %d BLAS thread%s %10.0f evals/s (min %.3g s, median %.3g s per "
           "eval)  %.2f GFLOP/s = %.0f%% of one core's DGEMM (median %.0f%%)\n",
           n0, nh, no, threads, threads > 1 ? "s" : " ", 1.0 / mn, mn, md, gf, 100.0 * gf / dgemm,
           100.0 * flops / md * 1e-9 / dgemm);
    fadyn_blas_set_threads(old_threads);
    free(f);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

/* The stepper's own arithmetic: dim 800 (as 30-20-10) with the trivial
 * right-hand side y' = -y, so nearly all the time is the stage sums, GSL's
 * evolve and its error control. */
static int decay(double t, const double y[], double f[], void *params) {
    (void)t;
    size_t n = *(const size_t *)params;
    for (size_t i = 0; i < n; i++)
        f[i] = -y[i];
    return GSL_SUCCESS;
}

static void bench_stepper(const char *name) {
    size_t n = 800;
    gsl_odeiv2_system sys = {decay, NULL, n, &n};
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.stepper = name;
    ip.t_end = 50.0;
    ip.samples = 2;
    double *y = malloc(n * sizeof(double));
    double t[REPS], mn, md;
    fadyn_integ_stats st;
    for (int r = 0; r < REPS; r++) {
        for (size_t i = 0; i < n; i++)
            y[i] = 1.0 + 1e-3 * (double)i;
        double t0 = fadyn_wall_seconds();
        fadyn_integrate(&sys, &ip, y, NULL, NULL, &st, NULL);
        t[r] = fadyn_wall_seconds() - t0;
    }
    bench_stats(t, REPS, &mn, &md);
    printf("stepper %-9s dim 800, y' = -y, t in [0,50]: %lu steps, min %.2f us, median %.2f us "
           "per step\n",
           name, st.steps, mn / (double)st.steps * 1e6, md / (double)st.steps * 1e6);
    free(y);
}

static void bench_trajectory(double dgemm, const char *stepper) {
    fadyn_problem p;
    draw(&p, 30, 20, 10, 1);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    gsl_odeiv2_system sys = fadyn_dyn_system(d);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.stepper = stepper;
    ip.t_end = 50.0;
    ip.samples = 2;
    double *y = malloc(p.dim * sizeof(double));
    double t[TRAJ_REPS], mn, md;
    fadyn_integ_stats st;
    for (int r = 0; r < TRAJ_REPS; r++) {
        memcpy(y, p.w0, p.dim * sizeof(double));
        double t0 = fadyn_wall_seconds();
        fadyn_integrate(&sys, &ip, y, NULL, NULL, &st, NULL);
        t[r] = fadyn_wall_seconds() - t0;
    }
    bench_stats(t, TRAJ_REPS, &mn, &md);
    double floor = (double)st.rhs_evals * fadyn_dyn_rhs_flops(&p) / (dgemm * 1e9);
    printf("trajectory 30-20-10 fa, %s rtol 1e-8, t in [0,50]: min %.3f ms, median %.3f ms; "
           "%lu steps, %lu rhs evals;\n  floor (evals x flops / DGEMM rate) %.3f ms: "
           "%.1fx the floor (min), %.1fx (median)\n",
           stepper, mn * 1e3, md * 1e3, st.steps, st.rhs_evals, floor * 1e3, mn / floor,
           md / floor);
    const char *dir = getenv("FADYN_BENCH_DIR");
    if (dir &&
        strcmp(stepper, "rk8pd") == 0) { /* for the SciPy comparison that `make bench` runs next */
        char path[FADYN_PATH_MAX];
        snprintf(path, sizeof path, "%s/ode-trajectory.ms", dir);
        FILE *f = fopen(path, "w");
        if (f) fprintf(f, "%.4f\n", mn * 1e3), fclose(f);
    }
    if (strcmp(stepper, "rk8pd") != 0) goto done;
    /* with the observer at 201 samples, as `fadyn ode` runs it */
    ip.samples = 201;
    for (int r = 0; r < TRAJ_REPS; r++) {
        fadyn_ode_result res;
        double t0 = fadyn_wall_seconds();
        fadyn_ode_run(&p, &ip, &res);
        t[r] = fadyn_wall_seconds() - t0;
        fadyn_ode_result_free(&res);
    }
    bench_stats(t, TRAJ_REPS, &mn, &md);
    printf("  the same with the observer at 201 samples (SVD each): min %.3f ms, median %.3f ms\n",
           mn * 1e3, md * 1e3);
done:
    free(y);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

int main(void) {
    fadyn_blas_set_threads(1);
    double peak = bench_core_peak_gflops();
    double dgemm = bench_dgemm_gflops(1000, 5);
    printf("one core: nominal peak %.1f GFLOP/s (AVX2 FMA, 16 flops/cycle); measured DGEMM "
           "1000^3 %.1f GFLOP/s (%.0f%% of nominal)\n",
           peak, dgemm, 100 * dgemm / peak);
    if (getenv("FADYN_BENCH_GEMM")) bench_gemm(); /* the threshold sweep, on demand */
    bench_rhs(30, 20, 10, dgemm, 1);
    bench_rhs(784, 1000, 10, dgemm, 1);
    bench_rhs(784, 1000, 10, dgemm, 2); /* both cores to OpenBLAS (docs/performance.md) */
    bench_rhs(784, 1000, 1000, dgemm, 1);
    bench_stepper("gsl-rk8pd");
    bench_stepper("rk8pd");
    bench_trajectory(dgemm, "gsl-rk8pd");
    bench_trajectory(dgemm, "rk8pd");
    return 0;
}
