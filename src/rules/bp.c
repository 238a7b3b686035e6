/* bp.c — backprop (eq 55): the hidden signal is W_kᵀ times the one above. */
#include "rules_impl.h"

#include "fadyn/linalg.h"

/* Trainer: Δh = W_kᵀ δ_{k+1}. */
static const double *pick(fadyn_train_ws *ws, size_t k, int *trans) {
    *trans = 1;
    return ws->net.W[k];
}

int fadyn_rule_bp_backward(fadyn_train_ws *ws, size_t K) {
    return fadyn_train_chain(ws, K, pick);
}

#define WK(y, k) ((y) + fadyn_problem_offset(p, (k)))

/* ODE: G_k = W_kᵀ G_{k+1} (Ȧ = Wᵀ E Σ for one hidden layer, docs/theory.md §2). */
static void ode_signal(const fadyn_problem *p, const double *y, size_t k, size_t c,
                       const double *Gnext, double *G) {
    const size_t *n = p->sizes;
    fadyn_gemm(1, 0, n[k], c, n[k + 1], 1.0, WK(y, k), Gnext, 0.0, G);
}

/* dG_k = v_kᵀ G_{k+1} + W_kᵀ dG_{k+1}. */
static void ode_signal_jvp(const fadyn_problem *p, const double *y, const double *v, size_t k,
                           size_t c, const double *Gnext, const double *dGnext, double *dG) {
    const size_t *n = p->sizes;
    fadyn_gemm(1, 0, n[k], c, n[k + 1], 1.0, WK(v, k), Gnext, 0.0, dG);
    fadyn_gemm(1, 0, n[k], c, n[k + 1], 1.0, WK(y, k), dGnext, 1.0, dG);
}

/* F_k = W_kᵀ W_k: C = Wᵀ W − A Aᵀ is conserved under bp (docs/theory.md §3). */
static void ode_conserved(const fadyn_problem *p, const double *y, size_t k, double *F) {
    const size_t *n = p->sizes;
    fadyn_gemm(1, 0, n[k], n[k], n[k + 1], 1.0, WK(y, k), WK(y, k), 0.0, F);
}

const fadyn_rule_ode fadyn_rule_bp_ode = {ode_signal, ode_signal_jvp,  ode_conserved,
                                          NULL,       "W^T W - A A^T", 0};
