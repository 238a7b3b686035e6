/* fadyn/linalg.h — dense linear algebra on flat row-major double arrays.
 *
 * Thin, allocation-free wrappers over CBLAS (OpenBLAS) and LAPACKE: the
 * products every module needs, the angle between two update vectors
 * (docs/theory.md §1), the Moore–Penrose pseudoinverse by SVD, and eigenvalues.
 * All functions are thread-safe (no shared state); those needing scratch
 * take it from the caller or from a workspace. */
#ifndef FADYN_LINALG_H
#define FADYN_LINALG_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include <stddef.h>

/* C = alpha op(A) op(B) + beta C, row-major; op(A) is m x k, op(B) k x n.
 * ta/tb: 0 for the matrix, 1 for its transpose.  Tiny products and thin
 * ones (few rows of op(A), or a thin inner dimension) run fadyn's own AVX2
 * kernels where the CPU has AVX2+FMA, the rest OpenBLAS; large thin products
 * use as many threads as BLAS may (fadyn_blas_set_threads).  Results agree
 * with BLAS to round-off (docs/architecture.md, docs/performance.md). */
void fadyn_gemm(int ta, int tb, size_t m, size_t n, size_t k, double alpha, const double *A,
                const double *B, double beta, double *C);

/* Set the number of threads BLAS may use (OpenBLAS); returns the previous
 * number.  Call with 1 around OpenMP-parallel outer loops (runs, grid
 * points) so the threads do not multiply.  Not thread-safe: call it outside
 * parallel regions. */
int fadyn_blas_set_threads(int n);

/* Frobenius norm of n contiguous entries, and dot product. */
double fadyn_norm(const double *a, size_t n);
double fadyn_dot(const double *a, const double *b, size_t n);

/* Angle in degrees, 0..180, between a and b flattened:
 * arccos(aᵀb / (‖a‖‖b‖)).  The paper writes |aᵀb|; this is the signed form
 * (docs/theory.md §1).  NaN when either vector is zero. */
double fadyn_angle_deg(const double *a, const double *b, size_t n);

/* Which angle a report gives: the signed form above, 0..180°, or the
 * paper's arccos(|aᵀb| / (‖a‖‖b‖)), 0..90°, which is min(θ, 180° − θ) of
 * the signed θ (docs/figures.md, "Deviations from the paper"). */
typedef enum { FADYN_ANGLE_SIGNED = 0, FADYN_ANGLE_ABS = 1 } fadyn_angle_kind;

/* The signed angle deg as kind k reports it (NaN stays NaN). */
double fadyn_angle_as(double deg, fadyn_angle_kind k);
/* "signed", "abs"; NULL past the last (an enum's names, for options). */
const char *fadyn_angle_kind_name(int k);
/* A plot's axis label for angles of kind k: "angle (degrees)" signed,
 * "angle (|cos|, degrees)" abs. */
const char *fadyn_angle_axis_label(fadyn_angle_kind k);

/* 1 if some |a_i| > bound or is NaN (one pass, vectorisable): the blow-up
 * test of the integrators; bound = INFINITY tests finiteness. */
int fadyn_exceeds(const double *a, size_t n, double bound);

/* Largest |a_i|, and 1 if every entry is finite, else 0. */
double fadyn_max_abs(const double *a, size_t n);
int fadyn_all_finite(const double *a, size_t n);

/* Workspace for the pseudoinverse of matrices of at most m x n (or n x m);
 * fadyn_pinv then allocates nothing. */
typedef struct fadyn_pinv_ws fadyn_pinv_ws;
fadyn_pinv_ws *fadyn_pinv_ws_alloc(size_t m, size_t n);
void fadyn_pinv_ws_free(fadyn_pinv_ws *ws);

/* Aplus (n x m) = A⁺ for A (m x n), by SVD (LAPACKE dgesvd); singular values
 * below max(m,n)·eps·σ_max are treated as zero.  Returns FADYN_OK,
 * FADYN_ELAPACK, or FADYN_EINVAL for a shape the workspace was not made for.
 * The rank is written to *rank if non-NULL. */
int fadyn_pinv(fadyn_pinv_ws *ws, size_t m, size_t n, const double *A, double *Aplus, size_t *rank);

/* Eigenvalues of the symmetric n x n matrix S (only its upper triangle is
 * read; S is not modified), ascending, into ev[n].  scratch: n*n doubles. */
int fadyn_eig_sym(size_t n, const double *S, double *ev, double *scratch);

/* Eigenvalues (re, im) of the general n x n matrix J (not modified).
 * scratch: n*n doubles. */
int fadyn_eig_general(size_t n, const double *J, double *re, double *im, double *scratch);

FADYN_API_END
#endif
