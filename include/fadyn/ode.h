/* fadyn/ode.h — one run of the expected dynamics with its observations:
 * the engine behind `fadyn ode`, `fadyn verify` and `fadyn compare`.
 *
 * fadyn_ode_run integrates the problem's dynamics from its initial weights
 * and evaluates the observer at every sample time, keeping the rows and the
 * summary statistics the issue asks for (conserved-quantity drift, largest
 * rise of V, largest s, the bounds on s). */
#ifndef FADYN_ODE_H
#define FADYN_ODE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/cost.h"
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
    double V_max_rise; /* max over consecutive samples of V(t_{i+1}) − V(t_i) */
    double s_max, s0;
    /* the bounds on s (eq 47, docs/theory.md §3): NaN where their hypotheses
     * fail (s_bound_reason says which): one hidden layer, a rule whose entry
     * has `lyapunov` (fa), Σ = I and C(0) = 0 (c0_rel ≤ FADYN_C0_ZERO) */
    double s_bound_paper, s_bound_derived;
    const char *s_bound_reason; /* NULL where the bounds apply */
    double c0_rel;              /* ‖C(0)‖ relative (fadyn_observer_c0_rel) */
    /* what the rows measure: the rule's C (fadyn_rule_ode.conserved_name),
     * whether V is its Lyapunov function, the number of hidden layers */
    const char *conserved_name;
    int lyapunov;
    size_t hidden_layers;
    /* the last defined angles (the observer's rule, fadyn/observer.h, with
     * floor angle_floor) and the sample times they were taken at; NaN if
     * none is defined */
    double angle_bp_last, angle_bp_last_t, angle_pbp_last, angle_pbp_last_t;
    double angle_floor;
} fadyn_ode_result;

/* The noise floor of the angles in a run with these settings:
 * max(FADYN_ANGLE_FLOOR, 1e3·rtol).  The integration knows E to about
 * rtol·‖T‖, so an angle taken while ‖E‖ = r‖T‖ is off by about rtol/r
 * radians: 1e3·rtol keeps that near 0.06 degrees (docs/cli.md). */
double fadyn_ode_angle_floor(const fadyn_integ_params *ip);

/* C(0) counts as 0 (for the bounds on s) up to this relative size: rounding
 * in a start built to have C = 0. */
#define FADYN_C0_ZERO 1e-12

/* Run; res is filled even when the run diverges (rows so far).  Returns
 * res->status.  Free with fadyn_ode_result_free. */
int fadyn_ode_run(const fadyn_problem *p, const fadyn_integ_params *ip, fadyn_ode_result *res);
void fadyn_ode_result_free(fadyn_ode_result *res);

/* The same, calling progress(ctx, t / t_end) after every sample (for a
 * caller's progress display; the library prints nothing). */
typedef void (*fadyn_progress_fn)(void *ctx, double fraction);
int fadyn_ode_run_progress(const fadyn_problem *p, const fadyn_integ_params *ip,
                           fadyn_ode_result *res, fadyn_progress_fn progress, void *ctx);

/* The work of a run, estimated up front (issue 13: --t-end 1e12 or an
 * implicit stepper on hundreds of weights ran for minutes).  rho: the
 * spectral radius of the Jacobian at the start (power iteration on the
 * exact JVP); an explicit stepper needs at least t_end rho / 3 steps (its
 * stability interval on the negative axis is about 3), and at least one
 * step per sample; each costs its stages' right-hand sides.  An implicit
 * stepper's steps are not bounded so: its cost per step (a Jacobian of
 * dim JVPs and LUs of about 6 dim^3 flops: rk4imp factors a system of
 * 2 dim) gives its budget, FADYN_IMPLICIT_WORK flops of steps, at least 10
 * (the run stops there). */
#define FADYN_IMPLICIT_WORK 2e10 /* flops of implicit steps before the budget ends a run */
typedef struct {
    double rho;           /* spectral radius of the Jacobian at the start */
    double steps;         /* estimated steps (explicit; the budget's for implicit) */
    double step_flops;    /* one step */
    double flops;         /* steps x step_flops */
    unsigned long budget; /* implicit: the step budget (0 for explicit) */
} fadyn_ode_work;
int fadyn_ode_work_estimate(const fadyn_problem *p, const fadyn_integ_params *ip, fadyn_ode_work *w,
                            fadyn_err *err);

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

FADYN_API_END
#endif
