/* test_verify.c — `fadyn verify`: the battery passes on its hypotheses, each
 * --break fails exactly the checks that rely on the broken one, the values
 * under a sign fault are the analytic ones, and bad input is refused. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run `fadyn verify ARGS --summary DIR/s.json`; return the exit status and
 * the parsed summary in *out (caller json_decref). */
static int run_summary(const char *args, json_t **out) {
    char dir[64], cmd[4096], path[128];
    th_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/s.json", dir);
    snprintf(cmd, sizeof cmd, "verify %s --summary %s", args, path);
    int st = th_run(cmd, NULL, 0);
    json_error_t je;
    *out = json_load_file(path, 0, &je);
    cr_assert_not_null(*out, "no summary from 'fadyn %s' (exit %d)", cmd, st);
    remove(path);
    rmdir(dir);
    return st;
}

static json_t *find(json_t *sum, const char *name) {
    json_t *checks = json_object_get(sum, "checks"), *c;
    size_t i;
    json_array_foreach(checks, i, c) if (strcmp(json_string_value(json_object_get(c, "name")),
                                                name) == 0) return c;
    return NULL;
}

/* Every check in the summary passes unless listed in fails (NULL-terminated). */
static void expect_failures(json_t *sum, const char *const *fails) {
    json_t *checks = json_object_get(sum, "checks"), *c;
    size_t i;
    cr_assert_gt(json_array_size(checks), 0);
    json_array_foreach(checks, i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        int expect_fail = 0;
        for (const char *const *f = fails; *f; f++)
            expect_fail |= strcmp(*f, name) == 0;
        int pass = json_is_true(json_object_get(c, "pass"));
        cr_expect_eq(pass, !expect_fail, "%s: pass = %d, expected %d (worst %g)", name, pass,
                     !expect_fail, json_real_value(json_object_get(c, "worst")));
    }
}

/* pass agrees with the per-instance verdicts: the worst case against the
 * tolerance for a check every instance must hold, the fraction of
 * instances that hold for the others; every instance's value is there. */
static void expect_consistent(json_t *sum, size_t ninst) {
    json_t *checks = json_object_get(sum, "checks"), *c;
    size_t i;
    json_array_foreach(checks, i, c) {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *w = json_object_get(c, "worst"), *per = json_object_get(c, "per_instance");
        double tol = json_real_value(json_object_get(c, "tolerance"));
        double need = json_real_value(json_object_get(c, "min_fraction"));
        int ge = strcmp(json_string_value(json_object_get(c, "comparison")), ">=") == 0;
        int pass = json_is_true(json_object_get(c, "pass"));
        cr_assert_eq(json_integer_value(json_object_get(c, "instances")), (json_int_t)ninst);
        cr_assert(json_is_string(json_object_get(c, "equation")));
        cr_assert_eq(json_array_size(per), ninst, "%s: per_instance", name);
        size_t holds = 0, fails = 0, na = 0, und = 0, j;
        json_t *pi;
        json_array_foreach(per, j, pi) {
            const char *v = json_string_value(json_object_get(pi, "verdict"));
            json_t *x = json_object_get(pi, "value");
            cr_assert_eq(json_integer_value(json_object_get(pi, "instance")), (json_int_t)j);
            if (strcmp(v, "holds") == 0) {
                holds++;
                cr_expect(json_is_number(x) &&
                              (ge ? json_number_value(x) >= tol : json_number_value(x) <= tol),
                          "%s instance %zu holds with value %g", name, j, json_number_value(x));
            } else if (strcmp(v, "fails") == 0) {
                fails++;
            } else if (strcmp(v, "n/a") == 0) {
                na++;
                cr_expect(json_is_null(x));
            } else {
                cr_assert_str_eq(v, "undecided");
                und++;
            }
        }
        cr_expect_eq(json_integer_value(json_object_get(c, "failing")), (json_int_t)fails, "%s",
                     name);
        cr_expect_eq(json_integer_value(json_object_get(c, "not_applicable")), (json_int_t)na);
        cr_expect_eq(json_integer_value(json_object_get(c, "undecided")), (json_int_t)und);
        cr_expect_eq(pass, und == 0 && holds > 0 && (double)holds >= need * (double)(ninst - na),
                     "%s: pass %d with %zu holding of %zu", name, pass, holds, ninst - na);
        if (need < 1.0 || !json_is_number(w)) continue;
        double x = json_number_value(w);
        size_t at = (size_t)json_integer_value(json_object_get(c, "worst_instance"));
        cr_expect_eq(x, json_number_value(json_object_get(json_array_get(per, at), "value")),
                     "%s: worst is instance %zu's value", name, at);
        if (und == 0)
            cr_expect_eq(pass, ge ? x >= tol : x <= tol, "%s: worst %g vs %g", name, x, tol);
    }
}

static double extra(json_t *s, const char *check, const char *name) {
    json_t *c = find(s, check);
    cr_assert_not_null(c, "no check %s", check);
    json_t *x = json_object_get(c, name);
    cr_assert(json_is_number(x), "%s: %s missing or not a number", check, name);
    return json_number_value(x);
}

Test(verify, defaults_pass_on_a_small_ensemble, .timeout = 300) {
    json_t *s;
    int st = run_summary("--instances 6", &s);
    cr_assert_eq(st, 0);
    const char *none[] = {NULL};
    expect_failures(s, none);
    expect_consistent(s, 6);
    cr_assert(json_is_true(json_object_get(s, "pass")));
    /* Proof 2: the remainder of the first-order identity is O(η) (Taylor) */
    cr_expect(extra(s, "p2-first-order", "remainder_order_min") > 0.9 &&
              extra(s, "p2-first-order", "remainder_order_min") < 1.1);
    /* Lemma 4's bound is sharp: from A = 0 with BW = 0 (n_o = 1, instance 5)
     * every Cauchy–Schwarz step is an equality as t -> 0 (A ≈ t BE) */
    double r = extra(s, "p1-vddot-bounded", "worst");
    cr_expect(r > 0.999 && r <= 1.0 + 1e-9, "Lemma 4 ratio %.12g", r);
    /* eq 47 from 0.9 of the bound: above the sharp limit s decreases, so
     * the largest s is s(0), exactly 0.9 of eq 47 */
    cr_expect_float_eq(extra(s, "p1-s-bound-eq47", "ratio_near_start_max"), 0.9, 1e-12);
    /* n_h = 1 from zero: s -> (2 ‖BT‖)^{2/3}, the sharp bound (docs/theory.md §3),
     * which eq 47 exceeds by at least 3/2^{2/3} (AM–GM) */
    double sharp = extra(s, "p1-s-bound-sharp", "ratio_nh1_max");
    cr_expect(sharp > 1.0 - 1e-6 && sharp <= 1.0 + 1e-9, "sharp bound ratio %.12g", sharp);
    cr_expect_lt(extra(s, "p1-s-bound-eq47", "ratio_nh1_max"), pow(2.0, 2.0 / 3.0) / 3.0 + 0.1);
    /* m pairs: fa ends near pbp (a few degrees at most) with bp well apart */
    cr_expect_lt(extra(s, "p3-pbp-not-bp", "worst"), 0.1);
    cr_expect_lt(extra(s, "p3-pbp-not-bp", "angle_fa_pbp_max_deg"), 5.0);
    cr_expect_gt(extra(s, "p3-pbp-not-bp", "angle_fa_bp_min_deg"), 10.0);
    cr_expect_eq(json_integer_value(json_object_get(find(s, "p3-pbp-not-bp"), "not_applicable")), 1,
                 "8-5-1: with one output W+ is a multiple of W^T");
    /* Fig. 4 on the trainer: the mean angle to pbp below the one to bp */
    cr_expect_lt(extra(s, "fig4-trainer", "angle_pbp_mean_deg"),
                 extra(s, "fig4-trainer", "angle_bp_mean_deg") - 5.0);
    cr_expect_eq(extra(s, "p1-theorem1", "horizon_max"), 400.0);
    json_decref(s);
}

/* Under a break: exit 1, and exactly the checks in fails fail. */
static json_t *run_break(const char *args, const char *const *fails) {
    json_t *s;
    cr_assert_eq(run_summary(args, &s), 1, "'%s' should exit 1", args);
    expect_failures(s, fails);
    return s;
}

Test(verify, break_c_nonzero_fails_the_c0_and_zero_start_claims, .timeout = 300) {
    const char *fails[] = {"p1-v-nonincreasing",
                           "p1-s-bound-eq47",
                           "p1-s-bound-derived",
                           "p1-s-bound-sharp",
                           "p3-lemma5-form",
                           "p3-scalars",
                           "p3-angle-pbp",
                           "p3-pbp-not-bp",
                           "fig4-pbp-closer",
                           "fig4-trainer",
                           NULL};
    json_t *s = run_break("--break c-nonzero --instances 12", fails);
    expect_consistent(s, 12);
    /* Theorem 1's slow instance (10-6-6) converges once the horizon follows it */
    cr_expect_eq(extra(s, "p1-theorem1", "horizon_max"), 4000.0);
    json_decref(s);
}

Test(verify, break_rank_fails_theorem1_and_fig4, .timeout = 300) {
    const char *fails[] = {"p1-theorem1", "p3-pbp-not-bp", "fig4-pbp-closer", "fig4-trainer", NULL};
    json_t *s = run_break("--break rank --instances 12", fails);
    /* with n_o > n_h and a full-rank T no network reaches E = 0, and fa ends
     * above even the best rank-n_h approximation's NSE (Eckart–Young): it
     * has stopped learning, so the claim fails (not undecided) */
    cr_expect_gt(extra(s, "p1-theorem1", "nse_above_rank_floor_max"), 1e-3);
    cr_expect_eq(json_integer_value(json_object_get(find(s, "p1-theorem1"), "undecided")), 0);
    json_decref(s);
}

Test(verify, break_sigma_fails_lemma4, .timeout = 300) {
    /* Σ ≠ I: eq 12–13 gain Σ, Ḟ = −F Σ AᵀA − BW F Σ, and V̈ outgrows the bound
     * eq 48–49 give for Σ = I (by up to σ_max² = 16); eq 34 has no closed
     * form then (NaN).  Eq 14 holds for any Σ. */
    const char *fails[] = {"p1-vdot-closed-form", "p1-vddot-bounded", NULL};
    json_t *s = run_break("--break sigma --instances 12 --only p1,fig4-pbp", fails);
    cr_expect_gt(extra(s, "p1-vddot-bounded", "worst"), 2.0);
    json_decref(s);
}

Test(verify, theorem1_not_converged_by_the_horizon_is_undecided, .timeout = 300) {
    /* to t = 0.05 and then 0.5, from zero, no instance has converged and
     * all are still learning: undecided, not a failure of the claim */
    json_t *s;
    cr_assert_eq(run_summary("--only p1-theorem1 --t-end 0.05 --instances 3", &s), 1);
    json_t *c = find(s, "p1-theorem1");
    cr_expect_eq(json_integer_value(json_object_get(c, "undecided")), 3);
    cr_expect_eq(json_integer_value(json_object_get(c, "failing")), 0);
    cr_expect(json_is_false(json_object_get(c, "pass")));
    json_decref(s);
}

Test(verify, break_sign_fails_the_identities_with_their_analytic_values, .timeout = 300) {
    const char *fails[] = {"p1-conserved-c",     "p1-vdot-closed-form",
                           "p1-s-bound-eq47",    "p1-s-bound-derived",
                           "p1-s-bound-sharp",   "p2-first-order",
                           "p2-equals-gn",       "p3-scalars",
                           "p3-angle-pbp",       "p3-pbp-not-bp",
                           "fig4-pbp-closer",    "baldi-111-stability",
                           "baldi-1111-degree7", NULL};
    json_t *s = run_break("--break sign --instances 12", fails);
    /* Δh = −(prediction): ‖−p − p‖/‖p‖ = 2; fit = −recursion: 2; Be ∥ −W⁺e: 180° */
    cr_expect_float_eq(json_real_value(json_object_get(find(s, "p2-first-order"), "worst")), 2.0,
                       1e-3);
    cr_expect_float_eq(json_real_value(json_object_get(find(s, "p2-equals-gn"), "worst")), 2.0,
                       1e-6);
    cr_expect_float_eq(json_real_value(json_object_get(find(s, "p3-scalars"), "worst")), 2.0, 1e-9);
    cr_expect_float_eq(json_real_value(json_object_get(find(s, "p3-angle-pbp"), "worst")), 180.0,
                       1e-3);
    json_decref(s);
}

Test(verify, exit_status_follows_the_selected_checks, .timeout = 300) {
    /* the sign fault leaves Theorem 1 true (it is fa with feedback -B) and
     * breaks eq 76-77 */
    cr_expect_eq(th_run("verify --break sign --instances 2 --only p1-theorem1", NULL, 0), 0);
    cr_expect_eq(th_run("verify --break sign --instances 2 --only p3-scalars", NULL, 0), 1);
    cr_expect_eq(th_run("verify --instances 2 --only p3,baldi", NULL, 0), 0);
}

Test(verify, plot_writes_the_figure_with_its_data, .timeout = 300) {
    char dir[64], cmd[256], path[256];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "verify --instances 1 --only baldi-111-c --plot %s/figs", dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    const char *ext[] = {"png", "gp", "tsv"};
    struct stat st;
    for (int k = 0; k < 3; k++) {
        snprintf(path, sizeof path, "%s/figs/verify-none.%s", dir, ext[k]);
        cr_expect_eq(stat(path, &st), 0, "%s missing", path);
        cr_expect_gt(st.st_size, 0);
    }
    /* the data: t rising from 0, V non-increasing (C = 0 start, Lemma 2), and
     * V̈ (from the field's derivative) integrating to the change of the
     * observer's closed-form V̇ between samples (trapezoid rule, O(h²)) */
    snprintf(path, sizeof path, "%s/figs/verify-none.tsv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[4096];
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_expect(strncmp(line, "t\tloss\tnse\tV\t", 12) == 0);
    enum { T, V, VD, VDD, VB, NCOL };
    const char *want[NCOL] = {"t", "V", "vdot", "vddot", "vddot_bound"};
    int col[NCOL], ncols = 0;
    for (int k = 0; k < NCOL; k++)
        col[k] = -1;
    for (char *tok = strtok(line, "\t\n"); tok; tok = strtok(NULL, "\t\n"), ncols++)
        for (int k = 0; k < NCOL; k++)
            if (strcmp(tok, want[k]) == 0) col[k] = ncols;
    for (int k = 0; k < NCOL; k++)
        cr_assert_geq(col[k], 0, "no column %s", want[k]);
    double prev[NCOL], cur[NCOL], V0 = NAN, err = 0.0, vmax = 0.0, row[64];
    int rows = 0;
    cr_assert_leq(ncols, 64);
    while (fgets(line, sizeof line, f)) {
        char *q = line;
        for (int k = 0; k < ncols; k++)
            row[k] = strtod(q, &q);
        for (int k = 0; k < NCOL; k++)
            cur[k] = row[col[k]];
        if (rows == 0) V0 = cur[V];
        vmax = fmax(vmax, fabs(cur[VD]));
        cr_expect_leq(fabs(cur[VDD]), cur[VB], "Lemma 4 at t = %g", cur[T]);
        if (rows > 0) {
            cr_expect_gt(cur[T], prev[T]);
            cr_expect_leq(cur[V], prev[V] + 1e-12 * V0, "V rose at t = %g", cur[T]);
            if (cur[V] > 1e-12 * V0) {
                double trap = 0.5 * (cur[VDD] + prev[VDD]) * (cur[T] - prev[T]);
                err = fmax(err, fabs(trap - (cur[VD] - prev[VD])));
            }
        }
        memcpy(prev, cur, sizeof cur);
        rows++;
    }
    fclose(f);
    cr_expect_gt(rows, 100);
    cr_expect_lt(err, 1e-3 * vmax, "V̈ against the closed-form V̇: %g of max |V̇|", err / vmax);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(verify, bad_input_is_refused_with_one_line, .timeout = 300) {
    char dir[64], args[512], msg[512];
    th_tmpdir(dir, sizeof dir);
    struct {
        const char *args, *says;
    } cases[] = {
        {"--instances 0", "--instances"},
        {"--instances x", "--instances"},
        {"--sizes 30,20", "--sizes"},
        {"--sizes 30,20,10:", "--sizes"},
        {"--sizes 30,0,10", "--sizes"},
        {"--sizes 30,20,10,5", "--sizes"},
        {"--only nosuch", "--only"},
        {"--only p1,", "--only"},
        {"--break wrong", "--break"},
        {"--t-end 0", "--t-end"},
        {"--t-end nan", "--t-end"},
        {"--threads 5000", "--threads"},
        {"--seed -1", "--seed"},
        {"--summary /nonexistent/dir/s.json", "--summary"},
        {"--plot /proc/fadyn-no", "--plot"},
        {"--plot-instance -3", "--plot-instance"},
        {"--frobnicate", "frobnicate"},
        {"extra", "extra"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        snprintf(args, sizeof args, "verify %s --summary %s/s.json", cases[k].args, dir);
        if (strstr(cases[k].args, "--summary"))
            snprintf(args, sizeof args, "verify %s", cases[k].args);
        cr_expect_eq(th_run(args, msg, sizeof msg), 2, "'%s' should exit 2", args);
        cr_expect(strstr(msg, "fadyn verify: ") == msg && strstr(msg, cases[k].says),
                  "'%s': message '%s'", args, msg);
    }
    snprintf(args, sizeof args, "%s/s.json", dir);
    struct stat st;
    cr_expect_neq(stat(args, &st), 0, "nothing is written on bad input");
    rmdir(dir);
    cr_expect_eq(th_run("verify --help", NULL, 0), 0);
    cr_expect_eq(th_run("verify --list", NULL, 0), 0);
}

static void spoil_instances(fadyn_verify_params *v) {
    v->instances = 0;
}
static void spoil_nsizes(fadyn_verify_params *v) {
    v->nsizes = 0;
}
static void spoil_size(fadyn_verify_params *v) {
    v->sizes[1][2] = 0;
}
static void spoil_break(fadyn_verify_params *v) {
    v->brk = FADYN_BREAK_COUNT;
}
static void spoil_threads(fadyn_verify_params *v) {
    v->threads = -1;
}
static void spoil_t_end(fadyn_verify_params *v) {
    v->integ.t_end = NAN;
}
static void spoil_samples(fadyn_verify_params *v) {
    v->integ.samples = 2;
}
static void spoil_eta(fadyn_verify_params *v) {
    v->p2_eta_min = v->p2_eta_max;
}
static void spoil_p3(fadyn_verify_params *v) {
    v->p3_rate = 0.0;
}

Test(verify, library_tables_and_parsers) {
    fadyn_break b;
    for (int k = 0; k < FADYN_BREAK_COUNT; k++) {
        cr_assert_eq(fadyn_break_parse(fadyn_break_name((fadyn_break)k), &b), FADYN_OK);
        cr_assert_eq((int)b, k);
    }
    cr_assert_eq(fadyn_break_parse("ranks", &b), FADYN_EINVAL);
    size_t n = fadyn_check_count();
    int sel[64];
    cr_assert_leq(n, 64);
    fadyn_err err;
    cr_assert_eq(fadyn_check_select("p3", sel, &err), FADYN_OK);
    for (size_t c = 0; c < n; c++)
        cr_expect_eq(sel[c], strncmp(fadyn_checks[c].name, "p3-", 3) == 0, "%s",
                     fadyn_checks[c].name);
    cr_assert_eq(fadyn_check_select("p2,nothing", sel, &err), FADYN_EINVAL);
    cr_assert(strstr(err.msg, "nothing"));
    /* names are unique: select by full name picks one */
    for (size_t c = 0; c < n; c++) {
        cr_assert_eq(fadyn_check_select(fadyn_checks[c].name, sel, NULL), FADYN_OK);
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            k += (size_t)sel[j];
        cr_expect_eq(k, 1, "%s is a prefix of another name", fadyn_checks[c].name);
    }
    /* --break rank: every default triple gets n_o > n_h */
    fadyn_verify_params vp = fadyn_verify_params_default();
    vp.brk = FADYN_BREAK_RANK;
    for (size_t i = 0; i < vp.nsizes; i++) {
        size_t s[3];
        fadyn_verify_instance_sizes(&vp, i, s);
        cr_expect_gt(s[2], s[1]);
        cr_expect_eq(s[0], vp.sizes[i][0]);
    }
    vp = fadyn_verify_params_default();
    cr_expect_eq(fadyn_verify_params_check(&vp, &err), FADYN_OK);
    /* each bad parameter is named */
    struct {
        void (*spoil)(fadyn_verify_params *);
        const char *says;
    } bad[] = {
        {spoil_instances, "instances"}, {spoil_nsizes, "sizes"},    {spoil_size, "sizes"},
        {spoil_break, "brk"},           {spoil_threads, "threads"}, {spoil_t_end, "t_end"},
        {spoil_samples, "samples"},     {spoil_eta, "Proof 2"},     {spoil_p3, "Proof 3"},
    };
    fadyn_check_result res[64];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        vp = fadyn_verify_params_default();
        bad[k].spoil(&vp);
        fadyn_err_clear(&err);
        cr_expect_eq(fadyn_verify_params_check(&vp, &err), FADYN_EINVAL, "case %zu", k);
        cr_expect(strstr(err.msg, bad[k].says) && !strstr(err.msg, "--"), "case %zu: '%s'", k,
                  err.msg);
        cr_expect_eq(fadyn_verify_run(&vp, NULL, res, NULL, NULL, &err), FADYN_EINVAL);
        fadyn_verify_trace tr;
        cr_expect_eq(fadyn_verify_trace_run(&vp, 0, &tr, &err), FADYN_EINVAL);
    }
}

Test(verify, plot_without_gnuplot_keeps_script_and_data, .timeout = 300) {
    char dir[64], cmd[512], path[256];
    th_tmpdir(dir, sizeof dir);
    const char *bin = getenv("FADYN_BIN");
    snprintf(cmd, sizeof cmd,
             "/usr/bin/env PATH=/nonexistent %s verify --instances 1 --only baldi-111-c "
             "--plot %s >/dev/null 2>%s/err",
             bin ? bin : "build/fadyn", dir, dir);
    int st = system(cmd);
    cr_assert(WIFEXITED(st));
    cr_expect_eq(WEXITSTATUS(st), 0, "a missing gnuplot is reported, not a failure");
    snprintf(path, sizeof path, "%s/err", dir);
    FILE *f = fopen(path, "r");
    char line[512] = "";
    cr_assert_not_null(f);
    cr_expect_not_null(fgets(line, sizeof line, f));
    fclose(f);
    cr_expect(strstr(line, "gnuplot not found"), "'%s'", line);
    struct stat sb;
    snprintf(path, sizeof path, "%s/verify-none.gp", dir);
    cr_expect_eq(stat(path, &sb), 0);
    snprintf(path, sizeof path, "%s/verify-none.tsv", dir);
    cr_expect_eq(stat(path, &sb), 0);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
