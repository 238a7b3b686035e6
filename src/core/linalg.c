/* linalg.c — CBLAS/LAPACKE wrappers, angles and the pseudoinverse. */
#include "fadyn/linalg.h"
#include "fadyn/error.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void fadyn_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *A,
                const double *B, double beta, double *C)
{
    if (m == 0 || n == 0) return;
    int lda = (int)(ta ? m : k), ldb = (int)(tb ? k : n);
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, A, lda > 0 ? lda : 1, B, ldb > 0 ? ldb : 1, beta,
                C, (int)n);
}

int fadyn_blas_set_threads(int n)
{
    int old = openblas_get_num_threads();
    openblas_set_num_threads(n);
    return old;
}

double fadyn_norm(const double *a, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * a[i];
    return sqrt(s);
}

double fadyn_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

double fadyn_angle_deg(const double *a, const double *b, size_t n)
{
    double na = fadyn_norm(a, n), nb = fadyn_norm(b, n);
    if (na == 0.0 || nb == 0.0) return NAN;
    double c = fadyn_dot(a, b, n) / (na * nb);
    if (c > 1.0) c = 1.0;
    if (c < -1.0) c = -1.0;
    return acos(c) * (180.0 / M_PI);
}

int fadyn_exceeds(const double *a, size_t n, double bound)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad |= !(fabs(a[i]) <= bound);
    return bad;
}

double fadyn_max_abs(const double *a, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) m = fmax(m, fabs(a[i]));
    return m;
}

int fadyn_all_finite(const double *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(a[i])) return 0;
    return 1;
}

struct fadyn_pinv_ws {
    size_t m, n;
    double *a, *s, *u, *vt, *superb;
};

fadyn_pinv_ws *fadyn_pinv_ws_alloc(size_t m, size_t n)
{
    size_t k = m < n ? m : n;
    fadyn_pinv_ws *ws = calloc(1, sizeof *ws);
    if (!ws) return NULL;
    ws->m = m;
    ws->n = n;
    ws->a = malloc(m * n * sizeof(double));
    ws->s = malloc((k + 1) * sizeof(double));
    ws->u = malloc(m * k * sizeof(double));
    ws->vt = malloc(k * n * sizeof(double));
    ws->superb = malloc((k + 1) * sizeof(double));
    if (!ws->a || !ws->s || !ws->u || !ws->vt || !ws->superb) {
        fadyn_pinv_ws_free(ws);
        return NULL;
    }
    return ws;
}

void fadyn_pinv_ws_free(fadyn_pinv_ws *ws)
{
    if (!ws) return;
    free(ws->a);
    free(ws->s);
    free(ws->u);
    free(ws->vt);
    free(ws->superb);
    free(ws);
}

int fadyn_pinv(fadyn_pinv_ws *ws, size_t m, size_t n, const double *A, double *Aplus,
               size_t *rank)
{
    if (m * n > ws->m * ws->n || (m < n ? m : n) > (ws->m < ws->n ? ws->m : ws->n))
        return FADYN_EINVAL;
    size_t k = m < n ? m : n;
    memcpy(ws->a, A, m * n * sizeof(double));
    lapack_int info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'S', 'S', (lapack_int)m, (lapack_int)n,
                                     ws->a, (lapack_int)n, ws->s, ws->u, (lapack_int)k, ws->vt,
                                     (lapack_int)n, ws->superb);
    if (info != 0) return FADYN_ELAPACK;
    double cut = (double)(m > n ? m : n) * DBL_EPSILON * (k ? ws->s[0] : 0.0);
    size_t r = 0;
    while (r < k && ws->s[r] > cut) r++;
    /* A⁺ = V_r S_r⁻¹ U_rᵀ: scale the rows of Vᵀ, then (n x r)(r x m). */
    for (size_t i = 0; i < r; i++)
        for (size_t j = 0; j < n; j++) ws->vt[i * n + j] /= ws->s[i];
    memset(Aplus, 0, n * m * sizeof(double));
    if (r > 0) {
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasTrans, (int)n, (int)m, (int)r, 1.0, ws->vt,
                    (int)n, ws->u, (int)k, 0.0, Aplus, (int)m);
    }
    if (rank) *rank = r;
    return FADYN_OK;
}

int fadyn_eig_sym(size_t n, const double *S, double *ev, double *scratch)
{
    memcpy(scratch, S, n * n * sizeof(double));
    lapack_int info =
        LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', (lapack_int)n, scratch, (lapack_int)n, ev);
    return info == 0 ? FADYN_OK : FADYN_ELAPACK;
}

int fadyn_eig_general(size_t n, const double *J, double *re, double *im, double *scratch)
{
    memcpy(scratch, J, n * n * sizeof(double));
    lapack_int info = LAPACKE_dgeev(LAPACK_ROW_MAJOR, 'N', 'N', (lapack_int)n, scratch,
                                    (lapack_int)n, re, im, NULL, 1, NULL, 1);
    return info == 0 ? FADYN_OK : FADYN_ELAPACK;
}
