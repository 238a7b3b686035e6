/* train_impl.h — the trainer's workspace, shared by the trainer, run and
 * compare files and the rules' backward passes (src/rules/). */
#ifndef FADYN_TRAIN_IMPL_H
#define FADYN_TRAIN_IMPL_H

#include "fadyn/linalg.h"
#include "fadyn/seed.h"
#include "fadyn/train.h"

struct fadyn_train_ws {
    const fadyn_task *task;
    const fadyn_rule_type *rule;
    fadyn_train_params par;
    fadyn_net net;
    size_t L, kmax, width;
    double *F[FADYN_MAX_DEPTH];     /* feedback (masked once for sparse-fa) */
    double *maskW[FADYN_MAX_DEPTH]; /* sparse-fa: 0/1 masks of W[1..L-1] */
    double *A[FADYN_MAX_DEPTH], *H[FADYN_MAX_DEPTH], *D[FADYN_MAX_DEPTH]; /* kmax x n_{k+1} */
    double *Ap[FADYN_MAX_DEPTH], *Hp[FADYN_MAX_DEPTH];                    /* np's perturbed pass */
    double *P[FADYN_MAX_DEPTH]; /* pbp: P[k] = W[k]⁺, n_k x n_{k+1} */
    fadyn_pinv_ws *pws;
    double *TA[FADYN_MAX_DEPTH], *TH[FADYN_MAX_DEPTH]; /* the target's forward pass */
    double *X, *Y;                                     /* batch buffers */
    const double *xin, *yin;              /* input and target rows of the current pass */
    double *l0;                           /* per-row losses ½‖e‖² of the last forward pass */
    double *v[4];                         /* angle chains: bp cur/next, pbp cur/next */
    gsl_rng *noise;                       /* np's perturbations during a step */
    size_t bad_row;                       /* first row of the last batch with a bad loss */
    struct fadyn_train_online_ws *online; /* the fused online trainer (NULL: not this net) */
    double *block;
};

/* Y (K x m) = X Mᵀ (M m x n, trans 0) or X M (M n x m, trans 1); gemv for K = 1. */
void fadyn_rows_times(size_t K, size_t m, size_t n, int trans, const double *X, const double *M,
                      double *Y);
/* d ∘= σ'(a), from the activities h. */
void fadyn_act_deriv_mul(fadyn_act act, const double *h, double *d, size_t n);
/* Forward pass with xi[k] (K x n_{k+1}, or NULL) added to the pre-activations. */
void fadyn_net_forward_noise(const fadyn_net *net, size_t K, const double *X, double *const *A,
                             double *const *H, double *const *xi);
/* δ_L = (Y − y) ∘ σ'(a_L) into D[L-1], the per-row losses into l0; returns Σ loss. */
double fadyn_train_output_delta(fadyn_train_ws *ws, size_t K, const double *Y);
/* P[k] = W[k]⁺ for k = 1..L-1. */
int fadyn_train_pinv_all(fadyn_train_ws *ws);
/* The hidden deltas of a chain rule: δ_k = (M_k δ_{k+1}) ∘ σ'(a_k) for
 * k = L-1..1, M_k from pick (the matrix, *trans = 1 for its transpose). */
typedef const double *(*fadyn_train_pick_fn)(fadyn_train_ws *ws, size_t k, int *trans);
int fadyn_train_chain(fadyn_train_ws *ws, size_t K, fadyn_train_pick_fn pick);

/* The fused online trainer's transposed weights and vectors (online.c), for
 * a linear one-hidden-layer net with the fa signal B e; NULL for any other
 * net or rule (or out of memory: the general trainer is used then). */
typedef struct fadyn_train_online_ws fadyn_train_online_ws;
fadyn_train_online_ws *fadyn_train_online_alloc(const fadyn_train_ws *ws);
void fadyn_train_online_free(fadyn_train_online_ws *o);

/* Draw K inputs and targets of task t; TA/TH: the target's forward buffers. */
void fadyn_task_sample(const fadyn_task *t, gsl_rng *r, size_t K, double *X, double *Y,
                       double *const *TA, double *const *TH);

#endif
