/* test_stepper.c — fadyn's Prince–Dormand 8(9) stepper ("rk8pd") against GSL's own
 * (same method: same steps, same end state), against exact solutions, its
 * convergence order, and its failure paths. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const gsl_odeiv2_step_type *step_type(const char *name) {
    const fadyn_stepper_info *s = fadyn_stepper_find(name);
    cr_assert(s, "stepper %s not in the table", name);
    return *s->type;
}

static double rel_dist(const double *a, const double *b, size_t n) {
    double d = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++) {
        d = fmax(d, fabs(a[i] - b[i]));
        m = fmax(m, fabs(b[i]));
    }
    return d / m;
}

/* y_i' = -λ_i y_i, λ_i = 1 + i/n: exact y_i(t) = y_i(0) e^{-λ_i t}. */
typedef struct {
    size_t n;
    int fail_at; /* return GSL_EBADFUNC on this call (counted from 1), 0: never */
    int calls;
} decay_ctx;

static int decay(double t, const double y[], double f[], void *params) {
    (void)t;
    decay_ctx *c = params;
    if (++c->calls == c->fail_at) return GSL_EBADFUNC;
    for (size_t i = 0; i < c->n; i++)
        f[i] = -(1.0 + (double)i / (double)c->n) * y[i];
    return GSL_SUCCESS;
}

/* y' = cos(t) y (non-autonomous: exercises the stage times c_i):
 * exact y(t) = y(0) e^{sin t}. */
static int cosine(double t, const double y[], double f[], void *params) {
    size_t n = *(const size_t *)params;
    for (size_t i = 0; i < n; i++)
        f[i] = cos(t) * y[i];
    return GSL_SUCCESS;
}

static void run_both(const gsl_odeiv2_system *sys, const double *y0, fadyn_integ_params ip,
                     double *y_fadyn, double *y_gsl, fadyn_integ_stats st[2]) {
    const char *names[2] = {"rk8pd", "gsl-rk8pd"};
    double *out[2] = {y_fadyn, y_gsl};
    for (int s = 0; s < 2; s++) {
        ip.stepper = fadyn_stepper_find(names[s]);
        memcpy(out[s], y0, sys->dimension * sizeof(double));
        fadyn_err err = {0};
        cr_assert_eq(fadyn_integrate(sys, &ip, out[s], NULL, NULL, &st[s], &err), FADYN_OK,
                     "%s: %s", names[s], err.msg);
    }
}

Test(stepper, rk8pd_is_in_the_table_and_gsl_rk8pd_is_gsl) {
    fadyn_integ_params ip = fadyn_integ_params_default();
    cr_expect_str_eq(ip.stepper->name, "dop853"); /* the default (test_dop853.c) */
    cr_expect(ip.stepper->own_driver && !ip.stepper->type);
    cr_expect(!fadyn_stepper_find("rk8pd")->own_driver);
    cr_expect_neq(step_type("rk8pd"), gsl_odeiv2_step_rk8pd);
    cr_expect_eq(step_type("gsl-rk8pd"), gsl_odeiv2_step_rk8pd);
    cr_expect_eq(fadyn_stepper_find("gsl-rk8pd")->implicit, 0);
    gsl_odeiv2_step *s = gsl_odeiv2_step_alloc(step_type("rk8pd"), 5);
    cr_assert(s);
    cr_expect_eq(gsl_odeiv2_step_order(s), 8u);
    cr_expect_eq(gsl_odeiv2_step_reset(s), GSL_SUCCESS);
    gsl_odeiv2_step_free(s);
}

/* The same method: the driver must take the same accepted and rejected
 * steps and end at the same state as GSL's stepper, up to round-off. */
Test(stepper, same_steps_and_end_state_as_gsl_on_30_20_10) {
    size_t sz[] = {30, 20, 10};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 1, 0.01);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    gsl_odeiv2_system sys = fadyn_dyn_system(d);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.t_end = 50.0;
    ip.samples = 5;
    double *a = malloc(p.dim * sizeof(double)), *b = malloc(p.dim * sizeof(double));
    fadyn_integ_stats st[2];
    run_both(&sys, p.w0, ip, a, b, st);
    cr_expect_gt(st[0].steps, 50);
    cr_expect_eq(st[0].steps, st[1].steps, "%lu vs %lu steps", st[0].steps, st[1].steps);
    cr_expect_eq(st[0].failed_steps, st[1].failed_steps);
    cr_expect_eq(st[0].rhs_evals, st[1].rhs_evals);
    double dist = rel_dist(a, b, p.dim);
    cr_expect_leq(dist, 1e-13, "end states differ by %g", dist);
    /* and the run moved: the end state is far from the start */
    cr_expect_gt(rel_dist(a, p.w0, p.dim), 1e-2);
    free(a);
    free(b);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

/* sys from y0 to t_end at tight tolerance with both steppers: the same
 * steps and end state as GSL's, and the exact end state to 1e-9. */
static void check_against_exact(const gsl_odeiv2_system *sys, const double *y0, double t_end,
                                const double *exact) {
    size_t n = sys->dimension;
    double *a = malloc(n * sizeof(double)), *b = malloc(n * sizeof(double));
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.t_end = t_end;
    ip.samples = 2;
    ip.rtol = 1e-11;
    ip.atol = 1e-14;
    fadyn_integ_stats st[2];
    run_both(sys, y0, ip, a, b, st);
    cr_expect_eq(st[0].steps, st[1].steps);
    cr_expect_leq(rel_dist(a, b, n), 1e-13);
    for (size_t i = 0; i < n; i++)
        cr_expect_leq(fabs(a[i] - exact[i]), 1e-9 * fabs(exact[i]), "y[%zu] = %.17g, exact %.17g",
                      i, a[i], exact[i]);
    free(a);
    free(b);
}

/* dim 37: not a multiple of the vector block, so the tail path runs too. */
Test(stepper, decay_matches_the_exact_solution_and_gsl) {
    decay_ctx c = {37, 0, 0};
    gsl_odeiv2_system sys = {decay, NULL, c.n, &c};
    double y0[37], exact[37];
    for (size_t i = 0; i < c.n; i++) {
        y0[i] = 1.0 + 0.1 * (double)i;
        exact[i] = y0[i] * exp(-(1.0 + (double)i / (double)c.n) * 5.0);
    }
    check_against_exact(&sys, y0, 5.0, exact);
}

Test(stepper, nonautonomous_matches_the_exact_solution_and_gsl) {
    size_t n = 3;
    gsl_odeiv2_system sys = {cosine, NULL, n, &n};
    double y0[3] = {1.0, -2.0, 0.5}, exact[3];
    for (size_t i = 0; i < n; i++)
        exact[i] = y0[i] * exp(sin(10.0));
    check_against_exact(&sys, y0, 10.0, exact);
}

/* One step of size h from t = 0 on y' = cos(t) y: the 8th-order solution has
 * local error O(h^9) and the embedded estimate O(h^8); halving h must divide
 * them by about 2^9 and 2^8 — a check of the coefficients' order conditions
 * that does not involve GSL. */
Test(stepper, local_error_has_order_nine_and_estimate_order_eight) {
    size_t n = 1;
    gsl_odeiv2_system sys = {cosine, NULL, n, &n};
    gsl_odeiv2_step *s = gsl_odeiv2_step_alloc(step_type("rk8pd"), n);
    cr_assert(s);
    double err[2], est[2], hs[2] = {0.8, 0.4};
    for (int k = 0; k < 2; k++) {
        double y = 1.0, yerr;
        cr_assert_eq(gsl_odeiv2_step_apply(s, 0.0, hs[k], &y, &yerr, NULL, NULL, &sys),
                     GSL_SUCCESS);
        err[k] = fabs(y - exp(sin(hs[k])));
        est[k] = fabs(yerr);
    }
    double p_err = log2(err[0] / err[1]), p_est = log2(est[0] / est[1]);
    cr_expect(p_err > 8.4 && p_err < 9.6, "local error order %g (errors %g, %g)", p_err, err[0],
              err[1]);
    cr_expect(p_est > 7.4 && p_est < 8.6, "estimate order %g (estimates %g, %g)", p_est, est[0],
              est[1]);
    gsl_odeiv2_step_free(s);
}

/* dydt_in is used in place of f(t, y), and dydt_out is exactly f(t + h, y1). */
Test(stepper, dydt_in_and_dydt_out) {
    decay_ctx c = {11, 0, 0};
    gsl_odeiv2_system sys = {decay, NULL, c.n, &c};
    gsl_odeiv2_step *s = gsl_odeiv2_step_alloc(step_type("rk8pd"), c.n);
    double y0[11], y1[11], y2[11], e1[11], e2[11], fin[11], fout[11], fref[11];
    for (size_t i = 0; i < c.n; i++)
        y0[i] = y1[i] = y2[i] = 0.3 * (double)i - 1.0;
    decay(0.0, y0, fin, &c);
    c.calls = 0;
    cr_assert_eq(gsl_odeiv2_step_apply(s, 0.0, 0.1, y1, e1, NULL, NULL, &sys), GSL_SUCCESS);
    cr_expect_eq(c.calls, 13, "13 stages without dydt_in: %d calls", c.calls);
    c.calls = 0;
    cr_assert_eq(gsl_odeiv2_step_apply(s, 0.0, 0.1, y2, e2, fin, fout, &sys), GSL_SUCCESS);
    cr_expect_eq(c.calls, 13, "12 stages + dydt_out with dydt_in: %d calls", c.calls);
    decay(0.1, y2, fref, &c);
    for (size_t i = 0; i < c.n; i++) {
        cr_expect_eq(y1[i], y2[i]);
        cr_expect_eq(e1[i], e2[i]);
        cr_expect_eq(fout[i], fref[i]);
    }
    gsl_odeiv2_step_free(s);
}

/* A failing right-hand side: the status comes back; when the failure is in
 * the dydt_out evaluation the state is restored. */
Test(stepper, rhs_failure_is_returned_and_y_restored) {
    decay_ctx c = {9, 0, 0};
    gsl_odeiv2_system sys = {decay, NULL, c.n, &c};
    gsl_odeiv2_step *s = gsl_odeiv2_step_alloc(step_type("rk8pd"), c.n);
    double y[9], y0[9], e[9], fin[9], fout[9];
    for (size_t i = 0; i < c.n; i++)
        y[i] = y0[i] = 1.0 + (double)i;
    decay(0.0, y, fin, &c);
    int fail_at[] = {1, 5, 13};
    for (int k = 0; k < 3; k++) {
        c.calls = 0;
        c.fail_at = fail_at[k];
        cr_expect_eq(gsl_odeiv2_step_apply(s, 0.0, 0.1, y, e, k == 0 ? NULL : fin,
                                           k == 0 ? NULL : fout, &sys),
                     GSL_EBADFUNC, "failure at call %d", fail_at[k]);
        for (size_t i = 0; i < c.n; i++)
            cr_expect_eq(y[i], y0[i]);
    }
    gsl_odeiv2_step_free(s);
}
