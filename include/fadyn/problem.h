/* fadyn/problem.h — a learning problem for a layered linear network, as data.
 *
 * Layers 0..L with sizes n_0 (inputs) .. n_L (outputs), L >= 2 weight
 * matrices.  Weight k (0-based) maps layer k to layer k+1 and is
 * n_{k+1} x n_k; in the paper's one-hidden-layer notation A = W_0 (its
 * "W0") and W = W_1.  Feedback k (k = 0..L-2) carries the error signal from
 * layer k+2 down into hidden layer k+1 and is n_{k+1} x n_{k+2}; with one
 * hidden layer B = B_0 (docs/theory.md §1–2).  The target map T is n_L x n_0 and Σ
 * the diagonal of the input covariance E[xxᵀ] (NULL: identity).
 *
 * A problem is built once (drawn from a seed, or read from files) and is
 * never modified by an engine: engines copy its initial weights into their
 * own state. */
#ifndef FADYN_PROBLEM_H
#define FADYN_PROBLEM_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/rule.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

#define FADYN_MAX_DEPTH 16 /* weight matrices */

typedef struct fadyn_problem fadyn_problem;
struct fadyn_problem {
    size_t depth;                      /* L, number of weight matrices (>= 2) */
    size_t sizes[FADYN_MAX_DEPTH + 1]; /* n_0 .. n_L */
    const fadyn_rule_type *rule;       /* has an ODE form (rule->ode) */
    double *T;                         /* n_L x n_0 */
    double *B[FADYN_MAX_DEPTH - 1];    /* B[k]: n_{k+1} x n_{k+2} */
    double *W[FADYN_MAX_DEPTH];        /* initial W[k]: n_{k+1} x n_k, views into w0 */
    double *w0;                        /* all initial weights, concatenated: the ODE state */
    double *sigma;                     /* n_0, or NULL for Σ = I */
    size_t dim;                        /* total number of weights */
    double *block;                     /* owns T, B[] and w0 */
};

/* Scales of the random draw (paper's defaults, docs/theory.md §7). */
typedef struct {
    double t_scale; /* T ~ U[-t_scale, t_scale], 1 */
    double b_scale; /* B ~ U[-b_scale, b_scale], 0.5 */
    double w_scale; /* weights ~ U[-ω, ω], ω = 0.01; 0 gives zero weights */
} fadyn_init_params;

fadyn_init_params fadyn_init_params_default(void);

/* Allocate a problem with zero T, B and weights.  sizes has depth+1 entries,
 * each >= 1; depth in 2..FADYN_MAX_DEPTH; the rule must have an ODE form
 * (fadyn/rule.h).  Errors: FADYN_EINVAL, FADYN_ENOMEM. */
int fadyn_problem_alloc(fadyn_problem *p, size_t depth, const size_t *sizes,
                        const fadyn_rule_type *rule, fadyn_err *err);
void fadyn_problem_free(fadyn_problem *p);

/* Draw T, then every B, then every weight, in that order, from r. */
void fadyn_problem_draw(fadyn_problem *p, const fadyn_init_params *ip, gsl_rng *r);

/* Set Σ = diag(sigma) (copied; every entry must be finite and > 0). */
int fadyn_problem_set_sigma(fadyn_problem *p, const double *sigma, fadyn_err *err);

/* Offset of weight k in the state vector and its entry count. */
size_t fadyn_problem_offset(const fadyn_problem *p, size_t k);
size_t fadyn_problem_wsize(const fadyn_problem *p, size_t k);
/* A digest of T, every B, the weights and Σ (fadyn_work_hash): the same
 * on every MPI rank when the ranks hold the same problem. */
unsigned long long fadyn_problem_hash(const fadyn_problem *p);

/* File names in a problem directory (the paper's letters):
 *   T.txt; with one hidden layer A.txt, W.txt, B.txt;
 *   deeper: A0.txt .. A{L-2}.txt (weights into hidden layers 1..L-1),
 *           W.txt (into the output), B1.txt .. B{L-1}.txt (Bk feeds hidden
 *           layer k).  A0.txt/B1.txt are also accepted for one hidden layer.
 * name_of writes the file name for weight k (is_b = 0) or feedback k. */
void fadyn_problem_file_name(const fadyn_problem *p, int is_b, size_t k, char *out, size_t n);

/* Read T, B and the initial weights from dir (shapes checked).  Errors name
 * the file. */
int fadyn_problem_load(fadyn_problem *p, const char *dir, fadyn_err *err);

/* Read only the weights (A.txt, W.txt, ... as above) from dir into state
 * (p->dim entries, the layout of p->w0): e.g. a direction in weight space.
 * T.txt and B.txt, if present, are not read. */
int fadyn_problem_load_weights(const fadyn_problem *p, const char *dir, double *state,
                               fadyn_err *err);

/* The layer sizes of the problem in dir, from the shapes of its weight
 * files: sizes[0..*depth] (FADYN_MAX_DEPTH + 1 room).  Errors name the
 * directory and the file whose shape does not chain. */
int fadyn_problem_sizes_of(const char *dir, size_t *sizes, size_t *depth, fadyn_err *err);

/* The position in the state vector of entry (row, col) of the weight
 * matrix whose file is NAME.txt (A, W, A0, A1, ...: the names above);
 * FADYN_EINVAL if there is no such matrix or entry. */
int fadyn_problem_weight_index(const fadyn_problem *p, const char *name, size_t row, size_t col,
                               size_t *index);

/* Write T, B and the weights `state` (p->dim entries; NULL: the initial ones)
 * to dir (created if needed). */
int fadyn_problem_save(const fadyn_problem *p, const double *state, const char *dir,
                       fadyn_err *err);

FADYN_API_END
#endif
