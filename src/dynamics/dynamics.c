/* dynamics.c — the expected dynamics Ẇ = E Σ Aᵀ, Ȧ = B E Σ (eq 12–13) and
 * their deep variants for any rule with an ODE form (docs/theory.md §2), by
 * BLAS level 3: the rule's entry (fadyn/rule.h) gives the hidden signal. */
#include "fadyn/dynamics.h"
#include "fadyn/linalg.h"

#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include <string.h>

struct fadyn_dyn {
    const fadyn_problem *p;
    const fadyn_rule_ode *rule;
    size_t L;
    const size_t *n;
    /* base point */
    const double *P[FADYN_MAX_DEPTH + 1]; /* P[k] = W_{k-1}…W_0, n_k x n_0; P[1] is W_0 */
    double *Pbuf[FADYN_MAX_DEPTH + 1];    /* storage for P[k], k >= 2 */
    const double *G[FADYN_MAX_DEPTH + 1]; /* G[k], n_k x n_0; G[L] is E when Σ = I */
    double *Gbuf[FADYN_MAX_DEPTH + 1];
    double *E;
    /* tangent */
    double *dP[FADYN_MAX_DEPTH + 1];
    double *dG[FADYN_MAX_DEPTH + 1];
    double *dE;
    double *unit; /* jacobian column direction */
    double *col;
    double *block;
    unsigned long nrhs, njac;
};

fadyn_dyn *fadyn_dyn_alloc(const fadyn_problem *p) {
    fadyn_dyn *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->p = p;
    d->rule = p->rule->ode;
    d->L = p->depth;
    d->n = p->sizes;
    const size_t *n = p->sizes, L = p->depth, n0 = n[0];
    size_t total = 2 * n[L] * n0 + 2 * p->dim;
    for (size_t k = 1; k <= L; k++)
        total += 4 * n[k] * n0;
    d->block = calloc(total, sizeof(double));
    if (!d->block) {
        free(d);
        return NULL;
    }
    double *q = d->block;
    d->E = q, q += n[L] * n0;
    d->dE = q, q += n[L] * n0;
    d->unit = q, q += p->dim;
    d->col = q, q += p->dim;
    for (size_t k = 1; k <= L; k++) {
        d->Pbuf[k] = q, q += n[k] * n0;
        d->Gbuf[k] = q, q += n[k] * n0;
        d->dP[k] = q, q += n[k] * n0;
        d->dG[k] = q, q += n[k] * n0;
    }
    return d;
}

void fadyn_dyn_free(fadyn_dyn *d) {
    if (!d) return;
    free(d->block);
    free(d);
}

#define WK(y, k) ((y) + fadyn_problem_offset(d->p, (k)))

/* Forward products P_k and the error E = T − P_L (eq 5). */
static void forward(fadyn_dyn *d, const double *y) {
    const size_t *n = d->n, L = d->L, n0 = n[0];
    d->P[1] = WK(y, 0);
    for (size_t k = 1; k < L; k++) {
        double *out = k + 1 == L ? d->E : d->Pbuf[k + 1];
        fadyn_gemm(0, 0, n[k + 1], n0, n[k], 1.0, WK(y, k), d->P[k], 0.0, out);
        d->P[k + 1] = out;
    }
    /* E = T − W_{L-1} P_{L-1} */
    for (size_t i = 0, m = n[L] * n0; i < m; i++)
        d->E[i] = d->p->T[i] - d->E[i];
}

/* M ← M Σ (scale columns). */
static void scale_sigma(const fadyn_dyn *d, double *M, size_t rows) {
    const double *s = d->p->sigma;
    size_t n0 = d->n[0];
    if (!s) return;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < n0; j++)
            M[i * n0 + j] *= s[j];
}

void fadyn_dyn_error(fadyn_dyn *d, const double *y, double *E) {
    forward(d, y);
    memcpy(E, d->E, d->n[d->L] * d->n[0] * sizeof(double));
}

/* Backward signals: G_L = E Σ; G_k = M_k G_{k+1}, the rule's signal
 * (B_{k-1} for fa, W_kᵀ for bp), k = L-1..1.  G_1 is Ẇ_0 itself and is
 * written to g1. */
static void backward(fadyn_dyn *d, const double *y, double *g1) {
    const size_t *n = d->n, L = d->L, n0 = n[0];
    if (d->p->sigma) {
        memcpy(d->Gbuf[L], d->E, n[L] * n0 * sizeof(double));
        scale_sigma(d, d->Gbuf[L], n[L]);
        d->G[L] = d->Gbuf[L];
    } else {
        d->G[L] = d->E;
    }
    if (!d->rule->signal) return;
    for (size_t k = L - 1; k >= 1; k--) {
        double *out = k == 1 ? g1 : d->Gbuf[k];
        d->rule->signal(d->p, y, k, n0, d->G[k + 1], out); /* eq 13: Ȧ = B E for fa */
        d->G[k] = out;
    }
}

/* The first weight that moves: W_0, or W_{L-1} when the hidden layers do not learn. */
static size_t first_moving(const fadyn_dyn *d) {
    return d->rule->signal ? 0 : d->L - 1;
}

void fadyn_dyn_rhs(fadyn_dyn *d, const double *y, double *dydt) {
    const size_t *n = d->n, L = d->L, n0 = n[0];
    d->nrhs++;
    forward(d, y);
    backward(d, y, WK(dydt, 0)); /* Ẇ_0 = G_1 (P_0 = I) */
    size_t first = first_moving(d);
    if (first > 0) /* only the output layer learns */
        memset(dydt, 0, fadyn_problem_offset(d->p, first) * sizeof(double));
    else
        first = 1;                     /* Ẇ_0 = G_1 is written */
    for (size_t k = first; k < L; k++) /* eq 12: Ẇ = E Σ Aᵀ, generally G_{k+1} P_kᵀ */
        fadyn_gemm(0, 1, n[k + 1], n[k], n0, 1.0, d->G[k + 1], d->P[k], 0.0, WK(dydt, k));
}

/* The base point of a directional derivative: P, E and G at y (the
 * right-hand side itself goes to scratch, uncounted). */
static void base_point(fadyn_dyn *d, const double *y, double *scratch) {
    unsigned long nrhs = d->nrhs;
    fadyn_dyn_rhs(d, y, scratch);
    d->nrhs = nrhs;
}

/* jv = (∂f/∂y) v at the base point last set by base_point(y). */
static void jvp_at_base(fadyn_dyn *d, const double *y, const double *v, double *jv) {
    const size_t *n = d->n, L = d->L, n0 = n[0];
    /* dP_1 = dW_0; dP_{k+1} = dW_k P_k + W_k dP_k; dE = −dP_L */
    const double *dP1 = WK(v, 0);
    for (size_t k = 1; k < L; k++) {
        double *out = k + 1 == L ? d->dE : d->dP[k + 1];
        fadyn_gemm(0, 0, n[k + 1], n0, n[k], 1.0, WK(v, k), d->P[k], 0.0, out);
        fadyn_gemm(0, 0, n[k + 1], n0, n[k], 1.0, WK(y, k), k == 1 ? dP1 : d->dP[k], 1.0, out);
    }
    for (size_t i = 0, m = n[L] * n0; i < m; i++)
        d->dE[i] = -d->dE[i];
    memcpy(d->dG[L], d->dE, n[L] * n0 * sizeof(double));
    scale_sigma(d, d->dG[L], n[L]);
    if (d->rule->signal)
        for (size_t k = L - 1; k >= 1; k--)
            d->rule->signal_jvp(d->p, y, v, k, n0, d->G[k + 1], d->dG[k + 1], d->dG[k]);
    size_t first = first_moving(d);
    if (first > 0) memset(jv, 0, fadyn_problem_offset(d->p, first) * sizeof(double));
    for (size_t k = first; k < L; k++) {
        if (k == 0) {
            memcpy(WK(jv, 0), d->dG[1], n[1] * n0 * sizeof(double));
        } else {
            fadyn_gemm(0, 1, n[k + 1], n[k], n0, 1.0, d->dG[k + 1], d->P[k], 0.0, WK(jv, k));
            fadyn_gemm(0, 1, n[k + 1], n[k], n0, 1.0, d->G[k + 1], k == 1 ? dP1 : d->dP[k], 1.0,
                       WK(jv, k));
        }
    }
}

void fadyn_dyn_jvp(fadyn_dyn *d, const double *y, const double *v, double *jv) {
    base_point(d, y, jv); /* jv is overwritten by the derivative */
    jvp_at_base(d, y, v, jv);
}

void fadyn_dyn_jacobian(fadyn_dyn *d, const double *y, double *J) {
    size_t N = d->p->dim;
    d->njac++;
    base_point(d, y, d->col); /* once for every column */
    memset(d->unit, 0, N * sizeof(double));
    for (size_t j = 0; j < N; j++) {
        d->unit[j] = 1.0;
        jvp_at_base(d, y, d->unit, d->col);
        d->unit[j] = 0.0;
        for (size_t i = 0; i < N; i++)
            J[i * N + j] = d->col[i];
    }
}

unsigned long fadyn_dyn_rhs_count(const fadyn_dyn *d) {
    return d->nrhs;
}
unsigned long fadyn_dyn_jac_count(const fadyn_dyn *d) {
    return d->njac;
}
void fadyn_dyn_reset_counts(fadyn_dyn *d) {
    d->nrhs = d->njac = 0;
}

static int sys_f(double t, const double y[], double dydt[], void *params) {
    (void)t;
    fadyn_dyn_rhs(params, y, dydt);
    return GSL_SUCCESS;
}

static int sys_jac(double t, const double y[], double *dfdy, double dfdt[], void *params) {
    (void)t;
    fadyn_dyn *d = params;
    fadyn_dyn_jacobian(d, y, dfdy);
    memset(dfdt, 0, d->p->dim * sizeof(double)); /* autonomous */
    return GSL_SUCCESS;
}

gsl_odeiv2_system fadyn_dyn_system(fadyn_dyn *d) {
    gsl_odeiv2_system s = {sys_f, sys_jac, d->p->dim, d};
    return s;
}

double fadyn_dyn_rhs_flops(const fadyn_problem *p) {
    const size_t *n = p->sizes, L = p->depth, n0 = n[0];
    double f = 0.0;
    for (size_t k = 1; k < L; k++)
        f += 2.0 * (double)(n[k + 1] * n[k] * n0); /* forward */
    int hidden = p->rule->ode->signal != NULL;
    if (hidden)
        for (size_t k = 1; k < L; k++)
            f += 2.0 * (double)(n[k] * n[k + 1] * n0); /* backward */
    for (size_t k = hidden ? 1 : L - 1; k < L; k++)
        f += 2.0 * (double)(n[k + 1] * n[k] * n0); /* weight updates */
    return f;
}
