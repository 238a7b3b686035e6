/* curves.c — the curves of the 1-1-1 phase plane as one table: equilibria by
 * stability and class, the analytic separatrix and the nullclines
 * (docs/theory.md §4). */
#include "fadyn/phase.h"

#include <math.h>
#include <stdlib.h>

const char *fadyn_curve_name(int kind) {
    static const char *const names[FADYN_NCURVE] = {
        "good", "bad", "unstable", "separatrix", "nullcline_adot", "nullcline_wdot"};
    return kind >= 0 && kind < FADYN_NCURVE ? names[kind] : "?";
}

/* the hyperbola: 2 sides of n for each of the 3 equilibrium kinds and the 2
 * nullclines through it; the separatrix 2n + 1; the line a = 0, n */
size_t fadyn_phase_curves_cap(size_t n) {
    return 3 * 2 * n + 2 * 2 * n + (2 * n + 1) + n;
}

typedef struct {
    fadyn_curve_point *out;
    fadyn_curve_stats *st;
    int kind, piece, open; /* open: the current piece has points */
} curve_writer;

static void put(curve_writer *c, double a, double w, double lambda) {
    c->out[c->st->n++] = (fadyn_curve_point){c->kind, c->piece, a, w, lambda};
    c->st->count[c->kind]++;
    c->open = 1;
}

/* End the current piece: the next point starts a new one. */
static void cut(curve_writer *c) {
    if (c->open) c->piece++;
    c->open = 0;
}

static void start_kind(curve_writer *c, int kind) {
    c->kind = kind;
    c->piece = 0;
    c->open = 0;
}

/* a of sample i of n on [lo, hi]. */
static double at(double lo, double hi, size_t n, size_t i) {
    return lo + (hi - lo) * (double)i / (double)(n - 1);
}

/* The equilibria of one kind (good, bad or unstable) on both sides of a = 0,
 * pieces cut where the kind changes; eq[] holds the 2n samples. */
static void equilibria(curve_writer *c, int kind, const fadyn_phase_eq *eq, const int *have,
                       size_t n) {
    start_kind(c, kind);
    for (size_t i = 0; i < 2 * n; i++) {
        if (i == n) cut(c);
        const fadyn_phase_eq *e = &eq[i]; /* set only where have[i] */
        int k = !have[i]     ? -1
                : !e->stable ? FADYN_CURVE_UNSTABLE
                : e->good    ? FADYN_CURVE_GOOD
                             : FADYN_CURVE_BAD;
        if (k == kind)
            put(c, e->a, e->w, e->lambda);
        else
            cut(c);
    }
}

static void write_curves(double b, double t, const fadyn_window *win, size_t n,
                         const fadyn_phase_eq *eq, const int *have, double *sa, double *sw,
                         fadyn_curve_point *out, fadyn_curve_stats *st);

int fadyn_phase_curves(double b, double t, const fadyn_window *win, size_t n,
                       fadyn_curve_point *out, fadyn_curve_stats *st, fadyn_err *err) {
    *st = (fadyn_curve_stats){0};
    if (n < 2) return fadyn_err_set(err, FADYN_EINVAL, "curves: need n >= 2 samples per piece");
    if (!(b != 0.0) || !(t != 0.0) || !isfinite(b) || !isfinite(t))
        return fadyn_err_set(err, FADYN_EINVAL, "b = %g, t = %g: both must be finite and non-zero",
                             b, t);
    if (!(win->a_lo < win->a_hi) || !(win->w_lo < win->w_hi))
        return fadyn_err_set(err, FADYN_EINVAL, "window: need a_lo < a_hi and w_lo < w_hi");
    /* the hyperbola a w = t sampled on each side of a = 0 within the window:
     * samples 0..n-1 for a < 0, n..2n-1 for a > 0; then the separatrix */
    fadyn_phase_eq *eq = malloc(2 * n * sizeof *eq);
    int *have = malloc(2 * n * sizeof *have);
    double *sa = malloc(2 * (2 * n + 1) * sizeof *sa), *sw = sa ? sa + 2 * n + 1 : NULL;
    int rc = eq && have && sa ? FADYN_OK : fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    for (size_t side = 0; side < 2 && rc == FADYN_OK; side++) {
        double lo = side ? fmax(win->a_lo, 0.0) : win->a_lo;
        double hi = side ? win->a_hi : fmin(win->a_hi, 0.0);
        for (size_t i = 0; i < n && rc == FADYN_OK; i++) {
            size_t k = side * n + i;
            double a = at(lo, hi, n, i);
            have[k] = lo < hi && a != 0.0;
            if (!have[k]) continue;
            if ((rc = fadyn_phase_eq_stability(b, t, a, &eq[k], err)) != FADYN_OK) break;
            /* compared away from the fold, where a² + b w is zero to rounding */
            double crit = a * a + b * eq[k].w, scale = a * a + fabs(b * eq[k].w);
            if (fabs(crit) > 1e-9 * scale) {
                st->checked++;
                st->mismatch += eq[k].stable != eq[k].stable_analytic;
            }
        }
    }
    if (rc == FADYN_OK) write_curves(b, t, win, n, eq, have, sa, sw, out, st);
    free(eq);
    free(have);
    free(sa);
    return rc;
}

/* The table from the sampled hyperbola. */
static void write_curves(double b, double t, const fadyn_window *win, size_t n,
                         const fadyn_phase_eq *eq, const int *have, double *sa, double *sw,
                         fadyn_curve_point *out, fadyn_curve_stats *st) {
    curve_writer c = {out, st, 0, 0, 0};
    for (int kind = FADYN_CURVE_GOOD; kind <= FADYN_CURVE_UNSTABLE; kind++)
        equilibria(&c, kind, eq, have, n);
    /* the separatrix: its NaN point is the break between its two pieces */
    start_kind(&c, FADYN_CURVE_SEPARATRIX);
    size_t ns = fadyn_phase_separatrix(b, t, win->a_lo, win->a_hi, n, sa, sw);
    for (size_t i = 0; i < ns; i++) {
        if (isnan(sa[i]))
            cut(&c);
        else
            put(&c, sa[i], sw[i], NAN);
    }
    /* ȧ = b E = 0 on the hyperbola; ẇ = E a = 0 there and on a = 0 */
    for (int kind = FADYN_CURVE_NULLCLINE_A; kind <= FADYN_CURVE_NULLCLINE_W; kind++) {
        start_kind(&c, kind);
        for (size_t i = 0; i < 2 * n; i++) {
            if (i == n) cut(&c);
            if (have[i]) put(&c, eq[i].a, eq[i].w, NAN);
        }
        cut(&c);
    }
    if (win->a_lo <= 0.0 && win->a_hi >= 0.0)
        for (size_t i = 0; i < n; i++)
            put(&c, 0.0, at(win->w_lo, win->w_hi, n, i), NAN);
}
