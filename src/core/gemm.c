/* gemm.c — fadyn_gemm: AVX2 kernels (and AVX-512 ones for the small path)
 * for tiny and thin products, the rest to OpenBLAS (docs/performance.md). */
#include "fadyn/linalg.h"
#include "gemm_impl.h"
#include "par.h"

#include <cblas.h>
#include <stddef.h>
#include <stdint.h>
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
    GEMM_SMALL_MNK = 16384,       /* m·n·k at or below which the small path runs */
    GEMM_THIN_M = 12,             /* op(A) with at most this many rows: a thin product */
    GEMM_THIN_K = 16,             /* inner dimension at most this: a thin product */
    GEMM_THIN_AHEAD = 16,         /* rows of B prefetched ahead in a thin product */
    GEMM_THIN_THREADED = 1000000, /* m·n·k from which a thin product uses threads */
    GEMM_SMALL_PANEL = 4096,      /* doubles of stack scratch for op(B) = Bᵀ */
    GEMM_VL = 4,                  /* doubles per vector */
    GEMM_MR = 4,                  /* rows of C per register block */
    GEMM_NV = 3,                  /* vectors of columns per register block */
};

#if GEMM_SMALL_PATH
#include <immintrin.h>
#pragma GCC push_options
#pragma GCC target("avx2,fma")

typedef double gemm_v4 __attribute__((vector_size(GEMM_VL * sizeof(double))));
/* the same, for unaligned loads and stores through double arrays */
typedef double gemm_v4u
    __attribute__((vector_size(GEMM_VL * sizeof(double)), aligned(sizeof(double)), may_alias));
#define GEMM_AT(p)          (*(gemm_v4u *)(void *)(p))
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
static inline __attribute__((always_inline)) void gemm_small_block(const gemm_small_args *g,
                                                                   size_t i0, size_t j0, size_t mr,
                                                                   size_t nv, size_t skip) {
    gemm_v4 acc[GEMM_MR][GEMM_NV];
#pragma GCC unroll 4
    for (size_t r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (size_t v = 0; v < nv; v++)
            acc[r][v] = (gemm_v4){0.0, 0.0, 0.0, 0.0};
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
            for (size_t v = 0; v < nv; v++)
                GEMM_AT(c + v * GEMM_VL) = alpha * acc[r][v];
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
                                                                  size_t i0, size_t mr) {
    size_t j = 0, n = g->n;
    for (; j + GEMM_NV * GEMM_VL <= n; j += GEMM_NV * GEMM_VL)
        gemm_small_block(g, i0, j, mr, GEMM_NV, 0);
    if (j == n) return;
    size_t nv = (n - j + GEMM_VL - 1) / GEMM_VL;
    if (nv * GEMM_VL <= n) {
        size_t start = n - nv * GEMM_VL;
        if (nv == 1)
            gemm_small_block(g, i0, start, mr, 1, j - start);
        else if (nv == 2)
            gemm_small_block(g, i0, start, mr, 2, j - start);
        else
            gemm_small_block(g, i0, start, mr, GEMM_NV, j - start);
        return;
    }
    for (; j + GEMM_VL <= n; j += GEMM_VL)
        gemm_small_block(g, i0, j, mr, 1, 0);
    if (j < n) gemm_small_block(g, i0, n - GEMM_VL, mr, 1, j + GEMM_VL - n);
}

/* ---- the small path in vectors of 8 (AVX-512) -------------------------------
 * The same products where the CPU has AVX-512F: a block of C is up to
 * S512_MR rows x S512_NV vectors of 8 (5 x 4: 20 accumulators of the 32
 * registers), the last vector of a row masked, so that the 30-20-10
 * right-hand side's products (10 x 30, 20 x 30, 10 x 20) are bands of 5
 * rows with one block each, no column computed twice.  Every entry of C
 * is formed by the same operations in the same order as in the AVX2
 * kernel above (fused multiply-adds over p from 0, then alpha·acc, plus
 * beta·C when beta is not 0): the two paths give the same bits. */
#pragma GCC push_options
#pragma GCC target("avx512f")

enum { S512_VL = 8, S512_MR = 5, S512_NV = 4 };

/* C[i0 .. i0+mr, j0 .. j0+(nv-1)·8+popcount(last)) (constant mr, nv). */
static inline __attribute__((always_inline)) void
s512_block(const gemm_small_args *g, size_t i0, size_t j0, size_t mr, size_t nv, __mmask8 last) {
    __m512d acc[S512_MR][S512_NV];
#pragma GCC unroll 5
    for (size_t r = 0; r < mr; r++)
#pragma GCC unroll 4
        for (size_t v = 0; v < nv; v++)
            acc[r][v] = _mm512_setzero_pd();
    const double *a = g->a + i0 * g->ars;
    for (size_t p = 0; p < g->k; p++) {
        const double *b = g->b + p * g->n + j0;
        __m512d bv[S512_NV];
#pragma GCC unroll 4
        for (size_t v = 0; v < nv; v++)
            bv[v] = v + 1 < nv ? _mm512_loadu_pd(b + v * S512_VL)
                               : _mm512_maskz_loadu_pd(last, b + v * S512_VL);
#pragma GCC unroll 5
        for (size_t r = 0; r < mr; r++) {
            const __m512d ar = _mm512_set1_pd(a[r * g->ars + p * g->acs]);
#pragma GCC unroll 4
            for (size_t v = 0; v < nv; v++)
                acc[r][v] = _mm512_fmadd_pd(ar, bv[v], acc[r][v]);
        }
    }
    const __m512d alpha = _mm512_set1_pd(g->alpha), beta = _mm512_set1_pd(g->beta);
#pragma GCC unroll 5
    for (size_t r = 0; r < mr; r++) {
        double *c = g->c + (i0 + r) * g->n + j0;
#pragma GCC unroll 4
        for (size_t v = 0; v < nv; v++) {
            const __mmask8 m = v + 1 < nv ? (__mmask8)0xff : last;
            __m512d out = _mm512_mul_pd(alpha, acc[r][v]);
            if (g->beta != 0.0) /* BLAS semantics: with beta 0, C is not read */
                out = _mm512_add_pd(out,
                                    _mm512_mul_pd(beta, _mm512_maskz_loadu_pd(m, c + v * S512_VL)));
            _mm512_mask_storeu_pd(c + v * S512_VL, m, out);
        }
    }
}

/* One band of mr rows (constant after inlining): blocks of up to 32
 * columns. */
static inline __attribute__((always_inline)) void s512_band(const gemm_small_args *g, size_t i0,
                                                            size_t mr) {
    for (size_t j = 0; j < g->n; j += S512_NV * S512_VL) {
        size_t w = g->n - j < S512_NV * S512_VL ? g->n - j : S512_NV * S512_VL,
               nv = (w + S512_VL - 1) / S512_VL;
        __mmask8 last = (__mmask8)(0xffu >> (nv * S512_VL - w));
        switch (nv) {
        case 1:
            s512_block(g, i0, j, mr, 1, last);
            break;
        case 2:
            s512_block(g, i0, j, mr, 2, last);
            break;
        case 3:
            s512_block(g, i0, j, mr, 3, last);
            break;
        default:
            s512_block(g, i0, j, mr, 4, last);
            break;
        }
    }
}

static void gemm_small512(const gemm_small_args *g, size_t m) {
    size_t i = 0;
    for (; i + S512_MR <= m; i += S512_MR)
        s512_band(g, i, S512_MR);
    switch (m - i) {
    case 4:
        s512_band(g, i, 4);
        break;
    case 3:
        s512_band(g, i, 3);
        break;
    case 2:
        s512_band(g, i, 2);
        break;
    case 1:
        s512_band(g, i, 1);
        break;
    default:
        break;
    }
}

#pragma GCC pop_options

/* 1: the small path in vectors of 8 where the CPU has AVX-512F (the
 * default); 0: the AVX2 kernel everywhere (gemm_impl.h). */
static int small_wide = -1;

static int small_wide_now(void) {
    if (small_wide < 0) small_wide = __builtin_cpu_supports("avx512f") != 0;
    return small_wide;
}

int fadyn_gemm_small_wide(int on) {
    int old = small_wide_now();
    if (on >= 0) small_wide = on && __builtin_cpu_supports("avx512f");
    return old;
}

/* panel (k x n) = Bᵀ for B stored n x k: 4 x 4 tiles through registers,
 * then the edges entry by entry. */
static void gemm_transpose(size_t n, size_t k, const double *B, double *panel) {
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
        for (size_t j = p < p4 ? j4 : 0; j < n; j++)
            panel[p * n + j] = B[j * k + p];
}

static void gemm_small(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *A,
                       const double *B, double beta, double *C) {
    double panel[GEMM_SMALL_PANEL];
    if (tb) { /* op(B) = Bᵀ, B stored n x k: transpose into the k x n panel */
        gemm_transpose(n, k, B, panel);
        B = panel;
    }
    gemm_small_args g = {A, ta ? 1 : k, ta ? m : 1, B, C, n, k, alpha, beta};
    if (small_wide_now()) {
        gemm_small512(&g, m);
        return;
    }
    size_t i = 0;
    for (; i + GEMM_MR <= m; i += GEMM_MR)
        gemm_small_band(&g, i, GEMM_MR);
    for (; i + 2 <= m; i += 2)
        gemm_small_band(&g, i, 2);
    for (; i < m; i++)
        gemm_small_band(&g, i, 1);
}

/* ---- thin products --------------------------------------------------------
 * The expected dynamics of a wide net are three thin products (784–1000–10:
 * W·A with m = 10, B·E with k = 10, E·Aᵀ with m = 10).  OpenBLAS packs the
 * large operand into buffers before multiplying, which for these shapes
 * doubles the memory traffic; the kernels below stream the large operand
 * once, in place (docs/performance.md).  Same arithmetic, another order of
 * summation: results agree with BLAS to round-off. */

/* Entries to skip from p so that p + skip is 64-byte aligned (a cache line),
 * at most 7; 0 if p is not even 8-byte aligned.  Streaming a large operand
 * with loads that straddle cache lines costs up to 5x here (measured). */
static size_t thin_peel(const double *p) {
    uintptr_t a = (uintptr_t)p;
    return a % sizeof(double) ? 0 : ((64 - a % 64) % 64) / sizeof(double);
}

/* C(r, j) = alpha·Σ_p a(r, p)·B(p, j) + beta·C(r, j) entry by entry, for
 * r < mr and j in [j0, j1): the edges of the thin kernels. */
static void thin_edge_nn(size_t mr, size_t j0, size_t j1, size_t n, size_t k, double alpha,
                         const double *a, const double *B, double beta, double *c) {
    for (size_t r = 0; r < mr; r++)
        for (size_t j = j0; j < j1; j++) {
            double t = 0.0;
            for (size_t p = 0; p < k; p++)
                t += a[r * k + p] * B[p * n + j];
            c[r * n + j] = beta == 0.0 ? alpha * t : alpha * t + beta * c[r * n + j];
        }
}

/* A thin product split into chunks for fadyn_par_for: each chunk is a
 * cache-sized piece of the large operand (a strip of B's columns, a run of
 * B's rows, a run of C's rows) that every band of rows of A uses while it is
 * in cache, so the large operand comes from memory once whatever the number
 * of bands. */
typedef struct {
    size_t m, n, k;
    double alpha, beta;
    const double *A, *B;
    double *C;
    size_t first, count; /* the chunked range: column blocks from column `first`, row pairs */
} thin_job;

enum {
    THIN_NN_CHUNK = 4,  /* column blocks of 8 per chunk of W·A: k x 32 doubles of B */
    THIN_NT_CHUNK = 16, /* row pairs of B per chunk of E·Aᵀ */
    THIN_KN_CHUNK = 16, /* row pairs of C per chunk of B·E */
};

/* C = alpha·A·B + beta·C for a band of mr (constant) rows of A (mr x k) and
 * B (k x n, row-major), column blocks [lo, hi) of 8 columns from column j0:
 * each accumulated over the whole k loop in registers, B streamed row by
 * row. */
static inline __attribute__((always_inline)) void
thin_band_nn(size_t mr, size_t n, size_t k, double alpha, const double *a, const double *B,
             double beta, double *c, size_t j0, size_t lo, size_t hi) {
    const gemm_v4 va = {alpha, alpha, alpha, alpha}, vb = {beta, beta, beta, beta};
    for (size_t blk = lo; blk < hi; blk++) {
        const size_t jb = j0 + blk * 2 * GEMM_VL;
        gemm_v4 acc[5][2];
#pragma GCC unroll 5
        for (size_t r = 0; r < 5; r++)
            acc[r][0] = acc[r][1] = (gemm_v4){0.0, 0.0, 0.0, 0.0};
        const double *b = B + jb;
        for (size_t p = 0; p < k; p++, b += n) {
            /* rows of B lie a page or more apart: the hardware prefetcher
             * does not follow, so fetch a few rows ahead (harmless past the
             * end: prefetches do not fault) */
            __builtin_prefetch(b + GEMM_THIN_AHEAD * n);
            const gemm_v4 b0 = GEMM_AT(b), b1 = GEMM_AT(b + GEMM_VL);
#pragma GCC unroll 5
            for (size_t r = 0; r < mr; r++) {
                const double x = a[r * k + p];
                const gemm_v4 ar = {x, x, x, x};
                acc[r][0] = GEMM_VMADD(ar, b0, acc[r][0]);
                acc[r][1] = GEMM_VMADD(ar, b1, acc[r][1]);
            }
        }
#pragma GCC unroll 5
        for (size_t r = 0; r < mr; r++) {
            double *cr = c + r * n + jb;
            if (beta == 0.0) {
                GEMM_AT(cr) = va * acc[r][0];
                GEMM_AT(cr + GEMM_VL) = va * acc[r][1];
            } else {
                GEMM_AT(cr) = va * acc[r][0] + vb * GEMM_AT(cr);
                GEMM_AT(cr + GEMM_VL) = va * acc[r][1] + vb * GEMM_AT(cr + GEMM_VL);
            }
        }
    }
}

/* C(r, j) = alpha·(row r of A)·(row j of B) + beta·C(r, j) for mr (constant)
 * rows of A (mr x k) against the rows of B (n x k) in pairs [lo, hi): dot
 * products, partial sums in vectors over k from p0 to p1 (a cache-line
 * boundary of B's first row on). */
static inline __attribute__((always_inline)) void
thin_band_nt(size_t mr, size_t n, size_t k, double alpha, const double *a, const double *B,
             double beta, double *c, size_t p0, size_t lo, size_t hi) {
    size_t p1 = p0 + (k - p0) / GEMM_VL * GEMM_VL;
    for (size_t jp = lo; jp < hi; jp++) {
        const size_t j = 2 * jp, nb = j + 1 < n ? 2 : 1;
        const double *b0 = B + j * k, *b1 = B + (j + nb - 1) * k;
        gemm_v4 acc[5][2];
#pragma GCC unroll 5
        for (size_t r = 0; r < 5; r++)
            acc[r][0] = acc[r][1] = (gemm_v4){0.0, 0.0, 0.0, 0.0};
        for (size_t p = p0; p < p1; p += GEMM_VL) {
            const gemm_v4 x0 = GEMM_AT(b0 + p), x1 = GEMM_AT(b1 + p);
#pragma GCC unroll 5
            for (size_t r = 0; r < mr; r++) {
                const gemm_v4 ar = GEMM_AT(a + r * k + p);
                acc[r][0] = GEMM_VMADD(ar, x0, acc[r][0]);
                acc[r][1] = GEMM_VMADD(ar, x1, acc[r][1]);
            }
        }
        for (size_t r = 0; r < mr; r++)
            for (size_t q = 0; q < nb; q++) {
                const double *bq = q ? b1 : b0, *ar = a + r * k;
                double t = (acc[r][q][0] + acc[r][q][1]) + (acc[r][q][2] + acc[r][q][3]);
                for (size_t p = 0; p < p0; p++)
                    t += ar[p] * bq[p];
                for (size_t p = p1; p < k; p++)
                    t += ar[p] * bq[p];
                double *cr = c + r * n + j + q;
                *cr = beta == 0.0 ? alpha * t : alpha * t + beta * *cr;
            }
    }
}

/* m <= GEMM_THIN_M rows of A: bands of 5, then the rest as one band (the
 * band height must be a constant for the accumulators to be registers). */
#define THIN_BANDS(band, g, extra, lo, hi)                                                         \
    do {                                                                                           \
        size_t i_ = 0;                                                                             \
        for (; i_ + 5 <= (g)->m; i_ += 5)                                                          \
            band(5, (g)->n, (g)->k, (g)->alpha, (g)->A + i_ * (g)->k, (g)->B, (g)->beta,           \
                 (g)->C + i_ * (g)->n, extra, lo, hi);                                             \
        switch ((g)->m - i_) {                                                                     \
        case 4:                                                                                    \
            band(4, (g)->n, (g)->k, (g)->alpha, (g)->A + i_ * (g)->k, (g)->B, (g)->beta,           \
                 (g)->C + i_ * (g)->n, extra, lo, hi);                                             \
            break;                                                                                 \
        case 3:                                                                                    \
            band(3, (g)->n, (g)->k, (g)->alpha, (g)->A + i_ * (g)->k, (g)->B, (g)->beta,           \
                 (g)->C + i_ * (g)->n, extra, lo, hi);                                             \
            break;                                                                                 \
        case 2:                                                                                    \
            band(2, (g)->n, (g)->k, (g)->alpha, (g)->A + i_ * (g)->k, (g)->B, (g)->beta,           \
                 (g)->C + i_ * (g)->n, extra, lo, hi);                                             \
            break;                                                                                 \
        case 1:                                                                                    \
            band(1, (g)->n, (g)->k, (g)->alpha, (g)->A + i_ * (g)->k, (g)->B, (g)->beta,           \
                 (g)->C + i_ * (g)->n, extra, lo, hi);                                             \
            break;                                                                                 \
        default:                                                                                   \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

/* [lo, hi) of chunk i of count items, chunk items a chunk. */
static void thin_range(const thin_job *g, size_t i, size_t chunk, size_t *lo, size_t *hi) {
    *lo = i * chunk;
    *hi = *lo + chunk < g->count ? *lo + chunk : g->count;
}

static void thin_nn_chunk(void *ctx, size_t i) {
    const thin_job *g = ctx;
    size_t lo, hi;
    thin_range(g, i, THIN_NN_CHUNK, &lo, &hi);
    THIN_BANDS(thin_band_nn, g, g->first, lo, hi);
}

static void thin_nt_chunk(void *ctx, size_t i) {
    const thin_job *g = ctx;
    size_t lo, hi;
    thin_range(g, i, THIN_NT_CHUNK, &lo, &hi);
    THIN_BANDS(thin_band_nt, g, g->first, lo, hi);
}

/* C = alpha·A·B + beta·C with a thin inner dimension k (A m x k, B k x n,
 * both row-major) for the row pairs [lo, hi) of C: in vectors of 16 columns
 * from column j0 (a cache-line boundary of C's first row), B's k rows
 * reused from cache for every pair (the large operand here is C, which is
 * only written). */
static void thin_kn_chunk(void *ctx, size_t ci) {
    const thin_job *g = ctx;
    const size_t n = g->n, k = g->k, j0 = g->first;
    const double alpha = g->alpha, beta = g->beta;
    const gemm_v4 va = {alpha, alpha, alpha, alpha}, vb = {beta, beta, beta, beta};
    size_t lo, hi;
    thin_range(g, ci, THIN_KN_CHUNK, &lo, &hi);
    for (size_t ip = lo; ip < hi; ip++) {
        const size_t i = 2 * ip;
        const double *a0 = g->A + i * k, *a1 = a0 + k;
        double *c0 = g->C + i * n, *c1 = c0 + n;
        size_t j = j0;
        for (; j + 4 * GEMM_VL <= n; j += 4 * GEMM_VL) {
            gemm_v4 s0[4], s1[4];
#pragma GCC unroll 4
            for (size_t v = 0; v < 4; v++)
                s0[v] = s1[v] = (gemm_v4){0.0, 0.0, 0.0, 0.0};
            for (size_t p = 0; p < k; p++) {
                const double x0 = a0[p], x1 = a1[p];
                const gemm_v4 r0 = {x0, x0, x0, x0}, r1 = {x1, x1, x1, x1};
                const double *b = g->B + p * n + j;
#pragma GCC unroll 4
                for (size_t v = 0; v < 4; v++) {
                    const gemm_v4 bv = GEMM_AT(b + v * GEMM_VL);
                    s0[v] = GEMM_VMADD(r0, bv, s0[v]);
                    s1[v] = GEMM_VMADD(r1, bv, s1[v]);
                }
            }
#pragma GCC unroll 4
            for (size_t v = 0; v < 4; v++) {
                double *d0 = c0 + j + v * GEMM_VL, *d1 = c1 + j + v * GEMM_VL;
                if (beta == 0.0) {
                    GEMM_AT(d0) = va * s0[v];
                    GEMM_AT(d1) = va * s1[v];
                } else {
                    GEMM_AT(d0) = va * s0[v] + vb * GEMM_AT(d0);
                    GEMM_AT(d1) = va * s1[v] + vb * GEMM_AT(d1);
                }
            }
        }
        thin_edge_nn(2, 0, j0, n, k, alpha, a0, g->B, beta, c0);
        thin_edge_nn(2, j, n, n, k, alpha, a0, g->B, beta, c0);
    }
}

/* The chunks of g on nt threads (fadyn_par_for: the caller and helpers that
 * join as they can). */
static void thin_run(thin_job *g, size_t chunk, void (*fn)(void *, size_t), int nt) {
    fadyn_par_for((g->count + chunk - 1) / chunk, nt, fn, g);
}

static void thin_nn(size_t m, size_t n, size_t k, double alpha, const double *A, const double *B,
                    double beta, double *C, int nt) {
    size_t j0 = thin_peel(B);
    if (j0 > n) j0 = n;
    const size_t nblk = (n - j0) / (2 * GEMM_VL), j1 = j0 + nblk * 2 * GEMM_VL;
    thin_job g = {m, n, k, alpha, beta, A, B, C, j0, nblk};
    thin_run(&g, THIN_NN_CHUNK, thin_nn_chunk, nt);
    thin_edge_nn(m, 0, j0, n, k, alpha, A, B, beta, C);
    thin_edge_nn(m, j1, n, n, k, alpha, A, B, beta, C);
}

static void thin_nt(size_t m, size_t n, size_t k, double alpha, const double *A, const double *B,
                    double beta, double *C, int nt) {
    size_t p0 = thin_peel(B);
    if (p0 > k) p0 = k;
    thin_job g = {m, n, k, alpha, beta, A, B, C, p0, (n + 1) / 2};
    thin_run(&g, THIN_NT_CHUNK, thin_nt_chunk, nt);
}

static void thin_kn(size_t m, size_t n, size_t k, double alpha, const double *A, const double *B,
                    double beta, double *C, int nt) {
    size_t j0 = thin_peel(C);
    if (j0 > n) j0 = n;
    thin_job g = {m, n, k, alpha, beta, A, B, C, j0, m / 2};
    thin_run(&g, THIN_KN_CHUNK, thin_kn_chunk, nt);
    if (m % 2) thin_edge_nn(1, 0, n, n, k, alpha, A + (m - 1) * k, B, beta, C + (m - 1) * n);
}

#pragma GCC pop_options
#else
int fadyn_gemm_small_wide(int on) {
    (void)on;
    return 0;
}
#endif /* GEMM_SMALL_PATH */

void fadyn_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *A,
                const double *B, double beta, double *C) {
    if (m == 0 || n == 0) return;
#if GEMM_SMALL_PATH
    if (n >= GEMM_VL && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        if (m * n * k <= GEMM_SMALL_MNK && (!tb || k * n <= GEMM_SMALL_PANEL)) {
            gemm_small(ta, tb, m, n, k, alpha, A, B, beta, C);
            return;
        }
        /* as many threads as BLAS may use (fadyn_blas_set_threads), for
         * products large enough to pay for them */
        int nt = m * n * k >= GEMM_THIN_THREADED ? fadyn_par_threads() : 1;
        if (!ta && !tb && k <= GEMM_THIN_K) { /* thin inner dimension: B·E */
            thin_kn(m, n, k, alpha, A, B, beta, C, nt);
            return;
        }
        if (!ta && m <= GEMM_THIN_M) { /* few rows: W·A, E·Aᵀ */
            if (tb)
                thin_nt(m, n, k, alpha, A, B, beta, C, nt);
            else
                thin_nn(m, n, k, alpha, A, B, beta, C, nt);
            return;
        }
    }
#endif
    int lda = (int)(ta ? m : k), ldb = (int)(tb ? k : n);
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)k, alpha, A, lda > 0 ? lda : 1, B, ldb > 0 ? ldb : 1, beta, C,
                (int)n);
}
