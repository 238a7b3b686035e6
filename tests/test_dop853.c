/* test_dop853.c — fadyn's DOP853 against SciPy's (evaluation counts and end
 * states pinned in tests/data/dop853_scipy.tsv by tests/data/dop853_scipy.py),
 * its dense output against exact solutions and finite differences, the
 * 1-1-1 network's analytic end points, and its failure paths. */
#include "../src/integrate/dop853.h"
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Run dop853 (through fadyn_integrate, as every engine does) on sys from y
 * (updated) with ip; returns the status. */
static int run(const gsl_odeiv2_system *sys, const fadyn_integ_params *ip, double *y,
               fadyn_sample_fn fn, void *ctx, fadyn_integ_stats *st) {
    fadyn_err err = {0};
    return fadyn_integrate(sys, ip, y, fn, ctx, st, &err);
}

static fadyn_integ_params params(double t_end, size_t samples, double rtol, double atol) {
    fadyn_integ_params ip = fadyn_integ_params_default();
    cr_assert_eq(fadyn_stepper_parse("dop853", &ip.stepper, NULL), FADYN_OK);
    ip.t_end = t_end;
    ip.samples = samples;
    ip.rtol = rtol;
    ip.atol = atol;
    return ip;
}

/* The fa problems of docs/performance.md, drawn as `fadyn ode --seed 1`
 * draws them, against SciPy's solve_ivp DOP853 at rtol 1e-8, atol 1e-10:
 * right-hand-side evaluations and accepted steps within 10 % of SciPy's,
 * and the end state within 10 rtol of SciPy's (relative to max |y|). */
Test(dop853, scipy_evaluation_counts_and_end_states, .timeout = 600) {
    FILE *f = fopen("tests/data/dop853_scipy.tsv", "r");
    cr_assert_not_null(f, "tests/data/dop853_scipy.tsv missing");
    char line[8192];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        size_t sz[3];
        double t_end, ymax;
        unsigned long nfev, steps;
        int off = 0;
        cr_assert_eq(sscanf(line, "%zu %zu %zu %lf %lu %lu %lf%n", &sz[0], &sz[1], &sz[2], &t_end,
                            &nfev, &steps, &ymax, &off),
                     7, "bad line: %s", line);
        fadyn_problem p;
        th_problem(&p, 2, sz, th_rule("fa"), 1, 0.01);
        fadyn_dyn *d = fadyn_dyn_alloc(&p);
        gsl_odeiv2_system sys = fadyn_dyn_system(d);
        fadyn_integ_params ip = params(t_end, 2, 1e-8, 1e-10);
        double *y = malloc(p.dim * sizeof(double));
        memcpy(y, p.w0, p.dim * sizeof(double));
        fadyn_integ_stats st;
        cr_assert_eq(run(&sys, &ip, y, NULL, NULL, &st), FADYN_OK);
        double ev = (double)st.rhs_evals / (double)nfev;
        cr_expect(ev > 0.9 && ev < 1.1, "%zu-%zu-%zu t=%g: %lu evaluations, SciPy %lu", sz[0],
                  sz[1], sz[2], t_end, st.rhs_evals, nfev);
        double sr = (double)st.steps / (double)steps;
        cr_expect(sr > 0.9 && sr < 1.1, "%zu-%zu-%zu t=%g: %lu steps, SciPy %lu", sz[0], sz[1],
                  sz[2], t_end, st.steps, steps);
        const char *q = line + off;
        int n = 0;
        size_t i;
        double v, moved = 0;
        while (sscanf(q, "%zu %lf%n", &i, &v, &off) == 2) {
            q += off;
            cr_assert_lt(i, p.dim);
            cr_expect_leq(fabs(y[i] - v), 1e-7 * ymax,
                          "%zu-%zu-%zu t=%g: y[%zu] = %.12g, SciPy %.12g", sz[0], sz[1], sz[2],
                          t_end, i, y[i], v);
            moved = fmax(moved, fabs(v - p.w0[i]));
            n++;
        }
        cr_expect_eq(n, 16);
        cr_expect_gt(moved, 1e-3 * ymax, "the end state must differ from the start");
        cases++;
        free(y);
        fadyn_dyn_free(d);
        fadyn_problem_free(&p);
    }
    fclose(f);
    cr_expect_eq(cases, 5);
}

/* y_i' = cos(t) λ_i y_i, λ_i = 1 + i/n: exact y_i(0) e^{λ_i sin t}
 * (non-autonomous: exercises the stage and dense-output times). */
static int cosine(double t, const double y[], double f[], void *params) {
    size_t n = *(const size_t *)params;
    for (size_t i = 0; i < n; i++)
        f[i] = cos(t) * (1.0 + (double)i / (double)n) * y[i];
    return GSL_SUCCESS;
}

typedef struct {
    size_t n, count;
    double worst; /* largest |y − exact| / |exact| */
} exact_check;

static int check_exact(void *ctx, double t, const double *y) {
    exact_check *c = ctx;
    for (size_t i = 0; i < c->n; i++) {
        double ex = (1.0 + 0.1 * (double)i) * exp((1.0 + (double)i / (double)c->n) * sin(t));
        c->worst = fmax(c->worst, fabs(y[i] - ex) / fabs(ex));
    }
    c->count++;
    return FADYN_OK;
}

/* Samples inside steps come from the 7th-order dense output: all within
 * 1e-8 of the exact solution at rtol 1e-10; sampling does not change the
 * steps, and costs 3 evaluations in a step that holds samples. dim 37: not
 * a multiple of the block, so the padding is exercised. */
Test(dop853, dense_output_matches_the_exact_solution) {
    size_t n = 37;
    gsl_odeiv2_system sys = {cosine, NULL, n, &n};
    double y0[37], y[37], y2[37];
    for (size_t i = 0; i < n; i++)
        y0[i] = 1.0 + 0.1 * (double)i;
    fadyn_integ_params ip = params(10.0, 2, 1e-10, 1e-14);
    fadyn_integ_stats st2, st;
    memcpy(y2, y0, sizeof y0);
    cr_assert_eq(run(&sys, &ip, y2, NULL, NULL, &st2), FADYN_OK);
    ip.samples = 401;
    exact_check c = {n, 0, 0.0};
    memcpy(y, y0, sizeof y0);
    cr_assert_eq(run(&sys, &ip, y, check_exact, &c, &st), FADYN_OK);
    cr_expect_eq(c.count, 401);
    cr_expect_leq(c.worst, 1e-8, "worst relative error %g", c.worst);
    cr_expect_eq(st.steps, st2.steps);
    cr_expect_eq(st.failed_steps, st2.failed_steps);
    unsigned long extra = st.rhs_evals - st2.rhs_evals;
    cr_expect_eq(extra % 3, 0);
    cr_expect(extra > 0 && extra <= 3 * st.steps, "%lu extra evaluations, %lu steps", extra,
              st.steps);
    cr_expect_lt(st.steps, 200, "the steps must be longer than the sample spacing");
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(y[i], y2[i], "the end state must not depend on the samples");
}

/* The derivative of the dense output, by the 4th-order central difference
 * (8 (y(t+δ) − y(t−δ)) − (y(t+2δ) − y(t−2δ))) / 12δ over samples δ = 2e-3
 * apart, against the right-hand side at the middle sample, on the 30-20-10
 * fa dynamics (no closed form).  The difference's own error (δ⁴ y⁽⁵⁾/30) is
 * below what is left: 9.4e-8 of max |f| with δ = 1e-3, 2e-3 or 4e-3 alike,
 * the derivative error of the 7th-order interpolant itself at rtol 1e-11.
 * An interpolant of lower order or with a wrong coefficient is off by far
 * more. */
enum { FD_WINDOW = 5 };
typedef struct {
    fadyn_dyn *d;
    size_t n, count;
    double dt;
    double *win[FD_WINDOW], *f; /* the last five samples, oldest first */
    double worst;
} fd_check;

static int check_fd(void *ctx, double t, const double *y) {
    (void)t;
    fd_check *c = ctx;
    double *oldest = c->win[0];
    memmove(c->win, c->win + 1, (FD_WINDOW - 1) * sizeof c->win[0]);
    c->win[FD_WINDOW - 1] = oldest;
    memcpy(oldest, y, c->n * sizeof(double));
    if (++c->count < FD_WINDOW) return FADYN_OK;
    fadyn_dyn_rhs(c->d, c->win[2], c->f);
    double num = 0, den = 0;
    for (size_t i = 0; i < c->n; i++) {
        double fd =
            (8.0 * (c->win[3][i] - c->win[1][i]) - (c->win[4][i] - c->win[0][i])) / (12.0 * c->dt);
        num = fmax(num, fabs(fd - c->f[i]));
        den = fmax(den, fabs(c->f[i]));
    }
    c->worst = fmax(c->worst, num / den);
    return FADYN_OK;
}

Test(dop853, dense_output_derivative_matches_the_rhs) {
    size_t sz[] = {30, 20, 10};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 2, 0.1);
    fadyn_dyn *d = fadyn_dyn_alloc(&p), *d2 = fadyn_dyn_alloc(&p);
    gsl_odeiv2_system sys = fadyn_dyn_system(d);
    fadyn_integ_params ip = params(4.0, 2001, 1e-11, 1e-13);
    fd_check c = {d2, p.dim, 0, 4.0 / 2000, {NULL}, NULL, 0.0};
    for (int k = 0; k < FD_WINDOW; k++)
        c.win[k] = malloc(p.dim * sizeof(double));
    c.f = malloc(p.dim * sizeof(double));
    double *y = malloc(p.dim * sizeof(double));
    memcpy(y, p.w0, p.dim * sizeof(double));
    fadyn_integ_stats st;
    cr_assert_eq(run(&sys, &ip, y, check_fd, &c, &st), FADYN_OK);
    cr_expect_eq(c.count, 2001);
    cr_expect_lt(st.steps, 400, "%lu steps: samples must not set the steps", st.steps);
    cr_expect_leq(c.worst, 1e-6, "difference vs f: %g (relative, max norm)", c.worst);
    for (int k = 0; k < FD_WINDOW; k++)
        free(c.win[k]);
    free(c.f), free(y);
    fadyn_dyn_free(d), fadyn_dyn_free(d2);
    fadyn_problem_free(&p);
}

/* The 1-1-1 network (docs/theory.md §4) settles at a root of the cubic
 * a³ + C a − 2 b t = 0 with C = 2 b w − a² its conserved quantity: from the
 * origin at a = ∛(2 b t); from (2, 0) with b = t = 1 at the largest root. */
Test(dop853, one_one_one_reaches_the_analytic_end_point) {
    static const double cases[][4] = {{1, 1, 0, 0}, {2, 0.5, 0, 0}, {0.5, 3, 0, 0}, {1, 1, 2, 0}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double b = cases[k][0], t = cases[k][1];
        fadyn_phase_sys s = {b, t, 0, 0, 0};
        gsl_odeiv2_system sys = fadyn_phase_system(&s);
        double y[2] = {cases[k][2], cases[k][3]}, r[3];
        double C = fadyn_phase_C(b, y[0], y[1]);
        size_t nr = fadyn_phase_roots(C, b, t, r);
        cr_assert_gt(nr, 0);
        double a = r[nr - 1];
        if (y[0] == 0) cr_expect_float_eq(a, cbrt(2 * b * t), 1e-12);
        fadyn_integ_params ip = params(60.0, 2, 1e-10, 1e-12);
        fadyn_integ_stats st;
        cr_assert_eq(run(&sys, &ip, y, NULL, NULL, &st), FADYN_OK);
        cr_expect_float_eq(y[0], a, 1e-9, "b %g t %g: a %.15g, root %.15g", b, t, y[0], a);
        cr_expect_float_eq(y[1], (a * a + C) / (2 * b), 1e-9, "b %g t %g: w %.15g", b, t, y[1]);
        cr_expect_float_eq(fadyn_phase_C(b, y[0], y[1]), C, 1e-9);
    }
}

/* y' = y², y(0) = 1 blows up at t = 1: reported as diverged just before,
 * with the last accepted state in y. */
static int square(double t, const double y[], double f[], void *params) {
    (void)t, (void)params;
    f[0] = y[0] * y[0];
    return GSL_SUCCESS;
}

static int fail_after(double t, const double y[], double f[], void *params) {
    (void)y;
    f[0] = 1.0;
    return t > *(const double *)params ? GSL_EBADFUNC : GSL_SUCCESS;
}

static int stop_at_third(void *ctx, double t, const double *y) {
    (void)t, (void)y;
    return ++*(int *)ctx == 3 ? FADYN_EINVAL : FADYN_OK;
}

Test(dop853, blow_up_limits_and_stops) {
    gsl_odeiv2_system sys = {square, NULL, 1, NULL};
    fadyn_integ_params ip = params(2.0, 2, 1e-8, 1e-10);
    ip.radius = 1e3;
    fadyn_integ_stats st;
    double y = 1.0;
    cr_expect_eq(run(&sys, &ip, &y, NULL, NULL, &st), FADYN_DIVERGED);
    cr_expect(st.t_reached > 0.99 && st.t_reached < 0.999, "t_reached %.9g", st.t_reached);
    cr_expect(y > 10 && y <= ip.radius, "y %g: the last accepted state", y);
    /* near the pole the global error grows: SciPy is off by 1.04e-6 here too */
    cr_expect_leq(fabs(y * (1.0 - st.t_reached) - 1.0), 1e-5, "y %.12g at t %.12g", y,
                  st.t_reached);
    /* a right-hand side that fails (GSL_EBADFUNC) is divergence too */
    double at = 0.5, one = 0.0;
    gsl_odeiv2_system fs = {fail_after, NULL, 1, &at};
    cr_expect_eq(run(&fs, &ip, &one, NULL, NULL, &st), FADYN_DIVERGED);
    cr_expect_leq(st.t_reached, 0.5);
    /* the step limit */
    y = 1.0;
    ip.nmax = 3;
    cr_expect_eq(run(&sys, &ip, &y, NULL, NULL, &st), FADYN_MAXSTEPS);
    cr_expect_eq(st.steps, 3);
    /* a sample function's non-zero return stops the run and is returned */
    ip = params(0.5, 11, 1e-8, 1e-10);
    int calls = 0;
    y = 1.0;
    cr_expect_eq(run(&sys, &ip, &y, stop_at_third, &calls, &st), FADYN_EINVAL);
    cr_expect_eq(calls, 3);
    cr_expect_float_eq(st.t_reached, 0.1, 1e-15);
    cr_expect_float_eq(y, 1.0 / 0.9, 1e-8, "y at the third sample %.12g", y);
    /* a workspace of another dimension is refused (the driver's own API) */
    fadyn_dop853 *w = fadyn_dop853_alloc(2);
    fadyn_err err = {0};
    cr_expect_eq(fadyn_dop853_run(w, &sys, &ip, &y, NULL, NULL, &st, &err), FADYN_EINVAL);
    fadyn_dop853_free(w);
}

/* One step at a time (fadyn_integ_ws, as the basin steps): the steps reach
 * t1 exactly and the exact solution.  f at a step's end serves as the next
 * step's first stage: the same steps with the workspace reset before each
 * (which forgets it) cost exactly one evaluation more per step and give the
 * same states bit for bit; so does moving y between steps. */
typedef struct {
    size_t n;
    unsigned long calls;
} counted;

static int cosine_counted(double t, const double y[], double f[], void *params) {
    counted *c = params;
    c->calls++;
    return cosine(t, y, f, &c->n);
}

Test(dop853, step_by_step_reuses_the_last_evaluation) {
    enum { MAXS = 1000 };
    counted c = {3, 0};
    gsl_odeiv2_system sys = {cosine_counted, NULL, c.n, &c};
    fadyn_integ_params ip = params(10.0, 2, 1e-10, 1e-14);
    fadyn_integ_ws *ws = fadyn_integ_ws_alloc(&sys, &ip, NULL);
    cr_assert_not_null(ws);
    static double hs[MAXS];
    double y[3] = {1.0, 1.1, 1.2}, t = 0.0, h = 1e-3;
    cr_assert_eq(fadyn_integ_ws_reset(ws, h, NULL), FADYN_OK);
    size_t steps = 0;
    while (t < 10.0 && steps < MAXS) {
        hs[steps++] = h;
        cr_assert_eq(fadyn_integ_step(ws, &t, 10.0, &h, y, NULL), FADYN_OK);
    }
    cr_expect_eq(t, 10.0);
    for (size_t i = 0; i < 3; i++) {
        double ex = (1.0 + 0.1 * (double)i) * exp((1.0 + (double)i / 3.0) * sin(10.0));
        cr_expect_leq(fabs(y[i] - ex), 1e-8 * ex, "y[%zu] = %.15g, exact %.15g", i, y[i], ex);
    }
    unsigned long kept = c.calls;
    double z[3] = {1.0, 1.1, 1.2}, tz = 0.0;
    c.calls = 0;
    for (size_t i = 0; i < steps; i++) {
        double hz = hs[i];
        cr_assert_eq(fadyn_integ_ws_reset(ws, hz, NULL), FADYN_OK);
        cr_assert_eq(fadyn_integ_step(ws, &tz, 10.0, &hz, z, NULL), FADYN_OK);
    }
    cr_expect_eq(c.calls, kept + steps - 1, "%lu evaluations with resets, %lu without, %zu steps",
                 c.calls, kept, steps);
    cr_expect_eq(tz, t);
    for (size_t i = 0; i < 3; i++)
        cr_expect_eq(z[i], y[i]);
    /* the caller moves y: k_1 is evaluated afresh, as after a reset */
    z[0] *= 1.5;
    double z2[3] = {z[0], z[1], z[2]}, t2 = tz, h1 = 0.1, h2 = 0.1;
    unsigned long before = c.calls;
    cr_assert_eq(fadyn_integ_step(ws, &tz, 20.0, &h1, z, NULL), FADYN_OK);
    unsigned long moved = c.calls - before;
    cr_assert_eq(fadyn_integ_ws_reset(ws, h2, NULL), FADYN_OK);
    before = c.calls;
    cr_assert_eq(fadyn_integ_step(ws, &t2, 20.0, &h2, z2, NULL), FADYN_OK);
    cr_expect_eq(moved, c.calls - before);
    cr_expect_eq(z[0], z2[0]);
    fadyn_integ_ws_free(ws);
}
