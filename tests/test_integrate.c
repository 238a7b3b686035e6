/* test_integrate.c — the integrator's settings and its two drivers: hmin
 * refused above h0 and honoured at or below it, the step-at-a-time driver
 * against the exact solution, and the checks every engine inherits. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <string.h>

/* y' = −λ y: exact y(t) = y(0) e^{−λ t}. */
static int decay(double t, const double y[], double f[], void *params) {
    (void)t;
    f[0] = -*(const double *)params * y[0];
    return GSL_SUCCESS;
}

static int count_samples(void *ctx, double t, const double *y) {
    (void)t, (void)y;
    ++*(int *)ctx;
    return FADYN_OK;
}

/* The bug of issue 8: GSL's driver refuses hmin > h0 through its error
 * handler (off), and the run went on with no smallest step at all. */
Test(integrate, hmin_above_h0_is_refused_naming_both) {
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.hmin = 1.0;
    fadyn_err err;
    cr_expect_eq(fadyn_integ_params_check(&ip, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "hmin") && strstr(err.msg, "h0"), "%s", err.msg);
    double lambda = 1.0, y = 1.0;
    int samples = 0;
    gsl_odeiv2_system sys = {decay, NULL, 1, &lambda};
    cr_expect_eq(fadyn_integrate(&sys, &ip, &y, count_samples, &samples, NULL, &err), FADYN_EINVAL);
    cr_expect_eq(samples, 0, "nothing is integrated");
    cr_expect_eq(y, 1.0);
    ip.hmin = ip.h0; /* the largest hmin GSL takes */
    cr_expect_eq(fadyn_integ_params_check(&ip, &err), FADYN_OK, "%s", err.msg);
}

/* y' = −1e4 y (lambda = 1e4) at tight tolerances from h0 = hmin = 1e-3: a
 * step of 1e-3 (λh = 10) lies far outside an explicit method's stability
 * region, so the controller must go below hmin. */
static fadyn_integ_params stiff(void) {
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.rtol = 1e-10;
    ip.atol = 1e-14;
    ip.h0 = ip.hmin = 1e-3;
    return ip;
}
static double stiff_lambda = 1e4;

/* With hmin = h0 the sampled driver stops; with hmin = 0 the same run
 * reaches the exact solution. */
Test(integrate, hmin_is_honoured) {
    gsl_odeiv2_system sys = {decay, NULL, 1, &stiff_lambda};
    fadyn_integ_params ip = stiff();
    ip.t_end = 1e-3;
    ip.samples = 2;
    double y = 1.0;
    fadyn_err err;
    cr_expect_eq(fadyn_integrate(&sys, &ip, &y, NULL, NULL, NULL, &err), FADYN_MAXSTEPS);
    cr_expect(strstr(err.msg, "hmin"), "%s", err.msg);
    ip.hmin = 0.0;
    y = 1.0;
    cr_assert_eq(fadyn_integrate(&sys, &ip, &y, NULL, NULL, NULL, &err), FADYN_OK, "%s", err.msg);
    cr_expect_float_eq(y, exp(-10.0), 1e-9 * exp(-10.0));
}

/* The step-at-a-time driver: steps to t = 2 meet e^{−2}; a reset start
 * repeats the first to the bit; never past t1. */
Test(integrate, steps_reach_the_exact_solution_and_reset_repeats) {
    double lambda = 1.0;
    gsl_odeiv2_system sys = {decay, NULL, 1, &lambda};
    fadyn_integ_params ip = fadyn_integ_params_default();
    fadyn_err err;
    fadyn_integ_ws *ws = fadyn_integ_ws_alloc(&sys, &ip, &err);
    cr_assert(ws, "%s", err.msg);
    double end[2];
    unsigned long steps[2];
    for (int k = 0; k < 2; k++) {
        double t = 0.0, h = ip.h0, y = 1.0;
        cr_assert_eq(fadyn_integ_ws_reset(ws, h, &err), FADYN_OK);
        steps[k] = 0;
        while (t < 2.0) {
            cr_assert_eq(fadyn_integ_step(ws, &t, 2.0, &h, &y, &err), FADYN_OK, "%s", err.msg);
            cr_assert_leq(t, 2.0);
            steps[k]++;
        }
        end[k] = y;
    }
    cr_expect_float_eq(end[0], exp(-2.0), 1e-7 * exp(-2.0));
    cr_expect_eq(end[0], end[1]);
    cr_expect_eq(steps[0], steps[1]);
    fadyn_integ_ws_free(ws);
}

/* The step driver stops too when its proposal falls below hmin (on the
 * stiff decay, already after the first step). */
Test(integrate, step_below_hmin_is_reported) {
    gsl_odeiv2_system sys = {decay, NULL, 1, &stiff_lambda};
    fadyn_integ_params ip = stiff();
    fadyn_err err;
    fadyn_integ_ws *ws = fadyn_integ_ws_alloc(&sys, &ip, &err);
    cr_assert(ws, "%s", err.msg);
    double t = 0.0, h = ip.h0, y = 1.0;
    cr_assert_eq(fadyn_integ_ws_reset(ws, h, &err), FADYN_OK);
    int rc = FADYN_OK;
    for (int k = 0; k < 100 && rc == FADYN_OK; k++)
        rc = fadyn_integ_step(ws, &t, 1.0, &h, &y, &err);
    cr_expect_eq(rc, FADYN_MAXSTEPS);
    cr_expect(strstr(err.msg, "hmin"), "%s", err.msg);
    /* a first step below hmin lowers this start's hmin to it */
    t = 0.0, h = 1e-6, y = 1.0;
    cr_assert_eq(fadyn_integ_ws_reset(ws, h, &err), FADYN_OK);
    cr_expect_eq(fadyn_integ_step(ws, &t, 1.0, &h, &y, &err), FADYN_OK, "%s", err.msg);
    fadyn_integ_ws_free(ws);
}

Test(integrate, bad_systems_and_settings_are_refused) {
    double lambda = 1.0;
    gsl_odeiv2_system sys = {decay, NULL, 1, &lambda}, empty = {decay, NULL, 0, &lambda};
    fadyn_integ_params ip = fadyn_integ_params_default();
    fadyn_err err;
    cr_expect_null(fadyn_integ_ws_alloc(&empty, &ip, &err));
    cr_expect_eq(err.code, FADYN_EINVAL);
    cr_expect(strstr(err.msg, "dimension"), "%s", err.msg);
    ip.stepper = fadyn_stepper_find("msbdf"); /* implicit, and sys has no Jacobian */
    cr_expect_null(fadyn_integ_ws_alloc(&sys, &ip, &err));
    cr_expect(strstr(err.msg, "Jacobian"), "%s", err.msg);
    ip.stepper = NULL;
    cr_expect_eq(fadyn_integ_params_check(&ip, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "stepper"), "%s", err.msg);
    const fadyn_stepper_info *si = NULL;
    cr_expect_eq(fadyn_stepper_parse("rk9", &si, &err), FADYN_EINVAL);
    cr_expect_null(si);
    /* the message lists every name of the table */
    for (const fadyn_stepper_info *s = fadyn_steppers; s->name; s++)
        cr_expect(strstr(err.msg, s->name), "%s missing from '%s'", s->name, err.msg);
    cr_expect_eq(fadyn_stepper_parse("msbdf", &si, &err), FADYN_OK);
    cr_expect_eq(si, fadyn_stepper_find("msbdf"));
    cr_expect_str_eq(fadyn_stepper_default()->name, "dop853");
}

/* Issue 13, class 5: a trial stage that leaves the radius is a rejected
 * step, not a divergence.  A 3-2-2 fa net started at w = 100 moves fast
 * enough that the first trial steps overshoot; rk8pd, GSL's rk8pd and
 * msbdf reported "diverged near t = 0" after 0 steps.  Every stepper now
 * reaches t_end, and all end at the same state. */
Test(integrate, a_fast_start_is_no_false_divergence, .timeout = 300) {
    size_t sz[] = {3, 2, 2};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 1, 100.0);
    fadyn_integ_params ref = fadyn_integ_params_default();
    ref.t_end = 0.5;
    ref.samples = 3;
    fadyn_ode_result r0;
    cr_assert_eq(fadyn_ode_run(&p, &ref, &r0), FADYN_OK, "dop853: %s", r0.err.msg);
    for (const fadyn_stepper_info *si = fadyn_steppers; si->name; si++) {
        fadyn_integ_params ip = ref;
        ip.stepper = si;
        fadyn_ode_result r;
        int rc = fadyn_ode_run(&p, &ip, &r);
        cr_expect_eq(rc, FADYN_OK, "%s: %s", si->name, r.err.msg);
        cr_expect_eq(r.stats.t_reached, ref.t_end, "%s stopped at t = %g", si->name,
                     r.stats.t_reached);
        double d = 0.0, s = 0.0;
        for (size_t i = 0; i < p.dim; i++)
            d += (r.y[i] - r0.y[i]) * (r.y[i] - r0.y[i]), s += r0.y[i] * r0.y[i];
        cr_expect_lt(sqrt(d / s), 1e-5, "%s vs dop853: relative distance %g", si->name,
                     sqrt(d / s));
        fadyn_ode_result_free(&r);
    }
    fadyn_ode_result_free(&r0);
    fadyn_problem_free(&p);
}

/* A true blow-up stays one: y' = y², y(0) = 1 has its pole at t = 1.  Every
 * stepper, explicit and implicit, reports FADYN_DIVERGED shortly before
 * the pole, its last accepted state within the radius and on the exact
 * solution 1/(1 - t) to a few digits. */
static int square(double t, const double y[], double f[], void *params) {
    (void)t, (void)params;
    f[0] = y[0] * y[0];
    return GSL_SUCCESS;
}
static int square_jac(double t, const double y[], double *dfdy, double dfdt[], void *params) {
    (void)t, (void)params;
    dfdy[0] = 2.0 * y[0];
    dfdt[0] = 0.0;
    return GSL_SUCCESS;
}

Test(integrate, a_true_blow_up_is_diverged_for_every_stepper) {
    gsl_odeiv2_system sys = {square, square_jac, 1, NULL};
    for (const fadyn_stepper_info *si = fadyn_steppers; si->name; si++) {
        fadyn_integ_params ip = fadyn_integ_params_default();
        ip.stepper = si;
        ip.t_end = 2.0;
        ip.samples = 3;
        ip.radius = 1e3;
        double y = 1.0;
        fadyn_integ_stats st;
        fadyn_err err;
        fadyn_err_clear(&err);
        cr_expect_eq(fadyn_integrate(&sys, &ip, &y, NULL, NULL, &st, &err), FADYN_DIVERGED,
                     "%s: %s", si->name, err.msg);
        cr_expect(st.t_reached > 0.99 && st.t_reached < 1.0, "%s: t_reached %.9g", si->name,
                  st.t_reached);
        cr_expect(y > 10.0 && y <= ip.radius, "%s: y %g, the last accepted state", si->name, y);
        cr_expect_lt(fabs(y * (1.0 - st.t_reached) - 1.0), 5e-3, "%s: y %.9g at t %.9g", si->name,
                     y, st.t_reached);
        cr_expect(strstr(err.msg, "diverged near t = "), "%s: %s", si->name, err.msg);
    }
}
