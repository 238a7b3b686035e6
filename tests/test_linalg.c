/* test_linalg.c — fadyn_gemm (its small-product path below the threshold and
 * BLAS above) against cblas_dgemm called directly, on random shapes across
 * the threshold, every transpose case and beta in {0, 1, other}. */
#include "../src/core/gemm_impl.h"
#include "helpers.h"

#include <cblas.h>
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* fadyn_gemm(ta, tb, m, n, k, alpha, A, B, beta, C0) against cblas_dgemm on a
 * copy of C0: each entry within 4 (k + 2) eps of the sum of the absolute
 * values of its terms (the bound on the round-off of either order of
 * summation). */
static void check_off(int ta, int tb, size_t m, size_t n, size_t k, double alpha, double beta,
                      size_t off, gsl_rng *r) {
    size_t na = m * k, nb = k * n, nc = m * n;
    /* off: A, B and C start off doubles past malloc's alignment */
    double *Abuf = malloc((na + 1 + off) * sizeof(double)),
           *Bbuf = malloc((nb + 1 + off) * sizeof(double)),
           *Cbuf = malloc((nc + off) * sizeof(double));
    double *A = Abuf + off, *B = Bbuf + off, *C = Cbuf + off, *R = malloc(nc * sizeof(double));
    double *bound = malloc(nc * sizeof(double));
    for (size_t i = 0; i < na; i++)
        A[i] = gsl_rng_uniform(r) - 0.5;
    for (size_t i = 0; i < nb; i++)
        B[i] = gsl_rng_uniform(r) - 0.5;
    for (size_t i = 0; i < nc; i++)
        /* beta = 0: C must not be read (BLAS semantics), so it holds NaN */
        C[i] = R[i] = beta == 0.0 ? NAN : gsl_rng_uniform(r) - 0.5;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double s = 0.0;
            for (size_t p = 0; p < k; p++)
                s += fabs((ta ? A[p * m + i] : A[i * k + p]) * (tb ? B[j * k + p] : B[p * n + j]));
            double c0 = beta == 0.0 ? 0.0 : fabs(beta * C[i * n + j]);
            bound[i * n + j] = 4.0 * (double)(k + 2) * 2.2e-16 * (fabs(alpha) * s + c0);
        }
    int lda = (int)(ta ? m : k), ldb = (int)(tb ? k : n);
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, A, lda > 0 ? lda : 1, B, ldb > 0 ? ldb : 1, beta, R,
                (int)n);
    fadyn_gemm(ta, tb, m, n, k, alpha, A, B, beta, C);
    for (size_t i = 0; i < nc; i++)
        cr_assert_leq(fabs(C[i] - R[i]), bound[i],
                      "ta %d tb %d %zux%zux%zu beta %g: C[%zu] = %.17g, cblas %.17g", ta, tb, m, n,
                      k, beta, i, C[i], R[i]);
    free(Abuf), free(Bbuf), free(Cbuf), free(R), free(bound);
}

static void check_one(int ta, int tb, size_t m, size_t n, size_t k, double alpha, double beta,
                      gsl_rng *r) {
    check_off(ta, tb, m, n, k, alpha, beta, 0, r);
}

static void check_shape(size_t m, size_t n, size_t k, gsl_rng *r) {
    const double betas[] = {0.0, 1.0, -0.7};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (int b = 0; b < 3; b++)
                check_one(ta, tb, m, n, k, 1.3, betas[b], r);
}

Test(linalg, gemm_matches_cblas_on_random_shapes_across_the_threshold) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    for (int t = 0; t < 200; t++) { /* m·n·k from 1 to ~64 000: both sides of 16 384 */
        size_t m = 1 + gsl_rng_uniform_int(r, 40), n = 1 + gsl_rng_uniform_int(r, 40),
               k = 1 + gsl_rng_uniform_int(r, 40);
        check_shape(m, n, k, r);
    }
    gsl_rng_free(r);
}

Test(linalg, gemm_matches_cblas_on_the_rhs_shapes_and_the_edges) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12);
    const size_t shapes[][3] = {
        {10, 30, 20}, {20, 30, 10}, {10, 20, 30},                /* the 30-20-10 right-hand side */
        {16, 32, 32}, {16, 32, 33}, {1, 16384, 1}, {1, 4097, 4}, /* at and past the limits */
        {7, 4, 3},    {5, 5, 5},    {9, 13, 1},    {3, 2, 8},    /* narrow: tails, n < 4 */
        {6, 12, 0},                                              /* k = 0: C = beta C */
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        check_shape(shapes[s][0], shapes[s][1], shapes[s][2], r);
    gsl_rng_free(r);
}

/* The small path's two kernels, vectors of 8 (AVX-512F) and of 4 (AVX2),
 * give the same bits on 300 random shapes of the small path (m·n·k at most
 * 16 384, n at least 4: gemm.c), every transpose case and beta, and neither
 * writes past C (guard entries after it). */
Test(linalg, gemm_small_kernels_agree_bit_for_bit) {
    if (!__builtin_cpu_supports("avx512f")) cr_skip_test("no AVX-512F here: one small kernel");
    enum { GUARD = 8 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 13);
    const double betas[3] = {0.0, 1.0, -0.7};
    double *A = malloc(40 * 40 * sizeof(double)), *B = malloc(40 * 40 * sizeof(double)),
           *C[2] = {malloc((40 * 40 + GUARD) * sizeof(double)),
                    malloc((40 * 40 + GUARD) * sizeof(double))};
    int old = fadyn_gemm_small_wide(-1);
    for (int t = 0; t < 300; t++) {
        size_t m = 1 + gsl_rng_uniform_int(r, 40), n = 1 + gsl_rng_uniform_int(r, 40),
               k = 1 + gsl_rng_uniform_int(r, 40), nc = m * n;
        int ta = t % 2, tb = t / 2 % 2;
        if (m * n * k > 16384 || n < 4 || (tb && k * n > 4096)) { /* not the small path */
            t--;
            continue;
        }
        double beta = betas[t / 4 % 3];
        for (size_t i = 0; i < m * k; i++)
            A[i] = gsl_rng_uniform(r) - 0.5;
        for (size_t i = 0; i < k * n; i++)
            B[i] = gsl_rng_uniform(r) - 0.5;
        for (size_t i = 0; i < nc + GUARD; i++)
            C[0][i] = C[1][i] = i >= nc ? 12345.0 : beta == 0.0 ? NAN : gsl_rng_uniform(r) - 0.5;
        for (int w = 0; w < 2; w++) {
            fadyn_gemm_small_wide(w);
            fadyn_gemm(ta, tb, m, n, k, 1.3, A, B, beta, C[w]);
        }
        cr_assert(memcmp(C[0], C[1], nc * sizeof(double)) == 0,
                  "ta %d tb %d %zux%zux%zu beta %g: the kernels differ", ta, tb, m, n, k, beta);
        for (size_t i = nc; i < nc + GUARD; i++)
            cr_assert(C[0][i] == 12345.0 && C[1][i] == 12345.0, "%zux%zux%zu: wrote past C", m, n,
                      k);
    }
    fadyn_gemm_small_wide(old);
    free(A), free(B), free(C[0]), free(C[1]);
    gsl_rng_free(r);
}

Test(linalg, gemm_with_m_or_n_zero_leaves_c_alone) {
    double A[4] = {1, 2, 3, 4}, B[4] = {1, 1, 1, 1}, C[4] = {5, 6, 7, 8};
    fadyn_gemm(0, 0, 0, 2, 2, 1.0, A, B, 0.0, C);
    fadyn_gemm(0, 0, 2, 0, 2, 1.0, A, B, 0.0, C);
    cr_expect_eq(C[0], 5.0);
    cr_expect_eq(C[3], 8.0);
}

/* The blow-up test of the integrators: NaN always, |a_i| > bound, and
 * ±inf when bound = INFINITY (the finiteness test). */
Test(linalg, exceeds_flags_nan_inf_and_the_bound) {
    double a[37];
    for (size_t i = 0; i < 37; i++)
        a[i] = 0.5 - 0.02 * (double)i; /* |a_i| <= 0.5 */
    cr_expect_eq(fadyn_exceeds(a, 37, 0.5), 0);
    cr_expect_eq(fadyn_exceeds(a, 37, INFINITY), 0);
    cr_expect_eq(fadyn_exceeds(a, 37, 0.49), 1);
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (size_t k = 0; k < 3; k++)
        for (size_t at = 0; at < 37; at += 12) { /* in the vector body and the tail */
            double save = a[at];
            a[at] = bad[k];
            cr_expect_eq(fadyn_exceeds(a, 37, INFINITY), 1, "%g at %zu", bad[k], at);
            cr_expect_eq(fadyn_exceeds(a, 37, 1e6), 1, "%g at %zu", bad[k], at);
            a[at] = save;
        }
    cr_expect_eq(fadyn_exceeds(a, 0, 0.0), 0);
}

/* The thin paths (few rows of op(A), or a thin inner dimension, and large
 * otherwise: the 784-1000-10 right-hand side), at every alignment of the
 * operands relative to a cache line, with one and with two threads. */
Test(linalg, gemm_matches_cblas_on_thin_products) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 13);
    const size_t shapes[][3] = {
        {10, 784, 1000}, {10, 1000, 784}, {1000, 784, 10}, /* W·A, E·Aᵀ, B·E */
        {12, 301, 333},  {1, 999, 1001},  {7, 1003, 515},  /* bands of 5 + rest, tails */
        {333, 301, 16},  {301, 333, 1},   {999, 7, 9},     /* thin k, odd m, narrow n */
    };
    const double betas[] = {0.0, 1.0, -0.7};
    int old = fadyn_blas_set_threads(1);
    for (int threads = 1; threads <= 2; threads++) {
        fadyn_blas_set_threads(threads);
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (size_t off = 0; off < 4; off++)
                for (int tb = 0; tb < 2; tb++)
                    check_off(0, tb, shapes[s][0], shapes[s][1], shapes[s][2], 0.9,
                              betas[(s + off) % 3], off, r);
    }
    fadyn_blas_set_threads(old);
    gsl_rng_free(r);
}

/* The four Moore–Penrose conditions, on full-rank and rank-deficient shapes
 * both ways round, from one workspace made for the largest. */
Test(linalg, pinv_satisfies_the_moore_penrose_conditions) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 14);
    fadyn_pinv_ws *ws = fadyn_pinv_ws_alloc(10, 30);
    const size_t shapes[][3] = {{10, 30, 10}, {30, 10, 10}, {7, 7, 7}, {10, 30, 4},
                                {30, 10, 3},  {5, 20, 1},   {1, 1, 1}, {6, 9, 0}};
    double A[300], P[300], AP[900], PA[900], APA[300], PAP[300];
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t m = shapes[s][0], n = shapes[s][1], rk = shapes[s][2], got;
        double L[300], R[300]; /* A = L R with L m x rk, R rk x n: rank rk */
        for (size_t i = 0; i < m * rk; i++)
            L[i] = gsl_rng_uniform(r) - 0.5;
        for (size_t i = 0; i < rk * n; i++)
            R[i] = gsl_rng_uniform(r) - 0.5;
        memset(A, 0, sizeof A);
        if (rk)
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)rk, 1.0, L,
                        (int)rk, R, (int)n, 0.0, A, (int)n);
        cr_assert_eq(fadyn_pinv(ws, m, n, A, P, &got), FADYN_OK);
        cr_expect_eq(got, rk, "%zux%zu of rank %zu: rank %zu", m, n, rk, got);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)m, (int)n, 1.0, A,
                    (int)n, P, (int)m, 0.0, AP, (int)m);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)m, 1.0, P,
                    (int)m, A, (int)n, 0.0, PA, (int)n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)m, 1.0, AP,
                    (int)m, A, (int)n, 0.0, APA, (int)n);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)m, (int)n, 1.0, PA,
                    (int)n, P, (int)m, 0.0, PAP, (int)m);
        double e1 = 0, e2 = 0, e3 = 0, e4 = 0, sa = fadyn_max_abs(A, m * n) + 1e-300,
               sp = fadyn_max_abs(P, m * n) + 1e-300;
        for (size_t i = 0; i < m * n; i++)
            e1 = fmax(e1, fabs(APA[i] - A[i]) / sa);
        for (size_t i = 0; i < m * n; i++)
            e2 = fmax(e2, fabs(PAP[i] - P[i]) / sp);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++)
                e3 = fmax(e3, fabs(AP[i * m + j] - AP[j * m + i]));
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++)
                e4 = fmax(e4, fabs(PA[i * n + j] - PA[j * n + i]));
        cr_expect_lt(fmax(fmax(e1, e2), fmax(e3, e4)), 1e-10,
                     "%zux%zu rank %zu: A A+ A %g, A+ A A+ %g, (A A+)^T %g, (A+ A)^T %g", m, n, rk,
                     e1, e2, e3, e4);
    }
    double big[31 * 11];
    cr_expect_eq(fadyn_pinv(ws, 31, 11, big, big, NULL), FADYN_EINVAL);
    fadyn_pinv_ws_free(ws);
    gsl_rng_free(r);
}

/* The paper's |aᵀb| angle: arccos(|cos|), computed here from the dot
 * product, against the signed one folded, min(θ, 180° − θ). */
Test(linalg, abs_angle_is_the_signed_angle_folded_below_90) {
    const double deg = M_PI / 180.0;
    double thetas[] = {0.0, 30.0, 89.0, 90.0, 91.0, 120.0, 179.0, 180.0};
    for (size_t i = 0; i < sizeof thetas / sizeof *thetas; i++) {
        double a[3] = {2.0, 0.0, 0.0},
               b[3] = {3 * cos(thetas[i] * deg), 3 * sin(thetas[i] * deg), 0};
        double s = fadyn_angle_deg(a, b, 3);
        cr_assert_float_eq(s, thetas[i], 1e-6, "signed %g: %g", thetas[i], s);
        double c = fabs(fadyn_dot(a, b, 3)) / (fadyn_norm(a, 3) * fadyn_norm(b, 3));
        double want = acos(c > 1 ? 1 : c) / deg;
        double got = fadyn_angle_as(s, FADYN_ANGLE_ABS);
        cr_assert_float_eq(got, want, 1e-6, "abs of %g: %g, want %g", thetas[i], got, want);
        cr_assert_float_eq(got, fmin(thetas[i], 180.0 - thetas[i]), 1e-6);
        cr_assert_eq(fadyn_angle_as(s, FADYN_ANGLE_SIGNED), s);
    }
    cr_assert(isnan(fadyn_angle_as(NAN, FADYN_ANGLE_ABS)));
    cr_assert_str_eq(fadyn_angle_kind_name(FADYN_ANGLE_ABS), "abs");
    cr_assert_null(fadyn_angle_kind_name(2));
    cr_assert(strstr(fadyn_angle_axis_label(FADYN_ANGLE_ABS), "|cos|") != NULL);
}
