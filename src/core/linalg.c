/* linalg.c — CBLAS/LAPACKE wrappers (with a register-blocked path for tiny products), angles and the pseudoinverse. */
#include "fadyn/linalg.h"
#include "fadyn/error.h"

#include <cblas.h>
#include <float.h>
#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The small-product path of fadyn_gemm (docs/performance.md).  For the
 * 30–20–10 right-hand side (three products of 6 000 multiply-adds) OpenBLAS
 * spends about as much time packing and dispatching as multiplying; at or
 * below GEMM_SMALL_MNK multiply-adds a register-blocked loop nest is faster.
 * The threshold was chosen by measurement (`make bench`, "gemm" lines).
 *
 * Layout: op(B) is read as a k x n row-major panel (B itself, or its
 * transpose copied to stack scratch when op(B) = Bᵀ); a block of C is
 * GEMM_MR rows x GEMM_NV vectors of accumulators held in registers over the
 * whole k loop.  A last partial vector of columns is computed as the whole
 * vector ending at column n and stores only its new columns.
 *
 * The kernel is AVX2 + FMA code whatever the build flags (GCC's target
 * pragma) and runs only when the CPU has both (__builtin_cpu_supports);
 * elsewhere — other CPUs, other compilers, other architectures — every
 * product goes to BLAS, so the library builds and is correct on any x86-64. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GEMM_SMALL_PATH 1
#else
#define GEMM_SMALL_PATH 0
#endif

enum {
    GEMM_SMALL_MNK = 16384,  /* m·n·k at or below which the small path runs */
    GEMM_SMALL_PANEL = 4096, /* doubles of stack scratch for op(B) = Bᵀ */
    GEMM_VL = 4,             /* doubles per vector */
    GEMM_MR = 4,             /* rows of C per register block */
    GEMM_NV = 3,             /* vectors of columns per register block */
};

#if GEMM_SMALL_PATH
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx2,fma")

typedef double gemm_v4 __attribute__((vector_size(GEMM_VL * sizeof(double))));
/* the same, for unaligned loads and stores through double arrays */
typedef double gemm_v4u
    __attribute__((vector_size(GEMM_VL * sizeof(double)), aligned(sizeof(double)), may_alias));
#define GEMM_AT(p) (*(gemm_v4u *)(void *)(p))
#define GEMM_VMADD(a, b, c) _mm256_fmadd_pd((a), (b), (c))

/* The operands of the small path: op(A)(i, p) = a[i·ars + p·acs]; op(B) is
 * the k x n panel b; C is m x n row-major. */
typedef struct {
    const double *a;
    size_t ars, acs;
    const double *b;
    double *c;
    size_t n, k;
    double alpha, beta;
} gemm_small_args;

/* C[i0 .. i0+mr, j0+skip .. j0+nv·GEMM_VL) = alpha·op(A) op(B) + beta·C.
 * Always inlined with constant mr, nv: the accumulators are registers. */
static inline __attribute__((always_inline)) void
gemm_small_block(const gemm_small_args *g, size_t i0, size_t j0, size_t mr, size_t nv,
                 size_t skip)
{
    gemm_v4 acc[GEMM_MR][GEMM_NV];
#pragma GCC unroll 4
    for (size_t r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (size_t v = 0; v < nv; v++) acc[r][v] = (gemm_v4){0.0, 0.0, 0.0, 0.0};
    const double *a = g->a + i0 * g->ars;
    for (size_t p = 0; p < g->k; p++) {
        const double *b = g->b + p * g->n + j0;
#pragma GCC unroll 4
        for (size_t r = 0; r < mr; r++) {
            const double x = a[r * g->ars + p * g->acs];
            const gemm_v4 ar = {x, x, x, x};
#pragma GCC unroll 4
            for (size_t v = 0; v < nv; v++)
                acc[r][v] = GEMM_VMADD(ar, GEMM_AT(b + v * GEMM_VL), acc[r][v]);
        }
    }
    const gemm_v4 alpha = {g->alpha, g->alpha, g->alpha, g->alpha};
    const gemm_v4 beta = {g->beta, g->beta, g->beta, g->beta};
#pragma GCC unroll 4
    for (size_t r = 0; r < mr; r++) {
        double *c = g->c + (i0 + r) * g->n + j0;
        if (g->beta == 0.0) {
            /* BLAS semantics: C is not read.  The first skip columns are
             * recomputed by the same operations in the same order as by the
             * block that wrote them, so storing them again changes nothing. */
#pragma GCC unroll 4
            for (size_t v = 0; v < nv; v++) GEMM_AT(c + v * GEMM_VL) = alpha * acc[r][v];
        } else if (skip == 0) {
#pragma GCC unroll 4
            for (size_t v = 0; v < nv; v++)
                GEMM_AT(c + v * GEMM_VL) = alpha * acc[r][v] + beta * GEMM_AT(c + v * GEMM_VL);
        } else { /* C already updated in the first skip columns: leave them */
            double out[GEMM_NV * GEMM_VL];
            memcpy(out, acc[r], nv * sizeof acc[r][0]);
            for (size_t j = skip; j < nv * GEMM_VL; j++)
                c[j] = g->alpha * out[j] + g->beta * c[j];
        }
    }
}

/* One band of mr rows (constant after inlining): blocks of GEMM_NV vectors,
 * then the remaining columns as one block of 1 .. GEMM_NV vectors ending at
 * column n (its first skip < GEMM_VL columns are already done); when n is
 * too narrow for that, single vectors and the vector ending at n. */
static inline __attribute__((always_inline)) void gemm_small_band(const gemm_small_args *g,
                                                                  size_t i0, size_t mr)
{
    size_t j = 0, n = g->n;
    for (; j + GEMM_NV * GEMM_VL <= n; j += GEMM_NV * GEMM_VL)
        gemm_small_block(g, i0, j, mr, GEMM_NV, 0);
    if (j == n) return;
    size_t nv = (n - j + GEMM_VL - 1) / GEMM_VL;
    if (nv * GEMM_VL <= n) {
        size_t start = n - nv * GEMM_VL;
        if (nv == 1) gemm_small_block(g, i0, start, mr, 1, j - start);
        else if (nv == 2) gemm_small_block(g, i0, start, mr, 2, j - start);
        else gemm_small_block(g, i0, start, mr, GEMM_NV, j - start);
        return;
    }
    for (; j + GEMM_VL <= n; j += GEMM_VL) gemm_small_block(g, i0, j, mr, 1, 0);
    if (j < n) gemm_small_block(g, i0, n - GEMM_VL, mr, 1, j + GEMM_VL - n);
}

/* panel (k x n) = Bᵀ for B stored n x k: 4 x 4 tiles through registers,
 * then the edges entry by entry. */
static void gemm_transpose(size_t n, size_t k, const double *B, double *panel)
{
    size_t j4 = n / 4 * 4, p4 = k / 4 * 4;
    for (size_t j = 0; j < j4; j += 4)
        for (size_t p = 0; p < p4; p += 4) {
            const double *b = B + j * k + p;
            __m256d r0 = _mm256_loadu_pd(b), r1 = _mm256_loadu_pd(b + k),
                    r2 = _mm256_loadu_pd(b + 2 * k), r3 = _mm256_loadu_pd(b + 3 * k);
            __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1),
                    t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
            double *c = panel + p * n + j;
            _mm256_storeu_pd(c, _mm256_permute2f128_pd(t0, t2, 0x20));
            _mm256_storeu_pd(c + n, _mm256_permute2f128_pd(t1, t3, 0x20));
            _mm256_storeu_pd(c + 2 * n, _mm256_permute2f128_pd(t0, t2, 0x31));
            _mm256_storeu_pd(c + 3 * n, _mm256_permute2f128_pd(t1, t3, 0x31));
        }
    for (size_t p = 0; p < k; p++) /* the rest: rows p >= p4 whole, else columns j >= j4 */
        for (size_t j = p < p4 ? j4 : 0; j < n; j++) panel[p * n + j] = B[j * k + p];
}

static void gemm_small(int ta, int tb, size_t m, size_t n, size_t k, double alpha,
                       const double *A, const double *B, double beta, double *C)
{
    double panel[GEMM_SMALL_PANEL];
    if (tb) { /* op(B) = Bᵀ, B stored n x k: transpose into the k x n panel */
        gemm_transpose(n, k, B, panel);
        B = panel;
    }
    gemm_small_args g = {A, ta ? 1 : k, ta ? m : 1, B, C, n, k, alpha, beta};
    size_t i = 0;
    for (; i + GEMM_MR <= m; i += GEMM_MR) gemm_small_band(&g, i, GEMM_MR);
    for (; i + 2 <= m; i += 2) gemm_small_band(&g, i, 2);
    for (; i < m; i++) gemm_small_band(&g, i, 1);
}

#pragma GCC pop_options
#endif /* GEMM_SMALL_PATH */

void fadyn_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *A,
                const double *B, double beta, double *C)
{
    if (m == 0 || n == 0) return;
#if GEMM_SMALL_PATH
    if (n >= GEMM_VL && m * n * k <= GEMM_SMALL_MNK && (!tb || k * n <= GEMM_SMALL_PANEL) &&
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        gemm_small(ta, tb, m, n, k, alpha, A, B, beta, C);
        return;
    }
#endif
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
    /* |a_i| <= DBL_MAX fails for ±inf and NaN: bound = INFINITY tests
     * finiteness, as the header says (|inf| <= INFINITY would pass) */
    const double b = bound < DBL_MAX ? bound : DBL_MAX;
    /* 64-bit flags, as wide as the vector comparison masks: no packing */
    uint64_t bad = 0;
#pragma GCC unroll 4
    for (size_t i = 0; i < n; i++) bad |= (uint64_t)!(fabs(a[i]) <= b);
    return bad != 0;
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
