/* proof1.c — Proof 1 (docs/theory.md §3: eq 14, Lemmas 2–4, eq 47, Theorem 1) and
 * Fig. 4's claim, measured on trajectories of the expected dynamics. */
#include "fadyn/dynamics.h"
#include "fadyn/integrate.h"
#include "fadyn/linalg.h"
#include "verify_internal.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *start_words(start_kind k) {
    static const char *const w[START_COUNT] = {
        "C = 0 start (A = 0, W = B+ P S P)", "zero start (A = W = 0)",
        "small random start (Fig. 4)", "large random start U[-1,1] (C != 0)"};
    return (unsigned)k < START_COUNT ? w[k] : "?";
}

start_kind inst_start(const fadyn_verify_inst *in, start_kind wanted) {
    return in->vp->brk == FADYN_BREAK_C_NONZERO ? START_BIG : wanted;
}

static void fill_uniform(double *a, size_t n, double scale, gsl_rng *r) {
    for (size_t i = 0; i < n; i++)
        a[i] = scale * (2.0 * gsl_rng_uniform(r) - 1.0);
}

/* Under --break rank with vp->representable the target has rank n_h, so a
 * failure to reach E = 0 would be fa's and not the network's capacity:
 * T = T1 T2 sqrt(3/n_h), entries of the same variance as U[-1,1]. */
static int low_rank_target(fadyn_problem *p, gsl_rng *r) {
    const size_t ni = p->sizes[0], nh = p->sizes[1], no = p->sizes[2];
    double *T1 = malloc((no * nh + nh * ni) * sizeof(double));
    if (!T1) return FADYN_ENOMEM;
    double *T2 = T1 + no * nh;
    fill_uniform(T1, no * nh + nh * ni, 1.0, r);
    fadyn_gemm(0, 0, no, ni, nh, sqrt(3.0 / (double)nh), T1, T2, 0.0, p->T);
    free(T1);
    return FADYN_OK;
}

/* A = 0 and W = B⁺ P S P with P = B B⁺ and S skew: then B W = P S P is skew
 * and C = BW + WᵀBᵀ − AAᵀ = 0 (eq 14) with W ≠ 0. */
static int czero_start(fadyn_problem *p, double scale, gsl_rng *r) {
    const size_t nh = p->sizes[1], no = p->sizes[2];
    double *buf = malloc((2 * no * nh + 3 * nh * nh) * sizeof(double));
    fadyn_pinv_ws *ws = fadyn_pinv_ws_alloc(nh, no);
    if (!buf || !ws) {
        free(buf);
        fadyn_pinv_ws_free(ws);
        return FADYN_ENOMEM;
    }
    double *Bp = buf, *P = Bp + no * nh, *S = P + nh * nh, *K = S + nh * nh, *Wtmp = K + nh * nh;
    int rc = fadyn_pinv(ws, nh, no, p->B[0], Bp, NULL);
    if (rc == FADYN_OK) {
        fadyn_gemm(0, 0, nh, nh, no, 1.0, p->B[0], Bp, 0.0, P);
        for (size_t i = 0; i < nh; i++) {
            S[i * nh + i] = 0.0;
            for (size_t j = 0; j < i; j++) {
                S[i * nh + j] = scale * (2.0 * gsl_rng_uniform(r) - 1.0);
                S[j * nh + i] = -S[i * nh + j];
            }
        }
        fadyn_gemm(0, 0, nh, nh, nh, 1.0, P, S, 0.0, K);
        fadyn_gemm(0, 0, nh, nh, nh, 1.0, K, P, 0.0, S); /* S ← P S P */
        fadyn_gemm(0, 0, no, nh, nh, 1.0, Bp, S, 0.0, Wtmp);
        memcpy(p->W[1], Wtmp, no * nh * sizeof(double));
        memset(p->W[0], 0, nh * p->sizes[0] * sizeof(double));
    }
    fadyn_pinv_ws_free(ws);
    free(buf);
    return rc;
}

/* The instance's linear problem (T, B from the family's stream) and start. */
static int build_problem(fadyn_verify_inst *in, start_kind k, fadyn_problem *p) {
    const fadyn_verify_params *vp = in->vp;
    int rc = fadyn_problem_alloc(p, 2, in->sizes, fadyn_rule_type_find("fa"), NULL);
    if (rc != FADYN_OK) return rc;
    gsl_rng *r = inst_rng(in, SALT_LINEAR);
    fadyn_init_params ip = fadyn_init_params_default();
    ip.w_scale = 0.0;
    fadyn_problem_draw(p, &ip, r);
    if (vp->brk == FADYN_BREAK_RANK && vp->representable && (rc = low_rank_target(p, r))) return rc;
    switch (k) {
    case START_ZERO:
        break;
    case START_SMALL:
        fill_uniform(p->w0, p->dim, vp->small_scale, r);
        break;
    case START_BIG:
        fill_uniform(p->w0, p->dim, vp->big_scale, r);
        break;
    default:
        rc = czero_start(p, vp->skew_scale, r);
    }
    return rc;
}

/* ---- the flow, with the fault injection of --break sign ----------------------- */
typedef struct {
    fadyn_dyn *d;
    size_t na; /* entries of A = W_0, the hidden layer's incoming weights */
    int sign;  /* 1: Ȧ = −B E (the injected fault) */
} flow;

static void flow_eval(flow *fl, const double *y, double *f) {
    fadyn_dyn_rhs(fl->d, y, f); /* eq 12–13 */
    if (fl->sign)
        for (size_t i = 0; i < fl->na; i++)
            f[i] = -f[i];
}

static int flow_gsl(double t, const double y[], double f[], void *params) {
    (void)t;
    flow_eval(params, y, f);
    return GSL_SUCCESS;
}

typedef struct {
    flow *fl;
    fadyn_observer *obs;
    vtraj *tr;
    double *f, *yp, fd_rel;
    size_t dim, cap;
} sampler;

/* V and the closed-form V̇ at y + δ f. */
static void probe(sampler *s, const double *y, double delta, double *V, double *vdot) {
    fadyn_obs o;
    for (size_t i = 0; i < s->dim; i++)
        s->yp[i] = y[i] + delta * s->f[i];
    *V = fadyn_observer_eval(s->obs, 0.0, s->yp, &o) == FADYN_OK ? o.V : NAN;
    *vdot = fadyn_observer_vdot(s->obs, s->yp);
}

static int on_sample(void *ctx, double t, const double *y) {
    sampler *s = ctx;
    vtraj *tr = s->tr;
    if (tr->n == s->cap) return FADYN_ENOMEM;
    size_t n = tr->n;
    int rc = fadyn_observer_eval(s->obs, t, y, &tr->rows[n]);
    if (rc != FADYN_OK) return rc;
    tr->vdot[n] = fadyn_observer_vdot(s->obs, y); /* docs/theory.md §3 (eq 34 when C = 0) */
    /* central differences along the vector field f: d/dt V(y(t)) = ∇V·f */
    flow_eval(s->fl, y, s->f);
    double nf = fadyn_norm(s->f, s->dim);
    if (nf > 0.0) {
        double delta = s->fd_rel * fmax(fadyn_norm(y, s->dim), 1.0) / nf;
        double Vp, Vm, dp, dm;
        probe(s, y, delta, &Vp, &dp);
        probe(s, y, -delta, &Vm, &dm);
        tr->vdot_fd[n] = (Vp - Vm) / (2.0 * delta);
        tr->vddot[n] = (dp - dm) / (2.0 * delta);
    } else {
        tr->vdot_fd[n] = tr->vddot[n] = 0.0;
    }
    tr->n++;
    return FADYN_OK;
}

void vtraj_free(vtraj *t) {
    if (!t->done) return;
    fadyn_problem_free(&t->p);
    free(t->rows);
    free(t->vdot);
    memset(t, 0, sizeof *t);
}

static int vtraj_run(fadyn_verify_inst *in, start_kind k, vtraj *tr) {
    const fadyn_verify_params *vp = in->vp;
    memset(tr, 0, sizeof *tr);
    tr->done = 1;
    tr->status = FADYN_ENOMEM;
    int rc = build_problem(in, k, &tr->p);
    if (rc != FADYN_OK) return tr->status = rc;
    size_t cap = vp->samples, dim = tr->p.dim;
    tr->rows = calloc(cap, sizeof(fadyn_obs));
    tr->vdot = malloc(3 * cap * sizeof(double));
    double *y = malloc(3 * dim * sizeof(double));
    flow fl = {fadyn_dyn_alloc(&tr->p), fadyn_problem_wsize(&tr->p, 0), inst_sign(in)};
    fadyn_observer *obs = fadyn_observer_alloc(&tr->p, tr->p.w0);
    if (tr->rows && tr->vdot && y && fl.d && obs) {
        tr->vdot_fd = tr->vdot + cap;
        tr->vddot = tr->vdot + 2 * cap;
        memcpy(y, tr->p.w0, dim * sizeof(double));
        sampler s = {&fl, obs, tr, y + dim, y + 2 * dim, vp->fd_rel, dim, cap};
        fadyn_integ_params ip = fadyn_integ_params_default();
        ip.stepper = vp->stepper;
        ip.rtol = vp->rtol;
        ip.atol = vp->atol;
        ip.t_end = vp->t_end;
        ip.samples = vp->samples;
        ip.log_time = vp->log_time; /* resolves the early phase (Fig. 4, rises of V) */
        gsl_odeiv2_system sys = {flow_gsl, NULL, dim, &fl};
        tr->status = fadyn_integrate(&sys, &ip, y, on_sample, &s, NULL, NULL);
    }
    free(y);
    fadyn_dyn_free(fl.d);
    fadyn_observer_free(obs);
    return tr->status;
}

const vtraj *inst_traj(fadyn_verify_inst *in, start_kind kind) {
    start_kind k = inst_start(in, kind);
    vtraj *t = &in->traj[k];
    if (!t->done) vtraj_run(in, k, t);
    return t;
}

/* The trajectory of start kind k into *out, or NULL (val[0] = NaN) if the
 * run did not reach the horizon: an unfinished run fails its checks.
 * Returns FADYN_ENOMEM if it could not be run for lack of memory. */
static int traj_get(fadyn_verify_inst *in, start_kind k, double *val, const vtraj **out) {
    const vtraj *t = inst_traj(in, k);
    *out = t;
    if (t->status != FADYN_OK || t->n < 2) {
        val[0] = NAN;
        *out = NULL;
    }
    return t->status == FADYN_ENOMEM ? FADYN_ENOMEM : FADYN_OK;
}

/* ---- the checks ------------------------------------------------------------------ */
int check_conserved(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double m = 0.0;
    for (size_t i = 0; i < t->n; i++)
        m = fmax(m, t->rows[i].drift_rel); /* eq 14 */
    val[0] = m;
    return FADYN_OK;
}

int check_v_nonincreasing(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double m = -INFINITY;
    for (size_t i = 1; i < t->n; i++)
        m = fmax(m, t->rows[i].V - t->rows[i - 1].V); /* Lemma 2 */
    val[0] = m / t->rows[0].V;
    return FADYN_OK;
}

int check_vdot(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double err = 0.0, scale = 0.0;
    for (size_t i = 0; i < t->n; i++) {
        err = fmax(err, fabs(t->vdot[i] - t->vdot_fd[i]));
        scale = fmax(scale, fabs(t->vdot_fd[i]));
    }
    val[0] = scale > 0.0 ? err / scale : (err == 0.0 ? 0.0 : INFINITY);
    return FADYN_OK;
}

static int s_ratio(fadyn_verify_inst *in, double *val, int paper) {
    const vtraj *t;
    int rc = traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double bound = paper ? fadyn_s_bound_paper(&t->p) : fadyn_s_bound_derived(&t->p, t->rows[0].s);
    double m = 0.0;
    for (size_t i = 0; i < t->n; i++)
        m = fmax(m, t->rows[i].s); /* eq 35 */
    val[0] = val[1] = m / bound;
    return FADYN_OK;
}

int check_s_paper(fadyn_verify_inst *in, double *val) {
    return s_ratio(in, val, 1); /* eq 47 */
}

int check_s_derived(fadyn_verify_inst *in, double *val) {
    return s_ratio(in, val, 0); /* docs/theory.md §3 */
}

int check_vddot(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double vmax = 0.0, amax = 0.0;
    for (size_t i = 0; i < t->n; i++) {
        vmax = fmax(vmax, fabs(t->vdot[i]));
        amax = fmax(amax, fabs(t->vddot[i])); /* Lemma 4: V̈ bounded */
    }
    val[0] = vmax > 0.0 ? fabs(t->vdot[t->n - 1]) / vmax : 0.0; /* Barbalat: V̇ → 0 */
    val[1] = amax / t->rows[0].V;
    if (!isfinite(amax)) val[0] = NAN;
    return FADYN_OK;
}

/* The smallest NSE any network with n_h hidden units reaches (Σ = I):
 * the squared singular values of T beyond the n_h largest over all of them
 * (Eckart–Young); 0 when n_o <= n_h. */
static double rank_floor(const fadyn_problem *p) {
    const size_t ni = p->sizes[0], nh = p->sizes[1], no = p->sizes[2];
    if (no <= nh || ni <= nh) return 0.0;
    double *M = malloc((2 * no * no + no) * sizeof(double));
    if (!M) return NAN;
    double *ev = M + 2 * no * no, lo = 0.0, all = 0.0;
    fadyn_gemm(0, 1, no, no, ni, 1.0, p->T, p->T, 0.0, M); /* T Tᵀ */
    if (fadyn_eig_sym(no, M, ev, M + no * no) != 0) {
        free(M);
        return NAN;
    }
    for (size_t i = 0; i < no; i++) { /* ascending */
        all += ev[i];
        if (i < no - nh) lo += ev[i];
    }
    free(M);
    return all > 0.0 ? lo / all : 0.0;
}

int check_theorem1(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = traj_get(in, START_ZERO, val, &t);
    if (!t) return rc;
    val[0] = t->rows[t->n - 1].nse;
    val[1] = val[0] - rank_floor(&t->p); /* above the best any n_h-unit network reaches */
    return FADYN_OK;
}

/* Fig. 4: the fraction of the learning time (NSE above nse_floor) during
 * which the fa update is at least as close to pbp's W⁺E as to bp's WᵀE
 * (ties within fig4_tie_deg count: with n_o = 1, W⁺ ∝ Wᵀ). */
int check_fig4(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = traj_get(in, START_SMALL, val, &t);
    if (!t) return rc;
    double total = 0.0, holds = 0.0;
    int always = 1;
    for (size_t i = 1; i < t->n; i++) {
        const fadyn_obs *o = &t->rows[i];
        if (!(o->nse > in->vp->nse_floor) || !isfinite(o->angle_bp) || !isfinite(o->angle_pbp))
            continue;
        double dt = o->t - t->rows[i - 1].t;
        int h = o->angle_pbp <= o->angle_bp + in->vp->fig4_tie_deg;
        total += dt;
        holds += h ? dt : 0.0;
        always &= h;
    }
    val[0] = total > 0.0 ? holds / total : NAN;
    val[1] = always;
    val[2] = val[0];
    return FADYN_OK;
}

/* ---- the trace for plots ------------------------------------------------------------ */
int fadyn_verify_trace_run(const fadyn_verify_params *vp, size_t instance, fadyn_verify_trace *tr,
                           fadyn_err *err) {
    memset(tr, 0, sizeof *tr);
    int rc = fadyn_verify_params_check(vp, err);
    if (rc != FADYN_OK) return rc;
    fadyn_verify_inst in;
    memset(&in, 0, sizeof in);
    in.vp = vp;
    in.index = instance;
    fadyn_verify_instance_sizes(vp, instance, in.sizes);
    in.rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!in.rng) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    const vtraj *t = inst_traj(&in, START_CZERO);
    tr->status = t->status;
    tr->instance = instance;
    tr->start = start_words(inst_start(&in, START_CZERO));
    memcpy(tr->sizes, in.sizes, sizeof tr->sizes);
    rc = t->status == FADYN_ENOMEM ? FADYN_ENOMEM : FADYN_OK;
    if (rc == FADYN_OK) {
        tr->rows = malloc((t->n + 1) * sizeof(fadyn_obs));
        tr->vdot = malloc((t->n + 1) * sizeof(double));
        if (tr->rows && tr->vdot) {
            memcpy(tr->rows, t->rows, t->n * sizeof(fadyn_obs));
            memcpy(tr->vdot, t->vdot, t->n * sizeof(double));
            tr->nrows = t->n;
            tr->s_bound_paper = fadyn_s_bound_paper(&t->p);
            tr->s_bound_derived = fadyn_s_bound_derived(&t->p, t->n ? t->rows[0].s : 0.0);
        } else {
            rc = FADYN_ENOMEM;
        }
    }
    for (int k = 0; k < START_COUNT; k++)
        vtraj_free(&in.traj[k]);
    gsl_rng_free(in.rng);
    if (rc != FADYN_OK) {
        fadyn_verify_trace_free(tr);
        return fadyn_err_set(err, rc, "out of memory");
    }
    return FADYN_OK;
}

void fadyn_verify_trace_free(fadyn_verify_trace *tr) {
    free(tr->rows);
    free(tr->vdot);
    tr->rows = NULL;
    tr->vdot = NULL;
    tr->nrows = 0;
}
