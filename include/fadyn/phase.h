/* fadyn/phase.h — the phase plane of the 1-1-1 network (Fig. 3, docs/theory.md §4):
 * its scalar flow and Jacobian, the analytic basin of the bad hyperbola,
 * equilibrium stability, basin grids on every core, and the sampled basin
 * of a layered network (end state classified by sym(W·B) and stability).
 *
 * 1-1-1 network: scalars a (= A = W0), w (= W), feedback b, target t,
 *     ȧ = b (t − w a),   ẇ = (t − w a) a                (eq 12–13, 1x1)
 * C = 2 b w − a² is conserved (eq 14); equilibria are the hyperbola a w = t.
 *
 * Thread safety: every function is reentrant; a fadyn_phase_ws or
 * fadyn_nd_ws belongs to one thread at a time.  fadyn_basin_grid and
 * fadyn_nd_run_many run OpenMP loops over their points/samples. */
#ifndef FADYN_PHASE_H
#define FADYN_PHASE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/integrate.h"
#include "fadyn/io.h"
#include "fadyn/ode.h"
#include "fadyn/problem.h"

#include <gsl/gsl_odeiv2.h>
#include <jansson.h>
#include <stddef.h>

/* ---- the scalar system ------------------------------------------------- */

/* Where a start goes.  good: an equilibrium with e·w·b·e > 0 (eq 1), i.e.
 * b w > 0 (always stable); bad: a stable equilibrium with b w < 0 (or the
 * degenerate fold point); diverged: left the radius or became non-finite;
 * unconverged: the time or step limit came first; unstable: an unstable
 * equilibrium (only a start that is one, or, in backward time, the middle
 * root of its parabola).  FADYN_PHASE_NONE: no prediction. */
typedef enum {
    FADYN_PHASE_NONE = -1,
    FADYN_PHASE_GOOD = 0,
    FADYN_PHASE_BAD,
    FADYN_PHASE_DIVERGED,
    FADYN_PHASE_UNCONVERGED,
    FADYN_PHASE_UNSTABLE,
    FADYN_PHASE_NCLASS
} fadyn_phase_class;

/* "good", "bad", "diverged", "unconverged", "unstable"; "none" for
 * FADYN_PHASE_NONE, "?" otherwise. */
const char *fadyn_phase_class_name(int cls);

/* Parameters of the scalar system, and its evaluation counters (one per
 * thread: the counters are written by the GSL callbacks).  backward: the
 * reversed flow −(ȧ, ẇ), whose solutions are the forward ones run back in
 * time (0, the default of {b, t}, is forward). */
typedef struct {
    double b, t;
    unsigned long nrhs, njac;
    int backward;
} fadyn_phase_sys;

/* (ȧ, ẇ) at y = (a, w) into f (negated when backward); the GSL signature,
 * params a fadyn_phase_sys. */
int fadyn_phase_rhs(double tt, const double y[], double f[], void *params);
/* ∂(ȧ, ẇ)/∂(a, w), row-major (negated when backward), and ∂f/∂t = 0. */
int fadyn_phase_jac(double tt, const double y[], double *dfdy, double dfdt[], void *params);
/* The system {rhs, jac, 2, s}. */
gsl_odeiv2_system fadyn_phase_system(fadyn_phase_sys *s);

/* The conserved C = 2 b w − a² (docs/theory.md §4). */
double fadyn_phase_C(double b, double a, double w);

/* ---- analytic facts (docs/theory.md §4) ---------------------------------------- */

/* C at the fold, −3 |b t|^{2/3}: three equilibria on a parabola iff C < it. */
double fadyn_phase_fold_C(double b, double t);

/* Real roots of a³ + C a − 2 b t, ascending (Cardano / trigonometric form,
 * polished by Newton); returns their number: 3 when C <= the fold C (a
 * double root at the fold counts twice), else 1 (repeated in r[0..2]). */
size_t fadyn_phase_roots(double C, double b, double t, double r[3]);

/* The class docs/theory.md §4 predicts for the start (a, w): bad iff
 * C < −3|bt|^{2/3} and a < a₂(C) (b t > 0) or a > a₂(C) (b t < 0), a₂ the
 * middle root; otherwise good.  Never diverged or unconverged.  A start that
 * is itself an unstable equilibrium (a w = t to rounding, a² + b w < 0)
 * stays there: unstable.  On the rest of the measure-zero boundary (C
 * exactly at the fold on the bad side of the double root) the start creeps
 * into the fold point of the bad branch and is called bad. */
fadyn_phase_class fadyn_phase_predict(double b, double t, double a, double w);

/* The same in backward time (the flow reversed): along the parabola the
 * motion runs away from the stable roots, so a start strictly between the
 * outer roots a₁ < a₃ of three goes to the middle one a₂ (unstable), any
 * other start to infinity in finite time (diverged); an equilibrium stays
 * (its own class).  backward = 0 is fadyn_phase_predict. */
fadyn_phase_class fadyn_phase_predict_dir(double b, double t, int backward, double a, double w);

/* 1 if (a, w) lies on the hyperbola a w = t to rounding (a few ulps). */
int fadyn_phase_on_hyperbola(double t, double a, double w);

/* 1 if the predicted class changes within one grid cell of (a, w): at one
 * of the eight neighbours (a ± da, w ± dw) it differs from (a, w). */
int fadyn_phase_near_separatrix(double b, double t, double a, double w, double da, double dw);

/* The separatrix parabola w = (a² − 3|bt|^{2/3}) / (2b) and the fold point
 * a_f = −sign(bt) |bt|^{1/3}: the parabola is the boundary for a < a_f
 * (bt > 0) or a > a_f (bt < 0); the unstable segment of the bad branch,
 * between a_f and 0, is the rest of it. */
double fadyn_phase_fold_a(double b, double t);
double fadyn_phase_separatrix_w(double b, double t, double a);

/* Points of the separatrix inside win's a-range: the parabola piece (n
 * points), one NaN point as a break, then the unstable segment (n points,
 * w = t/a; a = 0 skipped).  a[], w[] hold 2n + 1; returns the count. */
size_t fadyn_phase_separatrix(double b, double t, double a_lo, double a_hi, size_t n, double *a,
                              double *w);

/* Stability of the equilibrium (a, t/a), a ≠ 0, from the eigenvalues of
 * the 2x2 Jacobian (LAPACKE dgeev): one is 0 (along the hyperbola) and is
 * ignored — the one of smaller modulus; the other, lambda, decides.
 * Cross-check: the criterion of docs/theory.md §4, a² + b w > 0 (lambda = −(a² + b w)). */
typedef struct {
    double a, w;
    double lambda;       /* the non-zero eigenvalue (real part) */
    double lambda_zero;  /* the ignored one: ~0 up to rounding */
    int stable;          /* lambda < 0 */
    int stable_analytic; /* a² + b w > 0 */
    int good;            /* b w > 0 (eq 1) */
} fadyn_phase_eq;

int fadyn_phase_eq_stability(double b, double t, double a, fadyn_phase_eq *out, fadyn_err *err);

/* The Jacobian's eigenvalue of larger modulus at any state (a, w), from the
 * trace and determinant of the 2x2 (fadyn_phase_jac, forward time; det =
 * a b (t − w a)).  At an equilibrium the other eigenvalue is 0 (along the
 * hyperbola) and this one is −(a² + b w); near one, within the settling
 * tolerance, it is that to first order.  A complex pair (possible only away
 * from the hyperbola) reports its real part. */
double fadyn_phase_lambda(double b, double t, double a, double w);

/* Class of a settled state (a, w), |t − w a| small: unstable if lambda (from
 * fadyn_phase_lambda, into *lambda if not NULL) is positive beyond rounding
 * (1e-9 (a² + |b w|)), else good when b w > 0 (eq 1) and bad otherwise; the
 * degenerate fold point (lambda = 0) is bad. */
fadyn_phase_class fadyn_phase_settled_class(double b, double t, double a, double w, double *lambda);

/* The three branches of the equilibria a w = t, with the sign of a they
 * take and their stability (docs/theory.md §4): the good branch (sign(a) =
 * sign(bt), b w > 0), stable everywhere; the bad branch beyond the fold
 * point (|a| > |bt|^{1/3}), stable; and between the fold point and a = 0,
 * unstable.  a_from, a_to bound |a| (a_to = INFINITY for the unbounded
 * ones); sign is +1 or −1. */
typedef struct {
    const char *name; /* "good", "bad_stable", "bad_unstable" */
    int good, stable;
    int sign;
    double a_from, a_to; /* |a| in (a_from, a_to) */
} fadyn_phase_branch;

void fadyn_phase_branches(double b, double t, fadyn_phase_branch out[3]);

/* ---- integrating one start until it settles ---------------------------- */

typedef enum {
    FADYN_BASIN_EVOLVE = 0, /* one step at a time in a per-thread fadyn_integ_ws (default) */
    FADYN_BASIN_WRAPPER     /* fadyn_integrate, sampled, one call per start */
} fadyn_basin_engine;

typedef struct {
    fadyn_integ_params integ;   /* the integrator, as read here: stepper dop853, rtol 1e-7,
                                   atol 1e-9; h0 1e-2, the first step at most ...; t_end 1e4:
                                   unconverged after this time ...; nmax 100 000: ... or this
                                   many steps; radius 1e6: diverged beyond this max(|a|, |w|);
                                   hmin 1e-12 (or the first step, if smaller); samples 400: the
                                   wrapper engine's log-spaced convergence checks, from
                                   min(h0, t_end / 2) (log_time and t_min are not read) */
    double h0_rel;              /* ... and at most h0_rel (1 + |y|) / |f(y)|, 1e-2: a step that
                                   moves the state by ~1% (large windows are stiff) */
    double e_tol;               /* converged when |E| = |t − w a| < e_tol ... 1e-6 */
    double speed_tol;           /* ... and |(ȧ, ẇ)| < speed_tol, 1e-6 */
    int engine;                 /* fadyn_basin_engine */
    fadyn_progress_fn progress; /* grids: called one at a time with the fraction done, NULL */
    void *progress_ctx;
    int backward; /* integrate the reversed flow: where the start came from, 0 */
} fadyn_basin_params;

fadyn_basin_params fadyn_basin_params_default(void);
/* One line naming the bad field. */
int fadyn_basin_params_check(const fadyn_basin_params *bp, fadyn_err *err);

typedef struct {
    double a0, w0; /* start */
    double a, w;   /* end */
    double t_end;  /* time reached (convergence time if converged) */
    double C;      /* conserved quantity of the start */
    double
        lambda; /* non-zero Jacobian eigenvalue at a settled end (fadyn_phase_lambda), else NaN */
    int cls;    /* fadyn_phase_class, integrated */
    int predicted; /* fadyn_phase_class, docs/theory.md §4 (fadyn_phase_predict_dir) */
    int backward;  /* integrated in backward time */
    unsigned long steps, rhs_evals;
} fadyn_basin_point;

typedef struct fadyn_phase_ws fadyn_phase_ws;

/* One per thread.  NULL on allocation failure or bad parameters (err says). */
fadyn_phase_ws *fadyn_phase_ws_alloc(const fadyn_basin_params *bp, fadyn_err *err);
void fadyn_phase_ws_free(fadyn_phase_ws *ws);

/* The first step from y: min(h0, h0_rel (1 + |y|) / |f(y)|). */
double fadyn_phase_first_step(const fadyn_basin_params *bp, double b, double t, const double y[2]);

/* Integrate (a0, w0) under (b, t) until it converges, diverges or runs out
 * of time; fill *out.  A step that comes back non-finite (an explicit stage
 * overshooting where the flow is very fast) is retried from the same state
 * with a tenth of the step; a finite state beyond the radius is diverged.  Returns FADYN_OK (the
 * outcome is in out->cls) or an error (FADYN_EGSL). */
int fadyn_phase_settle(fadyn_phase_ws *ws, double b, double t, double a0, double w0,
                       fadyn_basin_point *out, fadyn_err *err);

/* ---- basin grids ------------------------------------------------------- */

typedef struct {
    double a_lo, a_hi, w_lo, w_hi;
} fadyn_window;

/* The exact area of the bad region inside win (docs/theory.md §4): for
 * b t > 0 and a fixed a, the criterion C = 2bw − a² < C*(a), with C*(a) the
 * fold C for a <= a_f and t/a·2b − a² (the middle root a₂(C) = a) for
 * a_f < a < 0, bounds w on one side of g(a) = the separatrix parabola
 * (a <= a_f) or the unstable branch t/a (a_f < a < 0), below it for b > 0
 * and above it for b < 0; no start with a >= 0 is bad.  b t < 0 mirrors a.
 * The area is the integral over a of the bad length of [w_lo, w_hi], by
 * Gauss–Kronrod quadrature (GSL) on the pieces between the fold, a = 0 and
 * the points where g crosses w_lo or w_hi, to 1e-12 relative.  b, t != 0
 * and finite, a_lo < a_hi, w_lo < w_hi; FADYN_EINVAL otherwise. */
int fadyn_phase_bad_area(double b, double t, const fadyn_window *win, double *area, fadyn_err *err);

/* Grid node (i, j) of an na x nw grid over win, endpoints included
 * (na, nw >= 2): a_i = a_lo + i (a_hi − a_lo)/(na − 1), likewise w_j. */
double fadyn_grid_a(const fadyn_window *win, size_t na, size_t i);
double fadyn_grid_w(const fadyn_window *win, size_t nw, size_t j);

typedef struct {
    size_t n; /* points */
    size_t counts[FADYN_PHASE_NCLASS];
    size_t predicted_bad;           /* analytic count of bad starts */
    size_t disagree;                /* integrated class != predicted */
    size_t disagree_near;           /* ... of which within one cell of the separatrix */
    unsigned long steps, rhs_evals; /* totals */
    double wall_seconds;
    int threads;
} fadyn_basin_stats;

/* Settle every node of the na x nw grid (OpenMP over rows of w, one
 * workspace per thread); pts[j*na + i] is node (a_i, w_j).  The analytic
 * class and the separatrix test are evaluated too.  Errors: FADYN_EINVAL,
 * FADYN_ENOMEM, FADYN_EGSL. */
int fadyn_basin_grid(double b, double t, const fadyn_window *win, size_t na, size_t nw,
                     const fadyn_basin_params *bp, fadyn_basin_point *pts, fadyn_basin_stats *st,
                     fadyn_err *err);

/* Count one unit of work done (atomically) and, on OpenMP thread 0 only,
 * report done/total to fn (if not NULL): for the grids' progress. */
void fadyn_phase_progress(fadyn_progress_fn fn, void *ctx, size_t *done, size_t total);

/* ---- trajectories for pictures ----------------------------------------- */

/* Sample the trajectory from (a0, w0) at n log-spaced times up to t_end
 * (t = 0 first) with the shared wrapper (fadyn_integrate); a[], w[], tt[]
 * receive n values.  Returns what fadyn_integrate returns. */
int fadyn_phase_trajectory(double b, double t, double a0, double w0, double t_end, size_t n,
                           double *tt, double *a, double *w, fadyn_err *err);

/* The same forward or backward in time (tt[] counts the time run, ≥ 0).
 * Backward, a start outside the interval of the middle root runs off to
 * infinity in finite time (along a parabola the reversed ȧ grows like a³):
 * the samples stop at the radius 1e6 and the rest are NaN, and
 * FADYN_DIVERGED is returned (a run outcome, not an error). */
int fadyn_phase_trajectory_dir(double b, double t, int backward, double a0, double w0, double t_end,
                               size_t n, double *tt, double *a, double *w, fadyn_err *err);

/* Where a sampled trajectory leaves the window: its first step from a
 * sample inside to one outside (NaN samples end it), the crossing of the
 * window's border found on that segment.  Returns FADYN_EXIT_LEAVES with
 * the crossing in *ea, *ew and its time (linear between the samples) in *et;
 * FADYN_EXIT_STAYS if it never leaves after being inside;
 * FADYN_EXIT_OUTSIDE if no sample is inside. */
enum { FADYN_EXIT_STAYS = 0, FADYN_EXIT_LEAVES, FADYN_EXIT_OUTSIDE };
int fadyn_phase_window_exit(const fadyn_window *win, const double *tt, const double *a,
                            const double *w, size_t n, double *et, double *ea, double *ew);

/* "stays", "leaves", "outside". */
const char *fadyn_exit_name(int exit);

/* 1 if (a, w) lies in the closed window. */
int fadyn_window_has(const fadyn_window *win, double a, double w);

/* ---- starts from a file -------------------------------------------------- */

typedef struct {
    double a, w;
    int backward; /* integrate backward in time */
} fadyn_phase_start;

/* Read starts from a text file: one `a w` pair a line (tabs or spaces), or
 * a table whose first line is a header of names (no numbers) with columns
 * a0 and w0 (or a and w) and, optionally, direction (forward | backward) —
 * the starts-and-ends tables of fadyn flow and fadyn basin replay as they
 * are.  Blank lines and lines starting with '#' are skipped; every row has
 * as many fields as the header (2 without one); values must be finite.
 * *starts is malloc'd (caller frees), *n >= 1.  Errors name the file, the
 * line and what is wrong: FADYN_EIO, FADYN_EPARSE, FADYN_ENOMEM. */
int fadyn_phase_starts_read(const char *path, fadyn_phase_start **starts, size_t *n,
                            fadyn_err *err);

/* Settle each of the n starts s[k] in its own direction of time (bp's
 * backward flag is ignored) into out[k], one workspace per direction.
 * Returns FADYN_OK or the first error of fadyn_phase_ws_alloc or
 * fadyn_phase_settle. */
int fadyn_phase_settle_starts(double b, double t, const fadyn_basin_params *bp,
                              const fadyn_phase_start *s, size_t n, fadyn_basin_point *out,
                              fadyn_err *err);

/* ---- the curves of a phase portrait ------------------------------------- */

/* The curves of the 1-1-1 phase plane, each in pieces (a piece is drawn as
 * one line): the equilibria a w = t split by stability and class; the
 * analytic separatrix; the nullclines ȧ = 0 (the hyperbola: ȧ = b E) and
 * ẇ = 0 (ẇ = E a: the hyperbola and the line a = 0). */
typedef enum {
    FADYN_CURVE_GOOD = 0,    /* stable equilibria with b w > 0 */
    FADYN_CURVE_BAD,         /* stable equilibria with b w < 0 */
    FADYN_CURVE_UNSTABLE,    /* unstable equilibria */
    FADYN_CURVE_SEPARATRIX,  /* parabola piece, unstable segment */
    FADYN_CURVE_NULLCLINE_A, /* ȧ = 0 */
    FADYN_CURVE_NULLCLINE_W, /* ẇ = 0 */
    FADYN_NCURVE
} fadyn_curve_kind;

/* "good", "bad", "unstable", "separatrix", "nullcline_adot", "nullcline_wdot". */
const char *fadyn_curve_name(int kind);

typedef struct {
    int kind;      /* fadyn_curve_kind */
    int piece;     /* 0, 1, ... within the kind */
    double a, w;   /* the point */
    double lambda; /* equilibria: the non-zero Jacobian eigenvalue (LAPACK), else NaN */
} fadyn_curve_point;

typedef struct {
    size_t n;                   /* points written */
    size_t count[FADYN_NCURVE]; /* ... of each kind */
    size_t checked, mismatch;   /* equilibria where LAPACK's stability was compared with
                                   a² + b w > 0 (away from the fold), and disagreed */
} fadyn_curve_stats;

/* Room fadyn_phase_curves needs for n samples per piece. */
size_t fadyn_phase_curves_cap(size_t n);

/* Every curve over win's a-range (the line a = 0 over its w-range), n
 * samples per piece (n >= 2), into out (fadyn_phase_curves_cap(n) points),
 * ordered by kind, then piece.  Each equilibrium's stability is the sign of
 * LAPACK's eigenvalue (fadyn_phase_eq_stability), cross-checked against
 * a² + b w > 0.  Errors: FADYN_EINVAL, FADYN_ELAPACK. */
int fadyn_phase_curves(double b, double t, const fadyn_window *win, size_t n,
                       fadyn_curve_point *out, fadyn_curve_stats *st, fadyn_err *err);

/* ---- layered networks: sampled basins (one hidden layer) --------------- */

/* End-state alignment: the symmetric part S = (W B + Bᵀ Wᵀ)/2 (n_o x n_o). */
typedef enum {
    FADYN_ALIGN_POSDEF = 0, /* eq (1) holds for every e: aligned */
    FADYN_ALIGN_INDEF,      /* some e aligned, some not (or semidefinite) */
    FADYN_ALIGN_NEGDEF,     /* anti-aligned */
    FADYN_ALIGN_NCLASS
} fadyn_align;

/* "posdef", "indefinite", "negdef". */
const char *fadyn_align_name(int align);

typedef struct {
    fadyn_integ_params integ;   /* t_end 400, dop853, rtol 1e-8, samples 41 (log time) */
    double nse_tol;             /* converged when NSE < nse_tol, 1e-14 ... */
    double speed_tol;           /* ... and ‖ẏ‖ < speed_tol, 1e-6 */
    double def_tol;             /* eigenvalues of S within def_tol·max|ev| of 0 count as 0, 1e-9 */
    double zero_tol;            /* Jacobian modes with |λ| <= zero_tol·max|λ| are along the
                                   equilibrium manifold and excluded, 1e-6 */
    int stability;              /* compute the Jacobian eigenvalues, 1 */
    fadyn_progress_fn progress; /* called by thread 0 with the fraction of starts done, NULL */
    void *progress_ctx;
    fadyn_init_params draw; /* scales of the drawn T and B (t_scale 1, b_scale 0.5); w_scale
                               unused: drawn directions are U[−1,1] */
} fadyn_nd_params;

fadyn_nd_params fadyn_nd_params_default(void);

typedef struct {
    int status;    /* FADYN_OK, FADYN_DIVERGED, FADYN_MAXSTEPS */
    int converged; /* NSE and speed below tolerance at the end */
    double nse, speed, t_end;
    double s_min, s_max;  /* extreme eigenvalues of sym(W B) */
    int align;            /* fadyn_align (of the end state, converged or not) */
    double nu_re_min;     /* min Re eig(W B) */
    double mu_min;        /* min eig(Aᵀ A) */
    int stable;           /* Jacobian: every non-excluded mode has Re λ < 0; −1 not computed */
    int stable_reduced;   /* nu_re_min + mu_min > 0 (at E = 0 the non-zero modes are
                             −(μ_i + ν_j), μ ∈ eig AᵀA, ν ∈ eig WB); −1 not computed */
    size_t zero_modes;    /* excluded modes; dim − n_o n_i expected at a regular equilibrium */
    double lambda_re_max; /* largest Re λ among the kept modes */
    unsigned long rhs_evals;
} fadyn_nd_result;

typedef struct fadyn_nd_ws fadyn_nd_ws;

/* Workspace for problems shaped like p (one hidden layer, fa, Σ = I). */
fadyn_nd_ws *fadyn_nd_ws_alloc(const fadyn_problem *p, fadyn_err *err);
void fadyn_nd_ws_free(fadyn_nd_ws *ws);

/* Integrate p's dynamics from y0 (p->dim values) and classify the end.
 * Returns FADYN_OK (outcome in *out) or an error. */
int fadyn_nd_run(fadyn_nd_ws *ws, const double *y0, const fadyn_nd_params *np, fadyn_nd_result *out,
                 fadyn_err *err);

/* The problem of one sample: T ~ U[−t_scale, t_scale], B ~ U[−b_scale,
 * b_scale] (ip's; NULL: 1 and 0.5) and the direction of the start U[−1,1]
 * in p->w0, drawn in that order from seed; fa, one hidden layer. */
int fadyn_nd_draw(fadyn_problem *p, const size_t sizes[3], const fadyn_init_params *ip,
                  unsigned long seed, fadyn_err *err);

/* Sampled starts: for sample s a problem is drawn from seed + s
 * (fadyn_nd_draw at np->draw's scales), and for every scale ω the start is ω
 * times its direction (paired across ω).  res[k*samples + s] is scale k,
 * sample s.  OpenMP over samples, BLAS on one thread inside. */
int fadyn_nd_run_many(size_t depth, const size_t *sizes, unsigned long seed, size_t samples,
                      const double *scales, size_t nscales, const fadyn_nd_params *np,
                      fadyn_nd_result *res, fadyn_err *err);

/* The user's problem p (T, B and a start p->w0, e.g. read with
 * fadyn_problem_load): the start ω·p->w0 for every scale ω, res[k] for
 * scale k.  OpenMP over the scales. */
int fadyn_nd_run_scales(const fadyn_problem *p, const double *scales, size_t nscales,
                        const fadyn_nd_params *np, fadyn_nd_result *res, fadyn_err *err);

/* A 2-D slice of starts y = ω (d0 + u d1 + v d2) of p's problem (T, B;
 * d0, d1, d2 of p->dim entries each: e.g. p->w0 and two directions read
 * from files, or coordinate axes), u, v over [−span, span] on an nu x nv
 * grid, res[j*nu + i] for (u_i, v_j); stability as np->stability says (a
 * Jacobian eigen-solve per point, the slow part).  OpenMP over the grid. */
int fadyn_nd_slice_of(const fadyn_problem *p, const double *d0, const double *d1, const double *d2,
                      double scale, double span, size_t nu, size_t nv, const fadyn_nd_params *np,
                      fadyn_nd_result *res, fadyn_err *err);

/* The slice through random directions: p, d0 from seed, d1 from
 * seed + 1000003, d2 from seed + 2000003 (fadyn_nd_draw at np->draw's
 * scales; d1, d2 are the draws' directions), then fadyn_nd_slice_of. */
int fadyn_nd_slice(size_t depth, const size_t *sizes, unsigned long seed, double scale, double span,
                   size_t nu, size_t nv, const fadyn_nd_params *np, fadyn_nd_result *res,
                   fadyn_err *err);

/* How the slice's directions d1, d2 are chosen. */
enum { FADYN_ND_DIRS_RANDOM = 0, FADYN_ND_DIRS_FILES, FADYN_ND_DIRS_AXES };
/* "random", "files", "axes" (NULL past the last). */
const char *fadyn_nd_dirs_name(int kind);

/* The directions d1, d2 (p->dim entries each) of a slice through p:
 * FADYN_ND_DIRS_FILES reads the weights of the directories spec[0] and
 * spec[1] (fadyn_problem_load_weights: A.txt, W.txt, the format of a saved
 * problem); FADYN_ND_DIRS_AXES makes unit coordinate axes from "NAME:row:col"
 * (spec[k], e.g. "A:0:1": entry (0, 1) of A, fadyn_problem_weight_index);
 * FADYN_ND_DIRS_RANDOM draws them as fadyn_nd_slice does, from seed +
 * 1000003 and seed + 2000003 at np->draw's scales (spec unused).  Errors
 * name the file or the axis. */
int fadyn_nd_slice_dirs(const fadyn_problem *p, int kind, const char *const spec[2],
                        unsigned long seed, const fadyn_nd_params *np, double *d1, double *d2,
                        fadyn_err *err);

/* A layered network's basin from the user's choices: the problem read from
 * init_from (sizes[0..2], one start per scale) or drawn from seed; then a
 * slice (through its start w0 at scales[0], directions of kind dirs from
 * dir_spec, na x nw points over ±span) or the starts at every scale. */
typedef struct {
    const char *init_from; /* NULL: drawn at np->draw's scales */
    const size_t *sizes;   /* 3 */
    unsigned long seed;
    int slice, dirs; /* dirs: FADYN_ND_DIRS_* */
    const char *dir_spec[2];
    const double *scales;
    size_t nscales;
    double span;
    size_t na, nw;
} fadyn_nd_user;
/* "d_0 drawn, d_1 and d_2 random" or "d_0 from DIR, d_1 and d_2 from D1
 * and D2" (the axes A:0:1 and W:1:0): what a slice's plot says of it. */
void fadyn_nd_slice_about(const char *init_from, int dirs, const char *spec0, const char *spec1,
                          char *buf, size_t n);
/* u's run: its start loaded or drawn, its slice's directions, then the
 * work items.  Under several MPI ranks every rank reads the files itself
 * and the ranks agree (fadyn/work.h) before the items: if one rank cannot
 * read them, every rank returns that rank's error; if the ranks read
 * different ones, every rank returns FADYN_EINVAL. */
int fadyn_nd_run_user(const fadyn_nd_user *u, const fadyn_nd_params *np, fadyn_nd_result *r,
                      fadyn_err *err);

/* Coordinate i of an n-point side of the slice: −span + 2 span i / (n − 1)
 * (u_i for i < nu, likewise v_j). */
double fadyn_nd_slice_coord(double span, size_t n, size_t i);

/* The Jacobian's zero modes at a regular equilibrium of the
 * sizes[0]-sizes[1]-sizes[2] network: dim − n_o n_i, dim = n_h (n_i + n_o)
 * (the equilibria W A = T form a manifold of that dimension). */
size_t fadyn_nd_zero_modes_expected(const size_t sizes[3]);

/* The end state of a result as one code, for tables and the slice image:
 * its fadyn_align if it converged, −1 unconverged, −2 diverged. */
int fadyn_nd_class(const fadyn_nd_result *r);

/* How a set of starts ended: the fraction in each class and stable, and how
 * the Jacobian's verdict compares with the reduced criterion. */
enum {
    FADYN_ND_UNCONVERGED = FADYN_ALIGN_NCLASS, /* tally slots after the alignments */
    FADYN_ND_DIVERGED,
    FADYN_ND_STABLE,
    FADYN_ND_NTALLY
};

typedef struct {
    double frac[FADYN_ND_NTALLY]; /* posdef, indefinite, negdef, unconverged, diverged, stable */
    size_t checked;               /* results with the Jacobian computed */
    size_t agree;                 /* ... whose stable equals stable_reduced */
    size_t zero_match;            /* ... with fadyn_nd_zero_modes_expected zero modes */
} fadyn_nd_tally;

/* The tally of n results of the sizes[0]-sizes[1]-sizes[2] network. */
fadyn_nd_tally fadyn_nd_tally_of(const fadyn_nd_result *r, size_t n, const size_t sizes[3]);

/* "posdef", "indefinite", "negdef", "unconverged", "diverged", "stable". */
const char *fadyn_nd_tally_name(int k);

/* ---- what a basin writes (src/phase/basin_output.c) ------------------- */

/* Starts and their ends, for the writers. */
typedef struct {
    const fadyn_basin_point *p;
    size_t n;
} fadyn_basin_points;

/* The points as TSV: a0 w0 class a_end w_end t_end C predicted direction (a
 * fadyn_plot_data writer, ctx a fadyn_basin_points). */
int fadyn_basin_write_points(const char *path, const void *points, fadyn_err *err);
/* The class map's curves (ctx a fadyn_basin_plot, fadyn/plots.h): the
 * curves table of fadyn/portrait.h (curve piece a w lambda: the equilibria
 * by stability, the separatrix, the nullclines) over the plot's window. */
int fadyn_basin_write_curves(const char *path, const void *plot, fadyn_err *err);
/* A grid's statistics st, with the exact bad area of win, into a JSON
 * summary (counts, points, fractions, the area and its fraction,
 * disagreements, speed) and as indented text lines. */
void fadyn_basin_summary(const fadyn_basin_stats *st, double area, const fadyn_window *win,
                         json_t *summary);
void fadyn_basin_report(const fadyn_basin_stats *st, double area, const fadyn_window *win,
                        fadyn_strbuf *lines);
/* The equilibrium branches of the 1-1-1 network (fadyn_phase_branches)
 * with their class and stability and their a-ranges, whole and inside
 * win, as "equilibria" of a JSON summary, and the fold point as
 * "fold_point" [a, w]. */
void fadyn_phase_branches_summary(double b, double t, const fadyn_window *win, json_t *summary);
/* Each start's end, class, time, C and predicted class: "points" of a JSON
 * summary, and a text table. */
void fadyn_basin_points_summary(const fadyn_basin_points *t, json_t *summary);
void fadyn_basin_points_report(const fadyn_basin_points *t, fadyn_strbuf *lines);

/* The results of fadyn_nd_run_many (nu = 0: samples x nscales, scale-major)
 * or fadyn_nd_slice (an nu x nv slice at scales[0]) with where each start
 * came from, and the tally of end states per scale (one for a slice). */
typedef struct {
    const fadyn_nd_result *r;
    size_t n, ntally;
    int slice;
    double *scale, *sample, *u, *v; /* per start: its scale, sample seed (0 in a slice), slice
                                       coordinates (NaN outside one) */
    fadyn_nd_tally *tally;
    double *tally_scale;
    double *cols; /* owns scale .. v */
} fadyn_nd_table;

int fadyn_nd_table_fill(fadyn_nd_table *t, const fadyn_nd_result *r, const size_t sizes[3],
                        unsigned long seed, size_t samples, const double *scales, size_t nscales,
                        double span, size_t nu, size_t nv, fadyn_err *err);
void fadyn_nd_table_free(fadyn_nd_table *t);
/* One row per start (scale sample u v status class nse t_end s_min s_max
 * nu_re_min mu_min stable stable_reduced zero_modes lambda_re_max; status
 * ok | diverged | max_steps, class a fadyn_nd_tally_name of the end, stable
 * and stable_reduced yes | no | unchecked), and the fractions per scale
 * (scale, then the tally's names): fadyn_plot_data writers, ctx the table. */
int fadyn_nd_write(const char *path, const void *table, fadyn_err *err);
int fadyn_nd_write_fractions(const char *path, const void *table, fadyn_err *err);
/* mode, fractions per scale, the expected zero modes and the speed into a
 * JSON summary; the fractions as a text table. */
void fadyn_nd_summary(const fadyn_nd_table *t, const size_t sizes[3], double wall, json_t *summary);
void fadyn_nd_report(const fadyn_nd_table *t, fadyn_strbuf *lines);

FADYN_API_END
#endif
