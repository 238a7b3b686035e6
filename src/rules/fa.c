/* fa.c — feedback alignment (eq 13 / Fig. 2c): the hidden signal is a fixed
 * random B times the one above; also sparse-fa's trainer. */
#include "rules_impl.h"

#include "fadyn/linalg.h"

#include <math.h>

/* Trainer: Δh = F_{k-1} δ_{k+1}, F the fixed random feedback (masked once
 * for sparse-fa). */
static const double *pick(fadyn_train_ws *ws, size_t k, int *trans) {
    *trans = 0;
    return ws->F[k - 1];
}

int fadyn_rule_fa_backward(fadyn_train_ws *ws, size_t K) {
    return fadyn_train_chain(ws, K, pick);
}

#define WK(y, k) ((y) + fadyn_problem_offset(p, (k)))

/* ODE: G_k = B_{k-1} G_{k+1} (eq 13: Ȧ = B E Σ for one hidden layer). */
static void ode_signal(const fadyn_problem *p, const double *y, size_t k, size_t c,
                       const double *Gnext, double *G) {
    (void)y;
    const size_t *n = p->sizes;
    fadyn_gemm(0, 0, n[k], c, n[k + 1], 1.0, p->B[k - 1], Gnext, 0.0, G);
}

/* dG_k = B_{k-1} dG_{k+1} (B does not depend on the state). */
static void ode_signal_jvp(const fadyn_problem *p, const double *y, const double *v, size_t k,
                           size_t c, const double *Gnext, const double *dGnext, double *dG) {
    (void)y, (void)v, (void)Gnext;
    const size_t *n = p->sizes;
    fadyn_gemm(0, 0, n[k], c, n[k + 1], 1.0, p->B[k - 1], dGnext, 0.0, dG);
}

/* eq 14: F_k = B_{k-1} W_k + (B_{k-1} W_k)ᵀ. */
static void ode_conserved(const fadyn_problem *p, const double *y, size_t k, double *F) {
    const size_t *n = p->sizes, m = n[k];
    fadyn_gemm(0, 0, m, m, n[k + 1], 1.0, p->B[k - 1], WK(y, k), 0.0, F);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = F[i * m + j] + F[j * m + i];
            F[i * m + j] = F[j * m + i] = s;
        }
}

/* docs/theory.md §3: V̇ = −2‖B E Aᵀ‖² − ‖Aᵀ B E‖² − tr(C B E Eᵀ Bᵀ). */
static double ode_vdot(const fadyn_problem *p, const double *y, const double *E, const double *C,
                       double *BE, double *M, double *AAt) {
    const size_t *n = p->sizes, n0 = n[0], nh = n[1], no = n[2];
    const double *A = y;
    fadyn_gemm(0, 0, nh, n0, no, 1.0, p->B[0], E, 0.0, BE);
    /* ‖B E Aᵀ‖² */
    fadyn_gemm(0, 1, nh, nh, n0, 1.0, BE, A, 0.0, M);
    double t1 = pow(fadyn_norm(M, nh * nh), 2);
    /* M = B E Eᵀ Bᵀ; ‖Aᵀ B E‖² = tr(A Aᵀ M); tr(C M) */
    fadyn_gemm(0, 1, nh, nh, n0, 1.0, BE, BE, 0.0, M);
    fadyn_gemm(0, 1, nh, nh, n0, 1.0, A, A, 0.0, AAt);
    double t2 = fadyn_dot(AAt, M, nh * nh);
    double t3 = fadyn_dot(C, M, nh * nh);
    return -2.0 * t1 - t2 - t3;
}

const fadyn_rule_ode fadyn_rule_fa_ode = {
    ode_signal, ode_signal_jvp, ode_conserved, ode_vdot, "B W + W^T B^T - A A^T (eq 14)", 1};
