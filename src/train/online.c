/* online.c — n examples learned one at a time (K = 1), and for a linear
 * network with one hidden layer learning by fa (Task 1) one fused pass over
 * the weights per example.
 *
 * Example i's update (eq 12–13 per example: ΔW = η e hᵀ, ΔA = η (B e) xᵀ)
 * needs its error e = y* − W A x, so it cannot be applied in the pass that
 * computes e.  It is applied in the next example's forward pass instead:
 * row by row, a weight row is updated and then used, so each weight is read
 * and written once per example.  The rows are those of Aᵀ, Wᵀ and Bᵀ (kept
 * transposed and padded to blocks of 8 for the n examples):
 *
 *   Aᵀ_c ← s Aᵀ_c + (η x_{i-1,c}) d_{i-1},   h_i += x_{i,c} Aᵀ_c     (c < n_0)
 *   Wᵀ_r ← s Wᵀ_r + (η h_{i-1,r}) e_{i-1},   y_i += h_{i,r} Wᵀ_r     (r < n_h)
 *   e_i = y*_i − y_i,   d_i = Σ_j e_{i,j} Bᵀ_j                        (the fa signal B e)
 *
 * with s = 1 − η·decay (1 for the first example: nothing pending); after
 * the last example its update is applied alone and A, W are written back.
 * The same arithmetic as n calls of fadyn_train_step, in another order. */
#include "../rules/rules_impl.h"
#include "train_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* a·b + c as one FMA where the target has it: the trainer needs no
 * bit-for-bit agreement between CPUs */
#pragma GCC optimize("fp-contract=fast")

enum { ON_BLOCK = 8 };

struct fadyn_train_online_ws {
    size_t n0, nh, no, hp, op; /* hp, op: n_h, n_o rounded up to ON_BLOCK */
    double *At, *Wt, *Bt;      /* n0 x hp, nh x op, no x hp */
    double *h[2], *d[2], *e[2], *y, *ux, *uh;
    double *block;
};

static size_t blocks(size_t n) {
    return (n + ON_BLOCK - 1) / ON_BLOCK * ON_BLOCK;
}

fadyn_train_online_ws *fadyn_train_online_alloc(const fadyn_train_ws *ws) {
    const fadyn_net_spec *s = &ws->net.spec;
    int fa_signal = ws->rule->backward == fadyn_rule_fa_backward ||
                    ws->rule->backward == fadyn_rule_dfa_backward;
    if (s->depth != 2 || !fa_signal || ws->rule->sparse || !ws->F[0] || ws->net.b[0] ||
        ws->net.b[1] || s->act[0] != FADYN_ACT_LINEAR || s->act[1] != FADYN_ACT_LINEAR)
        return NULL;
    fadyn_train_online_ws *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->n0 = s->sizes[0], o->nh = s->sizes[1], o->no = s->sizes[2];
    o->hp = blocks(o->nh), o->op = blocks(o->no);
    size_t total =
        o->n0 * o->hp + o->nh * o->op + o->no * o->hp + 4 * o->hp + 3 * o->op + o->n0 + o->nh;
    o->block = aligned_alloc(64, blocks(total) * sizeof(double));
    if (!o->block) {
        free(o);
        return NULL;
    }
    memset(o->block, 0, blocks(total) * sizeof(double));
    double *q = o->block;
    o->At = q, q += o->n0 * o->hp;
    o->Wt = q, q += o->nh * o->op;
    o->Bt = q, q += o->no * o->hp;
    for (int k = 0; k < 2; k++) {
        o->h[k] = q, q += o->hp;
        o->d[k] = q, q += o->hp;
        o->e[k] = q, q += o->op;
    }
    o->y = q, q += o->op;
    o->ux = q, q += o->n0;
    o->uh = q;
    return o;
}

void fadyn_train_online_free(fadyn_train_online_ws *o) {
    if (!o) return;
    free(o->block);
    free(o);
}

typedef struct {
    const double *X, *Y;
    size_t n;
    double eta, shrink, radius;
} online_args;

/* The pass at 4 doubles per vector value (SSE2, AVX2) and at 8 (AVX-512). */
#define ON_W       4
#define ON_NAME(x) x##_w4
#include "online_kernels.inc"
#undef ON_W
#undef ON_NAME
#define ON_W       8
#define ON_NAME(x) x##_w8
#include "online_kernels.inc"
#undef ON_W
#undef ON_NAME

/* Compiled for the build's target and, with GCC on x86-64, for AVX2 + FMA
 * and AVX-512, chosen by the CPU. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define ON_X86 1
#else
#define ON_X86 0
#endif

/* Each version twice: without weight decay (s = 1) and with. */
#define ON_EXAMPLES(suffix, attr, w)                                                               \
    attr static size_t examples_##suffix(fadyn_train_online_ws *o, const online_args *a,           \
                                         double *loss) {                                           \
        return a->shrink == 1.0 ? examples_##w(o, a, 0, loss) : examples_##w(o, a, 1, loss);       \
    }

ON_EXAMPLES(base, , w4)
#if ON_X86
ON_EXAMPLES(avx2, __attribute__((target("avx2,fma"))), w4)
ON_EXAMPLES(avx512, __attribute__((target("avx512f,fma"))), w8)
#endif

static size_t run_examples(fadyn_train_online_ws *o, const online_args *a, double *loss) {
#if ON_X86
    if (__builtin_cpu_supports("avx512f")) return examples_avx512(o, a, loss);
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return examples_avx2(o, a, loss);
#endif
    return examples_base(o, a, loss);
}

/* M (rows x cols, row-major) into Mᵀ with rows of length ld (padding kept
 * zero), and back. */
static void transpose_in(size_t rows, size_t cols, const double *M, size_t ld, double *Mt) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            Mt[c * ld + r] = M[r * cols + c];
}

static void transpose_out(size_t rows, size_t cols, const double *Mt, size_t ld, double *M) {
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            M[r * cols + c] = Mt[c * ld + r];
}

int fadyn_train_online(fadyn_train_ws *ws, size_t n, const double *X, const double *Y,
                       double *loss) {
    *loss = 0.0;
    ws->bad_row = n;
    fadyn_train_online_ws *o = ws->online;
    if (!o) { /* the general trainer, one example at a time */
        const size_t *sz = ws->net.spec.sizes, n0 = sz[0], nL = sz[ws->L];
        for (size_t i = 0; i < n; i++) {
            double l;
            int rc = fadyn_train_step(ws, 1, X + i * n0, Y + i * nL, ws->noise, &l);
            *loss += l;
            if (rc == FADYN_DIVERGED) ws->bad_row = i;
            if (rc) return rc;
        }
        ws->bad_row = n;
        return FADYN_OK;
    }
    if (n == 0) return FADYN_OK;
    double *A = ws->net.W[0], *W = ws->net.W[1];
    transpose_in(o->nh, o->n0, A, o->hp, o->At);
    transpose_in(o->no, o->nh, W, o->op, o->Wt);
    transpose_in(o->nh, o->no, ws->F[0], o->hp, o->Bt);
    memset(o->ux, 0, o->n0 * sizeof(double)); /* nothing pending */
    memset(o->uh, 0, o->nh * sizeof(double));
    memset(o->d[1], 0, o->hp * sizeof(double));
    memset(o->e[1], 0, o->op * sizeof(double));
    online_args a = {X, Y, n, ws->par.eta, 1.0 - ws->par.eta * ws->par.decay, ws->par.radius};
    size_t done = run_examples(o, &a, loss);
    transpose_out(o->nh, o->n0, o->At, o->hp, A);
    transpose_out(o->no, o->nh, o->Wt, o->op, W);
    /* the last example's pass, as fadyn_train_step leaves it */
    size_t last = done < n ? done : n - 1;
    int cur = (int)(last & 1);
    memcpy(ws->H[0], o->h[cur], o->nh * sizeof(double));
    memcpy(ws->A[0], o->h[cur], o->nh * sizeof(double));
    memcpy(ws->H[1], o->y, o->no * sizeof(double));
    memcpy(ws->A[1], o->y, o->no * sizeof(double));
    memcpy(ws->D[1], o->e[cur], o->no * sizeof(double));
    memcpy(ws->D[0], o->d[cur], o->nh * sizeof(double));
    ws->xin = X + last * o->n0;
    ws->yin = Y + last * o->no;
    ws->l0[0] = 0.0;
    for (size_t j = 0; j < o->no; j++)
        ws->l0[0] += 0.5 * o->e[cur][j] * o->e[cur][j];
    ws->bad_row = done;
    return done < n ? FADYN_DIVERGED : FADYN_OK;
}
