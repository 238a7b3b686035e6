/* proof2.c — Proof 2 (docs/theory.md §5, eq 55–58): for y = W σ(A x), replacing Wᵀ
 * by W⁺ in the bp update of A (pseudobackprop) changes h, to first order, by
 * η (σ'_i)² xᵀx Δh_GN,i with Δh_GN = W⁺ e, the Gauss–Newton step for h. */
#include "fadyn/linalg.h"
#include "verify_internal.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t ni, nh, no;
    double *A, *W, *x, *ys, *a, *h, *sp, *e, *Wp, *g, *A2, *h2, *h3, *dA, *pred, *block;
    double xx;
    int sign;
    fadyn_pinv_ws *ws;
} net;

static double logistic(double z) {
    return 1.0 / (1.0 + exp(-z));
}

/* hout = σ(M x) */
static void hidden(const net *n, const double *M, double *hout) {
    fadyn_gemm(0, 0, n->nh, 1, n->ni, 1.0, M, n->x, 0.0, hout);
    for (size_t i = 0; i < n->nh; i++)
        hout[i] = logistic(hout[i]);
}

static void net_free(net *n) {
    free(n->block);
    fadyn_pinv_ws_free(n->ws);
}

/* A random sigmoid network 3 layers deep, a pair (x, y*), and Δh_GN = W⁺ e.
 * On failure n is already freed. */
static int net_draw(fadyn_verify_inst *in, net *n) {
    memset(n, 0, sizeof *n);
    n->ni = in->sizes[0], n->nh = in->sizes[1], n->no = in->sizes[2];
    n->sign = fadyn_v_inst_sign(in);
    size_t ni = n->ni, nh = n->nh, no = n->no;
    size_t total = 4 * nh * ni + no * nh + ni + 2 * no + 9 * nh + nh * no;
    n->block = calloc(total, sizeof(double));
    n->ws = fadyn_pinv_ws_alloc(no, nh);
    if (!n->block || !n->ws) {
        net_free(n);
        return FADYN_ENOMEM;
    }
    double *q = n->block;
    n->A = q, q += nh * ni;
    n->A2 = q, q += nh * ni;
    n->dA = q, q += nh * ni;
    q += nh * ni; /* spare */
    n->W = q, q += no * nh;
    n->Wp = q, q += nh * no;
    n->x = q, q += ni;
    n->ys = q, q += no;
    n->e = q, q += no;
    n->a = q, q += nh;
    n->h = q, q += nh;
    n->sp = q, q += nh;
    n->g = q, q += nh;
    n->h2 = q, q += nh;
    n->h3 = q, q += nh;
    n->pred = q, q += nh;
    gsl_rng *r = fadyn_v_inst_rng(in, SALT_P2);
    double as = 1.5 * sqrt(3.0 / (double)ni); /* pre-activations of variance ~ 2 */
    for (size_t i = 0; i < nh * ni; i++)
        n->A[i] = as * (2.0 * gsl_rng_uniform(r) - 1.0);
    for (size_t i = 0; i < no * nh; i++)
        n->W[i] = gsl_rng_uniform(r) - 0.5;
    for (size_t i = 0; i < ni; i++)
        n->x[i] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < no; i++)
        n->ys[i] = 2.0 * gsl_rng_uniform(r) - 1.0;
    hidden(n, n->A, n->h);
    for (size_t i = 0; i < nh; i++)
        n->sp[i] = n->h[i] * (1.0 - n->h[i]); /* σ' */
    fadyn_gemm(0, 0, no, 1, nh, 1.0, n->W, n->h, 0.0, n->e);
    for (size_t i = 0; i < no; i++)
        n->e[i] = n->ys[i] - n->e[i]; /* e = y* − y */
    int rc = fadyn_pinv(n->ws, no, nh, n->W, n->Wp, NULL);
    fadyn_gemm(0, 0, nh, 1, no, 1.0, n->Wp, n->e, 0.0, n->g); /* Δh_GN = W⁺ e */
    n->xx = fadyn_dot(n->x, n->x, ni);
    if (rc != FADYN_OK) net_free(n);
    return rc;
}

/* The pbp update (eq 55 with W⁺ for Wᵀ), rate rate[i] for unit i, scaled by
 * t: A2 = A + t ΔA, ΔA = diag(rate) ((W⁺e) ∘ σ') xᵀ; --break sign flips it. */
static void pbp_step(net *n, const double *rate, double t, double *hout) {
    double s = n->sign ? -t : t;
    for (size_t i = 0; i < n->nh; i++)
        for (size_t j = 0; j < n->ni; j++)
            n->A2[i * n->ni + j] = n->A[i * n->ni + j] + s * rate[i] * n->g[i] * n->sp[i] * n->x[j];
    hidden(n, n->A2, hout);
}

static double rel_diff(const double *a, const double *b, size_t m) {
    double d = 0.0, s = 0.0;
    for (size_t i = 0; i < m; i++)
        d += (a[i] - b[i]) * (a[i] - b[i]), s += b[i] * b[i];
    return s > 0.0 ? sqrt(d / s) : NAN;
}

int fadyn_v_check_p2_first_order(fadyn_verify_inst *in, double *val) {
    net n;
    int rc = net_draw(in, &n);
    if (rc != FADYN_OK) return rc;
    const fadyn_verify_params *vp = in->vp;
    double *rate = n.dA, prev = NAN, order = INFINITY, err = NAN;
    for (double eta = vp->p2_eta_max; eta >= vp->p2_eta_min * (1.0 - 1e-9); eta /= 10.0) {
        for (size_t i = 0; i < n.nh; i++) {
            rate[i] = eta;
            n.pred[i] = eta * n.sp[i] * n.sp[i] * n.xx * n.g[i]; /* eq 57 */
        }
        pbp_step(&n, rate, 1.0, n.h2);
        for (size_t i = 0; i < n.nh; i++)
            n.h2[i] -= n.h[i]; /* the actual Δh */
        err = rel_diff(n.h2, n.pred, n.nh);
        if (isfinite(prev) && err > 1e-12) order = fmin(order, log10(prev / err));
        prev = err;
    }
    val[0] = err;
    val[1] = order;
    net_free(&n);
    return FADYN_OK;
}

int fadyn_v_check_p2_gn(fadyn_verify_inst *in, double *val) {
    net n;
    int rc = net_draw(in, &n);
    if (rc != FADYN_OK) return rc;
    double *rate = n.dA, d = in->vp->p2_fd_step;
    for (size_t i = 0; i < n.nh; i++)
        rate[i] = 1.0 / (n.sp[i] * n.sp[i] * n.xx); /* eq 58 */
    /* the first-order change of h: central difference along ΔA */
    pbp_step(&n, rate, d, n.h2);
    pbp_step(&n, rate, -d, n.h3);
    for (size_t i = 0; i < n.nh; i++)
        n.pred[i] = (n.h2[i] - n.h3[i]) / (2.0 * d);
    val[0] = rel_diff(n.pred, n.g, n.nh);
    /* the whole step differs from Δh_GN at second order */
    pbp_step(&n, rate, 1.0, n.h2);
    for (size_t i = 0; i < n.nh; i++)
        n.h2[i] -= n.h[i];
    val[1] = rel_diff(n.h2, n.g, n.nh);
    net_free(&n);
    return FADYN_OK;
}
