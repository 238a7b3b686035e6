/* phase111.c — the 1-1-1 network's flow, Jacobian, conserved C, cubic
 * equilibria, analytic basin and equilibrium stability (docs/theory.md §4). */
#include "fadyn/io.h"
#include "fadyn/linalg.h"
#include "fadyn/phase.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>

const char *fadyn_phase_class_name(int cls) {
    static const char *const names[FADYN_PHASE_NCLASS] = {"good", "bad", "diverged", "unconverged",
                                                          "unstable"};
    if (cls == FADYN_PHASE_NONE) return "none";
    return cls >= 0 && cls < FADYN_PHASE_NCLASS ? names[cls] : "?";
}

/* eq (12)–(13) with 1x1 matrices: ȧ = b E, ẇ = E a, E = t − w a (eq 5);
 * backward time runs the same field reversed. */
int fadyn_phase_rhs(double tt, const double y[], double f[], void *params) {
    (void)tt;
    fadyn_phase_sys *s = params;
    s->nrhs++;
    double e = s->backward ? y[1] * y[0] - s->t : s->t - y[1] * y[0];
    f[0] = s->b * e;
    f[1] = e * y[0];
    return GSL_SUCCESS;
}

int fadyn_phase_jac(double tt, const double y[], double *dfdy, double dfdt[], void *params) {
    (void)tt;
    fadyn_phase_sys *s = params;
    s->njac++;
    double a = y[0], w = y[1], sg = s->backward ? -1.0 : 1.0;
    dfdy[0] = -sg * s->b * w;            /* ∂ȧ/∂a */
    dfdy[1] = -sg * s->b * a;            /* ∂ȧ/∂w */
    dfdy[2] = sg * (s->t - 2.0 * w * a); /* ∂ẇ/∂a = E − w a */
    dfdy[3] = -sg * a * a;               /* ∂ẇ/∂w */
    dfdt[0] = dfdt[1] = 0.0;
    return GSL_SUCCESS;
}

gsl_odeiv2_system fadyn_phase_system(fadyn_phase_sys *s) {
    gsl_odeiv2_system sys = {fadyn_phase_rhs, fadyn_phase_jac, 2, s};
    return sys;
}

/* eq (14) for scalars: C = b w + w b − a a. */
double fadyn_phase_C(double b, double a, double w) {
    return fadyn_plus_zero(2.0 * b * w - a * a); /* a = w = 0: C = 0, never -0 */
}

double fadyn_phase_fold_C(double b, double t) {
    return fadyn_plus_zero(-3.0 * pow(fabs(b * t), 2.0 / 3.0));
}

double fadyn_phase_fold_a(double b, double t) {
    return -copysign(cbrt(fabs(b * t)), b * t);
}

double fadyn_phase_separatrix_w(double b, double t, double a) {
    return (a * a + fadyn_phase_fold_C(b, t)) / (2.0 * b);
}

/* Newton's step on p(a) = a³ + C a − 2bt, kept only if it helps. */
static double polish(double a, double C, double q) {
    for (int k = 0; k < 3; k++) {
        double p = (a * a + C) * a - q, dp = 3.0 * a * a + C;
        if (dp == 0.0) break;
        double an = a - p / dp;
        double pn = (an * an + C) * an - q;
        if (!(fabs(pn) < fabs(p))) break;
        a = an;
    }
    return a;
}

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

size_t fadyn_phase_roots(double C, double b, double t, double r[3]) {
    double q = 2.0 * b * t; /* a³ + C a − q = 0 */
    if (C <= fadyn_phase_fold_C(b, t)) {
        /* three real roots (a double one at the fold), trigonometric form (C < 0 here) */
        double m = 2.0 * sqrt(-C / 3.0);
        double arg = -3.0 * q / (C * m); /* cos 3θ of the depressed cubic */
        arg = arg > 1.0 ? 1.0 : arg < -1.0 ? -1.0 : arg;
        double th = acos(arg) / 3.0;
        for (int k = 0; k < 3; k++)
            r[k] = polish(m * cos(th - 2.0 * M_PI * k / 3.0), C, q);
        qsort(r, 3, sizeof r[0], cmp_double);
        return 3;
    }
    /* one real root (or a double root at the fold), Cardano */
    double disc = q * q / 4.0 + C * C * C / 27.0;
    double sq = sqrt(disc > 0.0 ? disc : 0.0);
    double root = cbrt(q / 2.0 + sq) + cbrt(q / 2.0 - sq);
    r[0] = r[1] = r[2] = polish(root, C, q);
    return 1;
}

int fadyn_phase_on_hyperbola(double t, double a, double w) {
    return fabs(t - w * a) <= 8.0 * DBL_EPSILON * fmax(fabs(t), fabs(w * a));
}

fadyn_phase_class fadyn_phase_predict(double b, double t, double a, double w) {
    /* an unstable equilibrium stays (a² + b w < 0 there: docs/theory.md §4) */
    if (fadyn_phase_on_hyperbola(t, a, w) && a * a + b * w < 0.0) return FADYN_PHASE_UNSTABLE;
    double C = fadyn_phase_C(b, a, w);
    if (!(C <= fadyn_phase_fold_C(b, t))) return FADYN_PHASE_GOOD;
    double r[3];
    fadyn_phase_roots(C, b, t, r);
    /* along the parabola ȧ = bt − a(a² + C)/2 pushes away from the middle
     * root a₂: below it (bt > 0) to a₁ on the bad branch; the mirror for
     * bt < 0 by the symmetry (a, w, b, t) → (−a, w, b, −t).  On the
     * boundary itself (a = a₂, or C at the fold and a beyond the double
     * root) the start rests on, or creeps into, an equilibrium of the bad
     * branch: bad too. */
    int bad = b * t > 0.0 ? a <= r[1] : a >= r[1];
    return bad ? FADYN_PHASE_BAD : FADYN_PHASE_GOOD;
}

fadyn_phase_class fadyn_phase_predict_dir(double b, double t, int backward, double a, double w) {
    if (!backward) return fadyn_phase_predict(b, t, a, w);
    if (fadyn_phase_on_hyperbola(t, a, w)) return fadyn_phase_settled_class(b, t, a, w, NULL);
    /* backward, ȧ = p(a)/2 with p(a) = a³ + C a − 2bt: away from the stable
     * roots a₁, a₃ (where p' > 0), towards the unstable a₂ between them */
    double r[3];
    if (fadyn_phase_roots(fadyn_phase_C(b, a, w), b, t, r) == 3 && a > r[0] && a < r[2])
        return FADYN_PHASE_UNSTABLE;
    return FADYN_PHASE_DIVERGED;
}

int fadyn_phase_near_separatrix(double b, double t, double a, double w, double da, double dw) {
    fadyn_phase_class c = fadyn_phase_predict(b, t, a, w);
    for (int i = -1; i <= 1; i++)
        for (int j = -1; j <= 1; j++)
            if ((i || j) && fadyn_phase_predict(b, t, a + i * da, w + j * dw) != c) return 1;
    return 0;
}

int fadyn_phase_eq_stability(double b, double t, double a, fadyn_phase_eq *out, fadyn_err *err) {
    if (!(a != 0.0) || !isfinite(a))
        return fadyn_err_set(err, FADYN_EINVAL, "equilibrium at a = %g: need a finite a != 0", a);
    double w = t / a, y[2] = {a, w}, J[4], dfdt[2], re[2], im[2], scratch[4];
    fadyn_phase_sys s = {b, t, 0, 0, 0};
    fadyn_phase_jac(0.0, y, J, dfdt, &s);
    if (fadyn_eig_general(2, J, re, im, scratch) != FADYN_OK)
        return fadyn_err_set(err, FADYN_ELAPACK, "dgeev failed at a = %g", a);
    /* the zero eigenvalue belongs to the tangent of the hyperbola */
    int z = hypot(re[0], im[0]) <= hypot(re[1], im[1]) ? 0 : 1;
    out->a = a;
    out->w = w;
    out->lambda_zero = re[z];
    out->lambda = re[1 - z];
    out->stable = out->lambda < 0.0;
    out->stable_analytic = a * a + b * w > 0.0;
    out->good = b * w > 0.0;
    return FADYN_OK;
}

double fadyn_phase_lambda(double b, double t, double a, double w) {
    fadyn_phase_sys s = {b, t, 0, 0, 0};
    double y[2] = {a, w}, J[4], dfdt[2];
    fadyn_phase_jac(0.0, y, J, dfdt, &s);
    double tr = J[0] + J[3], det = J[0] * J[3] - J[1] * J[2];
    double disc = tr * tr / 4.0 - det;
    if (disc < 0.0) return tr / 2.0;
    return tr / 2.0 + copysign(sqrt(disc), tr);
}

fadyn_phase_class fadyn_phase_settled_class(double b, double t, double a, double w,
                                            double *lambda) {
    double l = fadyn_phase_lambda(b, t, a, w);
    if (lambda) *lambda = l;
    if (l > 1e-9 * (a * a + fabs(b * w))) return FADYN_PHASE_UNSTABLE;
    return b * w > 0.0 ? FADYN_PHASE_GOOD : FADYN_PHASE_BAD;
}

void fadyn_phase_branches(double b, double t, fadyn_phase_branch out[3]) {
    int s = b * t > 0.0 ? 1 : -1;
    double af = cbrt(fabs(b * t)); /* |a| of the fold point */
    out[0] = (fadyn_phase_branch){"good", 1, 1, s, 0.0, INFINITY};
    out[1] = (fadyn_phase_branch){"bad_stable", 0, 1, -s, af, INFINITY};
    out[2] = (fadyn_phase_branch){"bad_unstable", 0, 0, -s, 0.0, af};
}

/* Sample callback of fadyn_phase_trajectory. */
typedef struct {
    double *tt, *a, *w;
    size_t k;
} traj_ctx;

static int traj_sample(void *ctx, double t, const double *y) {
    traj_ctx *c = ctx;
    c->tt[c->k] = t;
    c->a[c->k] = y[0];
    c->w[c->k] = y[1];
    c->k++;
    return FADYN_OK;
}

int fadyn_phase_trajectory(double b, double t, double a0, double w0, double t_end, size_t n,
                           double *tt, double *a, double *w, fadyn_err *err) {
    return fadyn_phase_trajectory_dir(b, t, 0, a0, w0, t_end, n, tt, a, w, err);
}

int fadyn_phase_trajectory_dir(double b, double t, int backward, double a0, double w0, double t_end,
                               size_t n, double *tt, double *a, double *w, fadyn_err *err) {
    fadyn_phase_sys s = {b, t, 0, 0, backward};
    gsl_odeiv2_system sys = fadyn_phase_system(&s);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.t_end = t_end;
    ip.samples = n;
    ip.log_time = 1;
    ip.t_min = t_end * 1e-4;
    double y[2] = {a0, w0};
    fadyn_basin_params bp = fadyn_basin_params_default();
    ip.h0 = fmin(ip.h0, fadyn_phase_first_step(&bp, b, t, y));
    ip.hmin = fmin(ip.hmin, ip.h0); /* a fast start's first step may be the smallest */
    traj_ctx c = {tt, a, w, 0};
    int rc = fadyn_integrate(&sys, &ip, y, traj_sample, &c, NULL, err);
    for (size_t k = c.k; k < n; k++)
        tt[k] = a[k] = w[k] = NAN; /* after a failure or a blow-up */
    return rc;
}

int fadyn_window_has(const fadyn_window *win, double a, double w) {
    return a >= win->a_lo && a <= win->a_hi && w >= win->w_lo && w <= win->w_hi;
}

const char *fadyn_exit_name(int exit) {
    static const char *const names[] = {"stays", "leaves", "outside"};
    return exit >= 0 && exit <= FADYN_EXIT_OUTSIDE ? names[exit] : "?";
}

/* The fraction u in (0, 1] of the segment p + u (q − p) where it first meets
 * the border of win, p inside and q outside (a Liang–Barsky clip). */
static double border_fraction(const fadyn_window *win, double pa, double pw, double qa, double qw) {
    double da = qa - pa, dw = qw - pw, u = 1.0;
    if (qa < win->a_lo) u = fmin(u, (win->a_lo - pa) / da);
    if (qa > win->a_hi) u = fmin(u, (win->a_hi - pa) / da);
    if (qw < win->w_lo) u = fmin(u, (win->w_lo - pw) / dw);
    if (qw > win->w_hi) u = fmin(u, (win->w_hi - pw) / dw);
    return u;
}

int fadyn_phase_window_exit(const fadyn_window *win, const double *tt, const double *a,
                            const double *w, size_t n, double *et, double *ea, double *ew) {
    *et = *ea = *ew = NAN;
    int seen = 0;
    for (size_t i = 0; i < n && isfinite(a[i]) && isfinite(w[i]); i++) {
        int in = fadyn_window_has(win, a[i], w[i]);
        if (!in && seen) {
            double u = border_fraction(win, a[i - 1], w[i - 1], a[i], w[i]);
            *ea = a[i - 1] + u * (a[i] - a[i - 1]);
            *ew = w[i - 1] + u * (w[i] - w[i - 1]);
            *et = tt[i - 1] + u * (tt[i] - tt[i - 1]);
            return FADYN_EXIT_LEAVES;
        }
        seen |= in;
    }
    return seen ? FADYN_EXIT_STAYS : FADYN_EXIT_OUTSIDE;
}

/* n points of a ↦ (a, f(a)) for a in [lo, hi] into a[], w[]; 0 if empty. */
static size_t sample_curve(double lo, double hi, size_t n, double b, double t, int hyperbola,
                           double *a, double *w) {
    if (!(lo < hi) || n < 2) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double x = lo + (hi - lo) * (double)i / (double)(n - 1);
        if (hyperbola && x == 0.0) continue;
        a[k] = x;
        w[k] = hyperbola ? t / x : fadyn_phase_separatrix_w(b, t, x);
        k++;
    }
    return k;
}

size_t fadyn_phase_separatrix(double b, double t, double a_lo, double a_hi, size_t n, double *a,
                              double *w) {
    double af = fadyn_phase_fold_a(b, t);
    size_t k;
    /* the parabola beyond the fold, on the bad side; the unstable segment
     * of the bad branch between the fold and a = 0 */
    if (b * t > 0.0)
        k = sample_curve(a_lo, fmin(af, a_hi), n, b, t, 0, a, w);
    else
        k = sample_curve(fmax(af, a_lo), a_hi, n, b, t, 0, a, w);
    a[k] = w[k] = NAN;
    k++;
    if (b * t > 0.0)
        k += sample_curve(fmax(af, a_lo), fmin(0.0, a_hi), n, b, t, 1, a + k, w + k);
    else
        k += sample_curve(fmax(0.0, a_lo), fmin(af, a_hi), n, b, t, 1, a + k, w + k);
    return k;
}

/* ---- the exact area of the bad region ---------------------------------------- */
/* For b t > 0: the bad side of the boundary g(a) over a < 0 (docs/theory.md §4). */
typedef struct {
    double b, t, af, Cf, w_lo, w_hi;
} bad_len;

static double boundary_w(const bad_len *q, double a) {
    return a <= q->af ? (a * a + q->Cf) / (2.0 * q->b) : q->t / a;
}

/* The length of the bad part of [w_lo, w_hi] at a. */
static double bad_length(double a, void *params) {
    const bad_len *q = params;
    if (!(a < 0.0)) return 0.0;
    double g = boundary_w(q, a);
    double len = q->b > 0.0 ? g - q->w_lo : q->w_hi - g;
    return len < 0.0 ? 0.0 : len > q->w_hi - q->w_lo ? q->w_hi - q->w_lo : len;
}

static int cmp_dbl(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int fadyn_phase_bad_area(double b, double t, const fadyn_window *win, double *area,
                         fadyn_err *err) {
    if (!(b != 0.0) || !(t != 0.0) || !isfinite(b) || !isfinite(t))
        return fadyn_err_set(err, FADYN_EINVAL, "b = %g, t = %g: need both finite and non-zero", b,
                             t);
    if (!(win->a_lo < win->a_hi) || !(win->w_lo < win->w_hi) || !isfinite(win->a_lo) ||
        !isfinite(win->a_hi) || !isfinite(win->w_lo) || !isfinite(win->w_hi))
        return fadyn_err_set(err, FADYN_EINVAL, "window [%g,%g]x[%g,%g]: need finite lo < hi",
                             win->a_lo, win->a_hi, win->w_lo, win->w_hi);
    /* b t < 0: (a, w, b, t) -> (−a, w, b, −t) maps its bad region onto that of −t */
    double lo = win->a_lo, hi = win->a_hi;
    if (b * t < 0.0) {
        lo = -win->a_hi, hi = -win->a_lo, t = -t;
    }
    bad_len q = {b, t, fadyn_phase_fold_a(b, t), fadyn_phase_fold_C(b, t), win->w_lo, win->w_hi};
    /* the pieces: the fold, a = 0 and where g crosses w_lo and w_hi (the
     * parabola at a = −√(2bw − C_f) <= a_f, the branch t/a at a = t/w in (a_f, 0)) */
    double cut[8];
    size_t nc = 0;
    cut[nc++] = q.af;
    cut[nc++] = 0.0;
    const double wl[2] = {win->w_lo, win->w_hi};
    for (int k = 0; k < 2; k++) {
        double d = 2.0 * b * wl[k] - q.Cf;
        if (d >= 0.0 && -sqrt(d) <= q.af) cut[nc++] = -sqrt(d);
        double a = t / wl[k];
        if (wl[k] != 0.0 && a > q.af && a < 0.0) cut[nc++] = a;
    }
    qsort(cut, nc, sizeof cut[0], cmp_dbl);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(64);
    if (!ws) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    gsl_function F = {bad_length, &q};
    double sum = 0.0, x0 = lo;
    int rc = FADYN_OK;
    for (size_t k = 0; k <= nc && rc == FADYN_OK; k++) {
        double x1 = k < nc ? cut[k] : hi;
        if (x1 > hi) x1 = hi;
        if (x1 <= x0) continue;
        double r, e; /* each piece is smooth: one 61-point rule is exact to rounding */
        if (gsl_integration_qag(&F, x0, x1, 0.0, 1e-12, 64, GSL_INTEG_GAUSS61, ws, &r, &e))
            rc = fadyn_err_set(err, FADYN_EGSL, "quadrature of the bad region failed on [%g, %g]",
                               x0, x1);
        sum += r;
        x0 = x1;
    }
    gsl_integration_workspace_free(ws);
    if (rc == FADYN_OK) *area = sum;
    return rc;
}
