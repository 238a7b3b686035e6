/* test_rules.c — the rule table (fadyn/rule.h): its entries are complete and
 * consistent, every ODE form is the batch limit of the same entry's trainer,
 * the generated lists name every rule, and the observer's shared angle and
 * NSE definitions agree with plain loops. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t nrules(void) {
    size_t n = 0;
    while (fadyn_rule_types[n])
        n++;
    return n;
}

Test(rules, every_entry_is_complete) {
    cr_assert_geq(nrules(), 7);
    for (size_t i = 0; fadyn_rule_types[i]; i++) {
        const fadyn_rule_type *r = fadyn_rule_types[i];
        cr_assert(r->name && r->name[0] && !strpbrk(r->name, " ,"), "rule %zu: name", i);
        cr_expect(r->about && strlen(r->about) > 5, "%s: about", r->name);
        cr_expect(r->title && r->title[0], "%s: title", r->name);
        cr_expect(r->colour && strlen(r->colour) == 7 && r->colour[0] == '#' &&
                      strspn(r->colour + 1, "0123456789abcdef") == 6,
                  "%s: colour '%s' is not #rrggbb", r->name, r->colour ? r->colour : "");
        cr_expect(r->eta.linear > 0 && r->eta.teacher > 0, "%s: tuned rates", r->name);
        cr_expect_eq(fadyn_rule_type_find(r->name), r, "%s: find", r->name);
        for (size_t j = 0; j < i; j++)
            cr_expect_neq(strcmp(fadyn_rule_types[j]->name, r->name), 0, "%s twice", r->name);
        if (r->sparse) cr_expect_neq(r->feedback, FADYN_FEEDBACK_NONE, "%s: masks B", r->name);
        if (r->ode) {
            /* both engines agree on whether the hidden layers learn */
            cr_expect_eq(!r->backward, !r->ode->signal, "%s: hidden layers learn in one form only",
                         r->name);
            cr_expect_eq(!r->ode->signal, !r->ode->signal_jvp, "%s: signal without its jvp",
                         r->name);
            cr_expect_eq(r->feedback == FADYN_FEEDBACK_DIRECT, 0,
                         "%s: an ODE form needs the problem's B chain", r->name);
            cr_expect(r->ode->conserved_name && strlen(r->ode->conserved_name) > 3,
                      "%s: what its conserved C is", r->name);
            /* V = ‖BE‖² is a Lyapunov function only of a rule that feeds B E
             * back, with its closed-form V̇ */
            if (r->ode->lyapunov)
                cr_expect(r->feedback == FADYN_FEEDBACK_CHAIN && r->ode->vdot,
                          "%s: V = |BE|^2 is no Lyapunov function of this rule", r->name);
        }
    }
    cr_expect_null(fadyn_rule_type_find("hebb"));
    cr_expect_null(fadyn_rule_type_find(""));
}

/* The rates the paper's figures were made with (docs/figures.md). */
Test(rules, tuned_rates_are_the_documented_ones) {
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_LINEAR, th_rule("fa")), 1e-2);
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_LINEAR, th_rule("pbp")), 3e-4);
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_TEACHER, th_rule("pbp")), 1e-3);
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_LINEAR, th_rule("sparse-fa")), 3e-3);
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_TEACHER, th_rule("sparse-fa")), 1e-2);
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_LINEAR, th_rule("shallow")), 1e-1);
    cr_expect_eq(fadyn_train_default_eta(FADYN_TASK_TEACHER, th_rule("np")), 3e-3);
}

/* name appears in the ", "-separated list as a whole item. */
static int listed(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *s = list; (s = strstr(s, name)); s += n)
        if ((s == list || s[-1] == ' ') && (s[n] == ',' || s[n] == '\0')) return 1;
    return 0;
}

Test(rules, generated_lists_name_every_rule) {
    char all[512], ode[512];
    size_t la = fadyn_rule_type_list(all, sizeof all, 0);
    size_t lo = fadyn_rule_type_list(ode, sizeof ode, 1);
    cr_assert_eq(la, strlen(all));
    cr_assert_eq(lo, strlen(ode));
    size_t items = 1, odes = 0;
    for (const char *s = all; (s = strstr(s, ", ")); s += 2)
        items++;
    cr_expect_eq(items, nrules(), "'%s'", all);
    for (size_t i = 0; fadyn_rule_types[i]; i++) {
        const fadyn_rule_type *r = fadyn_rule_types[i];
        cr_expect(listed(all, r->name), "%s missing from '%s'", r->name, all);
        cr_expect_eq(listed(ode, r->name), r->ode != NULL, "%s in '%s'", r->name, ode);
        odes += r->ode != NULL;
    }
    cr_expect_geq(odes, 3);
    /* short buffers: truncated, terminated, the needed length returned */
    char small[6];
    memset(small, 'x', sizeof small);
    cr_expect_eq(fadyn_rule_type_list(small, sizeof small, 0), la);
    cr_expect_eq(small[5], '\0');
    cr_expect_eq(strncmp(small, all, 5), 0);
    cr_expect_eq(fadyn_rule_type_list(NULL, 0, 1), lo);
}

/* A problem is for the ODE: a rule without an ODE form is refused. */
Test(rules, problem_needs_an_ode_form) {
    size_t sz[] = {3, 2, 2};
    fadyn_problem p;
    fadyn_err e;
    fadyn_err_clear(&e);
    for (size_t i = 0; fadyn_rule_types[i]; i++) {
        const fadyn_rule_type *r = fadyn_rule_types[i];
        int rc = fadyn_problem_alloc(&p, 2, sz, r, &e);
        if (r->ode) {
            cr_expect_eq(rc, FADYN_OK, "%s", r->name);
            fadyn_problem_free(&p);
        } else {
            cr_expect_eq(rc, FADYN_EINVAL, "%s", r->name);
            cr_expect(strstr(e.msg, r->name) && strstr(e.msg, "fa"), "%s: '%s'", r->name, e.msg);
        }
    }
    cr_expect_eq(fadyn_problem_alloc(&p, 2, sz, NULL, NULL), FADYN_EINVAL);
}

/* The batch limit, through the trainer: one step on the n_0 inputs
 * x_i = sqrt(n_0 σ_i) e_i (batch K = n_0, so the step averages them and
 * E[xxᵀ] = Σ exactly), targets T x_i, from the problem's weights and B.
 * The step is exactly linear in η, so (w(η) − w) / η is the average of the
 * rule's per-example updates; it must equal the entry's ODE right-hand side. */
static void check_trainer_limit(const fadyn_rule_type *rule, size_t depth, const size_t *sizes,
                                int sigma) {
    fadyn_problem p;
    th_problem(&p, depth, sizes, rule, 17, 0.3);
    size_t n0 = sizes[0], nL = sizes[depth];
    if (sigma) {
        double s[16];
        for (size_t i = 0; i < n0; i++)
            s[i] = 0.5 + 0.1 * (double)i;
        cr_assert_eq(fadyn_problem_set_sigma(&p, s, NULL), FADYN_OK);
    }
    fadyn_task t;
    cr_assert_eq(fadyn_task_alloc_linear(&t, n0, nL, p.T, p.sigma, 0, 1, NULL), FADYN_OK);
    fadyn_net_spec spec = fadyn_net_spec_make(depth, sizes, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    fadyn_train_params tp = fadyn_train_params_default();
    tp.eta = 0.25;
    tp.batch = n0;
    fadyn_train_ws *ws = fadyn_train_ws_alloc(&t, &spec, rule, &tp, NULL);
    cr_assert_not_null(ws);
    fadyn_train_ws_set(ws, (const double *const *)p.W, (const double *const *)p.B);
    double *X = calloc(n0 * n0, sizeof(double)), *Y = calloc(n0 * nL, sizeof(double));
    for (size_t i = 0; i < n0; i++) {
        double xs = sqrt((double)n0 * (p.sigma ? p.sigma[i] : 1.0));
        X[i * n0 + i] = xs;
        for (size_t j = 0; j < nL; j++)
            Y[i * nL + j] = p.T[j * n0 + i] * xs;
    }
    double loss, *f = malloc(p.dim * sizeof(double));
    cr_assert_eq(fadyn_train_step(ws, n0, X, Y, NULL, &loss), FADYN_OK);
    const double *w = fadyn_train_ws_net(ws)->block; /* the ODE state layout */
    fadyn_dyn *d = fadyn_dyn_alloc(&p);
    fadyn_dyn_rhs(d, p.w0, f);
    double num = 0, den = 0;
    for (size_t i = 0; i < p.dim; i++) {
        double g = (w[i] - p.w0[i]) / tp.eta;
        num += (g - f[i]) * (g - f[i]);
        den += f[i] * f[i];
    }
    cr_expect_gt(den, 0.0);
    cr_expect_lt(sqrt(num / den), 1e-12, "%s depth %zu sigma %d: relative difference %g",
                 rule->name, depth, sigma, sqrt(num / den));
    free(X);
    free(Y);
    free(f);
    fadyn_dyn_free(d);
    fadyn_train_ws_free(ws);
    fadyn_task_free(&t);
    fadyn_problem_free(&p);
}

Test(rules, every_ode_form_is_the_batch_limit_of_its_trainer) {
    size_t s1[] = {6, 5, 3}, s2[] = {5, 4, 3, 2}, s3[] = {4, 3, 3, 2, 2};
    size_t tested = 0;
    for (size_t i = 0; fadyn_rule_types[i]; i++) {
        const fadyn_rule_type *r = fadyn_rule_types[i];
        if (!r->ode) continue;
        for (int sg = 0; sg < 2; sg++) {
            check_trainer_limit(r, 2, s1, sg);
            check_trainer_limit(r, 3, s2, sg);
            check_trainer_limit(r, 4, s3, sg);
        }
        tested++;
    }
    cr_expect_geq(tested, 3);
}

/* The observer's reference updates against plain loops, for a matrix of
 * signals (the ODE) and for one example (a trainer, BLAS level 2). */
Test(rules, reference_updates_and_angles_match_loops) {
    enum { NK = 4, NK1 = 3, C = 5 };
    double W[NK1 * NK], Wp[NK * NK1], G[NK1 * C], H[NK1 * C];
    for (size_t i = 0; i < NK1 * NK; i++)
        W[i] = sin(1.0 + (double)i), Wp[i] = cos(2.0 + 0.5 * (double)i);
    for (size_t i = 0; i < NK1 * C; i++)
        G[i] = sin(3.0 * (double)i), H[i] = cos(0.7 * (double)i);
    for (size_t c = 1; c <= C; c += C - 1) {
        double ub[NK * C], up[NK * C], wb[NK * C] = {0}, wp[NK * C] = {0};
        /* G's first c columns, packed */
        double Gc[NK1 * C], Hc[NK1 * C];
        for (size_t i = 0; i < NK1; i++)
            for (size_t j = 0; j < c; j++)
                Gc[i * c + j] = G[i * C + j], Hc[i * c + j] = H[i * C + j];
        fadyn_obs_reference_updates(NK, NK1, c, W, Wp, Gc, Hc, ub, up);
        for (size_t i = 0; i < NK; i++)
            for (size_t j = 0; j < c; j++)
                for (size_t l = 0; l < NK1; l++) {
                    wb[i * c + j] += W[l * NK + i] * Gc[l * c + j];
                    wp[i * c + j] += Wp[i * NK1 + l] * Hc[l * c + j];
                }
        for (size_t i = 0; i < NK * c; i++) {
            cr_expect_float_eq(ub[i], wb[i], 1e-13, "c %zu: Wᵀ G entry %zu", c, i);
            cr_expect_float_eq(up[i], wp[i], 1e-13, "c %zu: W⁺ G entry %zu", c, i);
        }
        double a_bp, a_pbp;
        fadyn_obs_angles(wb, wb, wp, NK * c, FADYN_ANGLE_SIGNED, &a_bp, &a_pbp);
        cr_expect_float_eq(a_bp, 0.0, 1e-6);
        double dot = 0, nb = 0, np = 0;
        for (size_t i = 0; i < NK * c; i++)
            dot += wb[i] * wp[i], nb += wb[i] * wb[i], np += wp[i] * wp[i];
        cr_expect_float_eq(a_pbp, acos(dot / sqrt(nb * np)) * 180.0 / M_PI, 1e-10);
    }
    cr_expect_float_eq(fadyn_obs_nse(1.0, 4.0), 0.25, 1e-16);
    cr_expect(isnan(fadyn_obs_nse(1.0, 0.0)));
}

/* With one input the trainer's held-out NSE and its angles on the example
 * x = 1 are the observer's expected NSE and angles exactly: e = E x, so
 * Σ‖e‖²/Σ‖y*‖² = ‖E‖²/‖T‖², and δ_h = M e is the ODE's hidden signal. */
Test(rules, trainer_and_observer_report_the_same_nse_and_angles) {
    size_t sz[] = {1, 5, 3};
    const char *names[] = {"fa", "bp"};
    for (size_t r = 0; r < 2; r++) {
        fadyn_problem p;
        th_problem(&p, 2, sz, th_rule(names[r]), 23, 0.4);
        fadyn_task t;
        cr_assert_eq(fadyn_task_alloc_linear(&t, 1, 3, p.T, NULL, 40, 5, NULL), FADYN_OK);
        fadyn_net_spec spec = fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
        fadyn_train_params tp = fadyn_train_params_default();
        tp.eta = 0.01;
        fadyn_train_ws *ws = fadyn_train_ws_alloc(&t, &spec, p.rule, &tp, NULL);
        cr_assert_not_null(ws);
        fadyn_train_ws_set(ws, (const double *const *)p.W, (const double *const *)p.B);
        fadyn_train_ws_X(ws)[0] = 1.0;
        for (size_t j = 0; j < 3; j++)
            fadyn_train_ws_Y(ws)[j] = p.T[j];
        double bp, pbp;
        cr_assert_eq(fadyn_train_ws_angles(ws, 0, &bp, &pbp), FADYN_OK);
        double nse = fadyn_train_ws_nse(ws);
        fadyn_observer *o = fadyn_observer_alloc(&p, p.w0);
        fadyn_obs ob;
        cr_assert_eq(fadyn_observer_eval(o, 0.0, p.w0, &ob), FADYN_OK);
        cr_expect_float_eq(nse, ob.nse, 1e-12 * ob.nse, "%s: NSE %g vs %g", names[r], nse, ob.nse);
        cr_expect_float_eq(bp, ob.angle_bp, 1e-8, "%s: angle to bp %g vs %g", names[r], bp,
                           ob.angle_bp);
        cr_expect_float_eq(pbp, ob.angle_pbp, 1e-8, "%s: angle to pbp %g vs %g", names[r], pbp,
                           ob.angle_pbp);
        if (r == 0) cr_expect_gt(bp, 1.0, "fa's angle to bp should not vanish: %g", bp);
        fadyn_observer_free(o);
        fadyn_train_ws_free(ws);
        fadyn_task_free(&t);
        fadyn_problem_free(&p);
    }
}

/* The --rule help of ode and compare lists the rules with an ODE form, that
 * of train every rule; bad names exit 2 with the list. */
Test(rules_cli, help_and_errors_list_the_table) {
    char dir[256], cmd[1024], line[512];
    th_tmpdir(dir, sizeof dir);
    const char *bin = getenv("FADYN_BIN") ? getenv("FADYN_BIN") : "build/fadyn";
    const char *cmds[] = {"ode", "compare", "train"};
    char all[512], ode[512];
    fadyn_rule_type_list(all, sizeof all, 0);
    fadyn_rule_type_list(ode, sizeof ode, 1);
    for (size_t c = 0; c < 3; c++) {
        snprintf(cmd, sizeof cmd, "%s %s --help | grep -e '--rule NAME' > %s/h", bin, cmds[c], dir);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        snprintf(cmd, sizeof cmd, "%s/h", dir);
        FILE *f = fopen(cmd, "r");
        cr_assert_not_null(f);
        cr_assert_not_null(fgets(line, sizeof line, f));
        fclose(f);
        const char *want = c == 2 ? all : ode;
        cr_expect(strstr(line, want) != NULL, "%s --help: '%s' lacks '%s'", cmds[c], line, want);
        cr_expect(strchr(line, '{') == NULL, "%s --help: token left in '%s'", cmds[c], line);
        if (c < 2) cr_expect(strstr(line, "np") == NULL, "%s --help offers np", cmds[c]);
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
    cr_expect_eq(th_run("ode --rule np --t-end 1", line, sizeof line), 2);
    cr_expect(strstr(line, "np") && strstr(line, ode), "'%s'", line);
    cr_expect_eq(th_run("train --rule hebb", line, sizeof line), 2);
    cr_expect(strstr(line, all) != NULL, "'%s'", line);
}
