/* bench_ode.c — speed of the expected dynamics: right-hand-side rate for a
 * small and a large net against the measured DGEMM rate, and one full
 * 30–20–10 fa trajectory (rk8pd, rtol 1e-8) against its floor. */
#include "../../src/core/gemm_impl.h"
#include "bench_util.h"
#include "fadyn.h"

#include <cblas.h>
#include <gsl/gsl_rng.h>
#include <math.h>

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

/* Time per right-hand-side evaluation of an n0-nh-no fa net with `threads`
 * BLAS threads: min and median of REPS repetitions of ~0.2 s. */
static void time_rhs(fadyn_dyn *d, const double *y, double *f, int threads, double *mn,
                     double *md) {
    int old_threads = fadyn_blas_set_threads(threads);
    double t0 = fadyn_wall_seconds();
    fadyn_dyn_rhs(d, y, f);
    double one = fadyn_wall_seconds() - t0;
    long calls = (long)(0.2 / (one > 1e-7 ? one : 1e-7)) + 1;
    double t[REPS];
    for (int r = 0; r < REPS; r++) {
        t0 = fadyn_wall_seconds();
        for (long c = 0; c < calls; c++)
            fadyn_dyn_rhs(d, y, f);
        t[r] = (fadyn_wall_seconds() - t0) / (double)calls;
    }
    bench_stats(t, REPS, mn, md);
    fadyn_blas_set_threads(old_threads);
}

static void bench_rhs(size_t n0, size_t nh, size_t no, const bench_machine *m, int threads) {
    fadyn_problem p;
    draw(&p, n0, nh, no, 1);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    double *f = malloc(p.dim * sizeof(double));
    double flops = fadyn_dyn_rhs_flops(&p), mn, md;
    time_rhs(d, p.w0, f, threads, &mn, &md);
    double gf = flops / mn * 1e-9, peak = threads > 1 ? m->dgemm2 : m->dgemm1;
    printf("rhs %4zu-%4zu-%-3zu %d BLAS thread%s %10.0f evals/s (min %.3g s, median %.3g s per "
           "eval)  %.2f GFLOP/s = %.0f%% of %s DGEMM (median %.0f%%)\n",
           n0, nh, no, threads, threads > 1 ? "s" : " ", 1.0 / mn, mn, md, gf, 100.0 * gf / peak,
           threads > 1 ? "two cores'" : "one core's", 100.0 * flops / md * 1e-9 / peak);
    if (flops < 1e5 && fadyn_gemm_small_wide(-1)) {
        /* the small products in vectors of 4 against 8 (gemm.c): the same bits */
        double mn4, md4;
        fadyn_gemm_small_wide(0);
        time_rhs(d, p.w0, f, threads, &mn4, &md4);
        fadyn_gemm_small_wide(1);
        printf("rhs %4zu-%4zu-%-3zu small kernel AVX2 min %.3g s, median %.3g s: AVX2 / AVX-512 "
               "%.2f (median)\n",
               n0, nh, no, mn4, md4, md4 / md);
    }
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
    ip.stepper = fadyn_stepper_find(name);
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

/* One full 30-20-10 fa trajectory, t in [0, 50], 2 samples, against its floor
 * (evaluations x flops per evaluation / the measured one-core DGEMM rate). */
static void bench_trajectory(const bench_machine *m, const char *stepper) {
    fadyn_problem p;
    draw(&p, 30, 20, 10, 1);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    gsl_odeiv2_system sys = fadyn_dyn_system(d);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.stepper = fadyn_stepper_find(stepper);
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
    double floor = (double)st.rhs_evals * fadyn_dyn_rhs_flops(&p) / (m->dgemm1 * 1e9);
    printf("trajectory 30-20-10 fa, %-9s rtol 1e-8, t in [0,50]: min %.3f ms, median %.3f ms; "
           "%lu steps, %lu rhs evals;\n  floor (evals x flops / DGEMM rate) %.3f ms: "
           "%.1fx the floor (min), %.1fx (median)\n",
           stepper, mn * 1e3, md * 1e3, st.steps, st.rhs_evals, floor * 1e3, mn / floor,
           md / floor);
    if (ip.stepper == fadyn_stepper_default()) {
        bench_target("30-20-10 t=50: default stepper's time / floor (median)", md / floor, 0, 3.0);
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
        printf("  the same with the observer at 201 samples (SVD each): min %.3f ms, median %.3f "
               "ms\n",
               mn * 1e3, md * 1e3);
    }
    free(y);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

/* One row of the SciPy table: fadyn's default stepper and SciPy's
 * solve_ivp DOP853 from the same start (the matrices pass through a
 * problem directory, 17 digits), rtol 1e-8, atol 1e-10, timed in pairs. */
typedef struct {
    size_t n0, nh, no;
    double t_end;
    int threads;        /* fadyn's BLAS threads: 1, or 0 for fadyn's default */
    const char *target; /* NULL: no target for this row */
    double ratio;       /* SciPy / fadyn, median of pairs, at least */
} scipy_case;

static int fadyn_threads_default; /* what BLAS had before main set one thread */

/* Returns fadyn's median time (s), NAN when the comparison failed. */
static double compare_scipy(bench_ref *ref, const scipy_case *c, const bench_machine *m) {
    char tmp[] = "/tmp/fadyn-bench-XXXXXX", dir[4200], fin[4200], reply[512];
    double fadyn_median = NAN;
    if (!mkdtemp(tmp)) {
        if (c->target) bench_target_unmeasured(c->target, 1, c->ratio, "no temporary directory");
        return NAN;
    }
    snprintf(dir, sizeof dir, "%s/init", tmp);
    snprintf(fin, sizeof fin, "%s/final", tmp);
    fadyn_problem p;
    draw(&p, c->n0, c->nh, c->no, 1);
    fadyn_problem_save(&p, NULL, dir, NULL);
    int threads = c->threads ? c->threads : fadyn_threads_default;
    int old = fadyn_blas_set_threads(threads);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    gsl_odeiv2_system sys = fadyn_dyn_system(d);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.t_end = c->t_end;
    ip.samples = 2;
    double *y = malloc(p.dim * sizeof(double));
    fadyn_integ_stats st;
    /* wall times, their ratios, and the CPU times' ratios (one-thread rows) */
    double tf[16], ts[16], ratio[16], cratio[16], nfev = 0, t0 = 0;
    int ok = bench_ref_ask(ref, reply, sizeof reply, "ode %s %.17g 1e-8 1e-10", dir, c->t_end);
    /* a first pair warms up and sizes the repeats (~4 s in all, 3 to 15
     * pairs); a long one (over 1 s) needs no warming and is kept */
    int reps = 0, want = 3;
    for (int r = 0; ok && reps < want; r++) {
        memcpy(y, p.w0, p.dim * sizeof(double));
        t0 = fadyn_wall_seconds();
        double c0 = bench_thread_cpu_now();
        int rc = fadyn_integrate(&sys, &ip, y, NULL, NULL, &st, NULL);
        double f = fadyn_wall_seconds() - t0, fc = bench_thread_cpu_now() - c0, s, sc;
        ok = rc == FADYN_OK && bench_ref_ask(ref, reply, sizeof reply, "run") &&
             sscanf(reply, "%lf %lf %lf", &s, &nfev, &sc) == 3;
        if (r == 0) {
            want = (int)(4.0 / (f + s));
            want = want < 3 ? 3 : want > 15 ? 15 : want;
            if (f + s < 1.0) continue;
        }
        tf[reps] = f, ts[reps] = s, ratio[reps] = s / f, cratio[reps] = sc / fc;
        reps++;
    }
    double dist = NAN;
    if (ok) {
        fadyn_problem_save(&p, y, fin, NULL);
        if (bench_ref_ask(ref, reply, sizeof reply, "dist %s", fin)) dist = atof(reply);
    }
    if (ok) {
        double fmn, fmd, smn, smd, rmn, rmd;
        bench_stats(tf, reps, &fmn, &fmd);
        bench_stats(ts, reps, &smn, &smd);
        bench_stats(ratio, reps, &rmn, &rmd);
        double floor = (double)st.rhs_evals * fadyn_dyn_rhs_flops(&p) /
                       ((threads > 1 ? m->dgemm2 : m->dgemm1) * 1e9);
        char label[128];
        snprintf(label, sizeof label, "%zu-%zu-%zu t=%g, %s", c->n0, c->nh, c->no, c->t_end,
                 c->threads ? "one thread" : "default threads");
        printf("%-34s fadyn %-6s min %9.3f ms median %9.3f | SciPy min %9.3f ms median %9.3f | "
               "SciPy/fadyn %5.2fx (median of %d pairs; %.2f-%.2f) | evals %lu / %.0f = %.2f | "
               "fadyn/floor %.1fx | end states differ by %.1e\n",
               label, ip.stepper->name, fmn * 1e3, fmd * 1e3, smn * 1e3, smd * 1e3, rmd, reps, rmn,
               ratio[reps - 1], st.rhs_evals, nfev, (double)st.rhs_evals / nfev, fmd / floor, dist);
        if (c->target) bench_target(c->target, rmd, 1, c->ratio);
        if (c->threads == 1) { /* both on one thread: CPU time is comparable */
            double cmn, cmd;
            bench_stats(cratio, reps, &cmn, &cmd);
            char what[160];
            snprintf(what, sizeof what, "%s: SciPy / fadyn in CPU time", label);
            bench_figure(what, "%.2f (median of %d pairs; %.2f-%.2f); wall min / min %.2f", cmd,
                         reps, cmn, cratio[reps - 1], smn / fmn);
        }
        fadyn_median = fmd;
    } else {
        printf("%zu-%zu-%zu t=%g: the comparison failed\n", c->n0, c->nh, c->no, c->t_end);
        if (c->target) bench_target_unmeasured(c->target, 1, c->ratio, "the comparison failed");
    }
    fadyn_blas_set_threads(old);
    free(y);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp); /* mkdtemp's name: no quotes in it */
    if (system(cmd) != 0) printf("could not remove %s\n", tmp);
    return fadyn_median;
}

static void bench_scipy(const bench_machine *m) {
    static const scipy_case cases[] = {
        {30, 20, 10, 50, 1, "30-20-10 t=50: SciPy / fadyn", 15},
        {30, 20, 10, 200, 1, NULL, 0},
        {100, 50, 20, 50, 1, "100-50-20 t=50: SciPy / fadyn", 3},
        {300, 100, 30, 50, 1, "300-100-30 t=50: SciPy / fadyn", 3},
        {784, 1000, 10, 0.25, 1, "784-1000-10 t=0.25, one thread: SciPy / fadyn", 2},
        {784, 1000, 10, 0.25, 0, NULL, 0},
    };
    enum { NCASES = sizeof cases / sizeof cases[0] };
    static const char *const threads_target =
        "784-1000-10 t=0.25: fadyn default threads / one thread (medians)";
    bench_ref ref[2];
    printf("== fadyn against SciPy solve_ivp DOP853 (same start, rtol 1e-8, atol 1e-10)\n");
    if (!bench_ref_open(&ref[0], 1)) {
        for (size_t i = 0; i < NCASES; i++)
            if (cases[i].target)
                bench_target_unmeasured(cases[i].target, 1, cases[i].ratio, "no SciPy");
        return;
    }
    printf("   (SciPy with one BLAS thread for the one-thread rows, its default for the "
           "default rows)\n");
    int have_default = bench_ref_open(&ref[1], 0);
    double big[2] = {NAN, NAN}; /* fadyn's 784-1000-10 medians: one thread, default */
    for (size_t i = 0; i < NCASES; i++) {
        if (cases[i].threads == 0 && !have_default) continue;
        double md = compare_scipy(&ref[cases[i].threads ? 0 : 1], &cases[i], m);
        if (cases[i].n0 == 784) big[cases[i].threads ? 0 : 1] = md;
    }
    bench_ref_close(&ref[0]);
    if (have_default) bench_ref_close(&ref[1]);
    /* the whole trajectory, as a user runs it (the rhs alone: bench_threads) */
    if (isfinite(big[0]) && isfinite(big[1]))
        bench_target(threads_target, big[1] / big[0], 0, 1.05);
    else
        bench_target_unmeasured(threads_target, 0, 1.05, "a comparison failed");
}

/* The 784-1000-10 right-hand side with fadyn's default threads against one
 * thread, alternating in batches so both see the same load: on a quiet
 * machine and with a spinning process holding one core. */
static void bench_threads(void) {
    enum { BATCHES = 15 };
    fadyn_problem p;
    draw(&p, 784, 1000, 10, 1);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    double *f = malloc(p.dim * sizeof(double));
    for (int busy = 0; busy < 2; busy++) {
        pid_t spin = busy ? bench_busy_start() : 0;
        double t[2][BATCHES], mn[2], md[2];
        for (int b = 0; b < BATCHES; b++)
            for (int w = 0; w < 2; w++) {
                int old = fadyn_blas_set_threads(w ? fadyn_threads_default : 1);
                double t0 = fadyn_wall_seconds();
                for (int c = 0; c < 5; c++)
                    fadyn_dyn_rhs(d, p.w0, f);
                t[w][b] = (fadyn_wall_seconds() - t0) / 5.0;
                fadyn_blas_set_threads(old);
            }
        bench_busy_stop(spin);
        for (int w = 0; w < 2; w++)
            bench_stats(t[w], BATCHES, &mn[w], &md[w]);
        printf("rhs 784-1000-10, %s: one thread min %.3f ms median %.3f; default (%d) min %.3f ms "
               "median %.3f: default / one thread %.2f (median)\n",
               busy ? "other core busy" : "no extra load", mn[0] * 1e3, md[0] * 1e3,
               fadyn_threads_default, mn[1] * 1e3, md[1] * 1e3, md[1] / md[0]);
        bench_target(busy ? "784-1000-10 rhs, other core busy: default / one thread"
                          : "784-1000-10 rhs, no extra load: default / one thread",
                     md[1] / md[0], 0, 1.05);
    }
    free(f);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

int main(void) {
    fadyn_threads_default = fadyn_blas_set_threads(1);
    bench_machine m = bench_machine_rates();
    if (getenv("FADYN_BENCH_GEMM")) bench_gemm(); /* the threshold sweep, on demand */
    bench_rhs(30, 20, 10, &m, 1);
    bench_rhs(784, 1000, 10, &m, 1);
    bench_rhs(784, 1000, 10, &m, 2); /* both cores to OpenBLAS (docs/performance.md) */
    bench_rhs(784, 1000, 1000, &m, 1);
    const char *steppers[] = {"gsl-rk8pd", "rk8pd", "dop853"};
    for (size_t i = 0; i < sizeof steppers / sizeof steppers[0]; i++)
        bench_stepper(steppers[i]);
    for (size_t i = 0; i < sizeof steppers / sizeof steppers[0]; i++)
        bench_trajectory(&m, steppers[i]);
    bench_threads();
    bench_scipy(&m);
    return 0;
}
