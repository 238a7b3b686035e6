/* test_phase_portrait.c — what a phase portrait of the 1-1-1 network shows
 * besides the basin (docs/theory.md §4): backward time, end states with
 * their Jacobian eigenvalue, window exits, the curves (equilibria by
 * stability, separatrix, nullclines) and starts read from a file.  Each
 * fact is checked against something independent: the reversed flow's
 * round trip, GSL's cubic solver, LAPACK's eigenvalues, the conserved C,
 * the right-hand side itself. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_poly.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const double BT[][2] = {{1, 1}, {0.5, 2}, {-1, 1}, {-2, -0.5}, {1, -3}, {2.5, -0.4}};
#define NBT (sizeof BT / sizeof BT[0])

Test(portrait, backward_field_is_the_forward_one_reversed) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t k = 0; k < NBT; k++) {
        fadyn_phase_sys f = {BT[k][0], BT[k][1], 0, 0, 0}, g = f;
        g.backward = 1;
        for (int i = 0; i < 50; i++) {
            double y[2] = {6 * gsl_rng_uniform(r) - 3, 6 * gsl_rng_uniform(r) - 3};
            double yf[2], yb[2], Jf[4], Jb[4], d[2];
            fadyn_phase_rhs(0, y, yf, &f);
            fadyn_phase_rhs(0, y, yb, &g);
            fadyn_phase_jac(0, y, Jf, d, &f);
            fadyn_phase_jac(0, y, Jb, d, &g);
            for (int j = 0; j < 2; j++)
                cr_expect_eq(yb[j], -yf[j]);
            for (int j = 0; j < 4; j++)
                cr_expect_eq(Jb[j], -Jf[j]);
        }
    }
    gsl_rng_free(r);
}

/* Forward for time T from p to q, then backward for T from q: back at p
 * (T short: backward time amplifies the forward error by e^{|λ| T}). */
Test(portrait, backward_trajectory_retraces_the_forward_one) {
    enum { N = 50 };
    static const double starts[][2] = {{0, 0}, {-2.5, 1}, {2, -2}, {-1, -2.5}};
    double tt[N], a[N], w[N], tb[N], ab[N], wb[N];
    for (size_t k = 0; k < NBT; k++)
        for (size_t s = 0; s < sizeof starts / sizeof *starts; s++) {
            double b = BT[k][0], t = BT[k][1];
            cr_assert_eq(fadyn_phase_trajectory_dir(b, t, 0, starts[s][0], starts[s][1], 0.25, N,
                                                    tt, a, w, NULL),
                         FADYN_OK);
            cr_assert_eq(
                fadyn_phase_trajectory_dir(b, t, 1, a[N - 1], w[N - 1], 0.25, N, tb, ab, wb, NULL),
                FADYN_OK);
            cr_expect_float_eq(tb[N - 1], 0.25, 1e-12);
            cr_expect_float_eq(ab[N - 1], starts[s][0], 1e-5, "b %g t %g from (%g, %g): a %g", b, t,
                               starts[s][0], starts[s][1], ab[N - 1]);
            cr_expect_float_eq(wb[N - 1], starts[s][1], 1e-5, "b %g t %g from (%g, %g): w %g", b, t,
                               starts[s][0], starts[s][1], wb[N - 1]);
        }
}

/* Backward time: a start between the outer roots of its parabola's cubic
 * (GSL's solver, not fadyn's) settles on the middle, unstable one; any other
 * start leaves the radius.  Integrated, classified and predicted alike. */
Test(portrait, backward_starts_go_to_the_middle_root_or_to_infinity) {
    fadyn_basin_params bp = fadyn_basin_params_default();
    bp.backward = 1;
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
    cr_assert_not_null(ws);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    size_t middle = 0, away = 0;
    for (size_t k = 0; k < NBT; k++)
        for (int i = 0; i < 60; i++) {
            double b = BT[k][0], t = BT[k][1];
            double a0 = 6 * gsl_rng_uniform(r) - 3, w0 = 6 * gsl_rng_uniform(r) - 3;
            double C = fadyn_phase_C(b, a0, w0), x[3] = {NAN, NAN, NAN};
            int m = gsl_poly_solve_cubic(0.0, C, -2 * b * t, &x[0], &x[1], &x[2]);
            /* keep clear of the outer roots, where the answer changes */
            if (m == 3 && (fabs(a0 - x[0]) < 1e-3 || fabs(a0 - x[2]) < 1e-3)) continue;
            int inside = m == 3 && a0 > x[0] && a0 < x[2];
            fadyn_basin_point p;
            cr_assert_eq(fadyn_phase_settle(ws, b, t, a0, w0, &p, NULL), FADYN_OK);
            cr_expect_eq(p.backward, 1);
            if (inside) {
                middle++;
                cr_expect_eq(p.cls, FADYN_PHASE_UNSTABLE, "b %g t %g (%g, %g): %s", b, t, a0, w0,
                             fadyn_phase_class_name(p.cls));
                cr_expect_float_eq(p.a, x[1], 1e-4, "b %g t %g (%g, %g)", b, t, a0, w0);
                /* λ = −(a² + b w) > 0 at the middle root */
                cr_expect_float_eq(p.lambda, -(p.a * p.a + b * t / p.a), 1e-4);
                cr_expect_gt(p.lambda, 0.0);
            } else {
                away++;
                cr_expect_eq(p.cls, FADYN_PHASE_DIVERGED, "b %g t %g (%g, %g): %s", b, t, a0, w0,
                             fadyn_phase_class_name(p.cls));
                cr_expect(isnan(p.lambda));
            }
            cr_expect_eq(p.predicted, inside ? FADYN_PHASE_UNSTABLE : FADYN_PHASE_DIVERGED);
        }
    cr_expect_gt(middle, 20);
    cr_expect_gt(away, 20);
    gsl_rng_free(r);
    fadyn_phase_ws_free(ws);
}

/* The eigenvalue of larger modulus, closed form against LAPACK's dgeev on
 * the same Jacobian, anywhere; and −(a² + b w) on the hyperbola. */
Test(portrait, end_eigenvalue_matches_lapack) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1];
        fadyn_phase_sys s = {b, t, 0, 0, 0};
        for (int i = 0; i < 100; i++) {
            double y[2] = {6 * gsl_rng_uniform(r) - 3, 6 * gsl_rng_uniform(r) - 3};
            double J[4], d[2], re[2], im[2], scratch[4];
            fadyn_phase_jac(0, y, J, d, &s);
            cr_assert_eq(fadyn_eig_general(2, J, re, im, scratch), FADYN_OK);
            int big = hypot(re[0], im[0]) >= hypot(re[1], im[1]) ? 0 : 1;
            double l = fadyn_phase_lambda(b, t, y[0], y[1]);
            cr_expect_float_eq(l, re[big], 1e-10 * (1 + fabs(re[big])), "(%g, %g): %g vs %g", y[0],
                               y[1], l, re[big]);
            double a = y[0];
            if (fabs(a) < 0.05) continue;
            double lh = fadyn_phase_lambda(b, t, a, t / a);
            cr_expect_float_eq(lh, -(a * a + b * t / a), 1e-10 * (1 + fabs(lh)));
        }
    }
    gsl_rng_free(r);
}

/* A start on an unstable equilibrium stays there and is `unstable`, with its
 * positive eigenvalue; one on a stable equilibrium keeps its class. */
Test(portrait, a_start_on_an_equilibrium_keeps_its_stability) {
    fadyn_basin_params bp = fadyn_basin_params_default();
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, NULL);
    fadyn_basin_point p;
    /* b = t = 1: unstable for -1 < a < 0, stable bad for a < -1, good for a > 0 */
    static const struct {
        double a, w;
        int cls;
    } cases[] = {{-0.5, -2, FADYN_PHASE_UNSTABLE},
                 {-0.25, -4, FADYN_PHASE_UNSTABLE},
                 {-2, -0.5, FADYN_PHASE_BAD},
                 {2, 0.5, FADYN_PHASE_GOOD},
                 {-1, -1, FADYN_PHASE_BAD}}; /* the fold point: degenerate, lambda = 0 */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cr_assert_eq(fadyn_phase_settle(ws, 1, 1, cases[i].a, cases[i].w, &p, NULL), FADYN_OK);
        cr_expect_eq(p.cls, cases[i].cls, "(%g, %g): %s", cases[i].a, cases[i].w,
                     fadyn_phase_class_name(p.cls));
        cr_expect_eq(p.predicted, cases[i].cls, "(%g, %g): predicted %s", cases[i].a, cases[i].w,
                     fadyn_phase_class_name(p.predicted));
        cr_expect_eq(p.t_end, 0.0);
        cr_expect_float_eq(p.lambda, -(cases[i].a * cases[i].a + cases[i].w), 1e-12);
    }
    cr_expect_str_eq(fadyn_phase_class_name(FADYN_PHASE_UNSTABLE), "unstable");
    cr_expect_str_eq(fadyn_phase_class_name(FADYN_PHASE_NONE), "none");
    fadyn_phase_ws_free(ws);
}

/* The branches' stability against LAPACK's, sampled along the hyperbola. */
Test(portrait, branches_say_where_the_equilibria_are_stable) {
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1];
        fadyn_phase_branch br[3];
        fadyn_phase_branches(b, t, br);
        for (int i = -300; i <= 300; i++) {
            double a = i / 50.0;
            if (a == 0 || fabs(fabs(a) - cbrt(fabs(b * t))) < 1e-9) continue;
            fadyn_phase_eq e;
            cr_assert_eq(fadyn_phase_eq_stability(b, t, a, &e, NULL), FADYN_OK);
            int found = 0;
            for (int j = 0; j < 3; j++)
                if ((a > 0 ? 1 : -1) == br[j].sign && fabs(a) > br[j].a_from &&
                    fabs(a) < br[j].a_to) {
                    found++;
                    cr_expect_eq(br[j].stable, e.stable, "b %g t %g a %g (%s)", b, t, a,
                                 br[j].name);
                    cr_expect_eq(br[j].good, e.good, "b %g t %g a %g (%s)", b, t, a, br[j].name);
                }
            cr_expect_eq(found, 1, "b %g t %g a %g lies on %d branches", b, t, a, found);
        }
    }
}

Test(portrait, exits_lie_on_the_border_and_on_the_trajectory) {
    /* from (0, 0), C = 0: the trajectory is the parabola w = a²/(2b); for
     * b = t = 1 it leaves [-1, 1]² at a = 1, w = 1/2 */
    enum { N = 600 };
    double tt[N], a[N], w[N], et, ea, ew;
    cr_assert_eq(fadyn_phase_trajectory(1, 1, 0, 0, 50, N, tt, a, w, NULL), FADYN_OK);
    fadyn_window win = {-1, 1, -1, 1};
    cr_expect_eq(fadyn_phase_window_exit(&win, tt, a, w, N, &et, &ea, &ew), FADYN_EXIT_LEAVES);
    cr_expect_float_eq(ea, 1.0, 1e-12);
    cr_expect_float_eq(ew, 0.5, 1e-3, "w %g", ew);
    cr_expect(et > 0 && et < 50);
    /* the big window: it stays */
    fadyn_window big = {-3, 3, -3, 3};
    cr_expect_eq(fadyn_phase_window_exit(&big, tt, a, w, N, &et, &ea, &ew), FADYN_EXIT_STAYS);
    cr_expect(isnan(ea) && isnan(ew) && isnan(et));
    /* a window it never enters */
    fadyn_window far = {5, 6, 5, 6};
    cr_expect_eq(fadyn_phase_window_exit(&far, tt, a, w, N, &et, &ea, &ew), FADYN_EXIT_OUTSIDE);
    /* a straight line through a corner region: the crossing on the top border */
    double lt[3] = {0, 1, 2}, la[3] = {0, 0.5, 1.5}, lw[3] = {0, 0.75, 2.25};
    cr_expect_eq(fadyn_phase_window_exit(&win, lt, la, lw, 3, &et, &ea, &ew), FADYN_EXIT_LEAVES);
    cr_expect_float_eq(ew, 1.0, 1e-15);
    cr_expect_float_eq(ea, 2.0 / 3.0, 1e-15);
    cr_expect_float_eq(et, 1.0 + 0.25 / 1.5, 1e-15);
    cr_expect_str_eq(fadyn_exit_name(FADYN_EXIT_LEAVES), "leaves");
}

/* A backward trajectory that blows up: DIVERGED, samples up to the radius,
 * NaN after; and it leaves the window. */
Test(portrait, backward_blow_up_is_reported_and_leaves_the_window) {
    enum { N = 400 };
    double tt[N], a[N], w[N], et, ea, ew;
    int rc = fadyn_phase_trajectory_dir(1, 1, 1, 2, 2, 50, N, tt, a, w, NULL);
    cr_expect_eq(rc, FADYN_DIVERGED);
    cr_expect(isnan(a[N - 1]));
    cr_expect(isfinite(a[1]));
    fadyn_window win = {-3, 3, -3, 3};
    cr_expect_eq(fadyn_phase_window_exit(&win, tt, a, w, N, &et, &ea, &ew), FADYN_EXIT_LEAVES);
    cr_expect(fabs(ea) == 3.0 || fabs(ew) == 3.0, "exit (%g, %g)", ea, ew);
    /* on the start's parabola: C = 2 w − a² = 0 */
    cr_expect_float_eq(2 * ew - ea * ea, 0.0, 0.05, "exit (%g, %g)", ea, ew);
}

Test(portrait, curves_are_what_their_names_say) {
    enum { N = 201 };
    for (size_t k = 0; k < NBT; k++) {
        double b = BT[k][0], t = BT[k][1];
        fadyn_window win = {-3, 2.5, -2, 3};
        fadyn_curve_point *c = malloc(fadyn_phase_curves_cap(N) * sizeof *c);
        fadyn_curve_stats st;
        cr_assert_eq(fadyn_phase_curves(b, t, &win, N, c, &st, NULL), FADYN_OK);
        cr_expect_eq(st.mismatch, 0);
        cr_expect_gt(st.checked, N);
        cr_expect_leq(st.n, fadyn_phase_curves_cap(N));
        fadyn_phase_sys s = {b, t, 0, 0, 0};
        size_t count[FADYN_NCURVE] = {0};
        int last_kind = -1;
        for (size_t i = 0; i < st.n; i++) {
            double y[2] = {c[i].a, c[i].w}, f[2];
            fadyn_phase_rhs(0, y, f, &s);
            int kd = c[i].kind;
            cr_assert(kd >= last_kind, "ordered by kind");
            last_kind = kd;
            count[kd]++;
            double scale = 1 + fabs(c[i].a) + fabs(c[i].w);
            if (kd == FADYN_CURVE_NULLCLINE_A) cr_expect_float_eq(f[0], 0.0, 1e-12 * scale);
            if (kd == FADYN_CURVE_NULLCLINE_W) cr_expect_float_eq(f[1], 0.0, 1e-12 * scale);
            if (kd <= FADYN_CURVE_UNSTABLE) {
                cr_expect_float_eq(c[i].a * c[i].w, t, 1e-12 * scale);
                double crit = c[i].a * c[i].a + b * c[i].w; /* stable iff > 0 */
                cr_expect_float_eq(c[i].lambda, -crit, 1e-9 * scale);
                double tol = 1e-9 * (c[i].a * c[i].a + fabs(b * c[i].w)); /* the fold */
                if (kd == FADYN_CURVE_GOOD) cr_expect(b * c[i].w > 0 && crit > -tol);
                if (kd == FADYN_CURVE_BAD)
                    cr_expect(b * c[i].w < 0 && crit > -tol, "bad (%g, %g): %g", c[i].a, c[i].w,
                              crit);
                if (kd == FADYN_CURVE_UNSTABLE) cr_expect_lt(crit, tol);
            } else {
                cr_expect(isnan(c[i].lambda));
            }
            if (kd == FADYN_CURVE_SEPARATRIX)
                cr_expect(fadyn_phase_on_hyperbola(t, c[i].a, c[i].w) ||
                              fabs(fadyn_phase_C(b, c[i].a, c[i].w) - fadyn_phase_fold_C(b, t)) <
                                  1e-9 * scale,
                          "separatrix point (%g, %g)", c[i].a, c[i].w);
        }
        for (int kd = 0; kd < FADYN_NCURVE; kd++) {
            cr_expect_eq(count[kd], st.count[kd]);
            cr_expect_gt(count[kd], 0, "b %g t %g: no %s", b, t, fadyn_curve_name(kd));
        }
        /* the line a = 0 is part of ẇ = 0: N points with a = 0 */
        size_t on_axis = 0;
        for (size_t i = 0; i < st.n; i++)
            on_axis += c[i].kind == FADYN_CURVE_NULLCLINE_W && c[i].a == 0.0;
        cr_expect_eq(on_axis, N);
        free(c);
    }
    cr_expect_str_eq(fadyn_curve_name(FADYN_CURVE_NULLCLINE_W), "nullcline_wdot");
}

/* ---- starts from a file --------------------------------------------------- */

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* Read text as a starts file; returns the status, the message in msg. */
static int read_text(const char *text, fadyn_phase_start **s, size_t *n, char *msg, size_t cap) {
    char dir[64], path[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/starts.txt", dir);
    write_file(path, text);
    fadyn_err err;
    fadyn_err_clear(&err);
    int rc = fadyn_phase_starts_read(path, s, n, &err);
    snprintf(msg, cap, "%s", err.msg);
    unlink(path);
    rmdir(dir);
    return rc;
}

Test(portrait, starts_file_pairs_and_tables) {
    fadyn_phase_start *s;
    size_t n;
    char msg[512];
    cr_assert_eq(read_text("# comment\n-2.5 1\n\n0\t0\r\n 1e-3  -2 \n", &s, &n, msg, sizeof msg),
                 FADYN_OK, "%s", msg);
    cr_assert_eq(n, 3);
    cr_expect(s[0].a == -2.5 && s[0].w == 1 && !s[0].backward);
    cr_expect(s[1].a == 0 && s[1].w == 0);
    cr_expect(s[2].a == 1e-3 && s[2].w == -2);
    free(s);
    /* a table of starts and ends: a0, w0 and direction by name */
    cr_assert_eq(read_text("w0\ta0\tdirection\tclass\n1\t-2\tforward\tbad\n-1\t3\tbackward\tgood\n",
                           &s, &n, msg, sizeof msg),
                 FADYN_OK, "%s", msg);
    cr_assert_eq(n, 2);
    cr_expect(s[0].a == -2 && s[0].w == 1 && !s[0].backward);
    cr_expect(s[1].a == 3 && s[1].w == -1 && s[1].backward);
    free(s);
    cr_assert_eq(read_text("a w\n1 2\n", &s, &n, msg, sizeof msg), FADYN_OK, "%s", msg);
    cr_expect(n == 1 && s[0].a == 1 && s[0].w == 2);
    free(s);
}

Test(portrait, starts_file_faults_are_named) {
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"", "no starts"},
        {"# only a comment\n\n", "no starts"},
        {"1 2\n3\n", "line 2: 1 fields, expected 2"},
        {"1 2 3\n", "line 1: 3 fields"},
        {"1 x\n", "line 1: 'x' is not a finite number (column w)"},
        {"nan 1\n", "'nan' is not a finite number (column a)"},
        {"1 inf\n", "'inf'"},
        {"1 1e999\n", "'1e999'"},
        {"p q\n1 2\n", "line 1: a header that names no a0 and w0"},
        {"a0 w0 direction\n1 2 sideways\n", "line 2: direction 'sideways'"},
        {"a0 w0\n1 2 3\n", "line 2: 3 fields, expected 2 (as many as the header)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fadyn_phase_start *s = (fadyn_phase_start *)1;
        size_t n = 7;
        char msg[512];
        cr_expect_eq(read_text(bad[i].text, &s, &n, msg, sizeof msg), FADYN_EPARSE, "case %zu", i);
        cr_expect(strstr(msg, bad[i].says) != NULL, "case %zu: '%s' should say '%s'", i, msg,
                  bad[i].says);
        cr_expect(s == NULL && n == 0);
    }
    fadyn_phase_start *s;
    size_t n;
    fadyn_err err;
    cr_expect_eq(fadyn_phase_starts_read("/nonexistent/starts.txt", &s, &n, &err), FADYN_EIO);
    cr_expect(strstr(err.msg, "/nonexistent/starts.txt") != NULL, "%s", err.msg);
    cr_expect_eq(fadyn_phase_starts_read("/tmp", &s, &n, &err), FADYN_EIO, "%s", err.msg);
    /* a NUL byte */
    char dir[64], path[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bin", dir);
    FILE *f = fopen(path, "w");
    fwrite("1 2\n3\0 4\n", 1, 9, f);
    fclose(f);
    cr_expect_eq(fadyn_phase_starts_read(path, &s, &n, &err), FADYN_EPARSE);
    cr_expect(strstr(err.msg, "bin:2: a NUL byte at column 2") != NULL, "%s", err.msg);
    unlink(path);
    rmdir(dir);
}

/* The display check of the interactive window: unset, malformed and
 * unserved displays are refused with a line that says which. */
Test(portrait, explore_display_refusals_are_named) {
    fadyn_err err;
    cr_expect_eq(fadyn_explore_display(NULL, &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "DISPLAY is not set") != NULL, "%s", err.msg);
    cr_expect_eq(fadyn_explore_display("", &err), FADYN_EINVAL);
    static const char *const bad[] = {"nohost", ":", ":x", ":1x", ":-1"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        cr_expect_eq(fadyn_explore_display(bad[k], &err), FADYN_EINVAL, "%s", bad[k]);
        cr_expect(strstr(err.msg, "is not [host]:N") != NULL, "%s: %s", bad[k], err.msg);
    }
    /* a display number nobody serves (no socket file, no abstract socket) */
    cr_expect_eq(fadyn_explore_display(":59000", &err), FADYN_EINVAL);
    cr_expect(strstr(err.msg, "cannot open DISPLAY ':59000'") != NULL, "%s", err.msg);
    cr_expect_eq(fadyn_explore_display("unix:59000.0", &err), FADYN_EINVAL);
}
