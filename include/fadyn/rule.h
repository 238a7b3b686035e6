/* fadyn/rule.h — the learning rules: one table for both engines
 * (docs/theory.md §1–2), like GSL's step types.
 *
 * An entry carries everything fadyn knows of a rule: its name and a line
 * about it, the title and colour figures draw it with, its tuned rates, the
 * trainer's backward pass (the discrete, per-example form) and, where the
 * rule has one, its expected-dynamics form (the batch limit the ODE
 * integrates, and what the observer needs of it).  The ODE, the observer
 * and the trainer dispatch through the entry, never on a rule's name.
 *
 * Both forms describe the same hidden signal.  With G_L = E Σ arriving at
 * the output, the ODE sends G_k = M_k G_{k+1} into hidden layer k; the
 * trainer sends δ_k = (M_k δ_{k+1}) ∘ σ'(a_k) for each example.  For a
 * linear network the average of the trainer's per-example updates over
 * inputs with E[xxᵀ] = Σ is the ODE's right-hand side (tests/test_rules.c
 * checks this for every entry with both forms).
 *
 * Rules without an ODE form here: sparse-fa (its masks are drawn per run
 * and are no part of a fadyn_problem), np (its expected update is bp's,
 * but only on average over its noise), pbp (its Jacobian would need the
 * derivative of the pseudoinverse) and dfa (its feedback has the shapes
 * n_k x n_L, not the problem's chain; with one hidden layer it is fa). */
#ifndef FADYN_RULE_H
#define FADYN_RULE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include <stddef.h>

typedef struct fadyn_problem fadyn_problem;
typedef struct fadyn_train_ws fadyn_train_ws;

/* The expected-dynamics form of a rule.  y is the ODE state (weights
 * W_0..W_{L-1}, fadyn_problem's layout), k a hidden layer 1..L-1, and the
 * signals have c columns (n_0 for the ODE). */
typedef struct {
    /* G (n_k x c) = M_k Gnext (n_{k+1} x c): the rule's signal into hidden
     * layer k.  NULL: the hidden layers do not learn (only W_{L-1} moves). */
    void (*signal)(const fadyn_problem *p, const double *y, size_t k, size_t c, const double *Gnext,
                   double *G);
    /* Its derivative along v: dG = (∂M_k·v) Gnext + M_k dGnext. */
    void (*signal_jvp)(const fadyn_problem *p, const double *y, const double *v, size_t k, size_t c,
                       const double *Gnext, const double *dGnext, double *dG);
    /* The rule's first term F_k (n_k x n_k) of the conserved
     * C_k = F_k − W_{k-1} W_{k-1}ᵀ (eq 14 for fa).  NULL: F_k = 0. */
    void (*conserved)(const fadyn_problem *p, const double *y, size_t k, double *F);
    /* V̇ for V = ‖B E‖² in closed form (docs/theory.md §3), one hidden layer,
     * Σ = I, from E (n_2 x n_0) and C (n_1 x n_1); scratch: n_1 x n_0,
     * n_1 x n_1 and n_1 x n_1.  NULL: none. */
    double (*vdot)(const fadyn_problem *p, const double *y, const double *E, const double *C,
                   double *s1, double *s2, double *s3);
    /* What the conserved C_k is, for labels and summaries (ASCII), e.g.
     * "B W + W^T B^T - A A^T (eq 14)". */
    const char *conserved_name;
    /* 1: V = ‖B E‖² is this rule's Lyapunov function (eq 23) with one
     * hidden layer, and the bounds on s (eq 47, docs/theory.md §3) follow
     * from its C = 0; 0: V is only ‖B E‖² of the problem's B. */
    int lyapunov;
} fadyn_rule_ode;

/* Which feedback matrices a rule's trainer draws (fadyn/train.h). */
typedef enum {
    FADYN_FEEDBACK_NONE = 0, /* bp, pbp, shallow, np */
    FADYN_FEEDBACK_CHAIN,    /* fa, sparse-fa: F[k] is n_{k+1} x n_{k+2} */
    FADYN_FEEDBACK_DIRECT    /* dfa: F[k] is n_{k+1} x n_L */
} fadyn_feedback_kind;

/* What a rule's hidden signal is made of, for a trainer that specialises
 * the rules of one hidden layer (the MNIST trainer, fadyn/mnist.h). */
typedef enum {
    FADYN_SIGNAL_OTHER = 0, /* np, pbp: only through `backward` */
    FADYN_SIGNAL_NONE,      /* shallow: the hidden layers do not learn */
    FADYN_SIGNAL_TRANSPOSE, /* bp: the forward weights' transpose, Wᵀ δ */
    FADYN_SIGNAL_FEEDBACK   /* fa, sparse-fa, dfa: the fixed feedback, B δ */
} fadyn_signal_kind;

/* Tuned learning rates per task (`fadyn train --tune-rate`, docs/figures.md);
 * 0: none tuned. */
typedef struct {
    double linear;  /* Task 1 */
    double teacher; /* Task 3, and data tasks */
} fadyn_rule_rates;

typedef struct {
    const char *name;   /* --rule NAME */
    const char *about;  /* one line for --help and docs */
    const char *title;  /* in the keys of figures */
    const char *colour; /* #rrggbb in figures (the paper's where it has one) */
    fadyn_rule_rates eta;
    fadyn_feedback_kind feedback;
    int sparse; /* masks on W[1..] and F, a fraction `drop` removed */
    fadyn_signal_kind signal;
    double paper_mnist; /* the paper's mean MNIST test error (%, n = 20); 0: none */
    /* Trainer: the hidden deltas δ_k (k = L-1 .. 1) of the K rows of the
     * current batch, from δ_L and the forward pass already in ws.  NULL:
     * the hidden layers do not learn. */
    int (*backward)(fadyn_train_ws *ws, size_t K);
    const fadyn_rule_ode *ode; /* NULL: no expected-dynamics form */
} fadyn_rule_type;

/* Every rule, NULL-terminated. */
extern const fadyn_rule_type *const fadyn_rule_types[];

/* The rule called name, or NULL. */
const fadyn_rule_type *fadyn_rule_type_find(const char *name);

/* "bp, fa, ..." — every rule (ode_only = 0) or those with an ODE form
 * (ode_only = 1), in table order, into out (n bytes, truncated and
 * terminated if short).  Returns the length the whole list needs. */
size_t fadyn_rule_type_list(char *out, size_t n, int ode_only);

FADYN_API_END
#endif
