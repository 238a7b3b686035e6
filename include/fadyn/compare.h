/* fadyn/compare.h — the discrete trainer against its expected ODE (docs/theory.md §2):
 * for a linear problem (same T, B, initial weights, Σ), run the trainer with
 * rate η and batches of K fresh samples x ~ N(0, Σ), and the ODE to
 * t = η·steps; measure how far apart they are.  Discrete batch learning is
 * Euler's method for the ODE (error O(η)) plus sampling noise (O(√(η/K)) in
 * the weights after a fixed time). */
#ifndef FADYN_COMPARE_H
#define FADYN_COMPARE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/integrate.h"
#include "fadyn/io.h"
#include "fadyn/problem.h"

#include <jansson.h>

typedef struct {
    double t_end;             /* ODE time to compare up to (steps = t_end/η, rounded), 10 */
    size_t samples;           /* points along the trajectories, including t = 0, 21 */
    size_t repeats;           /* independent data streams averaged per (η, K), 1 */
    fadyn_integ_params integ; /* the ODE's stepper and tolerances */
} fadyn_compare_params;

fadyn_compare_params fadyn_compare_params_default(void);
int fadyn_compare_params_check(const fadyn_compare_params *cp, fadyn_err *err);

typedef struct {
    double eta;
    size_t batch, steps;
    double t;         /* η · steps */
    double deviation; /* ‖w_train − w_ODE‖_F / ‖w_ODE‖_F at t (all weights; mean over repeats) */
    double deviation_max;   /* each repeat's largest over the samples, mean over repeats */
    double deviation_worst; /* the largest over the samples and the repeats */
    double loss_deviation; /* ‖NSE_train − NSE_ODE‖₂ / ‖NSE_ODE‖₂ over the samples (mean) */
    double nse_train, nse_ode; /* at t (expected NSE of the weights, observer.h) */
    /* NSE(t) of both engines at the samples (the premise of the comparison):
     * samples values each, the trainer's the mean over repeats; NULL until
     * fadyn_compare_one has run, NaN where a cell failed.  Freed by
     * fadyn_compare_rows_free. */
    size_t samples;
    double *t_at, *nse_train_at, *nse_ode_at;
    int status;           /* FADYN_OK, FADYN_DIVERGED (trainer or ODE) or an error */
    size_t diverged_step; /* the trainer's step (from 1) at which it diverged; 0 */
    fadyn_err err;        /* a failed cell's detail */
} fadyn_compare_row;

/* Free the NSE(t) arrays of n rows (the rows themselves are the caller's). */
void fadyn_compare_rows_free(fadyn_compare_row *rows, size_t n);

/* One (η, K): rows->eta/batch are set from the arguments.  seed picks the
 * data streams.  Returns row->status. */
int fadyn_compare_one(const fadyn_problem *p, const fadyn_compare_params *cp, double eta,
                      size_t batch, unsigned long seed, fadyn_compare_row *row, fadyn_err *err);

/* The grid etas x batches (row i*nb + j = etas[i], batches[j]), OpenMP over
 * cells.  Returns FADYN_OK, FADYN_DIVERGED if some cell diverged (every
 * cell's detail in its row's err, the first in err), or the first error. */
int fadyn_compare_grid(const fadyn_problem *p, const fadyn_compare_params *cp, const double *etas,
                       size_t ne, const size_t *batches, size_t nb, unsigned long seed,
                       fadyn_compare_row *rows, fadyn_err *err);

/* A computed grid, for its writers: the rows of fadyn_compare_grid. */
typedef struct {
    const fadyn_compare_row *rows; /* ne x nb, row i*nb + j = etas[i], batches[j] */
    const double *etas;
    size_t ne;
    const size_t *batches;
    size_t nb;
} fadyn_compare_table;

/* A cell that ran to the end with a finite deviation. */
int fadyn_compare_finite(const fadyn_compare_row *row);
/* The trend the expected limit predicts, on the finite cells only: the
 * deviation falls from the largest to the smallest finite η at the largest
 * K with two finite cells (*eta_ok), and from the smallest to the largest
 * finite K at the smallest η with two (*batch_ok).  1 yes, 0 no, -1 n/a (no
 * such K or η).  Returns the number of finite cells. */
size_t fadyn_compare_trend(const fadyn_compare_table *t, int *eta_ok, int *batch_ok);
/* The rows as TSV, grouped by batch (a fadyn_plot_data writer, ctx the
 * table): eta batch steps t deviation deviation_max deviation_worst
 * loss_deviation nse_train nse_ode diverged_step status (ok | diverged |
 * failed). */
int fadyn_compare_write(const char *path, const void *table, fadyn_err *err);
/* NSE(t) of both engines, one block of samples rows per cell in the order
 * of the grid, a blank line between blocks (a fadyn_plot_data writer, ctx
 * the table): cell eta batch t nse_train nse_ode. */
int fadyn_compare_write_nse(const char *path, const void *table, fadyn_err *err);
/* Into a JSON summary: "rows" (one object per cell, with its status, and
 * for a failed cell diverged_step and error), "diverged" (the failed
 * cells' eta, batch and error) and "trend" (shrinks_with_eta,
 * shrinks_with_batch: true, false or null; on: "finite cells",
 * cells_finite, cells). */
void fadyn_compare_summary(const fadyn_compare_table *t, json_t *summary);
/* The cells and the trend as indented text lines. */
void fadyn_compare_report(const fadyn_compare_table *t, fadyn_strbuf *lines);
/* One line per failed cell into lines (NULL: count only): "eta E, K N:
 * DETAIL"; returns how many. */
size_t fadyn_compare_failed(const fadyn_compare_table *t, fadyn_strbuf *lines);
/* The largest finite deviation and loss_deviation of the table (where the
 * plot marks the failed cells), 1 if there are none. */
double fadyn_compare_top(const fadyn_compare_table *t);

/* The flops of the grid's trainers, estimated up front (issue 13: --etas
 * 1e-12 means 1e13 steps): per cell t_end/eta steps of K examples, each
 * about 6 dim flops per example (forward, error, both updates), over the
 * repeats (fadyn_cost_training); the ODEs cost far less. */
double fadyn_compare_work(size_t dim, const fadyn_compare_params *cp, const double *etas, size_t ne,
                          const size_t *batches, size_t nb);

FADYN_API_END
#endif
