/* test_train.c — the stochastic trainers: gradients, rule identities,
 * minibatch = mean of online updates, angles, node perturbation, statistics,
 * divergence and the CLI's bad input. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A small task (its targets are not used: steps get X and Y directly). */
static fadyn_task small_task(size_t in, size_t out) {
    fadyn_task t;
    double T[400];
    cr_assert_leq(in * out, 400);
    for (size_t i = 0; i < in * out; i++)
        T[i] = 0.1 * (double)(i % 7) - 0.3;
    cr_assert_eq(fadyn_task_alloc_linear(&t, in, out, T, NULL, 20, 3, NULL), FADYN_OK);
    return t;
}

static fadyn_train_ws *make_ws(const fadyn_task *t, const fadyn_net_spec *s, const char *rule,
                               fadyn_train_params *p, unsigned long seed) {
    const fadyn_rule_type *rt = fadyn_rule_type_find(rule);
    cr_assert_not_null(rt);
    fadyn_train_ws *ws = fadyn_train_ws_alloc(t, s, rt, p, NULL);
    cr_assert_not_null(ws);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    fadyn_train_ws_draw(ws, r);
    gsl_rng_free(r);
    return ws;
}

/* ½‖y* − f(x)‖² of one example by a plain forward pass. */
static double loss_of(const fadyn_net *n, const double *x, const double *y) {
    double *A[FADYN_MAX_DEPTH], *H[FADYN_MAX_DEPTH];
    for (size_t k = 0; k < n->spec.depth; k++) {
        A[k] = malloc(n->spec.sizes[k + 1] * sizeof(double));
        H[k] = malloc(n->spec.sizes[k + 1] * sizeof(double));
    }
    fadyn_net_forward(n, 1, x, A, H);
    size_t L = n->spec.depth, m = n->spec.sizes[L];
    double l = 0.0;
    for (size_t j = 0; j < m; j++)
        l += 0.5 * (y[j] - H[L - 1][j]) * (y[j] - H[L - 1][j]);
    for (size_t k = 0; k < L; k++) {
        free(A[k]);
        free(H[k]);
    }
    return l;
}

static size_t nparams(const fadyn_net *n) {
    size_t c = fadyn_net_spec_nweights(&n->spec);
    for (size_t k = 0; n->spec.bias && k < n->spec.depth; k++)
        c += n->spec.sizes[k + 1];
    return c;
}

Test(train, bp_update_is_minus_eta_gradient_by_finite_differences) {
    fadyn_task t = small_task(4, 2);
    size_t sz[] = {4, 5, 3, 2};
    fadyn_net_spec s = fadyn_net_spec_make(3, sz, FADYN_ACT_TANH, FADYN_ACT_SIGMOID, 1);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 1e-3;
    p.w_scale = 0.8;
    fadyn_train_ws *ws = make_ws(&t, &s, "bp", &p, 5);
    fadyn_net *net = fadyn_train_ws_net(ws);
    double x[4] = {0.3, -1.2, 0.7, 0.1}, y[2] = {0.9, 0.2};
    size_t np = nparams(net);
    double *before = malloc(np * sizeof(double)), *grad = malloc(np * sizeof(double));
    memcpy(before, net->block, np * sizeof(double));
    const double h = 1e-6;
    for (size_t i = 0; i < np; i++) { /* central differences, every weight and bias */
        net->block[i] = before[i] + h;
        double lp = loss_of(net, x, y);
        net->block[i] = before[i] - h;
        double lm = loss_of(net, x, y);
        net->block[i] = before[i];
        grad[i] = (lp - lm) / (2 * h);
    }
    double loss, loss0 = loss_of(net, x, y);
    cr_assert_eq(fadyn_train_step(ws, 1, x, y, NULL, &loss), FADYN_OK);
    cr_assert_float_eq(loss, loss0, 1e-14);
    for (size_t i = 0; i < np; i++) {
        double upd = (net->block[i] - before[i]) / p.eta;
        cr_assert(fabs(upd + grad[i]) < 1e-7 * (1 + fabs(grad[i])),
                  "param %zu: update %g, -grad %g", i, upd, -grad[i]);
    }
    free(before);
    free(grad);
    fadyn_train_ws_free(ws);
    fadyn_task_free(&t);
}

/* Step ws_a and ws_b with the same data and compare all parameters. */
static void same_training(fadyn_train_ws *a, fadyn_train_ws *b, size_t n0, size_t nL, double tol) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 11);
    double x[64], y[64], la, lb;
    for (int step = 0; step < 50; step++) {
        for (size_t i = 0; i < n0; i++)
            x[i] = gsl_rng_uniform(r) * 2 - 1;
        for (size_t i = 0; i < nL; i++)
            y[i] = gsl_rng_uniform(r) * 2 - 1;
        cr_assert_eq(fadyn_train_step(a, 1, x, y, NULL, &la), FADYN_OK);
        cr_assert_eq(fadyn_train_step(b, 1, x, y, NULL, &lb), FADYN_OK);
    }
    fadyn_net *na = fadyn_train_ws_net(a), *nb = fadyn_train_ws_net(b);
    size_t np = nparams(na);
    for (size_t i = 0; i < np; i++)
        cr_assert(fabs(na->block[i] - nb->block[i]) <= tol, "param %zu: %.17g vs %.17g", i,
                  na->block[i], nb->block[i]);
    gsl_rng_free(r);
}

Test(train, fa_with_feedback_equal_to_transposes_is_bp) {
    /* fa's B's stay fixed while W moves, so B = W^T holds at one instant
     * only: reset B = W^T before every step and compare step by step. */
    fadyn_task t = small_task(4, 2);
    size_t sz[] = {4, 6, 3, 2};
    fadyn_net_spec s = fadyn_net_spec_make(3, sz, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 0.05;
    p.w_scale = 0.5;
    fadyn_train_ws *bp = make_ws(&t, &s, "bp", &p, 7), *fa = make_ws(&t, &s, "fa", &p, 7);
    fadyn_net *nb = fadyn_train_ws_net(bp), *nf = fadyn_train_ws_net(fa);
    memcpy(nf->block, nb->block, nparams(nb) * sizeof(double));
    double x[4] = {0.5, -0.25, 1.0, 0.75}, y[2] = {0.3, -0.6}, l;
    for (int step = 0; step < 5; step++) {
        for (size_t k = 1; k < 3; k++) { /* F[k-1] = W[k]^T */
            double *F = fadyn_train_ws_feedback(fa, k - 1);
            for (size_t i = 0; i < sz[k + 1]; i++)
                for (size_t j = 0; j < sz[k]; j++)
                    F[j * sz[k + 1] + i] = nf->W[k][i * sz[k] + j];
        }
        cr_assert_eq(fadyn_train_step(bp, 1, x, y, NULL, &l), FADYN_OK);
        cr_assert_eq(fadyn_train_step(fa, 1, x, y, NULL, &l), FADYN_OK);
        for (size_t i = 0; i < nparams(nb); i++)
            cr_assert_float_eq(nf->block[i], nb->block[i], 1e-14);
    }
    fadyn_train_ws_free(bp);
    fadyn_train_ws_free(fa);
    fadyn_task_free(&t);
}

static fadyn_train_params params(double eta, double w_scale, double drop) {
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = eta;
    p.w_scale = w_scale;
    p.drop = drop;
    return p;
}

/* Two rules drawn from the same seed train identically on a 5-...-3 net. */
static void rules_agree(const char *ra, const char *rb, const fadyn_net_spec *s,
                        fadyn_train_params p, unsigned long seed) {
    fadyn_task t = small_task(5, 3);
    fadyn_train_ws *a = make_ws(&t, s, ra, &p, seed), *b = make_ws(&t, s, rb, &p, seed);
    same_training(a, b, 5, 3, 0.0);
    fadyn_train_ws_free(a);
    fadyn_train_ws_free(b);
    fadyn_task_free(&t);
}

Test(train, sparse_fa_with_drop_zero_is_fa) {
    size_t sz[] = {5, 7, 4, 3};
    fadyn_net_spec s = fadyn_net_spec_make(3, sz, FADYN_ACT_SIGMOID, FADYN_ACT_LINEAR, 1);
    rules_agree("fa", "sparse-fa", &s, params(0.05, 0.3, 0.0), 9);
}

Test(train, dfa_with_one_hidden_layer_is_fa) {
    /* with one hidden layer the output is the next layer: B e either way */
    size_t sz[] = {5, 7, 3};
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
    rules_agree("fa", "dfa", &s, params(0.05, 0.3, 0.5), 6);
}

Test(train, dfa_sends_the_output_error_straight_to_every_hidden_layer) {
    /* two hidden layers: δ_1 = (F_0 δ_L) ∘ σ'(a_1), checked by hand */
    fadyn_task t = small_task(4, 2);
    size_t sz[] = {4, 3, 5, 2};
    fadyn_net_spec s = fadyn_net_spec_make(3, sz, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 0);
    fadyn_train_params p = params(1e-12, 0.5, 0.5);
    fadyn_train_ws *ws = make_ws(&t, &s, "dfa", &p, 8);
    double x[4] = {0.2, -0.4, 0.9, 0.1}, y[2] = {1, -1}, l;
    fadyn_net *n = fadyn_train_ws_net(ws);
    double h1[3];
    for (int i = 0; i < 3; i++) {
        double a = 0;
        for (int j = 0; j < 4; j++)
            a += n->W[0][i * 4 + j] * x[j];
        h1[i] = tanh(a);
    }
    cr_assert_eq(fadyn_train_step(ws, 1, x, y, NULL, &l), FADYN_OK);
    const double *dL = fadyn_train_ws_delta(ws, 2), *d1 = fadyn_train_ws_delta(ws, 0);
    const double *F0 = fadyn_train_ws_feedback(ws, 0); /* 3 x 2 */
    for (int i = 0; i < 3; i++) {
        double want = (F0[i * 2] * dL[0] + F0[i * 2 + 1] * dL[1]) * (1 - h1[i] * h1[i]);
        cr_assert_float_eq(d1[i], want, 1e-12);
    }
    fadyn_train_ws_free(ws);
    fadyn_task_free(&t);
}

Test(train, sparse_fa_keeps_its_mask) {
    fadyn_task t = small_task(5, 3);
    size_t sz[] = {5, 40, 30, 3};
    fadyn_net_spec s = fadyn_net_spec_make(3, sz, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 0);
    fadyn_train_params p = params(0.01, 0.3, 0.5);
    fadyn_train_ws *a = make_ws(&t, &s, "sparse-fa", &p, 4),
                   *b = make_ws(&t, &s, "sparse-fa", &p, 4);
    fadyn_net *n = fadyn_train_ws_net(a);
    size_t zeros0 = 0, m = 30 * 40;
    for (size_t i = 0; i < m; i++)
        zeros0 += n->W[1][i] == 0.0;
    cr_assert(zeros0 > m / 2 - m / 10 && zeros0 < m / 2 + m / 10, "%zu of %zu removed", zeros0, m);
    same_training(a, b, 5, 3, 0.0);
    size_t zeros1 = 0;
    for (size_t i = 0; i < m; i++)
        zeros1 += n->W[1][i] == 0.0;
    cr_assert_eq(zeros1, zeros0); /* removed entries stay removed, the others moved */
    fadyn_train_ws_free(a);
    fadyn_train_ws_free(b);
    fadyn_task_free(&t);
}

/* The batch update (gemm) equals the mean of K online updates (ger) from the same weights. */
static void batch_is_mean_of_online(const char *rule) {
    fadyn_task t = small_task(6, 3);
    size_t sz[] = {6, 8, 5, 3};
    fadyn_net_spec s = fadyn_net_spec_make(3, sz, FADYN_ACT_TANH, FADYN_ACT_SIGMOID, 1);
    fadyn_train_params p = fadyn_train_params_default();
    const size_t K = 7;
    p.eta = 0.1;
    p.w_scale = 0.5;
    p.decay = 0.01;
    p.batch = K;
    fadyn_train_ws *bw = make_ws(&t, &s, rule, &p, 13);
    p.batch = 1;
    fadyn_train_ws *ow = make_ws(&t, &s, rule, &p, 13);
    fadyn_net *nb = fadyn_train_ws_net(bw), *no = fadyn_train_ws_net(ow);
    size_t np = nparams(nb);
    double *w0 = malloc(np * sizeof(double)), *acc = calloc(np, sizeof(double));
    memcpy(w0, nb->block, np * sizeof(double));
    cr_assert_arr_eq(w0, no->block, np * sizeof(double));
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 3);
    double X[7 * 6], Y[7 * 3], l;
    for (size_t i = 0; i < K * 6; i++)
        X[i] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < K * 3; i++)
        Y[i] = gsl_rng_uniform(r);
    for (size_t e = 0; e < K; e++) {
        memcpy(no->block, w0, np * sizeof(double));
        cr_assert_eq(fadyn_train_step(ow, 1, X + 6 * e, Y + 3 * e, NULL, &l), FADYN_OK);
        for (size_t i = 0; i < np; i++)
            acc[i] += (no->block[i] - w0[i]) / (double)K;
    }
    cr_assert_eq(fadyn_train_step(bw, K, X, Y, NULL, &l), FADYN_OK);
    for (size_t i = 0; i < np; i++)
        cr_assert_float_eq(nb->block[i], w0[i] + acc[i], 1e-13, "%s param %zu", rule, i);
    free(w0);
    free(acc);
    gsl_rng_free(r);
    fadyn_train_ws_free(bw);
    fadyn_train_ws_free(ow);
    fadyn_task_free(&t);
}

Test(train, minibatch_is_mean_of_online_updates) {
    const char *rules[] = {"bp", "fa", "dfa", "pbp", "shallow", "sparse-fa"};
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        batch_is_mean_of_online(rules[i]);
}

/* The 2-2-2 linear network A = I, W = diag(1, 2), B = b I of a rule, at
 * x = 0, y* = (1, 1): e = (1, 1). */
static fadyn_train_ws *diagonal_ws(const fadyn_task *t, const char *rule, fadyn_train_params *p,
                                   double b) {
    static const size_t sz[] = {2, 2, 2};
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    p->eta = 0.1;
    double A[4] = {1, 0, 0, 1}, W[4] = {1, 0, 0, 2}, B[4] = {b, 0, 0, b};
    const double *Ws[2] = {A, W}, *Fs[1] = {B};
    fadyn_train_ws *ws = make_ws(t, &s, rule, p, 1);
    fadyn_train_ws_set(ws, Ws, Fs);
    double *X = fadyn_train_ws_X(ws), *Y = fadyn_train_ws_Y(ws);
    X[0] = X[1] = 0.0;
    Y[0] = Y[1] = 1.0;
    return ws;
}

Test(train, angles_of_a_diagonal_network_match_the_hand_computation) {
    /* B = I: Δh_fa = (1, 1), Δh_bp = Wᵀe = (1, 2), Δh_pbp = W⁺e = (1, 1/2). */
    fadyn_task t = small_task(2, 2);
    fadyn_train_params p = fadyn_train_params_default();
    const char *rules[] = {"fa", "bp", "pbp"};
    double want_bp[] = {acos(3 / sqrt(10.0)), 0, acos(2 / sqrt(5 * 1.25))};
    double want_pbp[] = {acos(1.5 / sqrt(2 * 1.25)), acos(2 / sqrt(5 * 1.25)), 0};
    for (int r = 0; r < 3; r++) {
        fadyn_train_ws *ws = diagonal_ws(&t, rules[r], &p, 1.0);
        double *X = fadyn_train_ws_X(ws), *Y = fadyn_train_ws_Y(ws);
        double bp, pbp;
        cr_assert_eq(fadyn_train_ws_angles(ws, 0, &bp, &pbp), FADYN_OK);
        /* arccos near 1 loses half the digits: 1e-5 degrees */
        cr_assert_float_eq(bp, want_bp[r] * 180 / M_PI, 1e-5, "%s to bp", rules[r]);
        cr_assert_float_eq(pbp, want_pbp[r] * 180 / M_PI, 1e-5, "%s to pbp", rules[r]);
        /* learned exactly (x = (1,1), y* = W A x = (1,2)): e = 0, no direction */
        X[0] = X[1] = 1.0;
        Y[0] = 1.0;
        Y[1] = 2.0;
        cr_assert_eq(fadyn_train_ws_angles(ws, 0, &bp, &pbp), FADYN_OK);
        cr_assert(isnan(bp) && isnan(pbp), "%s: %g %g", rules[r], bp, pbp);
        fadyn_train_ws_free(ws);
    }
    fadyn_task_free(&t);
}

/* B = -I in the network above: fa's update is -(1, 1), at 180° - ∠((1,1), (1,2))
 * to bp's and 180° - ∠((1,1), (1,1/2)) to pbp's; --angle abs (|cos|) folds them
 * back below 90°. */
Test(train, abs_angles_fold_the_signed_ones_above_90) {
    fadyn_task t = small_task(2, 2);
    fadyn_train_params p = fadyn_train_params_default();
    double to_bp = acos(3 / sqrt(10.0)) * 180 / M_PI,
           to_pbp = acos(1.5 / sqrt(2 * 1.25)) * 180 / M_PI;
    double want[2][2] = {{180 - to_bp, 180 - to_pbp}, {to_bp, to_pbp}};
    for (int k = 0; k < 2; k++) {
        p.angle = k ? FADYN_ANGLE_ABS : FADYN_ANGLE_SIGNED;
        fadyn_train_ws *ws = diagonal_ws(&t, "fa", &p, -1.0);
        double bp, pbp;
        cr_assert_eq(fadyn_train_ws_angles(ws, 0, &bp, &pbp), FADYN_OK);
        cr_assert_float_eq(bp, want[k][0], 1e-5, "%s: to bp %g", k ? "abs" : "signed", bp);
        cr_assert_float_eq(pbp, want[k][1], 1e-5, "%s: to pbp %g", k ? "abs" : "signed", pbp);
        fadyn_train_ws_free(ws);
    }
    fadyn_task_free(&t);
}

/* `fadyn train --angle abs`: every angle of one run is the signed run's
 * min(θ, 180° − θ), on a run where some signed angle exceeds 90°; recorded
 * in the summary, said on the plot's axis. */
Test(train_cli, angle_abs_folds_every_angle_of_the_run) {
    char dir[256];
    th_tmpdir(dir, sizeof dir);
    th_run_both_angles("train --examples 60 --eval-every 1 --runs 1 --quiet", dir);
    const char *cols[] = {"angle_bp_h1_mean", "angle_pbp_h1_mean"};
    th_expect_folded_runs(dir, cols, 2, 61);
}
/* par.init: every run starts at the problem's weights and feedback.  The
 * first row's NSE is the held-out NSE of the problem's W A (A = I, W = T/2:
 * about 1/4), computed here from T, A, W and the task's held-out inputs;
 * two runs from it (same data) agree row for row; a drawn start (NSE about
 * 1) does not give it. */
Test(train, a_run_from_a_problem_starts_at_its_state) {
    const size_t sz[] = {6, 6, 4};
    fadyn_problem p;
    th_problem(&p, 2, sz, th_rule("fa"), 3, 0.0);
    for (size_t i = 0; i < 6; i++)
        p.W[0][i * 6 + i] = 1.0;
    for (size_t i = 0; i < 4 * 6; i++)
        p.W[1][i] = 0.5 * p.T[i];
    fadyn_task t;
    cr_assert_eq(fadyn_task_alloc_linear(&t, 6, 4, p.T, NULL, 300, 7, NULL), FADYN_OK);
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    double err2 = 0.0, y2 = 0.0;
    for (size_t i = 0; i < 300; i++) {
        const double *x = t.Xtest + i * 6;
        double h[6] = {0}, y[4] = {0}, ys[4] = {0};
        for (size_t j = 0; j < 6; j++)
            for (size_t k = 0; k < 6; k++)
                h[j] += p.W[0][j * 6 + k] * x[k];
        for (size_t o = 0; o < 4; o++) {
            for (size_t j = 0; j < 6; j++)
                y[o] += p.W[1][o * 6 + j] * h[j];
            for (size_t k = 0; k < 6; k++)
                ys[o] += p.T[o * 6 + k] * x[k];
            err2 += (ys[o] - y[o]) * (ys[o] - y[o]);
            y2 += ys[o] * ys[o];
        }
    }
    double want = err2 / y2;
    cr_assert(fabs(want - 1.0) > 0.05, "a start unlike a drawn one (NSE about 1): %g", want);
    fadyn_train_params tp = fadyn_train_params_default();
    tp.eta = 1e-3;
    tp.examples = 20;
    tp.eval_every = 10;
    tp.init = &p;
    fadyn_train_result res[2];
    cr_assert_eq(fadyn_train_runs(&t, &s, th_rule("fa"), &tp, 1, 2, res), FADYN_OK);
    cr_assert_float_eq(res[0].rows[1], want, 1e-12 * want, "run 0 starts at NSE %.15g, want %.15g",
                       res[0].rows[1], want);
    for (size_t i = 0; i < res[0].nrows * res[0].ncols; i++)
        cr_assert(res[0].rows[i] == res[1].rows[i] ||
                      (isnan(res[0].rows[i]) && isnan(res[1].rows[i])),
                  "the runs from one state differ at %zu", i);
    fadyn_train_params drawn = tp;
    drawn.init = NULL;
    fadyn_train_result d;
    cr_assert_eq(fadyn_train_run(&t, &s, th_rule("fa"), &drawn, 1, &d), FADYN_OK);
    cr_assert(fabs(d.rows[1] - want) > 0.01, "a drawn start at the same NSE %g", d.rows[1]);
    /* what cannot start from a problem: biases, other sizes, drawn masks or feedback */
    fadyn_err e;
    fadyn_net_spec biased = fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 1);
    const size_t other[] = {6, 3, 4};
    fadyn_net_spec narrow = fadyn_net_spec_make(2, other, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    cr_assert_eq(fadyn_train_init_check(&p, &biased, th_rule("fa"), &e), FADYN_EINVAL);
    cr_assert_eq(fadyn_train_init_check(&p, &narrow, th_rule("fa"), &e), FADYN_EINVAL);
    cr_assert_eq(fadyn_train_init_check(&p, &s, th_rule("sparse-fa"), &e), FADYN_EINVAL);
    cr_assert(strstr(e.msg, "masks") != NULL, "%s", e.msg);
    cr_assert_eq(fadyn_train_init_check(&p, &s, th_rule("np"), &e), FADYN_OK);
    for (int r = 0; r < 2; r++)
        fadyn_train_result_free(&res[r]);
    fadyn_train_result_free(&d);
    fadyn_task_free(&t);
    fadyn_problem_free(&p);
}

Test(train, node_perturbation_estimates_the_bp_update_on_average) {
    fadyn_task t = small_task(4, 3);
    size_t sz[] = {4, 6, 3};
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 1e-9; /* the weights barely move: the updates are at the same point */
    p.w_scale = 0.7;
    p.np_sigma = 1e-3;
    fadyn_train_ws *np = make_ws(&t, &s, "np", &p, 2), *bp = make_ws(&t, &s, "bp", &p, 2);
    double x[4] = {1, -0.5, 0.25, 0.8}, y[3] = {1, 0, -1}, l, mean[6] = {0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    const int N = 20000;
    for (int i = 0; i < N; i++) {
        cr_assert_eq(fadyn_train_step(np, 1, x, y, r, &l), FADYN_OK);
        const double *d = fadyn_train_ws_delta(np, 0);
        for (int j = 0; j < 6; j++)
            mean[j] += d[j] / N;
    }
    cr_assert_eq(fadyn_train_step(bp, 1, x, y, NULL, &l), FADYN_OK);
    double ang = fadyn_angle_deg(mean, fadyn_train_ws_delta(bp, 0), 6);
    cr_assert(ang < 5.0, "angle of mean np update to bp: %g deg", ang);
    gsl_rng_free(r);
    fadyn_train_ws_free(np);
    fadyn_train_ws_free(bp);
    fadyn_task_free(&t);
}

/* The paper's Task 1 (seed 1) and its 30-20-10 linear student. */
static fadyn_net_spec task1(fadyn_task *t) {
    fadyn_task_params tp = fadyn_task_params_default(FADYN_TASK_LINEAR);
    cr_assert_eq(fadyn_task_alloc(t, &tp, NULL), FADYN_OK);
    size_t sz[] = {30, 20, 10};
    return fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
}

Test(train, parallel_runs_equal_serial_runs_and_every_run_sees_the_same_data) {
    fadyn_task t;
    fadyn_net_spec s = task1(&t);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 0.01;
    p.examples = 500;
    p.eval_every = 100;
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_result par[3], one;
    cr_assert_eq(fadyn_train_runs(&t, &s, fa, &p, 1, 3, par), FADYN_OK);
    cr_assert_eq(fadyn_train_run(&t, &s, fa, &p, fadyn_train_run_seed(1, 2), &one), FADYN_OK);
    cr_assert_eq(one.nrows, 6);
    cr_assert_arr_eq(one.rows, par[2].rows, one.nrows * one.ncols * sizeof(double));
    cr_assert_float_eq(one.final_nse, one.rows[5 * one.ncols + 1], 0);
    cr_assert(one.final_nse < 0.5 * one.rows[1]);
    /* row 0 is at the initial weights; the NSE there depends only on the target */
    fadyn_train_result sh;
    cr_assert_eq(fadyn_train_run(&t, &s, fadyn_rule_type_find("shallow"), &p, 77, &sh), FADYN_OK);
    cr_assert_float_eq(sh.rows[1], 1.0, 1e-3); /* tiny weights: NSE(0) ≈ 1 */
    cr_assert(isnan(sh.rows[3]));              /* shallow sends nothing: no angle */
    size_t nc = one.ncols;
    cr_assert_eq(nc, 5); /* example nse loss angle_bp_h1 angle_pbp_h1 */
    double mean[6 * 5], sd[6 * 5];
    cr_assert_eq(fadyn_train_aggregate(par, 3, mean, sd), 6);
    double v[3] = {par[0].rows[5 * nc + 1], par[1].rows[5 * nc + 1], par[2].rows[5 * nc + 1]};
    double m = (v[0] + v[1] + v[2]) / 3;
    double s2 = ((v[0] - m) * (v[0] - m) + (v[1] - m) * (v[1] - m) + (v[2] - m) * (v[2] - m)) / 2;
    cr_assert_float_eq(mean[5 * nc + 1], m, 1e-12 * m);
    cr_assert_float_eq(sd[5 * nc + 1], sqrt(s2), 1e-9 * sqrt(s2));
    for (int r = 0; r < 3; r++)
        fadyn_train_result_free(&par[r]);
    fadyn_train_result_free(&one);
    fadyn_train_result_free(&sh);
    /* zero weights that (almost) do not move: the loss column is ½‖y*‖² of
     * the examples learned, the same for every rule and run iff they all see
     * the same data sequence */
    p.w_scale = 0.0;
    p.eta = 1e-12;
    fadyn_train_result a[2], b[2];
    cr_assert_eq(fadyn_train_runs(&t, &s, fadyn_rule_type_find("bp"), &p, 1, 2, a), FADYN_OK);
    cr_assert_eq(fadyn_train_runs(&t, &s, fadyn_rule_type_find("np"), &p, 1, 2, b), FADYN_OK);
    for (size_t i = 1; i < a[0].nrows; i++) {
        double l = a[0].rows[i * nc + 2];
        cr_assert(l > 1.0);
        cr_assert_float_eq(a[1].rows[i * nc + 2], l, 1e-9 * l);
        cr_assert_float_eq(b[0].rows[i * nc + 2], l, 1e-9 * l);
        cr_assert_float_eq(b[1].rows[i * nc + 2], l, 1e-9 * l);
    }
    for (int r = 0; r < 2; r++) {
        fadyn_train_result_free(&a[r]);
        fadyn_train_result_free(&b[r]);
    }
    fadyn_task_free(&t);
}

/* eval_per_decade = m: rows at 0, at the distinct ceil(10^(j/m)) and at the
 * end, whatever the batch; the rows' NSE are those of a run stopped there. */
Test(train, log_spaced_evaluations_at_the_ceilings_of_the_powers_of_ten) {
    fadyn_task t;
    fadyn_net_spec s = task1(&t);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 0.01;
    p.examples = 700;
    p.eval_per_decade = 4;
    /* 10^(j/4) = 1, 1.78, 3.16, 5.62, 10, 17.8, 31.6, 56.2, 100, 178, 316.2, 562.3 */
    const double at[] = {0, 1, 2, 4, 6, 10, 18, 32, 57, 100, 178, 317, 563, 700};
    const size_t n = sizeof at / sizeof at[0];
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_result res;
    cr_assert_eq(fadyn_train_run(&t, &s, fa, &p, 5, &res), FADYN_OK, "%s", res.err.msg);
    cr_assert_eq(res.nrows, n, "%zu rows", res.nrows);
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(res.rows[i * res.ncols], at[i], "row %zu at %g", i, res.rows[i * res.ncols]);
    cr_expect_eq(res.final_nse, res.rows[(n - 1) * res.ncols + 1]);
    /* the same run stopped at 317 examples ends with the row at 317 */
    fadyn_train_params q = p;
    q.eval_per_decade = 0;
    q.examples = 317;
    q.eval_every = 317;
    fadyn_train_result cut;
    cr_assert_eq(fadyn_train_run(&t, &s, fa, &q, 5, &cut), FADYN_OK);
    cr_expect_float_eq(cut.final_nse, res.rows[11 * res.ncols + 1], 1e-12 * cut.final_nse);
    fadyn_train_result_free(&cut);
    fadyn_train_result_free(&res);
    p.eval_per_decade = 1001;
    fadyn_err e;
    cr_assert_eq(fadyn_train_params_check(&p, &e), FADYN_EINVAL);
    cr_expect(strstr(e.msg, "eval_per_decade 1001") == e.msg, "%s", e.msg);
    fadyn_task_free(&t);
}

Test(train, a_diverging_run_is_reported_with_its_example_and_others_finish) {
    fadyn_task t;
    fadyn_net_spec s = task1(&t);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 0.5; /* far beyond the stability limit 2/E‖x‖² ≈ 0.07 */
    p.examples = 2000;
    fadyn_train_result res[2];
    cr_assert_eq(fadyn_train_runs(&t, &s, fadyn_rule_type_find("bp"), &p, 1, 2, res),
                 FADYN_DIVERGED);
    for (int r = 0; r < 2; r++) {
        cr_assert_eq(res[r].status, FADYN_DIVERGED);
        cr_assert(res[r].diverged_at > 0 && res[r].diverged_at < 2000);
        cr_assert(strstr(res[r].err.msg, "example") != NULL);
        fadyn_train_result_free(&res[r]);
    }
    fadyn_task_free(&t);
}

Test(train, welch_test_against_the_closed_form_for_two_degrees_of_freedom) {
    /* n = 2 each, equal variances: df = 2, and for df = 2 the two-sided
     * p = 1 − |t| / √(2 + t²). */
    double a[] = {0, 2}, b[] = {3, 5};
    fadyn_welch w;
    cr_assert_eq(fadyn_welch_test(a, 2, b, 2, &w), FADYN_OK);
    double t = -3 / sqrt(2.0);
    cr_assert_float_eq(w.t, t, 1e-12);
    cr_assert_float_eq(w.df, 2.0, 1e-12);
    cr_assert_float_eq(w.p, 1 - fabs(t) / sqrt(2 + t * t), 1e-10);
    cr_assert_eq(fadyn_welch_test(a, 1, b, 2, &w), FADYN_EINVAL);
}

Test(train, parameter_and_name_errors) {
    fadyn_train_params p = fadyn_train_params_default();
    fadyn_err e;
    p.eta = 0.0;
    cr_assert_eq(fadyn_train_params_check(&p, &e), FADYN_EINVAL);
    cr_assert(strstr(e.msg, "eta ") == e.msg && !strstr(e.msg, "--"), "%s", e.msg);
    p.eta = 0.1;
    cr_assert_eq(fadyn_train_params_check(&p, &e), FADYN_OK);
    p.drop = 1.0;
    cr_assert_eq(fadyn_train_params_check(&p, &e), FADYN_EINVAL);
    cr_assert(strstr(e.msg, "drop ") == e.msg && !strstr(e.msg, "--"), "%s", e.msg);
    p.drop = 0.5;
    p.batch = 0;
    cr_assert_eq(fadyn_train_params_check(&p, &e), FADYN_EINVAL);
    p.batch = 1;
    p.np_sigma = 0;
    cr_assert_eq(fadyn_train_params_check(&p, &e), FADYN_EINVAL);
    fadyn_act a;
    fadyn_task_kind k;
    cr_assert_eq(fadyn_act_parse("relu", &a), FADYN_EINVAL);
    cr_assert_eq(fadyn_task_parse("mnist", &k), FADYN_EINVAL);
    cr_assert_null(fadyn_rule_type_find("hebb"));
    /* a network that does not fit the task */
    fadyn_task t = small_task(4, 2);
    size_t sz[] = {5, 3, 2};
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 0);
    cr_assert_null(fadyn_train_ws_alloc(&t, &s, fadyn_rule_type_find("fa"), &p, &e));
    cr_assert_eq(e.code, FADYN_EINVAL);
    fadyn_task_free(&t);
}

Test(train_cli, bad_input_is_one_line_and_exit_2) {
    const char *bad[] = {
        "train --task mnist --mnist-dir /nonexistent",
        "train --task mnst",
        "train --rule hebb",
        "train --act relu",
        "train --out-act relu",
        "train --sizes 20,20,10",
        "train --sizes 30,20,9",
        "train --task teacher --sizes 30,20,5",
        "train --drop 1 --rule sparse-fa",
        "train --drop -0.1",
        "train --eta 0",
        "train --eta -0.01",
        "train --runs 0",
        "train --examples 0",
        "train --eval-every 0",
        "train --batch 0",
        "train --np-sigma 0",
        "train --bogus",
        "train --examples 100000000000 --eval-every 1",
        "train --decay -1",
        "train --teacher-gain -1 --task teacher",
        "train --task teacher --test 0",
        "train --inputs 0 --sizes 0,20,10",
        "train --init-scale -1",
        "train --radius",
        "train --out /nonexistent/dir/x.tsv",
        "train --plot x.gif",
        "train extra",
    };
    char line[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(th_run(bad[i], line, sizeof line), 2, "%s", bad[i]);
        cr_assert(strncmp(line, "fadyn train: ", 13) == 0, "%s: '%s'", bad[i], line);
    }
    cr_assert_eq(th_run("train --help", NULL, 0), 0);
    /* --inputs makes other input sizes legal */
    cr_assert_eq(th_run("train --inputs 20 --sizes 20,10,10 --examples 200 --runs 2", NULL, 0), 0);
}

Test(train_cli, diverging_run_exit_3_and_outputs_written) {
    char dir[256], cmd[1024], line[512];
    th_tmpdir(dir, sizeof dir);
    snprintf(
        cmd, sizeof cmd,
        "train --rule bp --eta 0.5 --examples 1000 --runs 2 --out %s/t.tsv --summary %s/s.json",
        dir, dir);
    cr_assert_eq(th_run(cmd, line, sizeof line), 3);
    cr_assert(strstr(line, "diverged") && strstr(line, "example"), "%s", line);
    snprintf(cmd, sizeof cmd, "%s/s.json", dir);
    json_t *j = json_load_file(cmd, 0, NULL);
    cr_assert_not_null(j);
    cr_assert_eq(json_array_size(json_object_get(j, "diverged")), 2);
    json_decref(j);
    snprintf(cmd, sizeof cmd, "train --examples 2000 --runs 3 --out %s/ok.tsv --summary %s/ok.json",
             dir, dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(cmd, sizeof cmd, "%s/ok.json", dir);
    j = json_load_file(cmd, 0, NULL);
    cr_assert_not_null(j);
    const char *keys[] = {"final_nse_mean",      "final_nse_sd", "runs",       "examples",
                          "examples_per_second", "wall_seconds", "parameters", "run_seeds"};
    for (size_t i = 0; i < 8; i++)
        cr_assert_not_null(json_object_get(j, keys[i]), "%s", keys[i]);
    cr_assert(json_real_value(json_object_get(j, "final_nse_mean")) < 0.1);
    json_decref(j);
}

/* `fadyn train --init-from D` starts from the state `fadyn ode --save-final
 * D` saved (issue 11): its first held-out NSE (20 000 points: a relative sd
 * of about 0.5 %) is the ODE's NSE at the end, within 3 %, where a drawn start
 * is at about 1; --sizes come from the files; what cannot start from the
 * files is refused in one line, exit 2, nothing written. */
Test(train_cli, init_from_starts_at_an_ode_runs_state) {
    char dir[256], cmd[1024], p[512], line[512];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "ode --sizes 6,5,4 --t-end 3 --samples 4 --save-final %s/fin --out %s/ode.tsv --quiet",
             dir, dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    double ode[8], tr[8];
    snprintf(p, sizeof p, "%s/ode.tsv", dir);
    cr_assert_eq(th_tsv_column(p, "nse", ode, 8), 4);
    cr_assert(ode[3] < 0.5, "the ODE's end state is not an ordinary start: NSE %g", ode[3]);
    snprintf(cmd, sizeof cmd,
             "train --init-from %s/fin --examples 10 --eval-every 5 --runs 2 --test 20000 --out "
             "%s/t.tsv --summary %s/t.json --quiet",
             dir, dir, dir);
    cr_assert_eq(th_run(cmd, line, sizeof line), 0, "%s", line);
    snprintf(p, sizeof p, "%s/t.tsv", dir);
    cr_assert_eq(th_tsv_column(p, "nse_mean", tr, 8), 3);
    cr_assert(fabs(tr[0] / ode[3] - 1) < 0.03, "train starts at NSE %g, the ODE ended at %g", tr[0],
              ode[3]);
    snprintf(p, sizeof p, "%s/t.json", dir);
    json_t *j = json_load_file(p, 0, NULL);
    cr_assert_not_null(j);
    json_t *sizes = json_object_get(json_object_get(j, "parameters"), "sizes");
    cr_assert_eq(json_array_size(sizes), 3);
    for (size_t k = 0; k < 3; k++)
        cr_assert_eq(json_integer_value(json_array_get(sizes, k)), (json_int_t)(6 - k));
    json_decref(j);
    snprintf(cmd, sizeof cmd,
             "train --inputs 6 --outputs 4 --sizes 6,5,4 --examples 10 --eval-every 5 --runs 1 "
             "--test 20000 --out %s/d.tsv --quiet",
             dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    snprintf(p, sizeof p, "%s/d.tsv", dir);
    cr_assert_eq(th_tsv_column(p, "nse_mean", tr, 8), 3);
    cr_assert(tr[0] > 0.8, "a drawn start at NSE %g", tr[0]);
    const char *bad[][2] = {{"--rule sparse-fa", "masks"},
                            {"--sizes 6,4,4", "fin/B.txt"},
                            {"--bias", "without biases"},
                            {"--task teacher", "--task linear"},
                            {"--act tanh", "linear network"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "train --init-from %s/fin %s --examples 10 --out %s/bad.tsv", dir,
                 bad[i][0], dir);
        cr_assert_eq(th_run(cmd, line, sizeof line), 2, "%s: %s", bad[i][0], line);
        cr_assert(strncmp(line, "fadyn train: --init-from", 24) == 0 && strstr(line, bad[i][1]),
                  "%s: %s", bad[i][0], line);
        snprintf(p, sizeof p, "%s/bad.tsv", dir);
        cr_assert(access(p, F_OK) != 0, "%s wrote %s", bad[i][0], p);
    }
}

Test(train, tuning_prefers_a_working_rate_and_rejects_diverging_ones) {
    fadyn_task t;
    fadyn_net_spec s = task1(&t);
    fadyn_train_params p = fadyn_train_params_default();
    p.examples = 600;
    p.eval_every = 60;
    /* 1e-5 barely moves in 600 examples, 1 diverges (beyond 2/E‖x‖²), 1e-2 learns */
    double grid[] = {1e-5, 1e-2, 1.0}, best, score[3];
    cr_assert_eq(
        fadyn_train_tune(&t, &s, fadyn_rule_type_find("bp"), &p, 1, 2, grid, 3, &best, score, NULL),
        FADYN_OK);
    cr_assert_float_eq(best, 1e-2, 0);
    cr_assert(isinf(score[2]));
    cr_assert(score[1] < score[0] - 1.0, "%g vs %g", score[1], score[0]);
    fadyn_task_free(&t);
}

Test(figure_cli, bad_input_exit_2_and_a_quick_figure) {
    const char *bad[] = {"figure", "figure fig9", "figure fig1d --runs 1",
                         "figure fig4 --examples 10",
                         "figure fig4 --dir /nonexistent/deep/x --bogus"};
    char line[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(th_run(bad[i], line, sizeof line), 2, "%s", bad[i]);
        cr_assert(strncmp(line, "fadyn figure: ", 14) == 0, "%s: %s", bad[i], line);
    }
    char dir[256], cmd[1024];
    th_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd, "figure fig4 fig1e --examples 1500 --dir %s", dir);
    cr_assert_eq(th_run(cmd, NULL, 0), 0);
    const char *files[] = {"fig4.json",   "fig4.gp",   "fig4-w0.tsv",
                           "fig4-w8.tsv", "fig1e.tsv", "fig1e.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(cmd, sizeof cmd, "%s/%s", dir, files[i]);
        FILE *f = fopen(cmd, "r");
        cr_assert_not_null(f, "%s missing", files[i]);
        fclose(f);
    }
    /* fa's angle to bp falls from about 90 degrees (Fig. 1e) */
    snprintf(cmd, sizeof cmd, "%s/fig1e.json", dir);
    json_t *j = json_load_file(cmd, 0, NULL);
    cr_assert_not_null(j);
    double first = json_real_value(json_object_get(j, "angle_first_window"));
    double last = json_real_value(json_object_get(j, "angle_last_window"));
    cr_assert(first > 60 && last < 45, "%g -> %g", first, last);
    json_decref(j);
}

/* `fadyn figure fig1e fig4 --angle abs`: the figures' angles are the signed
 * run's folded, min(θ, 180° − θ), on runs where some signed angle exceeds
 * 90°; each JSON says which, each axis too. */
Test(figure_cli, angle_abs_folds_the_angles_of_figs_1e_and_4) {
    char dir[256], cmd[1024], p[2][512], q[2][512];
    th_tmpdir(dir, sizeof dir);
    const char *kind[2] = {"signed", "abs"};
    for (int k = 0; k < 2; k++) {
        snprintf(cmd, sizeof cmd, "figure fig1e fig4 --examples 400 --angle %s --dir %s/%s --quiet",
                 kind[k], dir, kind[k]);
        cr_assert_eq(th_run(cmd, NULL, 0), 0, "%s", cmd);
    }
    const char *tables[3][2] = {
        {"fig1e.tsv", "angle"}, {"fig4-w0.tsv", "angle_bp_h1"}, {"fig4-w0.tsv", "angle_pbp_h1"}};
    size_t above = 0;
    for (int t = 0; t < 3; t++) {
        for (int k = 0; k < 2; k++)
            snprintf(p[k], sizeof p[k], "%s/%s/%s", dir, kind[k], tables[t][0]);
        size_t rows;
        above += th_expect_folded(p[0], p[1], tables[t][1], &rows);
        cr_assert_gt(rows, 100);
    }
    cr_assert_gt(above, 0, "no signed angle above 90 degrees: the test shows nothing");
    const char *figs[2] = {"fig1e", "fig4"};
    for (int k = 0; k < 2; k++)
        for (int f = 0; f < 2; f++) {
            snprintf(p[k], sizeof p[k], "%s/%s/%s.json", dir, kind[k], figs[f]);
            snprintf(q[k], sizeof q[k], "%s/%s/%s.gp", dir, kind[k], figs[f]);
            th_expect_angle_kind(p[k], 0, q[k], k ? FADYN_ANGLE_ABS : FADYN_ANGLE_SIGNED);
        }
}
Test(train, a_data_set_task_draws_its_rows_and_learns_them) {
    /* 3 rows of a linear map y = M x; the held-out set is the same rows */
    double X[3 * 4] = {1, 0, 0, 1, 0, 1, 0, -1, 0, 0, 1, 2},
                 M[2 * 4] = {1, -1, 0, 2, 0.5, 0, 1, -1};
    double Y[3 * 2];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            Y[i * 2 + j] = 0;
            for (int k = 0; k < 4; k++)
                Y[i * 2 + j] += M[j * 4 + k] * X[i * 4 + k];
        }
    fadyn_task t;
    cr_assert_eq(fadyn_task_alloc_data(&t, 4, 2, X, Y, 3, X, Y, 3, 1, NULL), FADYN_OK);
    size_t sz[] = {4, 5, 2};
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    fadyn_train_params p = params(0.05, 0.0, 0.5);
    fadyn_train_ws *ws = make_ws(&t, &s, "bp", &p, 1);
    cr_assert_float_eq(fadyn_train_ws_nse(ws), 1.0, 1e-15); /* zero weights: y = 0 */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double xs[4], ys[2];
    for (int n = 0; n < 50; n++) { /* every draw is one of the rows */
        fadyn_train_ws_sample(ws, r, 1, xs, ys);
        int found = 0;
        for (int i = 0; i < 3; i++)
            found |= memcmp(xs, X + 4 * i, sizeof xs) == 0 && memcmp(ys, Y + 2 * i, sizeof ys) == 0;
        cr_assert(found);
    }
    fadyn_train_result res;
    p.w_scale = 0.1;
    p.examples = 3000;
    p.eval_every = 1000;
    cr_assert_eq(fadyn_train_run(&t, &s, fadyn_rule_type_find("fa"), &p, 2, &res), FADYN_OK);
    cr_assert(res.final_nse < 1e-6, "%g", res.final_nse);
    fadyn_train_result_free(&res);
    gsl_rng_free(r);
    fadyn_train_ws_free(ws);
    fadyn_task_free(&t);
}

/* fadyn_train_online (the fused pass for Task 1's net) against one
 * fadyn_train_step per example: the same weights after 400 examples, with
 * and without weight decay, for fa and dfa, at sizes that are not
 * multiples of the vector block; a net it does not fuse (tanh hidden layer)
 * gives exactly the steps' result; a diverging example stops both at the
 * same example with the same weights. */
static void online_vs_steps(const char *rule, size_t n0, size_t nh, size_t no, fadyn_act act,
                            double eta, double decay, size_t n, double tol) {
    size_t sz[] = {n0, nh, no};
    fadyn_task t = small_task(n0, no);
    fadyn_net_spec s = fadyn_net_spec_make(2, sz, act, FADYN_ACT_LINEAR, 0);
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = eta;
    p.decay = decay;
    p.w_scale = 0.3;
    fadyn_train_ws *a = make_ws(&t, &s, rule, &p, 3), *b = make_ws(&t, &s, rule, &p, 3);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 4);
    double *X = malloc(n * n0 * sizeof(double)), *Y = malloc(n * no * sizeof(double));
    for (size_t i = 0; i < n * n0; i++)
        X[i] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < n * no; i++)
        Y[i] = gsl_ran_gaussian(r, 1.0);
    double la = 0.0, lb, l;
    int rca = FADYN_OK;
    size_t stop = n;
    for (size_t i = 0; i < n && rca == FADYN_OK; i++) {
        rca = fadyn_train_step(a, 1, X + i * n0, Y + i * no, NULL, &l);
        la += l;
        if (rca) stop = i;
    }
    int rcb = fadyn_train_online(b, n, X, Y, &lb);
    cr_expect_eq(rcb, rca, "%s %zu-%zu-%zu: status %d, steps %d", rule, n0, nh, no, rcb, rca);
    if (rca == FADYN_OK) cr_expect_float_eq(lb, la, 1e-12 * la, "losses %.17g vs %.17g", lb, la);
    fadyn_net *na = fadyn_train_ws_net(a), *nb = fadyn_train_ws_net(b);
    double moved = 0;
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < sz[k + 1] * sz[k]; i++) {
            cr_expect_leq(fabs(na->W[k][i] - nb->W[k][i]), tol * (1 + fabs(na->W[k][i])),
                          "%s W%zu[%zu]: %.17g vs %.17g (stop %zu)", rule, k, i, nb->W[k][i],
                          na->W[k][i], stop);
            moved = fmax(moved, fabs(na->W[k][i]));
        }
    cr_expect_gt(moved, 0.0);
    free(X), free(Y);
    gsl_rng_free(r);
    fadyn_train_ws_free(a), fadyn_train_ws_free(b);
    fadyn_task_free(&t);
}

Test(train, online_pass_equals_one_step_per_example) {
    online_vs_steps("fa", 30, 20, 10, FADYN_ACT_LINEAR, 1e-3, 0.0, 400, 1e-12);
    online_vs_steps("fa", 7, 13, 3, FADYN_ACT_LINEAR, 1e-2, 0.0, 400, 1e-12);
    online_vs_steps("fa", 9, 17, 5, FADYN_ACT_LINEAR, 1e-2, 0.1, 400, 1e-12);
    online_vs_steps("dfa", 30, 20, 10, FADYN_ACT_LINEAR, 1e-3, 0.0, 400, 1e-12);
    online_vs_steps("fa", 6, 5, 4, FADYN_ACT_TANH, 1e-2, 0.0, 100, 0.0);      /* not fused: exact */
    online_vs_steps("fa", 30, 20, 10, FADYN_ACT_LINEAR, 3.0, 0.0, 400, 1e-9); /* diverges */
}
