/* rules.c — the learning rules as a table (docs/theory.md §1): each computes the
 * hidden deltas δ_k of a batch from the output delta δ_L. */
#include "train_impl.h"

#include <gsl/gsl_randist.h>
#include <string.h>

/* δ_k = (M δ_{k+1}) ∘ σ'(a_k) for every hidden layer, M from pick(). */
typedef const double *(*pick_fn)(fadyn_train_ws *ws, size_t k, int *trans);

static int chain(fadyn_train_ws *ws, size_t K, pick_fn pick) {
    const fadyn_net_spec *s = &ws->net.spec;
    for (size_t k = ws->L - 1; k >= 1; k--) {
        int trans;
        const double *M = pick(ws, k, &trans);
        /* D[k-1] (K x n_k) = D[k] (K x n_{k+1}) times M (n_{k+1} x n_k or its transpose) */
        fadyn_rows_times(K, s->sizes[k], s->sizes[k + 1], trans, ws->D[k], M, ws->D[k - 1]);
        fadyn_act_deriv_mul(s->act[k - 1], ws->H[k - 1], ws->D[k - 1], K * s->sizes[k]);
    }
    return FADYN_OK;
}

/* bp: Δh = W_kᵀ δ_{k+1} (eq 55). */
static const double *pick_bp(fadyn_train_ws *ws, size_t k, int *trans) {
    *trans = 1;
    return ws->net.W[k];
}

/* fa: Δh = B δ_{k+1}, B fixed random (eq 13 / Fig. 2c). */
static const double *pick_fa(fadyn_train_ws *ws, size_t k, int *trans) {
    *trans = 0;
    return ws->F[k - 1];
}

/* pbp: Δh = W_k⁺ δ_{k+1} (docs/theory.md §5). */
static const double *pick_pbp(fadyn_train_ws *ws, size_t k, int *trans) {
    *trans = 0;
    return ws->P[k];
}

static int back_bp(fadyn_train_ws *ws, size_t K) {
    return chain(ws, K, pick_bp);
}
static int back_fa(fadyn_train_ws *ws, size_t K) {
    return chain(ws, K, pick_fa);
}

static int back_pbp(fadyn_train_ws *ws, size_t K) {
    int rc = fadyn_train_pinv_all(ws);
    return rc ? rc : chain(ws, K, pick_pbp);
}

/* dfa (Nøkland 2016): δ_k = (F_{k-1} δ_L) ∘ σ'(a_k). */
static int back_dfa(fadyn_train_ws *ws, size_t K) {
    const fadyn_net_spec *s = &ws->net.spec;
    size_t nL = s->sizes[ws->L];
    for (size_t k = 1; k < ws->L; k++) {
        fadyn_rows_times(K, s->sizes[k], nL, 0, ws->D[ws->L - 1], ws->F[k - 1], ws->D[k - 1]);
        fadyn_act_deriv_mul(s->act[k - 1], ws->H[k - 1], ws->D[k - 1], K * s->sizes[k]);
    }
    return FADYN_OK;
}

static int back_none(fadyn_train_ws *ws, size_t K) {
    (void)ws;
    (void)K;
    return FADYN_OK;
}

/* Node perturbation (docs/theory.md §1): ξ_k ~ N(0, σ² I) added to every hidden
 * pre-activation, δL the change of the example's loss it caused, and
 * δ_k = −(δL/σ²) ξ_k, an estimate of −∂L/∂a_k. */
static int back_np(fadyn_train_ws *ws, size_t K) {
    const fadyn_net_spec *s = &ws->net.spec;
    double sig = ws->par.np_sigma;
    double *xi[FADYN_MAX_DEPTH] = {0};
    for (size_t k = 0; k + 1 < ws->L; k++) {
        xi[k] = ws->D[k];
        for (size_t i = 0; i < K * s->sizes[k + 1]; i++)
            xi[k][i] = gsl_ran_gaussian_ziggurat(ws->noise, sig);
    }
    fadyn_net_forward_noise(&ws->net, K, ws->xin, ws->Ap, ws->Hp, xi);
    size_t nL = s->sizes[ws->L];
    for (size_t r = 0; r < K; r++) {
        const double *y = ws->Hp[ws->L - 1] + r * nL, *t = ws->yin + r * nL;
        double l1 = 0.0;
        for (size_t j = 0; j < nL; j++)
            l1 += 0.5 * (t[j] - y[j]) * (t[j] - y[j]);
        double g = -(l1 - ws->l0[r]) / (sig * sig);
        for (size_t k = 0; k + 1 < ws->L; k++)
            for (size_t i = 0; i < s->sizes[k + 1]; i++)
                xi[k][r * s->sizes[k + 1] + i] *= g;
    }
    return FADYN_OK;
}

static const fadyn_rule_type rule_bp = {
    "bp", "backprop: hidden update W^T e", FADYN_FEEDBACK_NONE, 0, 1, back_bp};
static const fadyn_rule_type rule_fa = {
    "fa", "feedback alignment: B e, B fixed random", FADYN_FEEDBACK_CHAIN, 0, 1, back_fa};
static const fadyn_rule_type rule_sfa = {
    "sparse-fa", "fa with a fraction --drop of W and B removed", FADYN_FEEDBACK_CHAIN, 1, 1,
    back_fa};
static const fadyn_rule_type rule_shallow = {
    "shallow", "only the output layer learns", FADYN_FEEDBACK_NONE, 0, 0, back_none};
static const fadyn_rule_type rule_np = {
    "np", "node perturbation (reinforcement)", FADYN_FEEDBACK_NONE, 0, 1, back_np};
static const fadyn_rule_type rule_pbp = {
    "pbp", "pseudobackprop: W^+ e", FADYN_FEEDBACK_NONE, 0, 1, back_pbp};
static const fadyn_rule_type rule_dfa = {
    "dfa",   "direct feedback alignment: B_l e from the output", FADYN_FEEDBACK_DIRECT, 0, 1,
    back_dfa};

const fadyn_rule_type *const fadyn_rule_types[] = {&rule_bp, &rule_fa,  &rule_sfa, &rule_shallow,
                                                   &rule_np, &rule_pbp, &rule_dfa, NULL};

const fadyn_rule_type *fadyn_rule_type_find(const char *name) {
    for (size_t i = 0; fadyn_rule_types[i]; i++)
        if (strcmp(fadyn_rule_types[i]->name, name) == 0) return fadyn_rule_types[i];
    return NULL;
}

const char *fadyn_rule_type_list(void) {
    return "bp, fa, sparse-fa, shallow, np, pbp, dfa";
}
