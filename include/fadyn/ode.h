/* fadyn/ode.h — one run of the expected dynamics with its observations:
 * the engine behind `fadyn ode`, `fadyn verify` and `fadyn compare`.
 *
 * fadyn_ode_run integrates the problem's dynamics from its initial weights
 * and evaluates the observer at every sample time, keeping the rows and the
 * summary statistics the issue asks for (conserved-quantity drift, largest
 * rise of V, largest s, the bounds on s). */
#ifndef FADYN_ODE_H
#define FADYN_ODE_H

#include "fadyn/integrate.h"
#include "fadyn/io.h"
#include "fadyn/observer.h"
#include "fadyn/problem.h"

#include <jansson.h>

typedef struct {
    fadyn_obs *rows; /* one per delivered sample */
    size_t nrows;
    double *y; /* final state (p->dim) */
    fadyn_integ_stats stats;
    int status;    /* FADYN_OK, FADYN_DIVERGED, FADYN_MAXSTEPS, or an error */
    fadyn_err err; /* detail when status != FADYN_OK */
    /* summaries over the rows */
    double final_nse;
    double drift_max, drift_rel_max;
    double lyapunov_max_rise; /* max over consecutive samples of V(t_{i+1}) − V(t_i) */
    double s_max, s0;
    double s_bound_paper, s_bound_derived; /* NaN unless one hidden layer */
    double angle_bp_final, angle_pbp_final;
} fadyn_ode_result;

/* Run; res is filled even when the run diverges (rows so far).  Returns
 * res->status.  Free with fadyn_ode_result_free. */
int fadyn_ode_run(const fadyn_problem *p, const fadyn_integ_params *ip, fadyn_ode_result *res);
void fadyn_ode_result_free(fadyn_ode_result *res);

/* The same, calling progress(ctx, t / t_end) after every sample (for a
 * caller's progress display; the library prints nothing). */
typedef void (*fadyn_progress_fn)(void *ctx, double fraction);
int fadyn_ode_run_progress(const fadyn_problem *p, const fadyn_integ_params *ip,
                           fadyn_ode_result *res, fadyn_progress_fn progress, void *ctx);

/* What a run writes (src/integrate/ode_output.c).  fadyn_ode_write: the
 * rows as TSV, columns fadyn_obs_names (a fadyn_plot_data writer, ctx the
 * result).  fadyn_ode_summary: into a JSON summary, status (the name of
 * res->status: "ok", "diverged", "step-limit" or "error") and its detail,
 * t_reached, the summaries above and the integrator's statistics.
 * fadyn_ode_report: the summaries as indented text lines. */
int fadyn_ode_write(const char *path, const void *res, fadyn_err *err);
void fadyn_ode_summary(const fadyn_ode_result *res, json_t *summary);
void fadyn_ode_report(const fadyn_ode_result *res, fadyn_strbuf *lines);
const char *fadyn_ode_status_name(int status);

#endif
