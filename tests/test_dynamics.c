/* test_dynamics.c — the expected dynamics (eq 12–13, docs/theory.md §2) against
 * independent computations: averaged per-example updates, finite
 * differences, the closed form of V̇, and analytic end points. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One discrete batch step of size eta, computed example by example with
 * loops (no BLAS, no shared code): the inputs x_i = sqrt(n0 σ_i) e_i, each
 * with weight 1/n0, have E[xxᵀ] = Σ exactly.  Per example (docs/theory.md §1–2):
 * δ_L = e, δ_k = B_k δ_{k+1} (fa) or W_kᵀ δ_{k+1} (bp), ΔW_k = η δ_{k+1} h_kᵀ. */
static void batch_step(const fadyn_problem *p, const double *y, double eta, double *ynew) {
    const size_t L = p->depth, *n = p->sizes, n0 = n[0];
    size_t maxn = 0;
    for (size_t k = 0; k <= L; k++)
        maxn = n[k] > maxn ? n[k] : maxn;
    double *h = calloc((L + 1) * maxn, sizeof(double));
    double *dl = calloc((L + 1) * maxn, sizeof(double));
    memcpy(ynew, y, p->dim * sizeof(double));
    for (size_t ex = 0; ex < n0; ex++) {
        double sig = p->sigma ? p->sigma[ex] : 1.0;
        double xs = sqrt((double)n0 * sig);
        memset(h, 0, (L + 1) * maxn * sizeof(double));
        h[ex] = xs;
        for (size_t k = 0; k < L; k++) {
            const double *W = y + fadyn_problem_offset(p, k);
            for (size_t i = 0; i < n[k + 1]; i++) {
                double s = 0;
                for (size_t j = 0; j < n[k]; j++)
                    s += W[i * n[k] + j] * h[k * maxn + j];
                h[(k + 1) * maxn + i] = s;
            }
        }
        for (size_t i = 0; i < n[L]; i++) /* e = T x − y */
            dl[L * maxn + i] = p->T[i * n0 + ex] * xs - h[L * maxn + i];
        for (size_t k = L - 1; k >= 1; k--) {
            const double *W = y + fadyn_problem_offset(p, k);
            for (size_t i = 0; i < n[k]; i++) {
                double s = 0;
                for (size_t j = 0; j < n[k + 1]; j++) {
                    double f =
                        p->rule == th_rule("fa") ? p->B[k - 1][i * n[k + 1] + j] : W[j * n[k] + i];
                    s += f * dl[(k + 1) * maxn + j];
                }
                dl[k * maxn + i] = s;
            }
        }
        for (size_t k = (p->rule == th_rule("shallow") ? L - 1 : 0); k < L; k++) {
            double *Wn = ynew + fadyn_problem_offset(p, k);
            for (size_t i = 0; i < n[k + 1]; i++)
                for (size_t j = 0; j < n[k]; j++)
                    Wn[i * n[k] + j] += eta / (double)n0 * dl[(k + 1) * maxn + i] * h[k * maxn + j];
        }
    }
    free(h);
    free(dl);
}

static double rel_diff(const double *a, const double *b, size_t n) {
    double d = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        d += (a[i] - b[i]) * (a[i] - b[i]);
        s += b[i] * b[i];
    }
    return sqrt(d) / (sqrt(s) + 1e-300);
}

static void check_rhs_vs_discrete(size_t depth, const size_t *sizes, const fadyn_rule_type *rule,
                                  int sigma) {
    fadyn_problem p;
    th_problem(&p, depth, sizes, rule, 7, 0.3);
    if (sigma) {
        double s[64];
        for (size_t i = 0; i < sizes[0]; i++)
            s[i] = 0.5 + 0.1 * (double)i;
        cr_assert_eq(fadyn_problem_set_sigma(&p, s, NULL), FADYN_OK);
    }
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    double *f = malloc(p.dim * sizeof(double)), *y1 = malloc(p.dim * sizeof(double));
    fadyn_dyn_rhs(d, p.w0, f);
    /* The batch update is exactly linear in η for a single step: the
     * finite difference (y(η) − y(0)) / η must equal f for any small η. */
    double eta = 1e-6;
    batch_step(&p, p.w0, eta, y1);
    for (size_t i = 0; i < p.dim; i++)
        y1[i] = (y1[i] - p.w0[i]) / eta;
    double r = rel_diff(y1, f, p.dim);
    cr_expect_lt(r, 1e-7, "depth %zu rule %s sigma %d: relative difference %g", depth, rule->name,
                 sigma, r);
    free(f);
    free(y1);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

Test(dynamics, rhs_is_the_batch_limit_of_the_discrete_update) {
    size_t s1[] = {6, 5, 3}, s2[] = {5, 4, 3, 2}, s3[] = {4, 3, 3, 2, 2};
    const fadyn_rule_type *rules[] = {th_rule("fa"), th_rule("bp"), th_rule("shallow")};
    for (int r = 0; r < 3; r++)
        for (int sg = 0; sg < 2; sg++) {
            check_rhs_vs_discrete(2, s1, rules[r], sg);
            check_rhs_vs_discrete(3, s2, rules[r], sg);
            check_rhs_vs_discrete(4, s3, rules[r], sg);
        }
}

static void check_jacobian(size_t depth, const size_t *sizes, const fadyn_rule_type *rule) {
    fadyn_problem p;
    th_problem(&p, depth, sizes, rule, 11, 0.4);
    double s[16];
    for (size_t i = 0; i < sizes[0]; i++)
        s[i] = 1.0 + 0.2 * (double)i;
    fadyn_problem_set_sigma(&p, s, NULL);
    size_t N = p.dim;
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    double *J = malloc(N * N * sizeof(double)), *y = malloc(N * sizeof(double));
    double *fp = malloc(N * sizeof(double)), *fm = malloc(N * sizeof(double));
    fadyn_dyn_jacobian(d, p.w0, J);
    double worst = 0, scale = fadyn_max_abs(J, N * N);
    for (size_t j = 0; j < N; j++) {
        double h = 1e-5;
        memcpy(y, p.w0, N * sizeof(double));
        y[j] += h;
        fadyn_dyn_rhs(d, y, fp);
        y[j] -= 2 * h;
        fadyn_dyn_rhs(d, y, fm);
        for (size_t i = 0; i < N; i++) {
            double fd = (fp[i] - fm[i]) / (2 * h);
            worst = fmax(worst, fabs(fd - J[i * N + j]));
        }
    }
    /* central differences of a cubic: error O(h²) ~ 1e-10 relative */
    cr_expect_lt(worst / scale, 1e-8, "depth %zu rule %s: worst %g (scale %g)", depth, rule->name,
                 worst, scale);
    free(J), free(y), free(fp), free(fm);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

/* Every rule of the table with an ODE form (fa, bp, shallow and any added). */
Test(dynamics, jacobian_matches_central_differences) {
    size_t s1[] = {5, 4, 3}, s2[] = {4, 3, 3, 2};
    size_t tested = 0;
    for (size_t r = 0; fadyn_rule_types[r]; r++) {
        if (!fadyn_rule_types[r]->ode) continue;
        check_jacobian(2, s1, fadyn_rule_types[r]);
        check_jacobian(3, s2, fadyn_rule_types[r]);
        tested++;
    }
    cr_expect_geq(tested, 3);
}

/* The one-hidden-layer formulas written out (eq 12–13), no chain code. */
Test(dynamics, chain_with_one_hidden_layer_is_eq_12_13) {
    size_t sz[] = {7, 5, 3};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 3, 0.5);
    const double *A = p.W[0], *W = p.W[1], *B = p.B[0], *T = p.T;
    double E[21], dA[35], dW[15];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 7; j++) {
            double s = T[i * 7 + j];
            for (int k = 0; k < 5; k++)
                s -= W[i * 5 + k] * A[k * 7 + j];
            E[i * 7 + j] = s; /* eq 5 */
        }
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 7; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += B[i * 3 + k] * E[k * 7 + j];
            dA[i * 7 + j] = s; /* eq 13 */
        }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 5; j++) {
            double s = 0;
            for (int k = 0; k < 7; k++)
                s += E[i * 7 + k] * A[j * 7 + k];
            dW[i * 5 + j] = s; /* eq 12 */
        }
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    double f[50];
    fadyn_dyn_rhs(d, p.w0, f);
    cr_expect_lt(rel_diff(f, dA, 35), 1e-14);
    cr_expect_lt(rel_diff(f + 35, dW, 15), 1e-14);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

static fadyn_integ_params tight(double t_end) {
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.rtol = 1e-11;
    ip.atol = 1e-13;
    ip.t_end = t_end;
    ip.samples = 101;
    return ip;
}

/* fa and bp (eq 14, docs/theory.md §3), and every other rule of the table
 * with an ODE form: its entry's C must be conserved. */
Test(dynamics, conserved_quantity_fa_and_bp) {
    size_t sz[] = {12, 8, 5}, deep[] = {8, 6, 5, 4};
    for (size_t r = 0; fadyn_rule_types[r]; r++) {
        if (!fadyn_rule_types[r]->ode) continue;
        for (int depth = 2; depth <= 3; depth++) {
            fadyn_problem p;
            th_problem(&p, (size_t)depth, depth == 2 ? sz : deep, fadyn_rule_types[r], 5, 0.5);
            fadyn_integ_params ip = tight(30.0);
            fadyn_ode_result res;
            cr_assert_eq(fadyn_ode_run(&p, &ip, &res), FADYN_OK, "%s", res.err.msg);
            /* C changes by O(1) under any perturbation of the flow; it must stay put */
            cr_expect_lt(res.drift_rel_max, 1e-9, "%s depth %d: relative drift %g",
                         fadyn_rule_types[r]->name, depth, res.drift_rel_max);
            fadyn_ode_result_free(&res);
            fadyn_problem_free(&p);
        }
    }
}

Test(dynamics, lyapunov_non_increasing_when_C_is_zero) {
    size_t sz[] = {10, 8, 4};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 9, 0.0); /* A = W = 0: C = 0 */
    fadyn_integ_params ip = tight(40.0);
    ip.samples = 401;
    fadyn_ode_result res;
    cr_assert_eq(fadyn_ode_run(&p, &ip, &res), FADYN_OK);
    double V0 = res.rows[0].V;
    cr_expect_lt(res.V_max_rise, 1e-10 * V0, "rise %g of V0 %g", res.V_max_rise, V0);
    cr_expect_lt(res.rows[res.nrows - 1].V, 1e-6 * V0);
    fadyn_ode_result_free(&res);
    fadyn_problem_free(&p);
}

/* 1-1-1 with a = 0, b w < 0: V̇ = −2b²e²(a² + b w) > 0 (docs/theory.md §3–4). */
Test(dynamics, lyapunov_can_rise_when_C_is_not_zero) {
    size_t sz[] = {1, 1, 1};
    fadyn_problem p;
    cr_assert_eq(fadyn_problem_alloc(&p, 2, sz, th_rule("fa"), NULL), FADYN_OK);
    p.T[0] = 1.0, p.B[0][0] = 1.0, p.W[0][0] = 0.0, p.W[1][0] = -1.0;
    fadyn_observer *o = fadyn_observer_alloc(&p, p.w0);
    double vdot = fadyn_observer_vdot(o, p.w0);
    /* e = t − w a = 1: V̇ = −2·1·1·(0 − 1) = 2 */
    cr_expect_float_eq(vdot, 2.0, 1e-14);
    fadyn_integ_params ip = tight(0.2);
    fadyn_ode_result res;
    cr_assert_eq(fadyn_ode_run(&p, &ip, &res), FADYN_OK);
    cr_expect_gt(res.V_max_rise, 1e-3, "V must rise, largest rise %g", res.V_max_rise);
    fadyn_observer_free(o);
    fadyn_ode_result_free(&res);
    fadyn_problem_free(&p);
}

/* V̇ closed form (docs/theory.md §3) against a central difference of V along the flow. */
Test(dynamics, vdot_closed_form_matches_numerical_derivative) {
    size_t sz[] = {6, 5, 3};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 21, 0.7); /* C ≠ 0 */
    fadyn_observer *o = fadyn_observer_alloc(&p, p.w0);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    size_t N = p.dim;
    double f[48], yp[48], ym[48], h = 1e-5;
    fadyn_dyn_rhs(d, p.w0, f);
    for (size_t i = 0; i < N; i++)
        yp[i] = p.w0[i] + h * f[i], ym[i] = p.w0[i] - h * f[i];
    fadyn_obs rp, rm;
    fadyn_observer_eval(o, 0, yp, &rp);
    fadyn_observer_eval(o, 0, ym, &rm);
    double fd = (rp.V - rm.V) / (2 * h), vd = fadyn_observer_vdot(o, p.w0);
    cr_expect_lt(fabs(fd - vd), 1e-6 * (fabs(vd) + 1.0), "closed form %g, difference %g", vd, fd);
    fadyn_dyn_free(d);
    fadyn_observer_free(o);
    fadyn_problem_free(&p);
}

Test(dynamics, theorem1_from_zero_learns_when_no_le_nh) {
    size_t sz[][3] = {{30, 20, 10}, {8, 5, 5}, {6, 9, 3}};
    for (int c = 0; c < 3; c++) {
        fadyn_problem p;
        th_problem(&p, 2, sz[c], th_rule("fa"), 100 + (unsigned long)c, 0.0);
        fadyn_integ_params ip = fadyn_integ_params_default();
        ip.t_end = 400;
        ip.samples = 21;
        fadyn_ode_result res;
        cr_assert_eq(fadyn_ode_run(&p, &ip, &res), FADYN_OK);
        cr_expect_lt(res.final_nse, 1e-8, "sizes %zu-%zu-%zu: NSE %g", sz[c][0], sz[c][1], sz[c][2],
                     res.final_nse);
        fadyn_ode_result_free(&res);
        fadyn_problem_free(&p);
    }
}

Test(dynamics, explicit_and_implicit_steppers_agree) {
    size_t sz[] = {8, 6, 4};
    const char *steppers[] = {"rkf45", "rkck", "msadams", "msbdf", "bsimp", "rk4imp", "rk4", "rk2"};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 4, 0.1);
    fadyn_integ_params ref = tight(5.0);
    ref.samples = 2;
    fadyn_ode_result r0;
    cr_assert_eq(fadyn_ode_run(&p, &ref, &r0), FADYN_OK);
    for (int s = 0; s < 8; s++) {
        fadyn_integ_params ip = ref;
        ip.stepper = fadyn_stepper_find(steppers[s]);
        ip.rtol = 1e-9;
        ip.atol = 1e-11;
        fadyn_ode_result r;
        cr_assert_eq(fadyn_ode_run(&p, &ip, &r), FADYN_OK, "%s: %s", steppers[s], r.err.msg);
        double dev = rel_diff(r.y, r0.y, p.dim);
        cr_expect_lt(dev, 1e-6, "%s vs rk8pd: %g", steppers[s], dev);
        if (fadyn_stepper_find(steppers[s])->implicit) cr_expect_gt(r.stats.jac_evals, 0);
        fadyn_ode_result_free(&r);
    }
    fadyn_ode_result_free(&r0);
    fadyn_problem_free(&p);
}

/* docs/theory.md §4: from a = w = 0 the 1-1-1 net ends at a = (2bt)^{1/3}, w = t/a. */
Test(dynamics, scalar_net_from_zero_reaches_the_analytic_equilibrium) {
    double cases[][2] = {{1, 1}, {0.5, 2}, {-1, 1}, {2, -0.7}, {-0.3, -1.5}};
    size_t sz[] = {1, 1, 1};
    for (int c = 0; c < 5; c++) {
        double b = cases[c][0], t = cases[c][1];
        fadyn_problem p;
        cr_assert_eq(fadyn_problem_alloc(&p, 2, sz, th_rule("fa"), NULL), FADYN_OK);
        p.T[0] = t, p.B[0][0] = b;
        fadyn_integ_params ip = tight(200.0);
        ip.samples = 2;
        fadyn_ode_result r;
        cr_assert_eq(fadyn_ode_run(&p, &ip, &r), FADYN_OK);
        double a = cbrt(2 * b * t);
        cr_expect_lt(fabs(r.y[0] - a), 1e-7, "b %g t %g: a %g, expected %g", b, t, r.y[0], a);
        cr_expect_lt(fabs(r.y[1] - t / a), 1e-7, "b %g t %g: w %g, expected %g", b, t, r.y[1],
                     t / a);
        fadyn_ode_result_free(&r);
        fadyn_problem_free(&p);
    }
}

Test(dynamics, radius_stops_the_run_as_diverged_and_keeps_rows) {
    size_t sz[] = {6, 5, 3};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 2, 0.01);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.t_end = 50;
    ip.radius = 0.3; /* the weights must grow past 0.3 to fit T ~ U[-1,1] */
    fadyn_ode_result r;
    cr_expect_eq(fadyn_ode_run(&p, &ip, &r), FADYN_DIVERGED);
    cr_expect_gt(r.nrows, 1);
    cr_expect_lt(r.nrows, ip.samples);
    cr_expect_lt(r.stats.t_reached, ip.t_end);
    fadyn_ode_result_free(&r);
    fadyn_problem_free(&p);
}

Test(dynamics, step_limit_is_reported) {
    size_t sz[] = {6, 5, 3};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 2, 0.01);
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.nmax = 5;
    fadyn_ode_result r;
    cr_expect_eq(fadyn_ode_run(&p, &ip, &r), FADYN_MAXSTEPS);
    fadyn_ode_result_free(&r);
    fadyn_problem_free(&p);
}

/* Issue 10: an angle is NaN once E (or a signal) is at the integration's
 * noise level, and where it is defined it is the angle of the accurate
 * trajectory.  Reference: the same run at rtol 1e-12, atol 1e-14. */
Test(dynamics, angles_undefined_at_noise_level) {
    size_t sz[] = {30, 20, 10};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 1, 0.01);
    fadyn_integ_params ip = fadyn_integ_params_default(), ref = ip;
    ip.t_end = ref.t_end = 2000.0;
    ip.samples = ref.samples = 41;
    ip.log_time = ref.log_time = 1;
    ref.rtol = 1e-12, ref.atol = 1e-14;
    fadyn_ode_result a, b;
    cr_assert_eq(fadyn_ode_run(&p, &ip, &a), FADYN_OK, "%s", a.err.msg);
    cr_assert_eq(fadyn_ode_run(&p, &ref, &b), FADYN_OK, "%s", b.err.msg);
    cr_assert_eq(a.nrows, b.nrows);
    cr_expect_float_eq(a.angle_floor, 1e3 * ip.rtol, 1e-20);
    size_t defined = 0, undefined = 0;
    for (size_t i = 0; i < a.nrows; i++) {
        const fadyn_obs *r = &a.rows[i], *q = &b.rows[i];
        if (sqrt(r->nse) < a.angle_floor)
            cr_expect(isnan(r->angle_bp) && isnan(r->angle_pbp), "t = %g: nse %g, angle %g", r->t,
                      r->nse, r->angle_bp);
        if (isnan(r->angle_bp)) {
            undefined++;
            continue;
        }
        defined++;
        /* within the 0.06 degrees fadyn_ode_angle_floor promises */
        cr_expect_lt(fabs(r->angle_bp - q->angle_bp), 0.06, "t = %g: %g against %g", r->t,
                     r->angle_bp, q->angle_bp);
        cr_expect_lt(fabs(r->angle_pbp - q->angle_pbp), 0.06, "t = %g: %g against %g", r->t,
                     r->angle_pbp, q->angle_pbp);
    }
    cr_expect_gt(defined, 10);
    cr_expect_gt(undefined, 10); /* E reaches the noise level well before t = 2000 */
    /* the summary: the last defined value and its time, NaN everywhere after */
    cr_assert(a.angle_bp_last_t < a.stats.t_reached);
    for (size_t i = 0; i < a.nrows; i++) {
        if (a.rows[i].t == a.angle_bp_last_t) cr_expect_eq(a.rows[i].angle_bp, a.angle_bp_last);
        if (a.rows[i].t > a.angle_bp_last_t) cr_expect(isnan(a.rows[i].angle_bp));
        if (a.rows[i].t > a.angle_pbp_last_t) cr_expect(isnan(a.rows[i].angle_pbp));
    }
    fadyn_ode_result_free(&a);
    fadyn_ode_result_free(&b);
    fadyn_problem_free(&p);
}

/* bp with n_h < n_o: Wᵀ E → 0 while E does not, so its angles lose their
 * direction though NSE stays up (the signal rule of fadyn/observer.h). */
Test(dynamics, angles_undefined_when_the_signal_vanishes) {
    size_t sz[] = {8, 3, 6};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("bp"), 2, 0.1);
    fadyn_integ_params ip = tight(400.0);
    fadyn_ode_result res;
    cr_assert_eq(fadyn_ode_run(&p, &ip, &res), FADYN_OK, "%s", res.err.msg);
    const fadyn_obs *last = &res.rows[res.nrows - 1];
    cr_expect_gt(last->nse, 1e-2, "rank-3 fit of a rank-6 target: NSE %g", last->nse);
    cr_expect(isnan(last->angle_pbp), "pbp angle %g of a vanished signal", last->angle_pbp);
    cr_expect(!isnan(res.angle_pbp_last) && res.angle_pbp_last_t < res.stats.t_reached);
    fadyn_ode_result_free(&res);
    fadyn_problem_free(&p);
}

/* Issue 10: the bounds on s are null unless one hidden layer, fa, Σ = I and
 * C(0) = 0. */
Test(dynamics, s_bounds_only_under_their_hypotheses) {
    size_t sz[] = {6, 5, 3}, deep[] = {6, 5, 4, 3};
    struct {
        const char *rule;
        size_t depth;
        const size_t *sizes;
        double w;
        int sigma, applies;
    } cases[] = {{"fa", 2, sz, 0.0, 0, 1},
                 {"fa", 2, sz, 0.01, 0, 0},
                 {"bp", 2, sz, 0.0, 0, 0},
                 {"fa", 2, sz, 0.0, 1, 0},
                 {"fa", 3, deep, 0.0, 0, 0}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        fadyn_problem p;
        th_problem(&p, cases[c].depth, cases[c].sizes, th_rule(cases[c].rule), 3, cases[c].w);
        double sig[6] = {1, 2, 1, 1, 0.5, 1};
        if (cases[c].sigma) cr_assert_eq(fadyn_problem_set_sigma(&p, sig, NULL), FADYN_OK);
        fadyn_integ_params ip = tight(5.0);
        fadyn_ode_result res;
        cr_assert_eq(fadyn_ode_run(&p, &ip, &res), FADYN_OK, "%s", res.err.msg);
        cr_expect_eq(!res.s_bound_reason, cases[c].applies, "case %zu: %s", c,
                     res.s_bound_reason ? res.s_bound_reason : "applies");
        cr_expect_eq(isnan(res.s_bound_paper), !cases[c].applies, "case %zu", c);
        cr_expect_eq(isnan(res.s_bound_derived), !cases[c].applies, "case %zu", c);
        if (cases[c].applies) cr_expect_leq(res.s_max, res.s_bound_derived);
        fadyn_ode_result_free(&res);
        fadyn_problem_free(&p);
    }
}
