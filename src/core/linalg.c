/* linalg.c — BLAS and LAPACKE wrappers: BLAS threads, norms, angles, the
 * pseudoinverse and eigenvalues (the products themselves: gemm.c). */
#include "fadyn/linalg.h"
#include "fadyn/error.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fadyn_blas_set_threads(int n) {
    int old = openblas_get_num_threads();
    openblas_set_num_threads(n);
    return old;
}

double fadyn_norm(const double *a, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * a[i];
    return sqrt(s);
}

double fadyn_dot(const double *a, const double *b, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

double fadyn_angle_deg(const double *a, const double *b, size_t n) {
    double na = fadyn_norm(a, n), nb = fadyn_norm(b, n);
    if (na == 0.0 || nb == 0.0) return NAN;
    double c = fadyn_dot(a, b, n) / (na * nb);
    if (c > 1.0) c = 1.0;
    if (c < -1.0) c = -1.0;
    return acos(c) * (180.0 / M_PI);
}

double fadyn_angle_as(double deg, fadyn_angle_kind k) {
    return k == FADYN_ANGLE_ABS && deg > 90.0 ? 180.0 - deg : deg;
}

const char *fadyn_angle_kind_name(int k) {
    return k == FADYN_ANGLE_SIGNED ? "signed" : k == FADYN_ANGLE_ABS ? "abs" : NULL;
}

const char *fadyn_angle_axis_label(fadyn_angle_kind k) {
    return k == FADYN_ANGLE_ABS ? "angle (|cos|, degrees)" : "angle (degrees)";
}

int fadyn_exceeds(const double *a, size_t n, double bound) {
    /* |a_i| <= DBL_MAX fails for ±inf and NaN: bound = INFINITY tests
     * finiteness, as the header says (|inf| <= INFINITY would pass) */
    const double b = bound < DBL_MAX ? bound : DBL_MAX;
    /* 64-bit flags, as wide as the vector comparison masks: no packing */
    uint64_t bad = 0;
#pragma GCC unroll 4
    for (size_t i = 0; i < n; i++)
        bad |= (uint64_t) !(fabs(a[i]) <= b);
    return bad != 0;
}

double fadyn_max_abs(const double *a, size_t n) {
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i]));
    return m;
}

int fadyn_all_finite(const double *a, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

/* The SVD runs in LAPACK's own (column-major) layout on Aᵀ, which is A's
 * row-major storage as it is: no transposed copies, and with the _work
 * interface and a workspace sized once, no allocation per call. */
struct fadyn_pinv_ws {
    size_t m, n;
    double *a, *s, *u, *vt, *work;
    lapack_int lwork;
};

/* Optimal dgesvd workspace for Aᵀ of an m x n row-major A (0 on failure). */
static lapack_int pinv_lwork(fadyn_pinv_ws *ws, size_t m, size_t n) {
    size_t k = m < n ? m : n;
    double q = 0.0;
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', (lapack_int)n, (lapack_int)m,
                                          ws->a, (lapack_int)n, ws->s, ws->u, (lapack_int)n, ws->vt,
                                          (lapack_int)(k ? k : 1), &q, -1);
    return info == 0 ? (lapack_int)q : 0;
}

fadyn_pinv_ws *fadyn_pinv_ws_alloc(size_t m, size_t n) {
    size_t k = m < n ? m : n, mn = m * n > 0 ? m * n : 1;
    fadyn_pinv_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return NULL;
    ws->m = m;
    ws->n = n;
    ws->a = malloc(mn * sizeof(double));
    ws->s = malloc((k + 1) * sizeof(double));
    ws->u = malloc(mn * sizeof(double));  /* n x k, or m x k for the transposed shape */
    ws->vt = malloc(mn * sizeof(double)); /* k x m, or k x n */
    if (!ws->a || !ws->s || !ws->u || !ws->vt) {
        fadyn_pinv_ws_free(ws);
        return NULL;
    }
    /* room for either orientation (fadyn_pinv accepts n x m as well) */
    lapack_int l1 = pinv_lwork(ws, m, n), l2 = pinv_lwork(ws, n, m);
    ws->lwork = l1 > l2 ? l1 : l2;
    ws->work = ws->lwork > 0 ? malloc((size_t)ws->lwork * sizeof(double)) : NULL;
    if (!ws->work) {
        fadyn_pinv_ws_free(ws);
        return NULL;
    }
    return ws;
}

void fadyn_pinv_ws_free(fadyn_pinv_ws *ws) {
    if (!ws) return;
    free(ws->a);
    free(ws->s);
    free(ws->u);
    free(ws->vt);
    free(ws->work);
    free(ws);
}

int fadyn_pinv(fadyn_pinv_ws *ws, size_t m, size_t n, const double *A, double *Aplus,
               size_t *rank) {
    size_t k = m < n ? m : n;
    /* any shape within the workspace's, either way round: LAPACK's workspace
     * need grows with both dimensions */
    if (!((m <= ws->m && n <= ws->n) || (m <= ws->n && n <= ws->m))) return FADYN_EINVAL;
    if (k == 0) {
        if (rank) *rank = 0;
        return FADYN_OK;
    }
    /* Aᵀ (n x m, column-major) = U S Vᵀ; then A⁺ = U S⁻¹ Vᵀ (n x m) */
    memcpy(ws->a, A, m * n * sizeof(double));
    lapack_int info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'S', 'S', (lapack_int)n, (lapack_int)m,
                                          ws->a, (lapack_int)n, ws->s, ws->u, (lapack_int)n, ws->vt,
                                          (lapack_int)k, ws->work, ws->lwork);
    if (info != 0) return FADYN_ELAPACK;
    double cut = (double)(m > n ? m : n) * DBL_EPSILON * ws->s[0];
    size_t r = 0;
    while (r < k && ws->s[r] > cut)
        r++;
    for (size_t l = 0; l < r; l++) /* U S⁻¹: scale the columns of U */
        for (size_t i = 0; i < n; i++)
            ws->u[l * n + i] /= ws->s[l];
    /* A⁺ row-major n x m is column-major m x n: (U S⁻¹ Vᵀ)ᵀ = V (U S⁻¹)ᵀ */
    if (r > 0)
        cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, (int)m, (int)n, (int)r, 1.0, ws->vt,
                    (int)k, ws->u, (int)n, 0.0, Aplus, (int)m);
    else
        memset(Aplus, 0, n * m * sizeof(double));
    if (rank) *rank = r;
    return FADYN_OK;
}

int fadyn_eig_sym(size_t n, const double *S, double *ev, double *scratch) {
    memcpy(scratch, S, n * n * sizeof(double));
    lapack_int info =
        LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)n, scratch, (lapack_int)n, ev);
    return info == 0 ? FADYN_OK : FADYN_ELAPACK;
}

int fadyn_eig_general(size_t n, const double *J, double *re, double *im, double *scratch) {
    memcpy(scratch, J, n * n * sizeof(double));
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)n, scratch,
                                    (lapack_int)n, re, im, NULL, 1, NULL, 1);
    return info == 0 ? FADYN_OK : FADYN_ELAPACK;
}
