/* fadyn/experiments.h — the paper's experiments as library calls (one
 * source file each in src/experiments/), and the table of recipes that runs
 * them by name (`fadyn figure`, tests, any caller).
 *
 * Every experiment FIG (fig1d, fig1e, fig2d, fig3b, fig4) has the same
 * shape, GSL-like:
 *     fadyn_FIG_params  fadyn_FIG_params_default(void);     quick scale
 *     int   fadyn_FIG_run(const fadyn_FIG_params *, fadyn_FIG_result *, fadyn_err *);
 *     void  fadyn_FIG_summary(const fadyn_FIG_result *, json_t *summary);
 *     int   fadyn_FIG_plot(const fadyn_FIG_result *, const fadyn_plot_target *, fadyn_err *);
 *     size_t fadyn_FIG_report(const fadyn_FIG_result *, fadyn_strbuf *lines,
 *                             fadyn_strbuf *diverged);
 *     void  fadyn_FIG_result_free(fadyn_FIG_result *);
 * run computes the figure's data and its summary numbers (FADYN_OK, or
 * FADYN_DIVERGED when some training runs diverged: the result holds the
 * others, and the figure is drawn from them; a negative code is an error
 * and leaves nothing to free).  summary adds the numbers to a JSON object;
 * plot writes the data files beside the image (their names are in
 * fadyn/plots.h), the gnuplot script and the image (fadyn_plot_make:
 * FADYN_NOPLOT, a warning, without gnuplot); report appends the summary
 * as indented text lines and one line per diverged run (either may be
 * NULL), and returns how many runs diverged.  The library prints nothing; callers print the text.
 *
 * Adding a figure (fig2a, fig2b and figS1 when MNIST lands):
 *   1. src/experiments/FIG.c: the six functions above, declared below,
 *      with a fadyn_fig_settings `set` as the first member of its params
 *      (seed, runs, examples, progress: what a recipe sets);
 *   2. its script in src/plot/ (declared in fadyn/plots.h);
 *   3. at the end of FIG.c, FADYN_RECIPE_DEFINE(FIG, about, quick, full,
 *      minimum, width, height) (src/experiments/experiments_impl.h), and
 *      &fadyn_recipe_FIG in the table fadyn_recipes[] (recipes.c):
 *      `fadyn figure FIG`, its --help line and `all` follow from the row;
 *   4. a test in tests/test_experiments.c (a mathematical property of the
 *      result at small settings).
 *
 * Thread safety: the runs use OpenMP over training runs (BLAS on one thread
 * inside), and MPI ranks where fadyn_recipe_distributed; results are
 * independent objects. */
#ifndef FADYN_EXPERIMENTS_H
#define FADYN_EXPERIMENTS_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/io.h"
#include "fadyn/mnist.h"
#include "fadyn/ode.h"
#include "fadyn/phase.h"
#include "fadyn/plot.h"
#include "fadyn/plots.h"
#include "fadyn/portrait.h"
#include "fadyn/train.h"

#include <jansson.h>
#include <stddef.h>

/* ---- what every experiment takes ---------------------------------------- */

typedef struct {
    unsigned long seed;         /* tasks, data, initial weights and feedback: 1 */
    size_t runs;                /* training runs per curve or bar (where a figure has several) */
    size_t examples;            /* examples per training run (where a figure trains) */
    fadyn_progress_fn progress; /* fraction of the experiment done (one call at a time), NULL */
    void *progress_ctx;
    const char *data_dir;   /* the MNIST files (Figs. 2a, 2b, S1); NULL: data/mnist */
    fadyn_angle_kind angle; /* the angles of Figs. 1e, 2b, 4: signed (default) or |cos| */
} fadyn_fig_settings;

/* ---- Fig. 1d: four rules on Task 1 --------------------------------------- */

/* Task 1 (30-20-10 linear, T ~ U[-1,1]); each rule at its tuned rate
 * (fadyn_train_default_eta), runs x examples, evaluated 200 times. */
typedef struct {
    fadyn_fig_settings set;   /* runs >= 2 (the sd over runs), examples >= 200 */
    const char *const *rules; /* "shallow", "np", "bp", "fa" */
    size_t nrules;
} fadyn_fig1d_params;

typedef struct {
    const char *rule;
    double eta;
    fadyn_train_result *runs;            /* set.runs results */
    double final_nse_mean, final_nse_sd; /* over the runs that finished */
    double examples_to_1pct; /* first evaluation where the mean NSE < 0.01 (NaN: never) */
} fadyn_fig1d_curve;

typedef struct {
    fadyn_fig1d_params par;
    fadyn_fig1d_curve *curves; /* par.nrules */
    size_t diverged;
} fadyn_fig1d_result;

fadyn_fig1d_params fadyn_fig1d_params_default(void);
int fadyn_fig1d_run(const fadyn_fig1d_params *p, fadyn_fig1d_result *r, fadyn_err *err);
void fadyn_fig1d_summary(const fadyn_fig1d_result *r, json_t *summary);
int fadyn_fig1d_plot(const fadyn_fig1d_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig1d_report(const fadyn_fig1d_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig1d_result_free(fadyn_fig1d_result *r);

/* ---- Fig. 1e: the angle between fa's and bp's hidden updates -------------- */

/* One fa run on Task 1, the angle to bp's update on every example, and its
 * mean and sample sd over a sliding window of the last `window` examples. */
typedef struct {
    fadyn_fig_settings set; /* examples >= 200; runs unused */
    size_t window;          /* 10 */
} fadyn_fig1e_params;

typedef struct {
    fadyn_fig1e_params par;
    double eta;
    fadyn_train_result run;
    size_t n;                            /* windows: run.nrows − window + 1 (0 if fewer rows) */
    double *example, *angle, *mean, *sd; /* n each: the window ending at that example */
    double first, last;                  /* first and last finite window mean (NaN: none) */
    double below45; /* example where the window mean first < 45° (NaN: never) */
    size_t diverged;
} fadyn_fig1e_result;

fadyn_fig1e_params fadyn_fig1e_params_default(void);
int fadyn_fig1e_run(const fadyn_fig1e_params *p, fadyn_fig1e_result *r, fadyn_err *err);
void fadyn_fig1e_summary(const fadyn_fig1e_result *r, json_t *summary);
int fadyn_fig1e_plot(const fadyn_fig1e_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig1e_report(const fadyn_fig1e_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig1e_result_free(fadyn_fig1e_result *r);

/* ---- Fig. 2d: 3 vs 4 layers on Task 3 ------------------------------------- */

/* Task 3 (the 30-20-10-10 tanh teacher); students of 3 and 4 layers (tanh
 * hidden, linear output, biases), runs each, as the paper's Fig. 2d: a rule
 * that sends the error to the hidden layers (bp, fa) trains both students,
 * shallow learning (the output layer only) the 3-layer one.  The test NSE
 * of each condition against examples (mean over the runs, evaluated
 * FADYN_FIG2D_PER_DECADE times a decade), its final value, and per rule with
 * both students a Welch t-test of 3 against 4 layers. */
typedef struct {
    fadyn_fig_settings set;   /* runs >= 2 (t-test), examples >= 200 */
    const char *const *rules; /* "shallow", "bp", "fa" */
    size_t nrules;
} fadyn_fig2d_params;

enum { FADYN_FIG2D_PER_DECADE = 10 }; /* evaluations per decade of examples */

typedef struct {
    const char *rule;
    size_t layers; /* 3 or 4 */
    double eta;
    fadyn_train_result *runs; /* set.runs results */
    size_t finished;          /* runs that did not diverge ... */
    double *nse;              /* ... and their final test NSE */
    double mean, sd;          /* over them */
    size_t nrows;             /* the curve: evaluations of the finished runs, */
    double *curve_mean;       /* nrows x runs[0].ncols: mean over them ... */
    double *curve_sd;         /* ... and sample sd (fadyn_train_aggregate) */
} fadyn_fig2d_group;

typedef struct {
    fadyn_fig2d_params par;
    fadyn_task_params task;    /* the teacher's regime */
    fadyn_train_params train;  /* the students' (w_scale, b_scale, evaluations) */
    size_t ngroups;            /* the conditions: */
    fadyn_fig2d_group *groups; /* the 3-layer student of each rule, then the 4-layer ones */
    fadyn_welch *welch;        /* nrules: 3 (a) against 4 (b) layers; p NaN for shallow */
    size_t diverged;
} fadyn_fig2d_result;

fadyn_fig2d_params fadyn_fig2d_params_default(void);
int fadyn_fig2d_run(const fadyn_fig2d_params *p, fadyn_fig2d_result *r, fadyn_err *err);
void fadyn_fig2d_summary(const fadyn_fig2d_result *r, json_t *summary);
int fadyn_fig2d_plot(const fadyn_fig2d_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig2d_report(const fadyn_fig2d_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig2d_result_free(fadyn_fig2d_result *r);

/* ---- Task 2 (MNIST): Figs. 2a, 2b and S1 ---------------------------------- */

/* The settings of Task 2 the figures use: fadyn_mnist_params_default() (the
 * choice of docs/figures.md); set.examples and set.seed override its
 * examples and seed. */

/* Fig. 2a: test error against examples for bp, fa, sparse fa and shallow
 * learning, runs each (a new B and W0 per run, the same data order), with
 * the final means beside the paper's 2.4 / 2.1 / 2.4 %. */
typedef struct {
    fadyn_fig_settings set;   /* runs >= 2 (the band), examples >= 512 */
    fadyn_mnist_params train; /* Task 2's settings */
    const char *const *rules; /* "bp", "fa", "sparse-fa", "shallow" */
    size_t nrules;
    size_t evaluations; /* along each run, 20 (and at example 0) */
} fadyn_fig2a_params;

typedef struct {
    const fadyn_rule_type *rule;
    fadyn_mnist_result *runs; /* set.runs */
    size_t finished;
    double final_mean, final_sd; /* test error, %, over the finished runs */
} fadyn_fig2a_curve;

typedef struct {
    fadyn_fig2a_params par;
    fadyn_fig2a_curve *curves; /* par.nrules */
    size_t diverged;
    double seconds; /* wall time of the runs */
} fadyn_fig2a_result;

fadyn_fig2a_params fadyn_fig2a_params_default(void);
int fadyn_fig2a_run(const fadyn_fig2a_params *p, fadyn_fig2a_result *r, fadyn_err *err);
void fadyn_fig2a_summary(const fadyn_fig2a_result *r, json_t *summary);
int fadyn_fig2a_plot(const fadyn_fig2a_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig2a_report(const fadyn_fig2a_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig2a_result_free(fadyn_fig2a_result *r);

/* Fig. 2b: the angle Δh_FA∠Δh_BP of fa's runs against examples: over each
 * interval of examples its mean (the time-averaged mean) and its sd (the
 * paper's error bars), averaged over the runs. */
typedef struct {
    fadyn_fig_settings set;   /* runs >= 1, examples >= 512 */
    fadyn_mnist_params train; /* Task 2's settings; n_test 1000 (the test error is not drawn) */
    size_t evaluations;       /* intervals along each run, 60 */
} fadyn_fig2b_params;

typedef struct {
    fadyn_fig2b_params par;
    fadyn_mnist_result *runs;    /* set.runs */
    size_t n;                    /* intervals */
    double *example, *mean, *sd; /* n each: end of the interval, mean over runs */
    double first, last;          /* the first and last interval's mean angle */
    size_t diverged;
} fadyn_fig2b_result;

fadyn_fig2b_params fadyn_fig2b_params_default(void);
int fadyn_fig2b_run(const fadyn_fig2b_params *p, fadyn_fig2b_result *r, fadyn_err *err);
void fadyn_fig2b_summary(const fadyn_fig2b_result *r, json_t *summary);
int fadyn_fig2b_plot(const fadyn_fig2b_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig2b_report(const fadyn_fig2b_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig2b_result_free(fadyn_fig2b_result *r);

/* Fig. S1: the receptive fields (rows of W0 as images) of `units` hidden
 * units drawn from the seed, at the start and after bp, fa and sparse fa
 * (one run each, from the same W0). */
#define FADYN_FIGS1_RULES 3 /* bp, fa, sparse-fa */
typedef struct {
    fadyn_fig_settings set;   /* examples >= 512; runs unused */
    fadyn_mnist_params train; /* Task 2's settings */
    size_t units;             /* 100: a 10 x 10 mosaic */
} fadyn_figS1_params;

typedef struct {
    fadyn_figS1_params par;
    size_t *unit;                         /* the units drawn */
    size_t rows, cols;                    /* of an image */
    double *init;                         /* units x rows·cols: W0 at the start */
    double *final[FADYN_FIGS1_RULES];     /* after each rule */
    double test_error[FADYN_FIGS1_RULES]; /* at the end, % */
    double change[FADYN_FIGS1_RULES]; /* ‖W0_end − W0_start‖ / ‖W0_start‖ over the units */
    size_t diverged;
} fadyn_figS1_result;

fadyn_figS1_params fadyn_figS1_params_default(void);
int fadyn_figS1_run(const fadyn_figS1_params *p, fadyn_figS1_result *r, fadyn_err *err);
void fadyn_figS1_summary(const fadyn_figS1_result *r, json_t *summary);
int fadyn_figS1_plot(const fadyn_figS1_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_figS1_report(const fadyn_figS1_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_figS1_result_free(fadyn_figS1_result *r);

/* ---- Fig. 3b: the phase portrait of the 1-1-1 network --------------------- */

/* The portrait (fadyn/portrait.h) of b, t over the window, with a
 * trajectory from each start in its direction of time and, first, the one
 * from (0, 0) forward (the paper's large arrow) unless a start is that. */
typedef struct {
    fadyn_fig_settings set;        /* progress of the basin grid; seed, runs, examples unused */
    double b, t;                   /* 1, 1 */
    fadyn_window win;              /* [-3,3] x [-3,3] */
    const fadyn_phase_start *from; /* (-2.5,1), (-1,-2.5), (2,-2), forward; not copied */
    size_t nfrom;
    int origin;            /* the trajectory from (0, 0), 1 */
    size_t ga, gw;         /* arrows of the flow field, 21 x 21 */
    size_t ba, bw;         /* basin grid, 301 x 301 */
    double t_end;          /* length of the drawn trajectories, 50 */
    fadyn_basin_params bp; /* how the ends settle */
} fadyn_fig3b_params;

typedef struct {
    fadyn_fig3b_params par;
    fadyn_portrait p;
    double bad_area; /* the exact area of the bad region in the window (fadyn_phase_bad_area) */
} fadyn_fig3b_result;

fadyn_fig3b_params fadyn_fig3b_params_default(void);
/* FADYN_CHECK_FAILED if LAPACK's stability of an equilibrium disagrees with
 * a² + b w > 0 (r->p.cst.mismatch), the result complete. */
int fadyn_fig3b_run(const fadyn_fig3b_params *p, fadyn_fig3b_result *r, fadyn_err *err);
void fadyn_fig3b_summary(const fadyn_fig3b_result *r, json_t *summary);
int fadyn_fig3b_plot(const fadyn_fig3b_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig3b_report(const fadyn_fig3b_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig3b_result_free(fadyn_fig3b_result *r);
/* Fraction of the basin grid that ends bad, integrated and predicted at the
 * nodes (docs/theory.md §4), and the exact bad fraction of the window's area. */
double fadyn_fig3b_bad_fraction(const fadyn_fig3b_result *r);
double fadyn_fig3b_predicted_bad_fraction(const fadyn_fig3b_result *r);
double fadyn_fig3b_bad_area_fraction(const fadyn_fig3b_result *r);

/* ---- Fig. 4: fa from initial scales ω ------------------------------------- */

/* One fa run on Task 1 at η = 1e-3 per initial scale ω (weights U[-ω, ω]),
 * evaluated 200 times: NSE and the angles to bp and pbp. */
typedef struct {
    fadyn_fig_settings set; /* examples >= 200; runs unused */
    double eta;             /* 1e-3 */
    const double *omegas;   /* 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.125, 0.15, 0.2, 0.25 */
    size_t nomegas;
} fadyn_fig4_params;

typedef struct {
    fadyn_fig4_params par;
    fadyn_train_result *runs; /* nomegas */
    /* the last evaluation with defined angles (NaN once e is at rounding level): example,
     * angle to bp, angle to pbp (NaN if none) */
    double (*last)[3];
    size_t diverged;
} fadyn_fig4_result;

fadyn_fig4_params fadyn_fig4_params_default(void);
int fadyn_fig4_run(const fadyn_fig4_params *p, fadyn_fig4_result *r, fadyn_err *err);
void fadyn_fig4_summary(const fadyn_fig4_result *r, json_t *summary);
int fadyn_fig4_plot(const fadyn_fig4_result *r, const fadyn_plot_target *t, fadyn_err *err);
size_t fadyn_fig4_report(const fadyn_fig4_result *r, fadyn_strbuf *lines, fadyn_strbuf *diverged);
void fadyn_fig4_result_free(fadyn_fig4_result *r);

/* ---- the recipes ------------------------------------------------------------ */

/* Runs and examples of a recipe's scale; 0 where the figure has none. */
typedef struct {
    size_t runs, examples;
} fadyn_recipe_scale;

typedef struct {
    const char *name;  /* "fig1d": files DIR/NAME.png, .gp, .json and the data NAME*.tsv */
    const char *about; /* what it shows, lines of at most 70 characters */
    fadyn_recipe_scale quick, full;
    fadyn_recipe_scale minimum; /* the smallest runs and examples it accepts */
    int width, height;          /* of the image, pixels */
    size_t result_size;         /* bytes of its result (fadyn_FIG_result) */
    int (*run)(const fadyn_fig_settings *s, void *result, fadyn_err *err);
    void (*summary)(const void *result, json_t *summary);
    int (*plot)(const void *result, const fadyn_plot_target *t, fadyn_err *err);
    size_t (*report)(const void *result, fadyn_strbuf *lines, fadyn_strbuf *diverged);
    void (*free)(void *result);
    /* Seconds the recipe will take at settings s on this machine (a short
     * measured run), or NULL where it is not worth saying. */
    double (*seconds)(const fadyn_fig_settings *s);
    /* Flops the recipe will take at settings s, estimated from its counts
     * alone (fadyn/cost.h), or NULL for a fixed, small figure (fig3b):
     * `fadyn figure` refuses beyond FADYN_FIGURE_WORK_LIMIT unless --force. */
    double (*work)(const fadyn_fig_settings *s);
} fadyn_recipe;

/* The paper's experiments, in the paper's order; NULL-terminated. */
extern const fadyn_recipe *const fadyn_recipes[];
/* NULL if no recipe has that name. */
const fadyn_recipe *fadyn_recipe_find(const char *name);
/* Number of recipes. */
size_t fadyn_recipe_count(void);
/* 1 if r's runs are work items over MPI ranks (fadyn/work.h): fig1d, fig2d
 * and fig4, the ensembles of Tasks 1 and 3, and fig2a, fig2b and figS1, the
 * MNIST runs of Task 2; the others run in one process (docs/scaling.md). */
int fadyn_recipe_distributed(const fadyn_recipe *r);
/* "fig1d, fig1e, ..." into out (n bytes, truncated); returns the length it
 * needs (snprintf's convention). */
size_t fadyn_recipe_list(char *out, size_t n);

/* How a caller asks for a recipe: the quick or the full scale, or its own
 * runs and examples (0: the scale's), with a seed and a progress callback.
 * Runs or examples given to a recipe without them are ignored. */
typedef struct {
    int full;
    fadyn_fig_settings set;
} fadyn_recipe_options;

fadyn_recipe_options fadyn_recipe_options_default(void); /* quick, seed 1 */

/* The settings the recipe runs with (the scale's values where o gives 0),
 * checked against its minimum: FADYN_EINVAL naming the field ("fig1d: runs
 * 1: at least 2"). */
int fadyn_recipe_settings(const fadyn_recipe *r, const fadyn_recipe_options *o,
                          fadyn_fig_settings *s, fadyn_err *err);

/* Run the recipe into *result (allocated; fadyn_recipe_free it): FADYN_OK,
 * FADYN_DIVERGED (some runs diverged; the result holds the others), or an
 * error (*result NULL). */
int fadyn_recipe_run(const fadyn_recipe *r, const fadyn_recipe_options *o, void **result,
                     fadyn_err *err);

/* Write DIR/NAME.png with its script and data files (r->plot) and the
 * summary DIR/NAME.json: tool, version, command "figure", figure, mode,
 * seed, the recipe's numbers, diverged_runs.  FADYN_OK, FADYN_NOPLOT (no
 * gnuplot: everything but the image is written), or an error. */
int fadyn_recipe_write(const fadyn_recipe *r, const fadyn_recipe_options *o, const void *result,
                       const char *dir, fadyn_err *err);

void fadyn_recipe_free(const fadyn_recipe *r, void *result);

FADYN_API_END
#endif
