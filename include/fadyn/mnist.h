/* fadyn/mnist.h — the paper's Task 2: a 784–1000–10 network of logistic
 * units with biases learning MNIST with bp, fa, sparse fa, shallow learning
 * or dfa, online by default (docs/theory.md §7), on a trainer built for
 * speed, with evaluations, checkpoints and runs in parallel.
 *
 * The network: inputs x = input_scale · pixel / 255, hidden
 * h = σ(W0 x + b0), output y = σ(W h + b), one-hot target y*, loss
 * L = ½‖y* − y‖², e = y* − y (eq 5).  Per example (batch K: the mean of K):
 *   δ = e ∘ y(1 − y)            (output_deriv = 1; 0: δ = e)
 *   Δh = (M δ) ∘ h(1 − h),  M = Wᵀ (bp), B (fa, sparse fa, dfa)
 *   W ← (1 − ηα) W + η δ hᵀ,   b ← b + η δ
 *   W0 ← (1 − ηα) W0 + η Δh xᵀ, b0 ← b0 + η Δh   (shallow: W0, b0 fixed)
 * sparse fa removes a fraction `drop` of the entries of W and of B, each
 * independently and for the whole run (the survivors keep their uniform
 * distributions), so a hidden–output pair is reciprocally connected with
 * probability (1 − drop)².
 *
 * How it is fast (docs/performance.md): W0 is stored pixel-major, so the
 * forward product and the rank-1 update touch only the rows of the non-zero
 * pixels (81 % of MNIST's pixels are zero); the weight decay is a scale
 * factor on each layer (O(1) per example); one example's update of W0 is
 * fused with the next example's forward pass (each row is read and written
 * once); the hidden units are split into chunks shared out among the
 * threads of a run, whose partial output sums are added in a fixed order —
 * so a run gives the same bits on 1 thread or many, and on resume.
 * Single precision (the default) or double.
 *
 * Thread safety: a workspace belongs to one caller at a time (it runs its
 * own threads inside); data sets are read-only once loaded and may be
 * shared by any number of workspaces. */
#ifndef FADYN_MNIST_H
#define FADYN_MNIST_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/idx.h"
#include "fadyn/linalg.h"
#include "fadyn/rule.h"

#include <signal.h>
#include <stddef.h>

typedef enum { FADYN_MNIST_SINGLE = 0, FADYN_MNIST_DOUBLE = 1 } fadyn_mnist_precision;

/* Online examples learned per pass over W0's rows (docs/performance.md). */
#define FADYN_MNIST_BLOCK 64

typedef struct {
    size_t hidden;          /* hidden units, 1000 */
    double eta;             /* learning rate η, 3e-3 (docs/figures.md) */
    double decay;           /* weight decay α (weights only, not biases), 1e-6 */
    double w_scale;         /* ω: W0, W and the biases ~ U[-ω, ω], 0.01 */
    double b_scale;         /* β: B ~ U[-β, β], 0.1 */
    double drop;            /* sparse fa: fraction of W and of B removed, 0.5 */
    double input_scale;     /* x = input_scale · pixel / 255, 16 */
    int output_deriv;       /* 1: δ = e ∘ σ'(output) (the gradient of L); 0 (default): δ = e */
    size_t batch;           /* K examples per update, 1 (online) */
    size_t examples;        /* examples per run, 15 epochs (the stopping point) */
    size_t eval_every;      /* examples between evaluations (rounded up to batches) */
    int angles;             /* the angle Δh_FA∠Δh_BP on every example, 1 */
    fadyn_angle_kind angle; /* signed (0..180°, the default) or from |cos| (0..90°) */
    fadyn_mnist_precision precision;
    size_t n_train, n_test; /* use the first n images of each set, 0: all */
    unsigned long seed;     /* data order (every rule and run) and the runs' seeds */
} fadyn_mnist_params;

fadyn_mnist_params fadyn_mnist_params_default(void);

/* Check the parameters against a data set and a rule; the message names the
 * struct field (or the rule). */
/* The flops of `runs` runs of p on images of `inputs` pixels evaluated on
 * n_test test images (fadyn_cost_training: the weights hidden x (inputs +
 * 10), p's examples and evaluations every p->eval_every). */
double fadyn_mnist_work(const fadyn_mnist_params *p, size_t inputs, size_t n_test, size_t runs);

int fadyn_mnist_params_check(const fadyn_mnist_params *p, const fadyn_mnist *data,
                             const fadyn_rule_type *rule, fadyn_err *err);

/* Whether the MNIST trainer runs a rule: those whose hidden signal is Wᵀ δ,
 * B δ or none (fadyn_signal_kind): bp, fa, sparse-fa, shallow, dfa. */
int fadyn_mnist_rule_supported(const fadyn_rule_type *rule);
/* Their names, "bp, fa, ...", into out (as fadyn_rule_type_list). */
size_t fadyn_mnist_rule_list(char *out, size_t n);

/* ---- one network -------------------------------------------------------------- */
typedef struct fadyn_mnist_ws fadyn_mnist_ws;

/* A network drawn from init_seed (W0, b0, W, b from one stream, B from a
 * second and the masks from a third, so runs of different rules with the
 * same seed start from the same W0), training on `threads` threads (0: all
 * of OpenMP's). */
fadyn_mnist_ws *fadyn_mnist_ws_alloc(const fadyn_mnist *data, const fadyn_rule_type *rule,
                                     const fadyn_mnist_params *p, unsigned long init_seed,
                                     size_t threads, fadyn_err *err);
void fadyn_mnist_ws_free(fadyn_mnist_ws *ws);

/* Train up to example `until` (<= examples).  Returns FADYN_OK or
 * FADYN_DIVERGED (a non-finite output). */
int fadyn_mnist_ws_train(fadyn_mnist_ws *ws, size_t until);
size_t fadyn_mnist_ws_done(const fadyn_mnist_ws *ws);

/* Test error (percent of misclassified images among the n_test) and mean
 * test loss at the current weights; y (may be NULL) receives the n_test x 10
 * outputs. */
void fadyn_mnist_ws_eval(fadyn_mnist_ws *ws, double *error_percent, double *loss, double *y);

/* Statistics of the examples learned since the previous call (then reset):
 * mean loss, training error (percent, on the examples before their update),
 * mean and sd of the angle (degrees; NaN without angles). */
void fadyn_mnist_ws_interval(fadyn_mnist_ws *ws, double *loss, double *train_error,
                             double *angle_mean, double *angle_sd);

/* The weights as plain arrays: W0 (hidden x inputs), b0 (hidden), W
 * (10 x hidden), b (10), B (hidden x 10, zeros without feedback); any may
 * be NULL.  set: the same layout (the masks of sparse fa stay; weights
 * that are masked must be zero). */
void fadyn_mnist_ws_get(const fadyn_mnist_ws *ws, double *W0, double *b0, double *W, double *b,
                        double *B);
void fadyn_mnist_ws_set(fadyn_mnist_ws *ws, const double *W0, const double *b0, const double *W,
                        const double *b, const double *B);

/* The training image learned at position pos (0-based over the run): a new
 * permutation of the training set each epoch, drawn from the seed. */
size_t fadyn_mnist_ws_image_at(fadyn_mnist_ws *ws, size_t pos);

/* ---- checkpoints ----------------------------------------------------------------- */
/* The state of one network as bytes: parameters, weights, B, masks, scales,
 * position and the statistics of the current interval (the permutations
 * follow from the seed and the position).  malloc'd into *buf. */
int fadyn_mnist_ws_save(const fadyn_mnist_ws *ws, unsigned char **buf, size_t *n, fadyn_err *err);
/* Restore a state saved by a workspace of the same data, rule and
 * parameters; a mismatch is refused naming the field. */
int fadyn_mnist_ws_load(fadyn_mnist_ws *ws, const unsigned char *buf, size_t n, fadyn_err *err);

/* ---- runs -------------------------------------------------------------------------- */
/* Row columns of a run's evaluations. */
enum {
    FADYN_MNIST_COL_EXAMPLE = 0,
    FADYN_MNIST_COL_EPOCH,
    FADYN_MNIST_COL_TEST_ERROR, /* percent */
    FADYN_MNIST_COL_TEST_LOSS,
    FADYN_MNIST_COL_TRAIN_LOSS, /* mean ½‖e‖² over the interval */
    FADYN_MNIST_COL_TRAIN_ERROR,
    FADYN_MNIST_COL_ANGLE_MEAN, /* Δh_FA∠Δh_BP over the interval, degrees */
    FADYN_MNIST_COL_ANGLE_SD,
    FADYN_MNIST_NCOLS
};
extern const char *const fadyn_mnist_col_names[FADYN_MNIST_NCOLS];

typedef struct {
    double *rows; /* nrows x FADYN_MNIST_NCOLS */
    size_t nrows, cap;
    int status;
    fadyn_err err;
    unsigned long init_seed;
    size_t done;                /* examples learned */
    double final_test_error;    /* percent, last evaluation */
    double train_seconds;       /* wall time of the training steps */
    double eval_seconds;        /* wall time of the evaluations */
    double *rf_init, *rf_final; /* receptive fields (W0 rows) of the chosen units */
} fadyn_mnist_result;

void fadyn_mnist_result_free(fadyn_mnist_result *r);

/* Progress of the runs: called (one call at a time) after every segment. */
typedef struct {
    size_t run, runs;
    size_t done, examples; /* of this run */
    double test_error;     /* latest evaluation, percent */
    double examples_per_second;
    double seconds_left; /* estimate for all runs */
    double fraction;     /* of all runs' examples done */
} fadyn_mnist_progress;
typedef void (*fadyn_mnist_progress_fn)(void *ctx, const fadyn_mnist_progress *p);

typedef struct {
    size_t threads;              /* cores to use in all (0: OpenMP's count) */
    const char *checkpoint;      /* write the state of every run here (NULL: never) */
    size_t checkpoint_every;     /* examples between checkpoints (0: only on stop) */
    const char *resume;          /* continue from this checkpoint (NULL: start afresh) */
    volatile sig_atomic_t *stop; /* set (e.g. by a signal handler) to stop at the next segment */
    fadyn_mnist_progress_fn progress;
    void *progress_ctx;
    const size_t *rf_units; /* hidden units whose W0 rows to keep at start and end */
    size_t n_rf;
} fadyn_mnist_control;

fadyn_mnist_control fadyn_mnist_control_default(void);

/* The run seeds: run r's initial weights, B and masks come from
 * fadyn_mnist_run_seed(p->seed, r). */
unsigned long fadyn_mnist_run_seed(unsigned long seed, size_t run);

/* nruns runs (new weights, B and masks each; the same data order), using
 * the cores for several runs at once.  Evaluates at example 0, every
 * eval_every examples and at the end.  Returns FADYN_OK, FADYN_DIVERGED (some
 * run diverged; the others complete), FADYN_STOPPED (ctl->stop was set: the
 * checkpoint, if any, has been written) or an error (a checkpoint that
 * cannot be written or read: the message says why). */
int fadyn_mnist_runs(const fadyn_mnist *data, const fadyn_rule_type *rule,
                     const fadyn_mnist_params *p, size_t nruns, const fadyn_mnist_control *ctl,
                     fadyn_mnist_result *res);
/* The same for nrules rules at once, res[k nruns + r] the run r of rule k
 * (run r starts from the same W0 under every rule).  In one process the
 * rules run one after another, as nrules calls of fadyn_mnist_runs would;
 * in an MPI build under several ranks (fadyn/work.h) every (rule, run)
 * pair is one work item, handed out dynamically, and every rank gets every
 * result: the same numbers as in one process.  A checkpoint (ctl) holds
 * one rule's runs in one process: FADYN_EINVAL with nrules > 1 or several
 * ranks. */
int fadyn_mnist_runs_rules(const fadyn_mnist *data, const fadyn_rule_type *const *rules,
                           size_t nrules, const fadyn_mnist_params *p, size_t nruns,
                           const fadyn_mnist_control *ctl, fadyn_mnist_result *res);

/* Mean and sample sd of the final test error over the runs that finished;
 * returns how many. */
size_t fadyn_mnist_final_stats(const fadyn_mnist_result *res, size_t nruns, double *mean,
                               double *sd);

/* TSV: example, epoch, then NAME_mean and NAME_sd over the runs that
 * finished for every other column; and every run (run, then the columns;
 * a block per run for gnuplot's `index`). */
int fadyn_mnist_write_mean(const char *path, const fadyn_mnist_result *res, size_t nruns,
                           fadyn_err *err);
int fadyn_mnist_write_runs(const char *path, const fadyn_mnist_result *res, size_t nruns,
                           fadyn_err *err);

FADYN_API_END
#endif
