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

const char *fadyn_v_start_words(start_kind k) {
    static const char *const w[START_COUNT] = {
        "C = 0 start (A = 0, W = B+ P S P)",
        "zero start (A = W = 0)",
        "small random start (Fig. 4)",
        "large random start U[-1,1] (C != 0)",
        "near-bound C = 0 start (A = a B M, W = a^2 M M^T B^T / 2)",
        "zero start with n_h = 1"};
    return (unsigned)k < START_COUNT ? w[k] : "?";
}

start_kind fadyn_v_inst_start(const fadyn_verify_inst *in, start_kind wanted) {
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

/* --break sigma: Σ = diag(σ) with log σ_j ~ U[−log x, log x], drawn after
 * everything else, so T, B and the start are those of the unbroken run. */
static int sigma_draw(fadyn_problem *p, double spread, gsl_rng *r) {
    const size_t ni = p->sizes[0];
    double *sg = malloc(ni * sizeof(double));
    if (!sg) return FADYN_ENOMEM;
    for (size_t j = 0; j < ni; j++)
        sg[j] = pow(spread, 2.0 * gsl_rng_uniform(r) - 1.0);
    int rc = fadyn_problem_set_sigma(p, sg, NULL);
    free(sg);
    return rc;
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

/* A = α B M and W = ½ α² M Mᵀ Bᵀ with M ~ U[−1, 1] (n_o × n_i): then
 * B W = ½ A Aᵀ is symmetric and C = BW + WᵀBᵀ − AAᵀ = 0 (eq 14), and α makes
 * s(0) = ‖A‖² the fraction `frac` of eq 47's bound. */
static int near_start(fadyn_problem *p, double frac, gsl_rng *r) {
    const size_t ni = p->sizes[0], nh = p->sizes[1], no = p->sizes[2];
    double *M = malloc(no * ni * sizeof(double));
    if (!M) return FADYN_ENOMEM;
    fill_uniform(M, no * ni, 1.0, r);
    double *A = p->W[0], *W = p->W[1];
    fadyn_gemm(0, 0, nh, ni, no, 1.0, p->B[0], M, 0.0, A);
    double s0 = pow(fadyn_norm(A, nh * ni), 2), a = sqrt(frac * fadyn_s_bound_paper(p) / s0);
    for (size_t i = 0; i < nh * ni; i++)
        A[i] *= a;
    /* W = ½ (αM)(αM)ᵀ Bᵀ = ½ α M Aᵀ */
    fadyn_gemm(0, 1, no, nh, ni, 0.5 * a, M, A, 0.0, W);
    free(M);
    return FADYN_OK;
}

/* The instance's linear problem (T, B from the family's stream) and start;
 * START_NH1 has one hidden unit. */
int fadyn_v_inst_problem(fadyn_verify_inst *in, start_kind k, fadyn_problem *p) {
    const fadyn_verify_params *vp = in->vp;
    size_t sizes[3] = {in->sizes[0], k == START_NH1 ? 1 : in->sizes[1], in->sizes[2]};
    int rc = fadyn_problem_alloc(p, 2, sizes, fadyn_rule_type_find("fa"), NULL);
    if (rc != FADYN_OK) return rc;
    gsl_rng *r = fadyn_v_inst_rng(in, SALT_LINEAR);
    fadyn_init_params ip = fadyn_init_params_default();
    ip.w_scale = 0.0;
    fadyn_problem_draw(p, &ip, r);
    if (vp->brk == FADYN_BREAK_RANK && vp->representable && (rc = low_rank_target(p, r))) return rc;
    if (vp->brk == FADYN_BREAK_SIGMA && (rc = sigma_draw(p, vp->sigma_spread, r))) return rc;
    switch (k) {
    case START_ZERO:
    case START_NH1:
        break;
    case START_NEAR:
        rc = near_start(p, vp->near_bound, fadyn_v_inst_rng(in, SALT_NEAR));
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
    /* Lemma 4: the true V̇ along the field and the terms of its bound */
    double *fz, *E, *Ed, *BE, *BEd, *BW;
} sampler;

/* V and the closed-form V̇ at y + δ f. */
static void probe(sampler *s, const double *y, double delta, double *V, double *vdot) {
    fadyn_obs o;
    for (size_t i = 0; i < s->dim; i++)
        s->yp[i] = y[i] + delta * s->f[i];
    *V = fadyn_observer_eval(s->obs, 0.0, s->yp, &o) == FADYN_OK ? o.V : NAN;
    *vdot = fadyn_observer_vdot(s->obs, s->yp);
}

/* V̈ along the flow actually integrated (the injected fault included), from
 * the field and its derivative ÿ = (∂f/∂y) f, not from a closed form:
 * with E = T − W A (eq 5), Ė = −(Ẇ A + W Ȧ), Ë = −(Ẅ A + 2 Ẇ Ȧ + W Ä),
 *   V = ‖BE‖²,  V̈ = 2⟨B Ë, B E⟩ + 2‖B Ė‖².
 * *scale receives the size of the products summed, for the rounding floor. */
static double vddot_exact(sampler *s, const double *y, double *scale) {
    const fadyn_problem *p = &s->tr->p;
    const size_t ni = p->sizes[0], nh = p->sizes[1], no = p->sizes[2], na = nh * ni;
    const double *f = s->f, *ydd = s->fz;
    fadyn_dyn_jvp(s->fl->d, y, f, s->fz); /* ÿ = J f; the fault flips Ä as it flips Ȧ */
    if (s->fl->sign)
        for (size_t i = 0; i < na; i++)
            s->fz[i] = -s->fz[i];
    fadyn_dyn_error(s->fl->d, y, s->E);
    fadyn_gemm(0, 0, no, ni, nh, -1.0, f + na, y, 0.0, s->Ed); /* Ė = −Ẇ A − W Ȧ */
    fadyn_gemm(0, 0, no, ni, nh, -1.0, y + na, f, 1.0, s->Ed);
    fadyn_gemm(0, 0, nh, ni, no, 1.0, p->B[0], s->E, 0.0, s->BE);
    fadyn_gemm(0, 0, nh, ni, no, 1.0, p->B[0], s->Ed, 0.0, s->BEd);
    double v2 = 2.0 * fadyn_dot(s->BEd, s->BEd, na);
    fadyn_gemm(0, 0, no, ni, nh, -1.0, ydd + na, y, 0.0, s->Ed); /* Ë */
    fadyn_gemm(0, 0, no, ni, nh, -2.0, f + na, f, 1.0, s->Ed);
    fadyn_gemm(0, 0, no, ni, nh, -1.0, y + na, ydd, 1.0, s->Ed);
    fadyn_gemm(0, 0, nh, ni, no, 1.0, p->B[0], s->Ed, 0.0, s->BEd);
    double v1 = 2.0 * fadyn_dot(s->BEd, s->BE, na);
    *scale = 2.0 * fadyn_norm(s->BEd, na) * fadyn_norm(s->BE, na) + v2;
    return v1 + v2;
}

/* Lemma 4's bound on |V̈| from the state (docs/theory.md §3): with F = BE,
 * Ḟ = −F AᵀA − BW F and V̈ = 2⟨F̈, F⟩ + 2‖Ḟ‖², each product bounded by
 * |⟨X, Y⟩| <= ‖X‖‖Y‖, ‖XY‖ <= ‖X‖‖Y‖ (the terms of eq 48–49, for any C):
 *   |V̈| <= V ((6 s + 2 c)(s + k) + 6 √(V s)),  V = ‖BE‖², s = ‖A‖², k = ‖BW‖,
 * c = ‖C‖ (0 under eq 49's C = 0).  Σ = I, as eq 12–13. */
static double vddot_bound(sampler *s, const double *y, double V, double sa) {
    const fadyn_problem *p = &s->tr->p;
    const size_t ni = p->sizes[0], nh = p->sizes[1], no = p->sizes[2];
    double *K = s->BW, *G = s->BEd;
    fadyn_gemm(0, 0, nh, nh, no, 1.0, p->B[0], y + nh * ni, 0.0, K);
    fadyn_gemm(0, 1, nh, nh, ni, 1.0, y, y, 0.0, G);
    double k = fadyn_norm(K, nh * nh), c2 = 0.0;
    for (size_t i = 0; i < nh; i++)
        for (size_t j = 0; j < nh; j++) {
            double cij = K[i * nh + j] + K[j * nh + i] - G[i * nh + j]; /* eq 14 */
            c2 += cij * cij;
        }
    return V * ((6.0 * sa + 2.0 * sqrt(c2)) * (sa + k) + 6.0 * sqrt(V * sa));
}

static int on_sample(void *ctx, double t, const double *y) {
    sampler *s = ctx;
    vtraj *tr = s->tr;
    if (tr->n == s->cap) return FADYN_ENOMEM;
    size_t n = tr->n;
    int rc = fadyn_observer_eval(s->obs, t, y, &tr->rows[n]);
    if (rc != FADYN_OK) return rc;
    tr->vdot[n] = fadyn_observer_vdot(s->obs, y); /* docs/theory.md §3 (eq 34 when C = 0) */
    flow_eval(s->fl, y, s->f);
    double scale;
    tr->vddot[n] = vddot_exact(s, y, &scale); /* Lemma 4 */
    tr->vddot_bound[n] = vddot_bound(s, y, tr->rows[n].V, tr->rows[n].s) + 1e-12 * scale;
    /* central difference along the vector field f: d/dt V(y(t)) = ∇V·f */
    double nf = fadyn_norm(s->f, s->dim);
    if (nf > 0.0) {
        double delta = s->fd_rel * fmax(fadyn_norm(y, s->dim), 1.0) / nf;
        double Vp, Vm, dp, dm;
        probe(s, y, delta, &Vp, &dp);
        probe(s, y, -delta, &Vm, &dm);
        tr->vdot_fd[n] = (Vp - Vm) / (2.0 * delta);
    } else {
        tr->vdot_fd[n] = 0.0;
    }
    tr->n++;
    return FADYN_OK;
}

void fadyn_v_vtraj_free(vtraj *t) {
    if (!t->done) return;
    fadyn_problem_free(&t->p);
    free(t->rows);
    free(t->vdot);
    memset(t, 0, sizeof *t);
}

static int vtraj_run(fadyn_verify_inst *in, start_kind k, double t_end, vtraj *tr) {
    const fadyn_verify_params *vp = in->vp;
    memset(tr, 0, sizeof *tr);
    tr->done = 1;
    tr->status = FADYN_ENOMEM;
    int rc = fadyn_v_inst_problem(in, k, &tr->p);
    if (rc != FADYN_OK) return tr->status = rc;
    size_t cap = vp->integ.samples, dim = tr->p.dim;
    tr->rows = calloc(cap, sizeof(fadyn_obs));
    tr->vdot = malloc(4 * cap * sizeof(double));
    const size_t ni = tr->p.sizes[0], nh = tr->p.sizes[1], no = tr->p.sizes[2];
    double *y = malloc((4 * dim + 2 * no * ni + 2 * nh * ni + nh * nh) * sizeof(double));
    flow fl = {fadyn_dyn_alloc(&tr->p), fadyn_problem_wsize(&tr->p, 0), fadyn_v_inst_sign(in)};
    fadyn_observer *obs = fadyn_observer_alloc(&tr->p, tr->p.w0);
    if (tr->rows && tr->vdot && y && fl.d && obs) {
        tr->vdot_fd = tr->vdot + cap;
        tr->vddot = tr->vdot + 2 * cap;
        tr->vddot_bound = tr->vdot + 3 * cap;
        memcpy(y, tr->p.w0, dim * sizeof(double));
        double *q = y + 3 * dim;
        sampler s = {.fl = &fl,
                     .obs = obs,
                     .tr = tr,
                     .f = y + dim,
                     .yp = y + 2 * dim,
                     .fd_rel = vp->fd_rel,
                     .dim = dim,
                     .cap = cap,
                     .fz = q,
                     .E = q + dim};
        s.Ed = s.E + no * ni;
        s.BE = s.Ed + no * ni;
        s.BEd = s.BE + nh * ni;
        s.BW = s.BEd + nh * ni;
        fadyn_gemm(0, 0, nh, ni, no, 1.0, tr->p.B[0], tr->p.T, 0.0, s.BE);
        tr->vbt2 = pow(fadyn_norm(s.BE, nh * ni), 2);
        fadyn_integ_params ip = vp->integ;
        ip.t_end = t_end;
        gsl_odeiv2_system sys = {flow_gsl, NULL, dim, &fl};
        tr->status = fadyn_integrate(&sys, &ip, y, on_sample, &s, NULL, NULL);
    }
    free(y);
    fadyn_dyn_free(fl.d);
    fadyn_observer_free(obs);
    return tr->status;
}

const vtraj *fadyn_v_inst_traj(fadyn_verify_inst *in, start_kind kind) {
    start_kind k = fadyn_v_inst_start(in, kind);
    vtraj *t = &in->traj[k];
    if (!t->done) vtraj_run(in, k, in->vp->integ.t_end, t);
    return t;
}

/* An unfinished run fails its checks (verify_internal.h). */
int fadyn_v_traj_get(fadyn_verify_inst *in, start_kind k, double *val, const vtraj **out) {
    const vtraj *t = fadyn_v_inst_traj(in, k);
    *out = t;
    if (t->status != FADYN_OK || t->n < 2) {
        val[0] = NAN;
        *out = NULL;
    }
    return t->status == FADYN_ENOMEM ? FADYN_ENOMEM : FADYN_OK;
}

/* ---- the checks ------------------------------------------------------------------ */
int fadyn_v_check_conserved(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = fadyn_v_traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double m = 0.0;
    for (size_t i = 0; i < t->n; i++)
        m = fmax(m, t->rows[i].drift_rel); /* eq 14 */
    val[0] = m;
    return FADYN_OK;
}

int fadyn_v_check_v_nonincreasing(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = fadyn_v_traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double m = -INFINITY;
    for (size_t i = 1; i < t->n; i++)
        m = fmax(m, t->rows[i].V - t->rows[i - 1].V); /* Lemma 2 */
    val[0] = m / t->rows[0].V;
    return FADYN_OK;
}

int fadyn_v_check_vdot(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = fadyn_v_traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double err = 0.0, scale = 0.0;
    for (size_t i = 0; i < t->n; i++) {
        double d = fabs(t->vdot[i] - t->vdot_fd[i]);
        err = isnan(d) || isnan(err) ? NAN : fmax(err, d); /* Σ ≠ I: no closed form */
        scale = fmax(scale, fabs(t->vdot_fd[i]));
    }
    val[0] = scale > 0.0 ? err / scale : (err == 0.0 ? 0.0 : INFINITY);
    return FADYN_OK;
}

enum { BOUND_PAPER, BOUND_DERIVED, BOUND_SHARP };

static double s_bound(const vtraj *t, int which) {
    double s0 = t->rows[0].s, nh = (double)t->p.sizes[1];
    switch (which) {
    case BOUND_PAPER:
        return fadyn_s_bound_paper(&t->p); /* eq 47 */
    case BOUND_DERIVED:
        return fadyn_s_bound_derived(&t->p, s0); /* docs/theory.md §3 */
    default:
        return fmax(s0, pow(2.0 * nh * sqrt(t->vbt2), 2.0 / 3.0)); /* §3, ‖AAᵀ‖² >= s²/n_h */
    }
}

/* max_t s(t) / bound on the C = 0 start, the near-bound start and the n_h = 1
 * zero start (only the large start under c-nonzero): the largest ratio in
 * val[0], the near-bound start's in val[1], the n_h = 1 start's in val[2]. */
static int s_ratio(fadyn_verify_inst *in, double *val, int which) {
    static const start_kind kinds[3] = {START_CZERO, START_NEAR, START_NH1};
    double worst = -INFINITY;
    for (int j = 0; j < 3; j++) {
        if (j > 0 && fadyn_v_inst_start(in, kinds[j]) != kinds[j]) break; /* c-nonzero: one start */
        const vtraj *t;
        int rc = fadyn_v_traj_get(in, kinds[j], val, &t);
        if (!t) return rc;
        double bound = s_bound(t, which), m = 0.0;
        for (size_t i = 0; i < t->n; i++)
            m = fmax(m, t->rows[i].s); /* eq 35 */
        worst = fmax(worst, m / bound);
        if (j > 0) val[j] = m / bound;
    }
    val[0] = worst;
    return FADYN_OK;
}

int fadyn_v_check_s_paper(fadyn_verify_inst *in, double *val) {
    return s_ratio(in, val, BOUND_PAPER);
}

int fadyn_v_check_s_derived(fadyn_verify_inst *in, double *val) {
    return s_ratio(in, val, BOUND_DERIVED);
}

int fadyn_v_check_s_sharp(fadyn_verify_inst *in, double *val) {
    return s_ratio(in, val, BOUND_SHARP);
}

/* Lemma 4: |V̈| never exceeds the bound the proof's eq 48–49 give from the
 * state (vddot_bound), at every sample where ‖BE‖ is above rounding level
 * (‖BE‖ > 1e-8 ‖BT‖); the bound is attained (n_o = 1 near t = 0). */
int fadyn_v_check_vddot(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = fadyn_v_traj_get(in, START_CZERO, val, &t);
    if (!t) return rc;
    double ratio = 0.0, amax = 0.0;
    for (size_t i = 0; i < t->n && !isnan(ratio); i++) {
        if (!(t->rows[i].V > 1e-16 * t->vbt2)) continue;
        double b = t->vddot_bound[i], a = fabs(t->vddot[i]);
        amax = fmax(amax, a);
        ratio = isfinite(a) && isfinite(b) ? fmax(ratio, a / b) : NAN;
    }
    val[0] = ratio;
    val[1] = amax / t->rows[0].V;
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

/* The NSE at the sample nearest before t. */
static double nse_at(const vtraj *t, double when) {
    size_t i = t->n - 1;
    while (i > 0 && t->rows[i].t > when)
        i--;
    return t->rows[i].nse;
}

/* Theorem 1 with a horizon that follows the instance: from t_end, while
 * the NSE is above the tolerance and still falling (by more than 1e-6 of
 * itself over the last decade of time), the run is repeated to ten times
 * the horizon, up to THM1_HORIZONS horizons.  A run that has stopped
 * learning with NSE above the tolerance fails the claim; one still
 * learning at the last horizon is undecided (not converged by then). */
#define THM1_HORIZONS 2
int fadyn_v_check_theorem1(fadyn_verify_inst *in, double *val) {
    const vtraj *t;
    int rc = fadyn_v_traj_get(in, START_ZERO, val, &t);
    if (!t) return rc;
    vtraj longer = {0};
    double h = in->vp->integ.t_end;
    int undecided = 0;
    for (int k = 1;; k++) {
        double nse = t->rows[t->n - 1].nse;
        int learning = nse > THM1_TOL && nse_at(t, h / 10.0) - nse > 1e-6 * nse;
        if (!learning) break;
        if (k == THM1_HORIZONS) {
            undecided = 1;
            break;
        }
        fadyn_v_vtraj_free(&longer);
        h *= 10.0;
        if ((rc = vtraj_run(in, fadyn_v_inst_start(in, START_ZERO), h, &longer)) != FADYN_OK) {
            fadyn_v_vtraj_free(&longer);
            val[0] = NAN;
            return rc == FADYN_ENOMEM ? rc : FADYN_OK;
        }
        t = &longer;
    }
    val[0] = t->rows[t->n - 1].nse;
    val[1] = val[0] - rank_floor(&t->p); /* above the best any n_h-unit network reaches */
    val[2] = h;
    fadyn_v_vtraj_free(&longer);
    return undecided ? FADYN_VERIFY_UNDECIDED : FADYN_OK;
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
    const vtraj *t = fadyn_v_inst_traj(&in, START_CZERO);
    tr->status = t->status;
    tr->instance = instance;
    tr->start = fadyn_v_start_words(fadyn_v_inst_start(&in, START_CZERO));
    memcpy(tr->sizes, in.sizes, sizeof tr->sizes);
    rc = t->status == FADYN_ENOMEM ? FADYN_ENOMEM : FADYN_OK;
    if (rc == FADYN_OK) {
        tr->rows = malloc((t->n + 1) * sizeof(fadyn_obs));
        tr->vdot = malloc(3 * (t->n + 1) * sizeof(double));
        if (tr->rows && tr->vdot) {
            tr->vddot = tr->vdot + t->n + 1;
            tr->vddot_bound = tr->vddot + t->n + 1;
            memcpy(tr->rows, t->rows, t->n * sizeof(fadyn_obs));
            memcpy(tr->vdot, t->vdot, t->n * sizeof(double));
            memcpy(tr->vddot, t->vddot, t->n * sizeof(double));
            memcpy(tr->vddot_bound, t->vddot_bound, t->n * sizeof(double));
            tr->nrows = t->n;
            tr->s_bound_paper = fadyn_s_bound_paper(&t->p);
            tr->s_bound_derived = fadyn_s_bound_derived(&t->p, t->n ? t->rows[0].s : 0.0);
        } else {
            rc = FADYN_ENOMEM;
        }
    }
    for (int k = 0; k < START_COUNT; k++)
        fadyn_v_vtraj_free(&in.traj[k]);
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
    tr->vdot = tr->vddot = tr->vddot_bound = NULL;
    tr->nrows = 0;
}
