/* mnist_kernels.c — the MNIST trainer's inner loops in single and double
 * precision (mnist_kernels.inc, included twice).  A baseline x86-64 build
 * compiles every kernel for AVX-512, AVX2 and the baseline, picked at load
 * time by the CPU (GCC's target_clones); without FMA contraction (ISO C
 * mode) the three give the same bits.  A build that already targets AVX2 or
 * more (-march=native, -mavx2, ...) compiles the kernels once for that
 * target: a clone could only be slower than it, and GCC 12 stops with an
 * internal compiler error on the AVX2 clone of the double kernels when the
 * build's own target has AVX-512 (-O3 -march=native). */
#include "mnist_impl.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&                             \
    !defined(__SANITIZE_ADDRESS__) && !defined(__AVX2__)
#define FADYN_MNIST_CLONES                                                                         \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FADYN_MNIST_CLONES
#endif

#define REAL      float
#define MK_SUF    f32
#define MK_INT    int32_t
#define MK_BIAS   127
#define MK_MANT   23
#define MK_MAGIC  12582912.0f /* 1.5 · 2^23: adding it rounds to an integer */
#define MK_EXP_LO -87.0f
#define MK_EXP_HI 88.0f
#define MK_LN2_HI 0.693359375f
#define MK_LN2_LO -2.12194440e-4f
#define MK_TAYLOR 7
#include "mnist_kernels.inc"
#undef REAL
#undef MK_SUF
#undef MK_INT
#undef MK_BIAS
#undef MK_MANT
#undef MK_MAGIC
#undef MK_EXP_LO
#undef MK_EXP_HI
#undef MK_LN2_HI
#undef MK_LN2_LO
#undef MK_TAYLOR

#define REAL      double
#define MK_SUF    f64
#define MK_INT    int64_t
#define MK_BIAS   1023
#define MK_MANT   52
#define MK_MAGIC  6755399441055744.0 /* 1.5 · 2^52 */
#define MK_EXP_LO -708.0
#define MK_EXP_HI 709.0
#define MK_LN2_HI 6.93147180369123816490e-01
#define MK_LN2_LO 1.90821492927058770002e-10
#define MK_TAYLOR 13
#include "mnist_kernels.inc"

/* The Gram products from the block's lists by pixel: for each pixel in use,
 * every pair of the examples that have it, m' < m (the lists are in example
 * order).  Pixel values are integers (0..255), so each product and every
 * partial sum (< 784 · 255² < 2^26) is exact in double, in any order.  The
 * cost is Σ_p c_p²/2 for c_p examples with pixel p (about 6 % of the dense
 * n²/2 · inputs on MNIST). */
void fadyn_mnist_gram(const mnist_block *b, size_t stride, double scale2, double *G) {
    size_t n = b->n;
    for (size_t a = 0; a < n; a++)
        memset(G + a * n + a + 1, 0, (n - a - 1) * sizeof *G);
    double val[MNIST_BLOCK];
    uint32_t who[MNIST_BLOCK];
    for (size_t q = 0; q < b->np; q++) {
        size_t p = b->co[q] / stride, c = 0;
        for (uint32_t e = b->cs[q]; e < b->cs[q + 1]; e++, c++) {
            who[c] = b->cm[e];
            val[c] = (double)b->img[who[c]][p];
        }
        for (size_t k = 0; k + 1 < c; k++) {
            double *row = G + (size_t)who[k] * n, v = val[k];
            for (size_t l = k + 1; l < c; l++)
                row[who[l]] += v * val[l];
        }
    }
    for (size_t a = 0; a < n; a++)
        for (size_t m = a + 1; m < n; m++)
            G[a * n + m] *= scale2;
}
