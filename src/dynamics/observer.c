/* observer.c — loss, NSE, V (eq 23), the conserved C (eq 14), s (eq 35), the
 * bounds on s (eq 47 and docs/theory.md §3) and the alignment angles. */
#include "fadyn/observer.h"
#include "fadyn/dynamics.h"
#include "fadyn/linalg.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const fadyn_obs_names[] = {"t",         "loss", "nse",      "V",        "drift",
                                       "drift_rel", "s",    "angle_bp", "angle_pbp"};

struct fadyn_observer {
    const fadyn_problem *p;
    fadyn_dyn *dyn;
    fadyn_pinv_ws *pinv;
    double *E, *ES, *C0, *C, *tmp, *tmp2, *u, *ubp, *upbp, *Wplus, *block;
    size_t csize; /* total entries of all C_k */
    double tsT;   /* tr(T Σ Tᵀ) */
};

#define WK(y, k) ((y) + fadyn_problem_offset(o->p, (k)))

/* C_k = F_k − W_{k-1} W_{k-1}ᵀ for every hidden layer k = 1..L-1, F_k the
 * rule's first term (eq 14 for fa), concatenated; also the scale
 * ‖F_k‖ + ‖W_{k-1}W_{k-1}ᵀ‖ for the relative drift. */
static double conserved(fadyn_observer *o, const double *y, double *C) {
    const fadyn_problem *p = o->p;
    const fadyn_rule_ode *rule = p->rule->ode;
    const size_t *n = p->sizes;
    double scale2a = 0.0, scale2b = 0.0;
    for (size_t k = 1; k < p->depth; k++) {
        size_t m = n[k];
        double *first = o->tmp;
        /* AAᵀ for the weights into layer k */
        fadyn_gemm(0, 1, m, m, n[k - 1], 1.0, WK(y, k - 1), WK(y, k - 1), 0.0, C);
        scale2b += pow(fadyn_norm(C, m * m), 2);
        if (rule->conserved)
            rule->conserved(p, y, k, first);
        else
            memset(first, 0, m * m * sizeof(double));
        scale2a += pow(fadyn_norm(first, m * m), 2);
        for (size_t i = 0; i < m * m; i++)
            C[i] = first[i] - C[i];
        C += m * m;
    }
    return sqrt(scale2a) + sqrt(scale2b);
}

fadyn_observer *fadyn_observer_alloc(const fadyn_problem *p, const double *y0) {
    fadyn_observer *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->p = p;
    const size_t *n = p->sizes, L = p->depth, n0 = n[0];
    size_t nh = n[L - 1], no = n[L], big = 0;
    o->csize = 0;
    for (size_t k = 1; k < L; k++) {
        o->csize += n[k] * n[k];
        if (n[k] * n[k] > big) big = n[k] * n[k];
    }
    if (nh * n0 > big) big = nh * n0;
    size_t total = 2 * no * n0 + 2 * o->csize + 2 * big + 3 * nh * n0 + nh * no;
    o->block = calloc(total, sizeof(double));
    o->dyn = fadyn_dyn_alloc(p);
    o->pinv = fadyn_pinv_ws_alloc(no, nh);
    if (!o->block || !o->dyn || !o->pinv) {
        fadyn_observer_free(o);
        return NULL;
    }
    double *q = o->block;
    o->E = q, q += no * n0;
    o->ES = q, q += no * n0;
    o->C0 = q, q += o->csize;
    o->C = q, q += o->csize;
    o->tmp = q, q += big;
    o->tmp2 = q, q += big;
    o->u = q, q += nh * n0;
    o->ubp = q, q += nh * n0;
    o->upbp = q, q += nh * n0;
    o->Wplus = q, q += nh * no;
    conserved(o, y0, o->C0);
    double t = 0.0;
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < n0; j++)
            t += p->T[i * n0 + j] * p->T[i * n0 + j] * (p->sigma ? p->sigma[j] : 1.0);
    o->tsT = t;
    return o;
}

void fadyn_observer_free(fadyn_observer *o) {
    if (!o) return;
    fadyn_dyn_free(o->dyn);
    fadyn_pinv_ws_free(o->pinv);
    free(o->block);
    free(o);
}

int fadyn_observer_eval(fadyn_observer *o, double t, const double *y, fadyn_obs *r) {
    const fadyn_problem *p = o->p;
    const size_t *n = p->sizes, L = p->depth, n0 = n[0];
    size_t nh = n[L - 1], no = n[L];
    const double *W = WK(y, L - 1), *A = WK(y, L - 2);
    fadyn_dyn_error(o->dyn, y, o->E);
    memcpy(o->ES, o->E, no * n0 * sizeof(double));
    if (p->sigma)
        for (size_t i = 0; i < no; i++)
            for (size_t j = 0; j < n0; j++)
                o->ES[i * n0 + j] *= p->sigma[j];
    double tese = fadyn_dot(o->E, o->ES, no * n0); /* tr(E Σ Eᵀ) */
    r->t = t;
    r->loss = 0.5 * tese;
    r->nse = fadyn_obs_nse(tese, o->tsT);
    /* V = ‖B E‖² (eq 23), with the feedback into the last hidden layer */
    fadyn_gemm(0, 0, nh, n0, no, 1.0, p->B[L - 2], o->E, 0.0, o->tmp2);
    r->V = pow(fadyn_norm(o->tmp2, nh * n0), 2);
    /* drift of C (eq 14) */
    double scale = conserved(o, y, o->C);
    double d2 = 0.0;
    for (size_t i = 0; i < o->csize; i++)
        d2 += (o->C[i] - o->C0[i]) * (o->C[i] - o->C0[i]);
    r->drift = sqrt(d2);
    r->drift_rel = scale > 0.0 ? r->drift / scale : (r->drift == 0.0 ? 0.0 : INFINITY);
    /* s = tr(A Aᵀ) (eq 35) for the weights into the last hidden layer */
    size_t na = n[L - 2];
    r->s = pow(fadyn_norm(A, nh * na), 2);
    /* angles of the rule's hidden update to bp's Wᵀ E Σ and pbp's W⁺ E Σ */
    int rc = fadyn_pinv(o->pinv, no, nh, W, o->Wplus, NULL);
    if (rc != 0) return rc;
    fadyn_obs_reference_updates(nh, no, n0, W, o->Wplus, o->ES, o->ES, o->ubp, o->upbp);
    if (!p->rule->ode->signal) { /* the hidden layers do not learn */
        r->angle_bp = r->angle_pbp = NAN;
        return 0;
    }
    p->rule->ode->signal(p, y, L - 1, n0, o->ES, o->u);
    fadyn_obs_angles(o->u, o->ubp, o->upbp, nh * n0, &r->angle_bp, &r->angle_pbp);
    return 0;
}

double fadyn_obs_nse(double err2, double target2) {
    return target2 > 0.0 ? err2 / target2 : NAN;
}

void fadyn_obs_reference_updates(size_t nk, size_t nk1, size_t c, const double *W,
                                 const double *Wplus, const double *Gb, const double *Gp,
                                 double *ubp, double *upbp) {
    if (c == 1) { /* one example: BLAS level 2 */
        cblas_dgemv(CblasRowMajor, CblasTrans, (int)nk1, (int)nk, 1.0, W, (int)nk, Gb, 1, 0.0, ubp,
                    1);
        cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)nk, (int)nk1, 1.0, Wplus, (int)nk1, Gp, 1,
                    0.0, upbp, 1);
    } else {
        fadyn_gemm(1, 0, nk, c, nk1, 1.0, W, Gb, 0.0, ubp);
        fadyn_gemm(0, 0, nk, c, nk1, 1.0, Wplus, Gp, 0.0, upbp);
    }
}

void fadyn_obs_angles(const double *u, const double *ubp, const double *upbp, size_t n,
                      double *angle_bp, double *angle_pbp) {
    *angle_bp = fadyn_angle_deg(u, ubp, n);
    *angle_pbp = fadyn_angle_deg(u, upbp, n);
}

void fadyn_obs_to_array(const fadyn_obs *r, double *v) {
    double a[FADYN_OBS_NCOLS] = {r->t,         r->loss, r->nse,      r->V,        r->drift,
                                 r->drift_rel, r->s,    r->angle_bp, r->angle_pbp};
    memcpy(v, a, sizeof a);
}

double fadyn_observer_vdot(fadyn_observer *o, const double *y) {
    const fadyn_problem *p = o->p;
    if (p->depth != 2 || !p->rule->ode->vdot || p->sigma) return NAN;
    fadyn_dyn_error(o->dyn, y, o->E);
    conserved(o, y, o->C);
    return p->rule->ode->vdot(p, y, o->E, o->C, o->u, o->tmp, o->tmp2);
}

static double norm_BT(const fadyn_problem *p, double *scratch) {
    const size_t *n = p->sizes;
    fadyn_gemm(0, 0, n[1], n[0], n[2], 1.0, p->B[0], p->T, 0.0, scratch);
    return fadyn_norm(scratch, n[1] * n[0]);
}

double fadyn_s_bound_paper(const fadyn_problem *p) {
    if (p->depth != 2) return NAN;
    double *s = malloc(p->sizes[1] * p->sizes[0] * sizeof(double));
    if (!s) return NAN;
    double bt = norm_BT(p, s);
    free(s);
    return bt * bt + 2.0 * (double)p->sizes[1]; /* eq 47 as printed */
}

double fadyn_s_bound_derived(const fadyn_problem *p, double s0) {
    if (p->depth != 2) return NAN;
    double *s = malloc(p->sizes[1] * p->sizes[0] * sizeof(double));
    if (!s) return NAN;
    double bt = norm_BT(p, s), nh = (double)p->sizes[1];
    free(s);
    return fmax(s0, pow(2.0 * nh * nh * bt, 2.0 / 3.0)); /* docs/theory.md §3 */
}
