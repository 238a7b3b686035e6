/* chain.c — Baldi, Sadowski & Lu 2018 on scalar fa chains: 1-1-1 (their
 * Thm 2, docs/theory.md §4) and 1-1-1-1 (their Thm 3), written here from docs/theory.md §2
 * independently of src/dynamics/ and integrated with fadyn_integrate. */
#include "fadyn/integrate.h"
#include "verify_internal.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

#define CHAIN_MAX 3 /* weights */

/* Weights a[0..L-1] (a[0] from the input x = 1), feedback b[k] into hidden
 * layer k+1, target t:  e = t − a_{L-1}…a_0,  δ_L = e,  δ_k = b_{k-1} δ_{k+1},
 * ȧ_k = δ_{k+1} a_{k-1}…a_0.  sign: the hidden updates (k < L-1) flipped. */
typedef struct {
    size_t L;
    double b[CHAIN_MAX - 1], t;
    int sign;
} chain;

static int chain_rhs(double tt, const double a[], double f[], void *params) {
    (void)tt;
    const chain *c = params;
    double P[CHAIN_MAX + 1];
    P[0] = 1.0;
    for (size_t k = 0; k < c->L; k++)
        P[k + 1] = P[k] * a[k];
    double delta = c->t - P[c->L]; /* δ_L = e */
    for (size_t k = c->L; k-- > 0;) {
        f[k] = delta * P[k];
        if (k + 1 < c->L && c->sign) f[k] = -f[k];
        if (k > 0) delta *= c->b[k - 1]; /* δ_k = b_{k-1} δ_{k+1} */
    }
    return GSL_SUCCESS;
}

static double nonzero_uniform(gsl_rng *r, double lo) {
    double u = lo + (1.0 - lo) * gsl_rng_uniform(r);
    return gsl_rng_uniform(r) < 0.5 ? -u : u;
}

static void chain_draw(fadyn_verify_inst *in, chain *c, size_t L, unsigned salt, double *a) {
    const fadyn_verify_params *vp = in->vp;
    gsl_rng *r = fadyn_v_inst_rng(in, salt);
    c->L = L;
    c->sign = fadyn_v_inst_sign(in);
    for (size_t k = 0; k + 1 < L; k++)
        c->b[k] = nonzero_uniform(r, vp->chain_min_bt);
    c->t = nonzero_uniform(r, vp->chain_min_bt);
    for (size_t k = 0; k < L; k++)
        a[k] = vp->chain_start * (2.0 * gsl_rng_uniform(r) - 1.0);
}

/* Integrate a over [0, horizon]; FADYN_OK or the run's outcome. */
static int chain_run(const fadyn_verify_inst *in, chain *c, double *a, double horizon) {
    fadyn_integ_params ip = in->vp->integ;
    ip.t_end = horizon;
    ip.samples = 2;
    ip.log_time = 0;
    gsl_odeiv2_system sys = {chain_rhs, NULL, c->L, c};
    return fadyn_integrate(&sys, &ip, a, NULL, NULL, NULL, NULL);
}

static double product(const double *a, size_t L) {
    double p = 1.0;
    for (size_t k = 0; k < L; k++)
        p *= a[k];
    return p;
}

static int converges(fadyn_verify_inst *in, double *val, size_t L, unsigned salt) {
    chain c;
    double a[CHAIN_MAX];
    chain_draw(in, &c, L, salt, a);
    int rc = chain_run(in, &c, a, in->vp->chain_t_end);
    val[0] = rc == FADYN_OK ? fabs(c.t - product(a, L)) / fabs(c.t) : NAN;
    return FADYN_OK;
}

int fadyn_v_check_chain111_converges(fadyn_verify_inst *in, double *val) {
    return converges(in, val, 2, SALT_CHAIN111);
}

int fadyn_v_check_chain1111_converges(fadyn_verify_inst *in, double *val) {
    return converges(in, val, 3, SALT_CHAIN1111);
}

/* A random equilibrium (a*, w* = t/a*) of the 1-1-1 chain, kicked off it by
 * chain_perturb: it attracts (the run ends within √perturb of it) iff
 * a*² + b w* > 0 (docs/theory.md §4).  val[0] = 1 for a misclassification. */
int fadyn_v_check_chain111_stability(fadyn_verify_inst *in, double *val) {
    const fadyn_verify_params *vp = in->vp;
    chain c;
    double a[2];
    chain_draw(in, &c, 2, SALT_CHAIN111 + 100, a);
    gsl_rng *r = in->rng;
    double as = 0.0, ws = 0.0, margin = 0.0;
    for (int tries = 0; tries < 1000 && !(fabs(margin) >= vp->chain_margin); tries++) {
        as = nonzero_uniform(r, 0.1) * vp->chain_start;
        ws = c.t / as;
        margin = as * as + c.b[0] * ws;
    }
    if (!(fabs(margin) >= vp->chain_margin)) {
        val[0] = NAN;
        return FADYN_OK;
    }
    double phi = 2.0 * M_PI * gsl_rng_uniform(r);
    a[0] = as + vp->chain_perturb * cos(phi);
    a[1] = ws + vp->chain_perturb * sin(phi);
    int rc = chain_run(in, &c, a, vp->chain_t_end);
    if (rc != FADYN_OK) {
        val[0] = NAN;
        return FADYN_OK;
    }
    int returned = hypot(a[0] - as, a[1] - ws) < sqrt(vp->chain_perturb);
    int predicted = margin > 0.0;
    val[0] = returned != predicted;
    val[1] = predicted;
    return FADYN_OK;
}

/* Baldi Thm 3: with the conserved C1 = 2 b0 a1 − a0², C2 = 2 b1 a2 − a1²
 * (eq 14 for scalars), the limit's a0 = u is a root of the degree-7
 *   p7(u) = u · (u² + C1)/(2 b0) · ([(u² + C1)/(2 b0)]² + C2)/(2 b1) − t.
 * val[0] = |p7(u)| / (|first term| + |t|). */
int fadyn_v_check_chain1111_degree7(fadyn_verify_inst *in, double *val) {
    chain c;
    double a[3];
    chain_draw(in, &c, 3, SALT_CHAIN1111, a);
    double C1 = 2.0 * c.b[0] * a[1] - a[0] * a[0], C2 = 2.0 * c.b[1] * a[2] - a[1] * a[1];
    int rc = chain_run(in, &c, a, in->vp->chain_t_end);
    if (rc != FADYN_OK) {
        val[0] = NAN;
        return FADYN_OK;
    }
    double u = a[0], v = (u * u + C1) / (2.0 * c.b[0]), w = (v * v + C2) / (2.0 * c.b[1]);
    double first = u * v * w;
    val[0] = fabs(first - c.t) / (fabs(first) + fabs(c.t));
    return FADYN_OK;
}
