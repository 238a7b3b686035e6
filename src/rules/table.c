/* table.c — the learning rules (fadyn/rule.h): one entry per rule, with
 * every fact fadyn knows of it.  The functions live in src/rules/NAME.c.
 *
 * Colours: the paper's where it has them (shallow light grey, reinforcement
 * dark grey, bp black, fa green).  Rates: `fadyn train --tune-rate` (grid
 * fadyn_tune_grid, seed 1, 3 runs; Task 1 --examples 4000, Task 3
 * --examples 40000, i.e. tuning runs of 1000 and 10000 examples);
 * docs/figures.md has the scores. */
#include "rules_impl.h"

#include <stdio.h>
#include <string.h>

/* Only the output layer learns: no hidden signal; C = −W_{k-1} W_{k-1}ᵀ
 * does not move because W_{k-1} does not. */
static const fadyn_rule_ode shallow_ode = {NULL, NULL, NULL, NULL, "-A A^T (A does not move)", 0};

static const fadyn_rule_type bp = {
    .name = "bp",
    .about = "backprop: hidden update W^T e",
    .title = "backprop",
    .colour = "#000000",
    .eta = {.linear = 1e-2, .teacher = 1e-2},
    .feedback = FADYN_FEEDBACK_NONE,
    .signal = FADYN_SIGNAL_TRANSPOSE,
    .paper_mnist = 2.4,
    .backward = fadyn_rule_bp_backward,
    .ode = &fadyn_rule_bp_ode,
};

static const fadyn_rule_type fa = {
    .name = "fa",
    .about = "feedback alignment: B e, B fixed random",
    .title = "feedback alignment",
    .colour = "#1a9641",
    .eta = {.linear = 1e-2, .teacher = 1e-2},
    .feedback = FADYN_FEEDBACK_CHAIN,
    .signal = FADYN_SIGNAL_FEEDBACK,
    .paper_mnist = 2.1,
    .backward = fadyn_rule_fa_backward,
    .ode = &fadyn_rule_fa_ode,
};

static const fadyn_rule_type sparse_fa = {
    .name = "sparse-fa",
    .about = "fa with a fraction (drop) of W and B removed",
    .title = "sparse-fa",
    .colour = "#66bd63",
    .eta = {.linear = 3e-3, .teacher = 1e-2},
    .feedback = FADYN_FEEDBACK_CHAIN,
    .signal = FADYN_SIGNAL_FEEDBACK,
    .paper_mnist = 2.4,
    .sparse = 1,
    .backward = fadyn_rule_fa_backward,
};

static const fadyn_rule_type shallow = {
    .name = "shallow",
    .about = "only the output layer learns",
    .title = "shallow",
    .colour = "#b0b0b0",
    .eta = {.linear = 1e-1, .teacher = 1e-1},
    .feedback = FADYN_FEEDBACK_NONE,
    .signal = FADYN_SIGNAL_NONE,
    .ode = &shallow_ode,
};

static const fadyn_rule_type np = {
    .name = "np",
    .about = "node perturbation (reinforcement)",
    .title = "node perturbation",
    .colour = "#505050",
    .eta = {.linear = 3e-3, .teacher = 3e-3},
    .feedback = FADYN_FEEDBACK_NONE,
    .backward = fadyn_rule_np_backward,
};

static const fadyn_rule_type pbp = {
    .name = "pbp",
    .about = "pseudobackprop: W^+ e",
    .title = "pbp",
    .colour = "#2b83ba",
    .eta = {.linear = 3e-4, .teacher = 1e-3},
    .feedback = FADYN_FEEDBACK_NONE,
    .backward = fadyn_rule_pbp_backward,
};

static const fadyn_rule_type dfa = {
    .name = "dfa",
    .about = "direct feedback alignment: B_l e from the output",
    .title = "dfa",
    .colour = "#d7191c",
    .eta = {.linear = 1e-2, .teacher = 1e-2},
    .feedback = FADYN_FEEDBACK_DIRECT,
    .signal = FADYN_SIGNAL_FEEDBACK,
    .backward = fadyn_rule_dfa_backward,
};

const fadyn_rule_type *const fadyn_rule_types[] = {&bp, &fa,  &sparse_fa, &shallow,
                                                   &np, &pbp, &dfa,       NULL};

const fadyn_rule_type *fadyn_rule_type_find(const char *name) {
    for (size_t i = 0; fadyn_rule_types[i]; i++)
        if (strcmp(fadyn_rule_types[i]->name, name) == 0) return fadyn_rule_types[i];
    return NULL;
}

size_t fadyn_rule_type_list(char *out, size_t n, int ode_only) {
    size_t len = 0;
    if (n) out[0] = '\0';
    for (size_t i = 0; fadyn_rule_types[i]; i++) {
        if (ode_only && !fadyn_rule_types[i]->ode) continue;
        int w = snprintf(len < n ? out + len : NULL, len < n ? n - len : 0, "%s%s", len ? ", " : "",
                         fadyn_rule_types[i]->name);
        len += (size_t)w;
    }
    return len;
}
