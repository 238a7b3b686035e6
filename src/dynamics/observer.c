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
    double *E, *ES, *C0, *C, *tmp, *tmp2, *u, *ubp, *upbp, *Wplus, *eye, *M, *block;
    size_t csize;           /* total entries of all C_k */
    double tsT;             /* tr(T Σ Tᵀ) */
    double nTS;             /* ‖T Σ‖_F */
    double level;           /* noise floor of the angles (fadyn_observer_set_floor) */
    double c0_rel;          /* ‖C(0)‖ relative (fadyn_observer_c0_rel) */
    fadyn_angle_kind angle; /* signed or |cos| (fadyn_observer_set_angle) */
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

/* x / scale, 0 for 0 / 0 and ∞ for x / 0. */
static double relative(double x, double scale) {
    return scale > 0.0 ? x / scale : (x == 0.0 ? 0.0 : INFINITY);
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
    size_t total = 2 * no * n0 + 2 * o->csize + 2 * big + 3 * nh * n0 + 2 * nh * no + no * no;
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
    o->M = q, q += nh * no;
    o->eye = q, q += no * no;
    for (size_t i = 0; i < no; i++)
        o->eye[i * no + i] = 1.0;
    double c0_scale = conserved(o, y0, o->C0), c0 = fadyn_norm(o->C0, o->csize);
    o->c0_rel = relative(c0, c0_scale);
    double t = 0.0, ts2 = 0.0;
    for (size_t i = 0; i < no; i++)
        for (size_t j = 0; j < n0; j++) {
            double sj = p->sigma ? p->sigma[j] : 1.0, tij = p->T[i * n0 + j];
            t += tij * tij * sj;
            ts2 += tij * tij * sj * sj;
        }
    o->tsT = t;
    o->nTS = sqrt(ts2);
    o->level = FADYN_ANGLE_FLOOR;
    return o;
}

double fadyn_observer_c0_rel(const fadyn_observer *o) {
    return o->c0_rel;
}

void fadyn_observer_set_floor(fadyn_observer *o, double level) {
    o->level = level;
}

void fadyn_observer_set_angle(fadyn_observer *o, fadyn_angle_kind k) {
    o->angle = k;
}

/* ∠(a, b) in degrees, NaN unless both signals are above the noise level
 * (fadyn/observer.h): ‖a‖ ≥ floor·ma, ‖b‖ ≥ floor·mb, with ma, mb the
 * sizes the signals have when E Σ is at the floor. */
static double defined_angle(const double *a, const double *b, size_t n, double ma, double mb,
                            double level, fadyn_angle_kind k) {
    if (fadyn_norm(a, n) < level * ma || fadyn_norm(b, n) < level * mb) return NAN;
    return fadyn_angle_as(fadyn_angle_deg(a, b, n), k);
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
    r->drift_rel = relative(r->drift, scale);
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
    r->angle_bp = r->angle_pbp = NAN;
    if (!(sqrt(r->nse) >= o->level)) return 0; /* E at the noise level: no direction */
    /* the size M E Σ has when E Σ is ‖T Σ‖ in a random direction, ‖M‖_F ‖T Σ‖ / √n_o,
     * for M the rule's M_{L-1}, Wᵀ and W⁺ */
    p->rule->ode->signal(p, y, L - 1, no, o->eye, o->M);
    double gain = o->nTS / sqrt((double)no), mu = fadyn_norm(o->M, nh * no) * gain,
           mbp = fadyn_norm(W, nh * no) * gain, mpbp = fadyn_norm(o->Wplus, nh * no) * gain;
    r->angle_bp = defined_angle(o->u, o->ubp, nh * n0, mu, mbp, o->level, o->angle);
    r->angle_pbp = defined_angle(o->u, o->upbp, nh * n0, mu, mpbp, o->level, o->angle);
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
                      fadyn_angle_kind k, double *angle_bp, double *angle_pbp) {
    *angle_bp = fadyn_angle_as(fadyn_angle_deg(u, ubp, n), k);
    *angle_pbp = fadyn_angle_as(fadyn_angle_deg(u, upbp, n), k);
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
