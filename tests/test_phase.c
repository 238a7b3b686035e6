/* test_phase.c — the 1-1-1 phase plane and the sampled basins (docs/theory.md §4):
 * each fact checked against something independent of the code under test
 * (closed forms, GSL's cubic solver, finite differences, the BLAS engine,
 * a second integrator path, the symmetries). */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* (b, t) pairs of every sign combination and a few magnitudes. */
static const double BT[][2] = {{1, 1},  {0.5, 2}, {-1, 1},      {-2, -0.5},
                               {1, -3}, {3, 0.2}, {-0.7, -1.5}, {2.5, -0.4}};
#define NBT (sizeof BT / sizeof BT[0])

Test(phase, rhs_and_jacobian_match_the_blas_engine_and_finite_differences) {
    /* the scalar system is the 1-1-1 case of the layered engine (eq 12–13) */
    size_t sizes[] = {1, 1, 1};
    fadyn_problem p;
    cr_assert_eq(fadyn_problem_alloc(&p, 2, sizes, th_rule("fa"), NULL), FADYN_OK);
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1];
        p.T[0] = t;
        p.B[0][0] = b;
        fadyn_phase_sys s = {b, t, 0, 0, 0};
        for (int i = 0; i < 20; i++) {
            double y[2] = {6 * gsl_rng_uniform(r) - 3, 6 * gsl_rng_uniform(r) - 3}, f[2], g[2];
            fadyn_phase_rhs(0, y, f, &s);
            fadyn_dyn_rhs(d, y, g); /* state: A = y[0], W = y[1] */
            cr_expect_float_eq(f[0], g[0], 1e-14 * (1 + fabs(g[0])));
            cr_expect_float_eq(f[1], g[1], 1e-14 * (1 + fabs(g[1])));
            double J[4], dfdt[2], h = 1e-6;
            fadyn_phase_jac(0, y, J, dfdt, &s);
            for (int j = 0; j < 2; j++) {
                double yp[2] = {y[0], y[1]}, ym[2] = {y[0], y[1]}, fp[2], fm[2];
                yp[j] += h, ym[j] -= h;
                fadyn_phase_rhs(0, yp, fp, &s);
                fadyn_phase_rhs(0, ym, fm, &s);
                for (int i2 = 0; i2 < 2; i2++)
                    cr_expect_float_eq(J[i2 * 2 + j], (fp[i2] - fm[i2]) / (2 * h), 1e-6,
                                       "J[%d][%d]", i2, j);
            }
            cr_expect_eq(dfdt[0], 0.0);
        }
    }
    cr_expect_gt(fadyn_dyn_rhs_count(d), 0);
    gsl_rng_free(r);
    fadyn_dyn_free(d);
    fadyn_problem_free(&p);
}

/* Samples of trajectories for the invariance test. */
Test(phase, C_is_conserved_along_trajectories) {
    enum { N = 200 };
    static const double starts[][2] = {{0, 0}, {-3, 2}, {2.5, -2.5}, {-1, -2.5}, {0.3, 2.9}};
    double tt[N], a[N], w[N];
    for (size_t k = 0; k < NBT; k++)
        for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
            double b = BT[k][0], t = BT[k][1];
            double C0 = fadyn_phase_C(b, starts[s][0], starts[s][1]);
            cr_assert_eq(
                fadyn_phase_trajectory(b, t, starts[s][0], starts[s][1], 30, N, tt, a, w, NULL),
                FADYN_OK);
            double moved = 0;
            for (size_t i = 0; i < N; i++) {
                /* 2bw − a², from the samples: constant up to the tolerance */
                double C = 2 * b * w[i] - a[i] * a[i];
                cr_expect_float_eq(C, C0, 1e-6 * (1 + fabs(C0)), "b %g t %g from (%g,%g) at t=%g",
                                   b, t, starts[s][0], starts[s][1], tt[i]);
                moved = fmax(moved, fabs(a[i] - a[0]));
            }
            cr_expect_gt(moved, 1e-3, "the trajectory must actually move");
        }
}

Test(phase, origin_ends_at_the_cube_root) {
    fadyn_basin_params bp = fadyn_basin_params_default();
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
    cr_assert_not_null(ws);
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1];
        fadyn_basin_point p;
        cr_assert_eq(fadyn_phase_settle(ws, b, t, 0, 0, &p, NULL), FADYN_OK);
        double a = cbrt(2 * b * t); /* docs/theory.md §4 */
        cr_expect_eq(p.cls, FADYN_PHASE_GOOD, "b %g t %g", b, t);
        cr_expect_float_eq(p.a, a, 1e-5, "b %g t %g: a %g vs %g", b, t, p.a, a);
        cr_expect_float_eq(p.w, t / a, 1e-5, "b %g t %g: w %g vs %g", b, t, p.w, t / a);
        cr_expect_float_eq(p.C, 0.0, 1e-15);
        cr_expect_gt(p.rhs_evals, 10);
    }
    fadyn_phase_ws_free(ws);
}

Test(phase, cubic_roots_agree_with_gsl_poly) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t k = 0; k < NBT; k++)
        for (int i = 0; i < 200; i++) {
            double b = BT[k][0], t = BT[k][1], C = -12 + 16 * gsl_rng_uniform(r);
            double mine[3], ref[3] = {NAN, NAN, NAN};
            size_t n = fadyn_phase_roots(C, b, t, mine);
            int m = gsl_poly_solve_cubic(0.0, C, -2 * b * t, &ref[0], &ref[1], &ref[2]);
            cr_assert_eq((int)n, m, "C %g bt %g: %zu roots, GSL %d", C, b * t, n, m);
            for (int j = 0; j < m; j++)
                cr_expect_float_eq(mine[j], ref[j], 1e-9 * (1 + fabs(ref[j])), "C %g root %d", C,
                                   j);
            /* three roots exactly when C is below the fold −3|bt|^{2/3} */
            cr_expect_eq(n == 3, C < fadyn_phase_fold_C(b, t));
        }
    gsl_rng_free(r);
}

Test(phase, stability_along_the_hyperbola_matches_the_criterion) {
    size_t checked = 0;
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1];
        for (int i = -400; i <= 400; i++) {
            double a = 0.01 * i + 0.003; /* never 0, never exactly the fold */
            fadyn_phase_eq e;
            cr_assert_eq(fadyn_phase_eq_stability(b, t, a, &e, NULL), FADYN_OK);
            double crit = a * a + b * t / a; /* a² + b w on a w = t */
            cr_expect_eq(e.stable, crit > 0, "b %g t %g a %g: lambda %g", b, t, a, e.lambda);
            cr_expect_eq(e.stable, e.stable_analytic);
            /* the eigenvalues of [[−bw, −ba], [−wa, −a²]] are 0 and −(a² + bw) */
            cr_expect_float_eq(e.lambda, -crit, 1e-9 * (1 + fabs(crit)));
            cr_expect_float_eq(e.lambda_zero, 0.0, 1e-9 * (1 + fabs(crit)));
            cr_expect_eq(e.good, b * e.w > 0);
            checked++;
        }
    }
    cr_expect_eq(checked, NBT * 801);
    fadyn_phase_eq e;
    cr_expect_eq(fadyn_phase_eq_stability(1, 1, 0.0, &e, NULL), FADYN_EINVAL);
}

Test(phase, bad_branch_stable_beyond_the_fold_for_b_t_one) {
    /* docs/theory.md §4: for b = t = 1 the bad branch is stable for a < −1 only */
    fadyn_phase_eq e;
    fadyn_phase_eq_stability(1, 1, -1.2, &e, NULL);
    cr_expect(e.stable && !e.good);
    fadyn_phase_eq_stability(1, 1, -0.8, &e, NULL);
    cr_expect(!e.stable && !e.good);
    fadyn_phase_eq_stability(1, 1, 0.5, &e, NULL);
    cr_expect(e.stable && e.good);
    cr_expect_float_eq(fadyn_phase_fold_a(1, 1), -1.0, 1e-15);
    cr_expect_float_eq(fadyn_phase_fold_C(1, 1), -3.0, 1e-15);
}

Test(phase, points_well_inside_each_region_get_the_predicted_class) {
    fadyn_basin_params bp = fadyn_basin_params_default();
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t seen[2] = {0, 0};
    for (size_t k = 0; k < NBT; k++)
        for (int i = 0; i < 300; i++) {
            double b = BT[k][0], t = BT[k][1];
            double a = 8 * gsl_rng_uniform(r) - 4, w = 8 * gsl_rng_uniform(r) - 4;
            /* well inside: the prediction is the same 0.1 around */
            if (fadyn_phase_near_separatrix(b, t, a, w, 0.1, 0.1)) continue;
            fadyn_basin_point p;
            cr_assert_eq(fadyn_phase_settle(ws, b, t, a, w, &p, NULL), FADYN_OK);
            cr_expect_eq(p.cls, p.predicted, "b %g t %g from (%g, %g): %s, predicted %s", b, t, a,
                         w, fadyn_phase_class_name(p.cls), fadyn_phase_class_name(p.predicted));
            /* the end is an equilibrium a w = t with the class's sign of b w */
            cr_expect_float_eq(p.a * p.w, t, 1e-5);
            cr_expect_eq(p.cls == FADYN_PHASE_BAD, b * p.w < 0);
            seen[p.cls == FADYN_PHASE_BAD]++;
        }
    cr_expect_gt(seen[0], 200);
    cr_expect_gt(seen[1], 100, "the sample must reach the bad basin too");
    gsl_rng_free(r);
    fadyn_phase_ws_free(ws);
}

Test(phase, hand_picked_starts_for_b_t_one) {
    /* C and a₂ by hand: (−3,−3): C = −15 < −3, a far below a₂ → bad;
     * (2, 2): C = 4 > −3 → good; (−2, 1): C = −2 > −3 → good although a < 0;
     * (−2.5, 1): C = −4.25 and a₂ ≈ −0.59 > a → bad. */
    cr_expect_eq(fadyn_phase_predict(1, 1, -3, -3), FADYN_PHASE_BAD);
    cr_expect_eq(fadyn_phase_predict(1, 1, 2, 2), FADYN_PHASE_GOOD);
    cr_expect_eq(fadyn_phase_predict(1, 1, -2, 1), FADYN_PHASE_GOOD);
    cr_expect_eq(fadyn_phase_predict(1, 1, -2.5, 1), FADYN_PHASE_BAD);
    /* on the unstable segment (an equilibrium, a² + b w = 0.25 − 2 < 0): it
     * stays, unstable; a hair off it, it leaves for one side or the other */
    cr_expect_eq(fadyn_phase_predict(1, 1, -0.5, -2), FADYN_PHASE_UNSTABLE);
    cr_expect_eq(fadyn_phase_predict(1, 1, -0.5, -2 - 1e-9), FADYN_PHASE_BAD);
    cr_expect_eq(fadyn_phase_predict(1, 1, -0.5, -2 + 1e-9), FADYN_PHASE_GOOD);
}

Test(phase, negative_b_swaps_the_branches) {
    /* (a, w, b, t) → (−a, −w, −b, t) maps solutions to solutions and keeps C */
    fadyn_basin_params bp = fadyn_basin_params_default();
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t bad = 0;
    for (int i = 0; i < 300; i++) {
        double a = 6 * gsl_rng_uniform(r) - 3, w = 6 * gsl_rng_uniform(r) - 3;
        fadyn_basin_point p, q;
        fadyn_phase_settle(ws, 1, 1, a, w, &p, NULL);
        fadyn_phase_settle(ws, -1, 1, -a, -w, &q, NULL);
        cr_expect_eq(p.cls, q.cls, "(%g,%g)", a, w);
        cr_expect_float_eq(q.a, -p.a, 1e-5);
        cr_expect_float_eq(q.w, -p.w, 1e-5);
        cr_expect_float_eq(q.C, p.C, 1e-12 * (1 + fabs(p.C)));
        if (q.cls == FADYN_PHASE_BAD) {
            bad++;
            /* with b = −1, t = 1 the bad branch is a > 0, w > 0 (b w < 0) */
            cr_expect(q.a > 0 && q.w > 0, "bad end (%g, %g)", q.a, q.w);
        } else {
            cr_expect(q.a < 0 && q.w < 0, "good end (%g, %g)", q.a, q.w);
        }
    }
    cr_expect_gt(bad, 20);
    /* the other symmetry, (a, w, b, t) → (−a, w, b, −t) */
    for (int i = 0; i < 100; i++) {
        double a = 6 * gsl_rng_uniform(r) - 3, w = 6 * gsl_rng_uniform(r) - 3;
        fadyn_basin_point p, q;
        fadyn_phase_settle(ws, 1, 1, a, w, &p, NULL);
        fadyn_phase_settle(ws, 1, -1, -a, w, &q, NULL);
        cr_expect_eq(p.cls, q.cls, "(%g,%g)", a, w);
        cr_expect_float_eq(q.a, -p.a, 1e-5);
    }
    gsl_rng_free(r);
    fadyn_phase_ws_free(ws);
}

Test(phase, grid_disagrees_only_next_to_the_separatrix) {
    /* the done-when: 201x201 over [−3,3]² for b = t = 1, and a
     * window with b t < 0 */
    static const double cases[][2] = {{1, 1}, {-1.5, 0.7}};
    size_t n = 201;
    fadyn_basin_point *p = malloc(n * n * sizeof *p);
    fadyn_basin_params bp = fadyn_basin_params_default();
    for (int c = 0; c < 2; c++) {
        fadyn_window win = {-3, 3, -3, 3};
        fadyn_basin_stats st;
        cr_assert_eq(fadyn_basin_grid(cases[c][0], cases[c][1], &win, n, n, &bp, p, &st, NULL),
                     FADYN_OK);
        cr_expect_eq(st.n, n * n);
        cr_expect_eq(st.disagree, st.disagree_near);
        cr_expect_eq(st.counts[FADYN_PHASE_DIVERGED] + st.counts[FADYN_PHASE_UNCONVERGED], 0);
        cr_expect_gt(st.counts[FADYN_PHASE_BAD], n * n / 20);
        cr_expect_lt(fabs((double)st.counts[FADYN_PHASE_BAD] - (double)st.predicted_bad),
                     (double)(3 * n));
        /* layout: node (i, j) at pts[j*na + i] */
        cr_expect_float_eq(p[5 * n + 7].a0, fadyn_grid_a(&win, n, 7), 1e-15);
        cr_expect_float_eq(p[5 * n + 7].w0, fadyn_grid_w(&win, n, 5), 1e-15);
    }
    free(p);
}

Test(phase, wrapper_engine_and_other_steppers_agree) {
    /* a second integrator path: the shared fadyn_integrate wrapper, and rkf45 */
    size_t n = 41;
    fadyn_window win = {-3, 3, -3, 3};
    fadyn_basin_point *p = malloc(3 * n * n * sizeof *p);
    fadyn_basin_params bp[3] = {fadyn_basin_params_default(), fadyn_basin_params_default(),
                                fadyn_basin_params_default()};
    bp[1].engine = FADYN_BASIN_WRAPPER;
    bp[2].integ.stepper = fadyn_stepper_find("rkf45");
    fadyn_basin_stats st[3];
    for (size_t e = 0; e < 3; e++)
        cr_assert_eq(fadyn_basin_grid(1, 1, &win, n, n, &bp[e], p + e * n * n, &st[e], NULL),
                     FADYN_OK);
    for (size_t i = 0; i < n * n; i++)
        for (size_t e = 1; e < 3; e++) {
            cr_expect_eq(p[i].cls, p[e * n * n + i].cls, "node %zu engine %zu", i, e);
            /* near the fold the end creeps in algebraically: |E| < e_tol
             * leaves |a − a_f| ~ sqrt(e_tol) there, so compare ends elsewhere */
            if (!fadyn_phase_near_separatrix(1, 1, p[i].a0, p[i].w0, 0.15, 0.15))
                cr_expect_float_eq(p[i].a, p[e * n * n + i].a, 1e-4, "node %zu engine %zu", i, e);
        }
    free(p);
}

Test(phase, time_limit_gives_unconverged) {
    fadyn_basin_params bp = fadyn_basin_params_default();
    bp.integ.t_end = 0.01;
    for (int e = 0; e < 2; e++) {
        bp.engine = e;
        fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
        fadyn_basin_point p;
        cr_assert_eq(fadyn_phase_settle(ws, 1, 1, 0, 0, &p, NULL), FADYN_OK);
        cr_expect_eq(p.cls, FADYN_PHASE_UNCONVERGED, "engine %d", e);
        cr_expect_leq(p.t_end, 0.01 + 1e-12);
        fadyn_phase_ws_free(ws);
    }
}

Test(phase, start_beyond_the_radius_diverges) {
    fadyn_basin_params bp = fadyn_basin_params_default();
    bp.integ.radius = 10;
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
    fadyn_basin_point p;
    cr_assert_eq(fadyn_phase_settle(ws, 1, 1, 20, 0, &p, NULL), FADYN_OK);
    cr_expect_eq(p.cls, FADYN_PHASE_DIVERGED);
    fadyn_phase_ws_free(ws);
}

Test(phase, bad_parameters_are_refused) {
    fadyn_err err;
    fadyn_basin_params bp = fadyn_basin_params_default();
    cr_expect_eq(fadyn_stepper_parse("rk9", &bp.integ.stepper, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "rk9") != NULL);
    bp.integ.stepper = NULL; /* what fadyn_stepper_find("rk9") gives */
    cr_expect_null(fadyn_phase_ws_alloc(&bp, &err));
    cr_expect_eq(err.code, FADYN_EINVAL);
    /* the library names the struct's field, never a flag (fadyn basin --t-max is t_end) */
    const char *fields[] = {"rtol -1:", "e_tol -1:", "speed_tol -1:", "t_end -1:"};
    for (int f = 0; f < 4; f++) {
        bp = fadyn_basin_params_default();
        double *x = f == 0   ? &bp.integ.rtol
                    : f == 1 ? &bp.e_tol
                    : f == 2 ? &bp.speed_tol
                             : &bp.integ.t_end;
        *x = -1;
        cr_expect_eq(fadyn_basin_params_check(&bp, &err), FADYN_EINVAL);
        cr_expect(strstr(err.msg, fields[f]) == err.msg && !strstr(err.msg, "--"), "%s: %s",
                  fields[f], err.msg);
    }
    bp = fadyn_basin_params_default();
    bp.engine = 7;
    cr_expect_eq(fadyn_basin_params_check(&bp, &err), FADYN_EINVAL);
    bp = fadyn_basin_params_default();
    fadyn_window win = {-1, 1, -1, 1}, inv = {1, -1, -1, 1};
    fadyn_basin_point pts[4];
    fadyn_basin_stats st;
    cr_expect_eq(fadyn_basin_grid(0, 1, &win, 2, 2, &bp, pts, &st, &err), FADYN_EINVAL);
    cr_expect_eq(fadyn_basin_grid(1, 0, &win, 2, 2, &bp, pts, &st, &err), FADYN_EINVAL);
    cr_expect_eq(fadyn_basin_grid(1, 1, &win, 1, 2, &bp, pts, &st, &err), FADYN_EINVAL);
    cr_expect_eq(fadyn_basin_grid(1, 1, &inv, 2, 2, &bp, pts, &st, &err), FADYN_EINVAL);
    cr_expect_str_eq(fadyn_phase_class_name(FADYN_PHASE_UNCONVERGED), "unconverged");
    cr_expect_str_eq(fadyn_phase_class_name(99), "?");
}

Test(phase, separatrix_points_lie_on_their_curves) {
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1], a[201], w[201];
        size_t n = fadyn_phase_separatrix(b, t, -3, 3, 100, a, w);
        cr_assert_gt(n, 100);
        int piece = 0;
        double af = fadyn_phase_fold_a(b, t);
        for (size_t i = 0; i < n; i++) {
            if (isnan(a[i])) {
                piece++;
                continue;
            }
            if (piece == 0) /* the parabola C = fold, on the bad side of the fold */
                cr_expect_float_eq(fadyn_phase_C(b, a[i], w[i]), fadyn_phase_fold_C(b, t), 1e-9);
            else /* the unstable segment, between the fold and 0 */
                cr_expect(a[i] * w[i] - t < 1e-9 && fabs(a[i]) <= fabs(af) + 1e-12);
            /* every separatrix point is a boundary: the class changes nearby */
            if (fabs(a[i]) > 1e-2 && fabs(w[i]) < 3)
                cr_expect(fadyn_phase_near_separatrix(b, t, a[i], w[i], 1e-3, 1e-3),
                          "b %g t %g (%g, %g)", b, t, a[i], w[i]);
        }
        cr_expect_eq(piece, 1);
    }
}

/* ---- layered networks -------------------------------------------------- */

Test(phase_nd, end_states_stable_with_the_expected_zero_modes) {
    size_t sizes[] = {5, 4, 3}, samples = 3;
    double scales[] = {0.01, 1.0};
    fadyn_nd_params np = fadyn_nd_params_default();
    fadyn_nd_result res[6];
    cr_assert_eq(fadyn_nd_run_many(2, sizes, 7, samples, scales, 2, &np, res, NULL), FADYN_OK);
    size_t dim = 4 * 5 + 3 * 4;
    for (int i = 0; i < 6; i++) {
        cr_expect_eq(res[i].status, FADYN_OK);
        cr_expect(res[i].converged, "start %d: nse %g", i, res[i].nse);
        cr_expect_lt(res[i].nse, np.nse_tol);
        /* at E = 0 the kernel of the Jacobian is {δW A + W δA = 0}: dim − n_o n_i */
        cr_expect_eq(res[i].zero_modes, dim - 3 * 5, "start %d", i);
        /* and the other modes are −(μ_i + ν_j): stable iff min Re ν + min μ > 0 */
        cr_expect_eq(res[i].stable, res[i].stable_reduced, "start %d", i);
        /* n_i > n_h: AᵀA is singular, so the slowest mode is −min Re ν */
        cr_expect_float_eq(res[i].mu_min, 0.0, 1e-8);
        cr_expect_float_eq(res[i].lambda_re_max, -res[i].nu_re_min, 1e-5);
        cr_expect_leq(res[i].s_min, res[i].s_max);
        int expect = res[i].s_min > 0   ? FADYN_ALIGN_POSDEF
                     : res[i].s_max < 0 ? FADYN_ALIGN_NEGDEF
                                        : FADYN_ALIGN_INDEF;
        cr_expect_eq(res[i].align, expect);
    }
}

Test(phase_nd, one_one_one_network_matches_the_scalar_system) {
    /* the sampled-basin engine on sizes 1,1,1 against fadyn_phase_settle */
    size_t sizes[] = {1, 1, 1};
    fadyn_problem p;
    cr_assert_eq(fadyn_problem_alloc(&p, 2, sizes, th_rule("fa"), NULL), FADYN_OK);
    p.T[0] = 1;
    p.B[0][0] = 1;
    fadyn_nd_ws *ws = fadyn_nd_ws_alloc(&p, NULL);
    cr_assert_not_null(ws);
    fadyn_nd_params np = fadyn_nd_params_default();
    fadyn_basin_params bp = fadyn_basin_params_default();
    fadyn_phase_ws *pw = fadyn_phase_ws_alloc(&bp, NULL);
    static const double starts[][2] = {{0, 0}, {-3, -3}, {-2.5, 1}, {2, -1}};
    for (int s = 0; s < 4; s++) {
        fadyn_nd_result r;
        fadyn_basin_point q;
        cr_assert_eq(fadyn_nd_run(ws, starts[s], &np, &r, NULL), FADYN_OK);
        fadyn_phase_settle(pw, 1, 1, starts[s][0], starts[s][1], &q, NULL);
        cr_expect(r.converged);
        /* W B = w b: positive exactly for the good class */
        cr_expect_eq(r.align == FADYN_ALIGN_POSDEF, q.cls == FADYN_PHASE_GOOD, "start %d", s);
        cr_expect_float_eq(r.s_min, q.w, 1e-5, "start %d", s);
        /* stable: both remaining criteria agree with a² + b w > 0 */
        cr_expect_eq(r.stable, q.a * q.a + q.w > 0);
        cr_expect_eq(r.zero_modes, 1);
    }
    fadyn_phase_ws_free(pw);
    fadyn_nd_ws_free(ws);
    fadyn_problem_free(&p);
}

Test(phase_nd, slice_fills_its_grid_and_refuses_deep_nets) {
    size_t sizes[] = {4, 3, 2};
    fadyn_nd_params np = fadyn_nd_params_default();
    fadyn_nd_result res[12];
    for (int i = 0; i < 12; i++)
        res[i].status = -99;
    np.stability = 0;
    cr_assert_eq(fadyn_nd_slice(2, sizes, 3, 0.1, 1.0, 4, 3, &np, res, NULL), FADYN_OK);
    for (int i = 0; i < 12; i++) {
        cr_expect_eq(res[i].status, FADYN_OK);
        cr_expect_eq(res[i].stable, -1, "stability off: not computed");
    }
    fadyn_err err;
    size_t deep[] = {4, 3, 3, 2};
    double sc = 1;
    cr_expect_eq(fadyn_nd_run_many(3, deep, 1, 1, &sc, 1, &np, res, &err), FADYN_EINVAL);
    cr_expect_eq(fadyn_nd_slice(2, sizes, 3, 0.1, 1.0, 1, 3, &np, res, &err), FADYN_EINVAL);
    fadyn_problem p;
    th_problem(&p, 3, deep, th_rule("fa"), 1, 0.1);
    cr_expect_null(fadyn_nd_ws_alloc(&p, &err));
    fadyn_problem_free(&p);
    cr_expect_str_eq(fadyn_align_name(FADYN_ALIGN_NEGDEF), "negdef");
}

Test(phase, far_starts_settle_on_the_cubic_roots) {
    /* far from the origin the flow is fast and stiff (rate a² + b w ~ 1e4..1e6):
     * the first step is scaled to the speed, an overshooting explicit step is
     * retried, and an implicit stepper settles where the explicit one crawls */
    static const double starts[][2] = {{-100, 50}, {80, -60}, {1000, 1000}};
    const char *steppers[] = {"rk8pd", "msbdf", "bsimp"};
    for (int k = 0; k < 3; k++) {
        fadyn_basin_params bp = fadyn_basin_params_default();
        bp.integ.stepper = fadyn_stepper_find(steppers[k]);
        fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
        for (int s = 0; s < 3; s++) {
            if (k == 0 && s == 2) continue; /* rk8pd crawls there (documented) */
            double a0 = starts[s][0], w0 = starts[s][1], r[3];
            fadyn_basin_point p;
            cr_assert_eq(fadyn_phase_settle(ws, 1, 1, a0, w0, &p, NULL), FADYN_OK);
            size_t n = fadyn_phase_roots(fadyn_phase_C(1, a0, w0), 1, 1, r);
            cr_assert_eq(n, 3);
            /* bad: the outer negative root a₁; good: the positive root a₃ */
            double expect = p.predicted == FADYN_PHASE_BAD ? r[0] : r[2];
            cr_expect_eq(p.cls, p.predicted, "%s from (%g, %g)", steppers[k], a0, w0);
            cr_expect_float_eq(p.a, expect, 1e-6 * fabs(expect), "%s from (%g, %g): %g vs %g",
                               steppers[k], a0, w0, p.a, expect);
        }
        fadyn_phase_ws_free(ws);
    }
}

/* The bad length of [w_lo, w_hi] at a, from the criterion itself
 * (fadyn_phase_predict): scan w in `steps` steps and bisect each change of
 * class to 1e-13. */
static double bad_length_scan(double b, double t, double a, double w_lo, double w_hi, int steps) {
    double len = 0.0, h = (w_hi - w_lo) / steps, start = w_lo;
    int in = fadyn_phase_predict(b, t, a, w_lo) == FADYN_PHASE_BAD;
    for (int k = 1; k <= steps; k++) {
        double w1 = w_lo + k * h;
        int c1 = fadyn_phase_predict(b, t, a, w1) == FADYN_PHASE_BAD;
        if (c1 != in) {
            double x0 = w1 - h, x1 = w1; /* the class is `in` at x0, c1 at x1 */
            while (x1 - x0 > 1e-13)
                if ((fadyn_phase_predict(b, t, a, 0.5 * (x0 + x1)) == FADYN_PHASE_BAD) == in)
                    x0 = 0.5 * (x0 + x1);
                else
                    x1 = 0.5 * (x0 + x1);
            if (in) len += x0 - start;
            start = x0;
            in = c1;
        }
    }
    if (in) len += w_hi - start;
    return len;
}

/* The midpoint rule over a of that length, with n cells. */
static double bad_area_midpoint(double b, double t, const fadyn_window *win, int n) {
    double h = (win->a_hi - win->a_lo) / n, sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += bad_length_scan(b, t, win->a_lo + (i + 0.5) * h, win->w_lo, win->w_hi, 300);
    return sum * h;
}

Test(phase, bad_area_agrees_with_a_second_quadrature_of_the_criterion, .timeout = 60) {
    /* fadyn_phase_bad_area integrates a closed-form boundary g(a) derived
     * from the criterion; here the criterion (roots of the cubic) is
     * integrated directly, by the midpoint rule in a with 2000 and 4000
     * cells, and the difference of the two bounds the error (O(h²)) */
    const struct {
        double b, t;
        fadyn_window win;
    } cases[] = {
        {1, 1, {-3, 3, -3, 3}},           {-2, -0.5, {-4, 1, -1, 4}},
        {1, -3, {-2.5, 3, -4, 1.5}},      {0.5, 2, {-5, -0.5, -6, 0.3}},
        {-0.7, -1.5, {-3, 0.5, -2, 2.5}},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        double b = cases[k].b, t = cases[k].t, area;
        const fadyn_window *w = &cases[k].win;
        cr_assert_eq(fadyn_phase_bad_area(b, t, w, &area, NULL), FADYN_OK);
        double i1 = bad_area_midpoint(b, t, w, 2000), i2 = bad_area_midpoint(b, t, w, 4000);
        double bound = 2.0 * fabs(i1 - i2) + 1e-9;
        double full = (w->a_hi - w->a_lo) * (w->w_hi - w->w_lo);
        cr_expect_gt(area, 0.0, "case %zu: the window holds some of the bad region", k);
        cr_expect_leq(fabs(area - i2), bound, "case %zu: area %.10g, quadrature %.10g ± %.2g", k,
                      area, i2, bound);
        cr_expect_lt(bound, 1e-6 * full, "case %zu: the second quadrature is fine enough", k);
    }
    /* b = t = 1 on [−3, 3]²: 0.22874 of the window (an independent NumPy
     * computation, issue 10), where the node counts gave 0.23408 on 61²
     * and 0.22969 on 301² */
    fadyn_window win = {-3, 3, -3, 3};
    double area;
    cr_assert_eq(fadyn_phase_bad_area(1, 1, &win, &area, NULL), FADYN_OK);
    cr_expect_float_eq(area / 36.0, 0.22874, 5e-6);
    /* the symmetries (a, w, b, t) -> (−a, −w, −b, t) and (−a, w, b, −t) */
    fadyn_window flip_a = {-1, 3, -3, 2}, orig = {-3, 1, -3, 2};
    double a0, a1, a2;
    cr_assert_eq(fadyn_phase_bad_area(0.8, 1.3, &orig, &a0, NULL), FADYN_OK);
    cr_assert_eq(fadyn_phase_bad_area(-0.8, 1.3, &(fadyn_window){-1, 3, -2, 3}, &a1, NULL),
                 FADYN_OK);
    cr_assert_eq(fadyn_phase_bad_area(0.8, -1.3, &flip_a, &a2, NULL), FADYN_OK);
    cr_expect_float_eq(a1, a0, 1e-12 * a0);
    cr_expect_float_eq(a2, a0, 1e-12 * a0);
    fadyn_err err;
    cr_expect_eq(fadyn_phase_bad_area(0, 1, &win, &area, &err), FADYN_EINVAL);
    cr_expect_eq(fadyn_phase_bad_area(1, 1, &(fadyn_window){1, -1, 0, 1}, &area, &err),
                 FADYN_EINVAL);
    cr_expect(strstr(err.msg, "window"), "%s", err.msg);
}

/* Stability in a slice: every converged point has the Jacobian's verdict,
 * equal to the reduced criterion, with the expected zero modes. */
Test(phase_nd, slice_computes_stability_when_asked) {
    size_t sizes[] = {4, 3, 2};
    fadyn_nd_params np = fadyn_nd_params_default();
    fadyn_nd_result res[9];
    cr_assert_eq(fadyn_nd_slice(2, sizes, 5, 1.0, 1.0, 3, 3, &np, res, NULL), FADYN_OK);
    size_t checked = 0;
    for (int i = 0; i < 9; i++) {
        if (!res[i].converged) continue;
        checked++;
        cr_expect_neq(res[i].stable, -1, "point %d", i);
        cr_expect_eq(res[i].stable, res[i].stable_reduced, "point %d", i);
        cr_expect_eq(res[i].zero_modes, fadyn_nd_zero_modes_expected(sizes), "point %d", i);
    }
    cr_expect_gt(checked, 5);
}

/* A slice along two coordinate axes of the user's problem: point (u, v) is
 * the run from ω (d0 + u e_i + v e_j), built here by hand. */
Test(phase_nd, slice_along_axes_starts_where_it_says) {
    size_t sizes[] = {3, 2, 2};
    fadyn_problem p;
    cr_assert_eq(fadyn_nd_draw(&p, sizes, NULL, 11, NULL), FADYN_OK);
    size_t i, j;
    cr_assert_eq(fadyn_problem_weight_index(&p, "A", 1, 2, &i), FADYN_OK);
    cr_assert_eq(fadyn_problem_weight_index(&p, "W", 0, 1, &j), FADYN_OK);
    cr_expect_eq(i, 1 * 3 + 2);
    cr_expect_eq(j, 2 * 3 + 0 * 2 + 1);
    cr_expect_eq(fadyn_problem_weight_index(&p, "W", 2, 0, &j), FADYN_EINVAL);
    cr_expect_eq(fadyn_problem_weight_index(&p, "B", 0, 0, &j), FADYN_EINVAL);
    double *e = calloc(2 * p.dim, sizeof(double));
    e[i] = 1.0;
    e[p.dim + 7] = 1.0;
    fadyn_nd_params np = fadyn_nd_params_default();
    np.stability = 0;
    fadyn_nd_result res[6], one;
    double omega = 0.5, span = 2.0;
    cr_assert_eq(fadyn_nd_slice_of(&p, p.w0, e, e + p.dim, omega, span, 3, 2, &np, res, NULL),
                 FADYN_OK);
    fadyn_nd_ws *ws = fadyn_nd_ws_alloc(&p, NULL);
    double *y = malloc(p.dim * sizeof(double));
    for (size_t k = 0; k < 6; k++) {
        double u = -span + 2 * span * (double)(k % 3) / 2, v = -span + 2 * span * (double)(k / 3);
        for (size_t m = 0; m < p.dim; m++)
            y[m] = omega * p.w0[m];
        y[i] += omega * u;
        y[7] += omega * v;
        cr_assert_eq(fadyn_nd_run(ws, y, &np, &one, NULL), FADYN_OK);
        cr_expect_eq(res[k].converged, one.converged, "point %zu", k);
        cr_expect_float_eq(res[k].s_min, one.s_min, 1e-12, "point %zu", k);
        cr_expect_float_eq(res[k].t_end, one.t_end, 1e-12, "point %zu", k);
    }
    free(y);
    free(e);
    fadyn_nd_ws_free(ws);
    fadyn_problem_free(&p);
}

/* The user's own problem: saved and read back (sizes inferred from the
 * files), its start scaled; scale 1 is the saved start itself, and
 * fadyn_ode from it ends where fadyn_nd_run ends. */
Test(phase_nd, user_problem_from_files) {
    size_t sizes[] = {4, 3, 2};
    fadyn_problem p, q;
    cr_assert_eq(fadyn_nd_draw(&p, sizes, NULL, 21, NULL), FADYN_OK);
    char dir[64];
    th_tmpdir(dir, sizeof dir);
    cr_assert_eq(fadyn_problem_save(&p, NULL, dir, NULL), FADYN_OK);
    size_t got[FADYN_MAX_DEPTH + 1], depth;
    cr_assert_eq(fadyn_problem_sizes_of(dir, got, &depth, NULL), FADYN_OK);
    cr_assert_eq(depth, 2);
    for (int k = 0; k < 3; k++)
        cr_expect_eq(got[k], sizes[k]);
    cr_assert_eq(fadyn_problem_alloc(&q, depth, got, th_rule("fa"), NULL), FADYN_OK);
    cr_assert_eq(fadyn_problem_load(&q, dir, NULL), FADYN_OK);
    for (size_t m = 0; m < p.dim; m++)
        cr_expect_eq(q.w0[m], p.w0[m]);
    double scales[] = {0.01, 1.0};
    fadyn_nd_params np = fadyn_nd_params_default();
    fadyn_nd_result res[2];
    cr_assert_eq(fadyn_nd_run_scales(&q, scales, 2, &np, res, NULL), FADYN_OK);
    for (int k = 0; k < 2; k++) {
        cr_expect(res[k].converged, "scale %g", scales[k]);
        cr_expect_eq(res[k].stable, res[k].stable_reduced);
    }
    /* directions read from weight files alone */
    double *d = malloc(q.dim * sizeof(double));
    cr_assert_eq(fadyn_problem_load_weights(&q, dir, d, NULL), FADYN_OK);
    for (size_t m = 0; m < q.dim; m++)
        cr_expect_eq(d[m], p.w0[m]);
    free(d);
    fadyn_problem_free(&p);
    fadyn_problem_free(&q);
}

Test(phase_nd, sizes_of_a_deeper_problem_and_faults) {
    size_t sizes[] = {5, 4, 3, 2};
    fadyn_problem p;
    th_problem(&p, 3, sizes, th_rule("fa"), 3, 0.1);
    char dir[64], path[128];
    th_tmpdir(dir, sizeof dir);
    cr_assert_eq(fadyn_problem_save(&p, NULL, dir, NULL), FADYN_OK);
    size_t got[FADYN_MAX_DEPTH + 1], depth;
    cr_assert_eq(fadyn_problem_sizes_of(dir, got, &depth, NULL), FADYN_OK);
    cr_assert_eq(depth, 3);
    for (int k = 0; k < 4; k++)
        cr_expect_eq(got[k], sizes[k]);
    fadyn_err err;
    /* W.txt whose columns do not match the last hidden layer */
    snprintf(path, sizeof path, "%s/W.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("1 2\n3 4\n", f);
    fclose(f);
    cr_expect_eq(fadyn_problem_sizes_of(dir, got, &depth, &err), FADYN_ESHAPE);
    cr_expect(strstr(err.msg, "W.txt has 2 columns, but layer 2 has 3 units") != NULL, "%s",
              err.msg);
    cr_expect_eq(fadyn_problem_sizes_of("/nonexistent", got, &depth, &err), FADYN_EIO);
    fadyn_problem_free(&p);
}

/* The table of a layered basin knows where each start came from: scale-major
 * samples seed + s for fadyn_nd_run_many, u fastest for a slice. */
Test(phase_nd, table_follows_the_layouts_of_both_runs) {
    fadyn_nd_result r[12];
    memset(r, 0, sizeof r);
    const size_t sizes[3] = {3, 2, 2};
    const double scales[3] = {0.01, 0.1, 1.0};
    fadyn_nd_table t;
    cr_assert_eq(fadyn_nd_table_fill(&t, r, sizes, 7, 4, scales, 3, 0.0, 0, 0, NULL), FADYN_OK);
    cr_expect_eq(t.n, 12);
    cr_expect_eq(t.ntally, 3);
    for (size_t i = 0; i < 12; i++) {
        cr_expect(t.scale[i] == scales[i / 4] && t.sample[i] == (double)(7 + i % 4), "start %zu",
                  i);
        cr_expect(isnan(t.u[i]) && isnan(t.v[i]));
    }
    for (size_t k = 0; k < 3; k++)
        cr_expect(t.tally_scale[k] == scales[k]);
    fadyn_nd_table_free(&t);
    cr_assert_eq(fadyn_nd_table_fill(&t, r, sizes, 7, 4, scales, 3, 2.0, 4, 3, NULL), FADYN_OK);
    cr_expect_eq(t.n, 12);
    cr_expect_eq(t.ntally, 1);
    for (size_t i = 0; i < 12; i++) {
        cr_expect(t.scale[i] == scales[0] && t.sample[i] == 0.0);
        cr_expect(t.u[i] == fadyn_nd_slice_coord(2.0, 4, i % 4) &&
                      t.v[i] == fadyn_nd_slice_coord(2.0, 3, i / 4),
                  "start %zu", i);
    }
    cr_expect(t.u[0] == -2.0 && t.u[3] == 2.0 && t.v[2 * 4] == 2.0,
              "the slice spans [-span, span]");
    fadyn_nd_table_free(&t);
}
