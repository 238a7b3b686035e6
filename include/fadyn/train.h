/* fadyn/train.h — stochastic discrete trainers of layered networks (docs/theory.md §1,
 * §7): networks with per-layer activations and biases, trained by a rule of
 * the table in fadyn/rule.h, the paper's tasks, and runs in parallel.
 *
 * Layout.  A network has depth L weight matrices; layer sizes n_0 .. n_L;
 * W[k] is n_{k+1} x n_k row-major, b[k] has n_{k+1} entries, act[k] is the
 * activation of layer k+1 (act[L-1] the output's).  Feedback matrices as in
 * fadyn/problem.h: for the fa chain F[k] (k = 0..L-2) is n_{k+1} x n_{k+2}
 * and carries δ_{k+2} down into hidden layer k+1; for dfa F[k] is
 * n_{k+1} x n_L and carries the output δ_L straight down (Nøkland 2016).
 *
 * Per batch of K examples (rows of X, K x n_0), with pre-activations a and
 * activities h (h_0 = x):
 *   δ_L = (y* − y) ∘ σ'(a_L)                       (e = y* − y, eq 5)
 *   δ_k = (M_k δ_{k+1}) ∘ σ'(a_k)  for hidden k, M_k = W_kᵀ (bp), F_{k-1}
 *         (fa), W_k⁺ (pbp); dfa: F_{k-1} δ_L; np: −(δL/σ²) ξ_k (docs/theory.md §1)
 *   W_k ← (1 − η α) W_k + (η/K) Σ δ_{k+1} h_kᵀ,  b_k ← b_k + (η/K) Σ δ_{k+1}
 * Shallow moves only the last layer.  K = 1 uses BLAS level 2 (gemv, ger),
 * K > 1 level 3 (gemm).  Nothing is allocated per example (except inside
 * LAPACKE's dgesvd, which fadyn_pinv calls for pbp and for the angles).
 *
 * Thread safety: a fadyn_train_ws belongs to one thread; tasks are read-only
 * once built and may be shared. */
#ifndef FADYN_TRAIN_H
#define FADYN_TRAIN_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/io.h"
#include "fadyn/ode.h"
#include "fadyn/problem.h"
#include "fadyn/rule.h"

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <stddef.h>

/* ---- activations --------------------------------------------------------- */
typedef enum { FADYN_ACT_LINEAR = 0, FADYN_ACT_TANH, FADYN_ACT_SIGMOID } fadyn_act;

int fadyn_act_parse(const char *name, fadyn_act *act); /* FADYN_EINVAL if unknown */
const char *fadyn_act_name(fadyn_act act);

/* ---- networks ------------------------------------------------------------- */
typedef struct {
    size_t depth;                      /* L >= 1 weight matrices */
    size_t sizes[FADYN_MAX_DEPTH + 1]; /* n_0 .. n_L */
    fadyn_act act[FADYN_MAX_DEPTH];    /* act[k]: activation of layer k+1 */
    int bias;                          /* every unit has an adjustable bias */
} fadyn_net_spec;

/* A spec with the given sizes, every hidden layer `hidden`, output `out`. */
fadyn_net_spec fadyn_net_spec_make(size_t depth, const size_t *sizes, fadyn_act hidden,
                                   fadyn_act out, int bias);
/* Largest layer width. */
size_t fadyn_net_spec_width(const fadyn_net_spec *s);
/* Number of weights (not biases). */
size_t fadyn_net_spec_nweights(const fadyn_net_spec *s);

typedef struct {
    fadyn_net_spec spec;
    double *W[FADYN_MAX_DEPTH]; /* views into block */
    double *b[FADYN_MAX_DEPTH]; /* NULL without biases */
    double *block;
} fadyn_net;

int fadyn_net_alloc(fadyn_net *n, const fadyn_net_spec *s, fadyn_err *err);
void fadyn_net_free(fadyn_net *n);

/* Forward pass of K rows X (K x n_0): pre-activations A[k] and activities
 * H[k] (K x n_{k+1}) for k = 0..L-1 into caller buffers. */
void fadyn_net_forward(const fadyn_net *n, size_t K, const double *X, double *const *A,
                       double *const *H);

/* ---- tasks ----------------------------------------------------------------- */
typedef enum { FADYN_TASK_LINEAR = 0, FADYN_TASK_TEACHER, FADYN_TASK_DATA } fadyn_task_kind;

typedef struct {
    fadyn_task_kind kind;
    size_t inputs, outputs; /* linear: 30, 10 */
    double t_scale;         /* linear: T ~ U[-t_scale, t_scale], 1 */
    fadyn_net_spec teacher; /* teacher: 30-20-10-10 tanh, linear output, biases */
    double teacher_gain;    /* teacher weights ~ U[-g, g]·√(3/fan_in), 2 */
    double teacher_bias;    /* teacher biases ~ U[-c, c], 0.5 */
    size_t n_test;          /* held-out points: linear 1000, teacher 5000 */
    unsigned long seed;     /* target, data sequence and held-out set */
} fadyn_task_params;

fadyn_task_params fadyn_task_params_default(fadyn_task_kind kind);
int fadyn_task_parse(const char *name, fadyn_task_kind *kind);
const char *fadyn_task_name(fadyn_task_kind kind);

typedef struct {
    fadyn_task_params par;
    fadyn_net target;        /* linear: one linear layer W = T; teacher: the teacher */
    double *sigma;           /* input std devs (n_0), NULL for N(0, I) */
    double *Xtest, *Ytest;   /* n_test x inputs, n_test x outputs */
    double ytest_sq;         /* Σ ‖y*‖² over the held-out set */
    double *Xtrain, *Ytrain; /* FADYN_TASK_DATA: the training set */
    size_t n_train;
} fadyn_task;

/* Build the target and the held-out set from par.seed. */
int fadyn_task_alloc(fadyn_task *t, const fadyn_task_params *par, fadyn_err *err);
/* A linear task with target T (outputs x inputs) and input variances
 * sigma2 (NULL: 1), for `fadyn compare`; n_test may be 0. */
int fadyn_task_alloc_linear(fadyn_task *t, size_t inputs, size_t outputs, const double *T,
                            const double *sigma2, size_t n_test, unsigned long seed,
                            fadyn_err *err);
/* A task from a fixed data set (MNIST, once an IDX reader fills the arrays):
 * every example is a training row drawn uniformly with replacement by the
 * data stream (so the sequence is the same for every rule and run), and the
 * held-out set is given.  The arrays are copied. */
int fadyn_task_alloc_data(fadyn_task *t, size_t inputs, size_t outputs, const double *Xtrain,
                          const double *Ytrain, size_t n_train, const double *Xtest,
                          const double *Ytest, size_t n_test, unsigned long seed, fadyn_err *err);
void fadyn_task_free(fadyn_task *t);

/* ---- trainer parameters ---------------------------------------------------- */
typedef struct {
    double eta;             /* learning rate; <= 0: the rule's tuned default */
    size_t batch;           /* K, 1 = online (the paper) */
    size_t examples;        /* examples per run */
    size_t eval_every;      /* examples between evaluations (rounded up to batches) */
    size_t eval_per_decade; /* > 0: evaluate instead at 0, at the distinct ceil(10^(j/m))
                               for m = eval_per_decade, j = 0, 1, ..., and at the end
                               (log-spaced, for log-scaled plots); 0 (default): every
                               eval_every examples */
    double decay;           /* weight decay α: W ← (1 − ηα) W + …, 0 */
    double np_sigma;        /* node-perturbation σ, 0.01 */
    double drop;            /* sparse-fa: fraction of W[1..] and F removed, 0.5 */
    double w_scale;         /* initial weights and biases ~ U[-ω, ω], 0.01 */
    double b_scale;         /* feedback ~ U[-β, β], 0.5 */
    int angles;             /* compute the angles at evaluations, 1 */
    double radius;          /* diverged when the loss of an example exceeds this, 1e12 */
    double angle_floor; /* angles are NaN once ‖e‖ < floor·‖y*‖ (e at rounding level), 1e-10 */
    fadyn_angle_kind angle; /* the angles signed (0..180°, the default) or from |cos| */
    /* NULL: each run draws its feedback and initial weights; else every run
     * starts from this problem's initial weights (w0) and feedback B, the
     * state an ODE run starts from (fadyn_train_init_check; kept as a pointer) */
    const fadyn_problem *init;
} fadyn_train_params;

fadyn_train_params fadyn_train_params_default(void);

/* The tuned default rate of a rule on a task (docs/figures.md). */
double fadyn_train_default_eta(fadyn_task_kind task, const fadyn_rule_type *rule);

/* Check the parameters; one line naming the bad one. */
int fadyn_train_params_check(const fadyn_train_params *p, fadyn_err *err);
/* Check a network against a task: 2 to FADYN_MAX_DEPTH + 1 layers, the
 * task's inputs and outputs at its ends ("sizes ..." when not). */
int fadyn_train_spec_check(const fadyn_task_params *task, const fadyn_net_spec *spec,
                           fadyn_err *err);
/* Whether runs of rule on spec can start from problem p (par.init): a
 * linear network without biases of p's sizes, and a rule whose feedback is
 * p's B or none (not sparse-fa, whose masks are drawn, nor dfa, whose
 * feedback has other shapes).  FADYN_EINVAL with "init: ..." if not. */
int fadyn_train_init_check(const fadyn_problem *p, const fadyn_net_spec *spec,
                           const fadyn_rule_type *rule, fadyn_err *err);

/* ---- the workspace of one run --------------------------------------------- */
typedef struct fadyn_train_ws fadyn_train_ws;

/* Everything a run needs: the student, feedback, masks, batch buffers,
 * pseudoinverse workspace.  Keeps pointers to task and rule. */
fadyn_train_ws *fadyn_train_ws_alloc(const fadyn_task *task, const fadyn_net_spec *spec,
                                     const fadyn_rule_type *rule, const fadyn_train_params *par,
                                     fadyn_err *err);
void fadyn_train_ws_free(fadyn_train_ws *ws);

/* Draw the feedback matrices, then the masks, then the weights and biases from r. */
void fadyn_train_ws_draw(fadyn_train_ws *ws, gsl_rng *r);
/* Set weights (and feedback, if F != NULL and the rule has chain feedback)
 * from a linear problem's layout; biases zero. */
int fadyn_train_ws_set(fadyn_train_ws *ws, const double *const *W, const double *const *F);

fadyn_net *fadyn_train_ws_net(fadyn_train_ws *ws);
/* Feedback matrix k (NULL if the rule has none). */
double *fadyn_train_ws_feedback(fadyn_train_ws *ws, size_t k);
/* Hidden/output delta buffer of layer k+1 (K x n_{k+1}) after a step. */
const double *fadyn_train_ws_delta(const fadyn_train_ws *ws, size_t k);

/* One update from the K rows of X, Y (K <= par.batch).  noise draws np's
 * perturbations (unused otherwise).  *loss receives Σ_rows ½‖e‖² before the
 * update.  FADYN_DIVERGED if it is not finite or beyond the radius. */
int fadyn_train_step(fadyn_train_ws *ws, size_t K, const double *X, const double *Y, gsl_rng *noise,
                     double *loss);

/* n examples (rows of X, Y) learned one at a time, as n calls of
 * fadyn_train_step with K = 1 (the same updates up to rounding).  For a
 * linear net with one hidden layer and no biases under fa or dfa (Task 1)
 * one fused pass over the weights per example; otherwise one step per
 * example.  *loss receives the sum of the examples' ½‖e‖², each before its
 * own update.  FADYN_DIVERGED at the first example whose loss is not
 * finite or beyond the radius: the examples before it are learned. */
int fadyn_train_online(fadyn_train_ws *ws, size_t n, const double *X, const double *Y,
                       double *loss);

/* Draw K inputs (x = σ ∘ z, z ~ N(0, I)) and their targets from r. */
void fadyn_train_ws_sample(fadyn_train_ws *ws, gsl_rng *r, size_t K, double *X, double *Y);
/* The batch buffers X (batch x n_0) and Y (batch x n_L) of the workspace. */
double *fadyn_train_ws_X(fadyn_train_ws *ws);
double *fadyn_train_ws_Y(fadyn_train_ws *ws);

/* NSE on the task's held-out set (docs/theory.md §1). */
double fadyn_train_ws_nse(fadyn_train_ws *ws);

/* Angles (degrees) of the rule's hidden update δ_k to bp's and pbp's on row
 * `row` of the last batch, for hidden layers k = 1..L-1 into bp[k-1],
 * pbp[k-1] (NaN where the rule sends nothing, and once the error is at
 * rounding level, ‖e‖ < angle_floor·‖y*‖: the directions are noise there).  FADYN_ELAPACK on SVD
 * failure. */
int fadyn_train_ws_angles(fadyn_train_ws *ws, size_t row, double *bp, double *pbp);

/* ---- one run and many ------------------------------------------------------ */
/* Row columns: example, nse, loss (mean ½‖e‖² since the previous row), then
 * angle_bp_h1, angle_pbp_h1, ... for each hidden layer. */
size_t fadyn_train_ncols(const fadyn_net_spec *spec);
/* Column name i (into out). */
void fadyn_train_col_name(size_t i, char *out, size_t n);

typedef struct {
    double *rows; /* nrows x ncols */
    size_t nrows, ncols;
    int status;         /* FADYN_OK or FADYN_DIVERGED (or an error) */
    size_t diverged_at; /* example index (0-based) where the loss was not finite */
    double final_nse;
    double wall_seconds;
    fadyn_err err;
} fadyn_train_result;

void fadyn_train_result_free(fadyn_train_result *r);

/* Seeds: the data sequence and held-out set come from the task's seed (the
 * same for every rule and run); run r's feedback and initial weights from
 * fadyn_train_run_seed(seed, r). */
unsigned long fadyn_train_run_seed(unsigned long seed, size_t run);

/* One run on a drawn network.  Returns res->status. */
int fadyn_train_run(const fadyn_task *task, const fadyn_net_spec *spec, const fadyn_rule_type *rule,
                    const fadyn_train_params *par, unsigned long init_seed,
                    fadyn_train_result *res);

/* nruns runs in parallel (OpenMP over runs, one workspace and rng each, BLAS
 * single-threaded inside).  res: nruns results.  Returns FADYN_OK if all
 * finished, FADYN_DIVERGED if any diverged (the others still complete), or
 * the first error. */
/* n runs of any kind as work items over threads and MPI ranks (fadyn/work.h):
 * run(ctx, i, &res[i]) for every i < n, each run drawing its randomness from
 * i alone; every rank then holds every res[i] with its rows.  BLAS on one
 * thread meanwhile; progress(pctx, fraction) as runs finish (NULL: none).
 * FADYN_OK, or an error passing the rows between ranks (also in the
 * records' status). */
int fadyn_train_map(size_t n, fadyn_train_result *res,
                    void (*run)(void *ctx, size_t i, fadyn_train_result *r), void *ctx,
                    fadyn_progress_fn progress, void *pctx);

int fadyn_train_runs(const fadyn_task *task, const fadyn_net_spec *spec,
                     const fadyn_rule_type *rule, const fadyn_train_params *par, unsigned long seed,
                     size_t nruns, fadyn_train_result *res);
/* The same, calling progress(ctx, runs finished / nruns) as runs finish
 * (serialised: one call at a time; the library prints nothing). */
int fadyn_train_runs_progress(const fadyn_task *task, const fadyn_net_spec *spec,
                              const fadyn_rule_type *rule, const fadyn_train_params *par,
                              unsigned long seed, size_t nruns, fadyn_train_result *res,
                              fadyn_progress_fn progress, void *ctx);

/* Mean and sample sd over runs of every column of the rows, row by row
 * (rows common to all runs that did not diverge; NaN if none).  mean/sd:
 * nrows x ncols, nrows = rows of the longest run.  Returns nrows. */
size_t fadyn_train_aggregate(const fadyn_train_result *res, size_t nruns, double *mean, double *sd);

/* Mean and sample sd of the final NSE over the runs that finished (NaN if
 * none / fewer than two); returns how many finished. */
size_t fadyn_train_final_stats(const fadyn_train_result *res, size_t nruns, double *mean,
                               double *sd);

/* TSV of the rows averaged over runs (runs that finished): example, then
 * NAME_mean NAME_sd for nse, loss and the angles. */
int fadyn_train_write_mean(const char *path, const fadyn_train_result *res, size_t nruns,
                           fadyn_err *err);
/* TSV of every run: run, then the row columns; one block per run (gnuplot
 * `index`). */
int fadyn_train_write_runs(const char *path, const fadyn_train_result *res, size_t nruns,
                           fadyn_err *err);

/* nruns runs from seed (fadyn_train_runs with p) into a JSON summary:
 * run_seeds, runs, examples, eta, eta_tuned and, with scores (the mean
 * log10 NSE of each rate of fadyn_tune_grid), tune_grid; final_nse_mean,
 * final_nse_sd, final_nse (per run), diverged (run, example), status,
 * examples_per_second and wall_seconds (wall: the runs' wall-clock time). */
void fadyn_train_summary(const fadyn_train_result *res, size_t nruns, unsigned long seed,
                         const fadyn_train_params *p, const double *scores, double wall,
                         json_t *summary);
/* The final NSE, the runs that did not finish and the speed as indented
 * text lines. */
void fadyn_train_report(const fadyn_train_result *res, size_t nruns, size_t examples, double wall,
                        fadyn_strbuf *lines);

/* ---- tuning ---------------------------------------------------------------- */
/* The built-in grid of rates for --tune-rate: 1e-4 .. 1e-1, half decades. */
extern const double fadyn_tune_grid[];
extern const size_t fadyn_tune_grid_n;

/* Pick the rate of the grid with the smallest mean log10 NSE over the
 * evaluations of `runs` runs (the area under the learning curve: speed, as
 * the paper tuned for).  Diverging rates lose.  *score receives the score of
 * each grid point (may be NULL). */
int fadyn_train_tune(const fadyn_task *task, const fadyn_net_spec *spec,
                     const fadyn_rule_type *rule, const fadyn_train_params *par, unsigned long seed,
                     size_t runs, const double *grid, size_t ngrid, double *best, double *score,
                     fadyn_err *err);

/* ---- statistics ----------------------------------------------------------- */
/* Welch's t-test of two samples: t, degrees of freedom, two-sided p (GSL). */
typedef struct {
    double mean_a, sd_a, mean_b, sd_b, t, df, p;
} fadyn_welch;

int fadyn_welch_test(const double *a, size_t na, const double *b, size_t nb, fadyn_welch *w);

FADYN_API_END
#endif
