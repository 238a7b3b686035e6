/* mnist_impl.h — the MNIST trainer's workspace and its kernel table, shared
 * by mnist.c (set-up, training loop, evaluation), mnist_kernels.c (the inner
 * loops, once per precision) and mnist_save.c (state as bytes).
 *
 * The schedule (docs/performance.md).  Examples are learned in blocks of
 * MNIST_BLOCK (online) or of the batch size.  For a block, the products
 * A_m = V0 x_m of all its examples with W0 as it was at the start of the
 * block are taken in one visit of W0's rows (`heavy`, the hidden units split
 * among the threads), fused with the write-back of the previous block's
 * rank-1 updates (the rows of W0 are read and written once per block, not
 * once per example).  Then one thread learns the block's examples in order
 * (`hidden`, `backward`, `w1_update`), each seeing the exact online weights:
 *   W0_m x_m = s0_m (A_m + Σ_{m'<m} (x_m'·x_m) D_m'),  D_m' = η Δh_m' / s0_{m'+1},
 * the Gram products x_m'·x_m exact in integers.  Every sum over hidden units
 * is taken in one fixed order, so the threads change no bit. */
#ifndef FADYN_MNIST_IMPL_H
#define FADYN_MNIST_IMPL_H

#include "fadyn/mnist.h"

#include <stdint.h>

#define MNIST_K FADYN_MNIST_CLASSES
/* Bytes of one vector: 64 (16 floats or 8 doubles) where the build targets
 * AVX-512, else 32: a chunk's MNIST_CHUNK_V accumulators of 64 bytes are 16
 * AVX2 registers, every one of them, and GCC spills them to the stack. */
#ifdef __AVX512F__
#define MNIST_VBYTES 64
#else
#define MNIST_VBYTES 32
#endif
#define MNIST_CHUNK_V   8    /* vectors per chunk of hidden units */
#define MNIST_BLOCK     64   /* examples per block, online */
#define MNIST_SEG       8192 /* examples per training segment (a multiple of the blocks) */
#define MNIST_MAX_BATCH 1024

/* How a rule sends the error to the hidden layer. */
typedef enum { MNIST_BP = 0, MNIST_FB, MNIST_SHALLOW } mnist_kind;

/* The non-zero inputs of a block of examples, by example (CSR: rs, ro, rx)
 * and by pixel (CSC: cs, co, cm, cx); offsets are pixel · stride; the REAL
 * arrays are void here and typed inside the kernels. */
typedef struct {
    size_t n, np;
    uint32_t *rs, *ro;      /* rs: n + 1 starts; ro: row offsets */
    void *rx;               /* inputs */
    uint32_t *cs, *co, *cm; /* cs: np + 1 starts; co: row offsets; cm: example */
    void *cx;
    double *G;                 /* n x n: G[m'·n + m] = x_m'·x_m (m' < m) */
    const unsigned char **img; /* the n images */
    unsigned char *label;
} mnist_block;

/* The network in the kernels' layout (REAL = float or double):
 *   V0  inputs x stride, W0[j][p] = s0 · V0[p·stride + j] (pixel-major)
 *   b0  stride
 *   V1  10 x stride, W[k][j] = s1 · V1[k·stride + j]
 *   Bt  10 x stride, B[j][k] = Bt[k·stride + j]  (NULL without feedback)
 *   M1  10 x stride, 0/1 mask of W (sparse fa; NULL otherwise)
 * Units j >= hidden are padding: their activity is held at 0. */
typedef struct {
    void *V0, *b0, *V1, *Bt, *M1;
    size_t inputs, hidden, width, stride; /* width: the chunks' units; stride >= width */
} mnist_net;

typedef struct {
    size_t size;  /* sizeof(REAL) */
    size_t chunk; /* hidden units per chunk: MNIST_CHUNK_V vectors */
    /* The block's lists from its images (csc: also by pixel). */
    void (*block)(const mnist_net *n, const double *xval, mnist_block *b, int csc);
    /* Chunks c0..c1: write the rank-1 updates of block `fl` (rows +=
     * Σ_m x_m D_m; fl may be NULL), then A_m = V0 x_m for block `fw` (may be
     * NULL). */
    void (*heavy)(const mnist_net *n, size_t c0, size_t c1, const mnist_block *fl, const void *D,
                  const mnist_block *fw, void *A);
    /* h = σ(s0 (A_m + Σ_{m'<np} g[m'] D_m') + b0) and ysum_k = Σ_j V_kj h_j. */
    void (*hidden)(const mnist_net *n, const void *Am, const void *D, const double *g, size_t np,
                   double s0, void *h, double *ysum);
    /* Δh = (M δ) ∘ h(1 − h), M = s1 Vᵀ (bp) or B; D_m = dscale Δh; b0 +=
     * eta_b Δh; with ang, dots = (Δh_FA·Δh_BP, ‖Δh_FA‖², ‖Δh_BP‖²). */
    void (*backward)(const mnist_net *n, mnist_kind kind, const double *dout, double s1,
                     const void *h, int ang, double *dots, void *Dm, double dscale, double eta_b);
    /* Chunks c0..c1 of every row of W0 and of the first nd rows of D, times f. */
    void (*rescale)(const mnist_net *n, size_t c0, size_t c1, double f, void *D, size_t nd);
    /* V += cw hᵀ (masked). */
    void (*w1_update)(const mnist_net *n, const double *cw, const void *h);
    void (*to_double)(const void *src, double *dst, size_t n);
    void (*from_double)(const double *src, void *dst, size_t n);
} mnist_kernels;

extern const mnist_kernels fadyn_mnist_kernels_f32, fadyn_mnist_kernels_f64;

/* G[m'·n + m] = scale2 · Σ_p img_m'[p] img_m[p] for m' < m (n = b->n <=
 * MNIST_BLOCK), exact, from the block's lists by pixel (offsets p · stride). */
void fadyn_mnist_gram(const mnist_block *b, size_t stride, double scale2, double *G);

struct fadyn_mnist_ws {
    const fadyn_mnist *data;
    const fadyn_rule_type *rule;
    fadyn_mnist_params p;
    const mnist_kernels *kern;
    mnist_kind kind;
    int angles, sparse;
    size_t threads, nchunks, n_train, n_test, rb; /* rb: examples per block */
    unsigned long init_seed;
    mnist_net net;
    double b1[MNIST_K], s0, s1;
    double rescale0;  /* != 1: fold this into W0 (and the pending D) at the next heavy pass */
    double xval[256]; /* input of each pixel value */
    size_t done;
    /* the blocks in flight and their buffers (rb x stride each) */
    mnist_block blk[2];
    void *A, *D, *H, *hscr; /* hscr: one h per thread (evaluation) */
    double *dout;           /* rb x 10 */
    /* the order of the examples of the current segment: order[pos - order_base] */
    size_t *order, order_base;
    uint32_t *perm[2];
    size_t perm_epoch[2];
    /* statistics of the current interval */
    double loss_sum, ang_sum, ang_sq;
    size_t count, errors, ang_n;
    int diverged;
    /* evaluation */
    double *evloss;
    unsigned char *everr;
    void *blocks[40];
    size_t nblocks;
};

/* Output layer from ysum (Σ_j V_kj h_j): y = σ(s1 ysum + b), δ into dout, loss
 * ½‖e‖², whether the arg max misses the label; 0 if y is not finite. */
int fadyn_mnist_output(const fadyn_mnist_ws *ws, const double *ysum, double s1, const double *b1,
                       unsigned label, double *dout, double *loss, int *wrong, double *y);

#endif
