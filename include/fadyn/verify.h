/* fadyn/verify.h — the numerical checks of the paper's supplementary proofs
 * (docs/theory.md §3–§6) and of Baldi, Sadowski & Lu 2018 on the same dynamics.
 *
 * The battery is a table of checks (fadyn_checks[]): each has a name, the
 * equation it tests, a function that measures one number on one random
 * instance, and a tolerance.  fadyn_verify_run evaluates every selected check
 * on an ensemble of seeded instances, gives each instance a verdict (holds,
 * fails, n/a, undecided), keeps every instance's value and the worst case,
 * and passes a check when every instance it applies to holds (or the
 * check's stated fraction of them).
 *
 * Fault injection (fadyn_break): the same battery on instances that violate
 * one hypothesis — a large random start (C ≠ 0), n_o > n_h (B⁺B ≠ I), or a
 * wrong sign on the hidden-layer update, injected in verify's own wrapper of
 * the dynamics (never in src/dynamics/).  The checks that rely on the broken
 * hypothesis must then fail; docs/verification.md lists which.
 *
 * fadyn_verify_run is thread-safe on distinct arguments; it parallelises over
 * instances with OpenMP (one workspace and one gsl_rng per instance). */
#ifndef FADYN_VERIFY_H
#define FADYN_VERIFY_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/integrate.h"
#include "fadyn/io.h"
#include "fadyn/observer.h"
#include "fadyn/ode.h"

#include <jansson.h>
#include <stddef.h>

/* The hypothesis a run violates on purpose. */
typedef enum {
    FADYN_BREAK_NONE = 0,
    FADYN_BREAK_C_NONZERO, /* large random start: C ≠ 0 (Lemma 2–3, Theorem 1, Lemma 5) */
    FADYN_BREAK_RANK,      /* n_o > n_h: B has no left inverse (Theorem 1) */
    FADYN_BREAK_SIGN,      /* hidden update with the wrong sign (fault injection) */
    FADYN_BREAK_SIGMA,     /* inputs with covariance Σ ≠ I (eq 12–13 take Σ = I): Lemma 4 */
    FADYN_BREAK_COUNT
} fadyn_break;

/* "none", "c-nonzero", "rank", "sign", "sigma" <-> break; parse: FADYN_EINVAL if unknown. */
int fadyn_break_parse(const char *name, fadyn_break *b);
const char *fadyn_break_name(fadyn_break b);

#define FADYN_VERIFY_MAX_SIZES 16
#define FADYN_VERIFY_NEXTRA    2

typedef struct {
    size_t instances;                        /* per check, 24 */
    unsigned long seed;                      /* 1 */
    size_t nsizes;                           /* instance i uses sizes[i % nsizes] */
    size_t sizes[FADYN_VERIFY_MAX_SIZES][3]; /* n_i, n_h, n_o */
    fadyn_break brk;                         /* FADYN_BREAK_NONE */
    int representable;                       /* under rank: T of rank n_h (0: T ~ U[-1,1]) */
    int threads;                             /* OpenMP threads, 0: the runtime's choice */
    /* Proof 1 and Fig. 4: trajectories of the expected dynamics (docs/theory.md §2–3),
     * integrated with rk8pd, rtol 1e-10, atol 1e-12 to the horizon t_end 400 at 401
     * sample times, logarithmic from t_min 1e-3 (log_time 1); the scalar chains use
     * the same integrator to chain_t_end */
    fadyn_integ_params integ;
    double skew_scale;   /* C = 0 start: A = 0, W = B⁺ P S P, S skew ~ U[-x,x], 0.5 */
    double near_bound;   /* near-bound C = 0 start: s(0) = x × eq 47's bound, 0.9 */
    double small_scale;  /* Fig. 4 start ω (paper), 0.01 */
    double big_scale;    /* --break c-nonzero start ω, 1 */
    double sigma_spread; /* --break sigma: Σ = diag(σ), log σ_j ~ U[−log x, log x], 4 */
    double fd_rel;       /* central-difference step, relative, 1e-5 */
    double nse_floor;    /* Fig. 4 counts the time with NSE above it, 1e-8 */
    double fig4_tie_deg; /* Fig. 4: angles within it count as equal, 1e-6 */
    /* Proof 2: sigmoid network y = W σ(A x) (docs/theory.md §5) */
    double p2_eta_max, p2_eta_min; /* η sweep (decades), 1e-2 .. 1e-6 */
    double p2_fd_step;             /* directional central difference, 1e-5 */
    /* Proof 3: one pair from zero (docs/theory.md §6) */
    double p3_rate;    /* η · (contraction rate at the fixed point), 0.1 */
    size_t p3_steps;   /* 600 */
    double p3_e_floor; /* angles only while ‖e‖/‖ỹ‖ > it, 1e-6 */
    double p3_blowup;  /* stop when ‖e‖/‖ỹ‖ exceeds it, 1e6 */
    size_t p3m_steps;  /* m pairs (p3-pbp-not-bp): at most this many steps, 20000 */
    double p3m_margin; /* n/a unless angle(bp, pbp) >= it at the end, degrees, 10 */
    /* Fig. 4 on the stochastic trainer (Task 1, fa, online) */
    size_t fig4_examples; /* examples per instance, 20000 */
    double fig4_eta;      /* the paper's rate for Fig. 4, 1e-3 */
    /* Baldi et al. 2018 scalar chains */
    double chain_t_end;   /* 2000 */
    double chain_start;   /* starts ~ U[-x, x], 2 */
    double chain_min_bt;  /* |b|, |t| >= it, 0.2 */
    double chain_perturb; /* off-equilibrium kick κ, 1e-6; back within √κ = attracted */
    double chain_margin;  /* skip equilibria with |a² + b w| < it, 0.05 */
} fadyn_verify_params;

fadyn_verify_params fadyn_verify_params_default(void);

/* Check the parameters; one line naming the bad one. */
int fadyn_verify_params_check(const fadyn_verify_params *vp, fadyn_err *err);

/* One random instance: private to src/verify/. */
typedef struct fadyn_verify_inst fadyn_verify_inst;

/* Measure one instance: val[0] is the check's number, val[1..] its extras.
 * Returns FADYN_OK (measured; a non-finite val[0] counts as a failure of the
 * check), FADYN_VERIFY_NA (the claim does not apply to this instance: not
 * counted), FADYN_VERIFY_UNDECIDED (the measurement cannot decide, e.g. not
 * converged by the longest horizon: counted apart from failures), or
 * FADYN_ENOMEM. */
typedef int (*fadyn_check_fn)(fadyn_verify_inst *in, double *val);

#define FADYN_VERIFY_NA        1
#define FADYN_VERIFY_UNDECIDED 2

typedef enum { FADYN_REDUCE_MAX = 0, FADYN_REDUCE_MIN, FADYN_REDUCE_MEAN } fadyn_reduce;

typedef struct {
    const char *name;     /* e.g. "p1-conserved-c" */
    const char *equation; /* e.g. "eq 14" */
    const char *claim;    /* one line: what the paper (or docs/theory.md) claims */
    const char *measure;  /* one line: the number measured per instance */
    fadyn_check_fn fn;
    double tolerance;
    fadyn_reduce worst; /* MAX: an instance holds iff val <= tolerance; MIN: iff >= */
    const char *extra_name[FADYN_VERIFY_NEXTRA]; /* NULL if unused */
    fadyn_reduce extra_reduce[FADYN_VERIFY_NEXTRA];
    /* the check passes iff at least this fraction of the instances it
     * applies to holds, and none is undecided (0 means 1: every instance) */
    double min_fraction;
} fadyn_check;

/* The battery, terminated by an entry with name NULL. */
extern const fadyn_check fadyn_checks[];
size_t fadyn_check_count(void);

/* Select checks by a comma-separated list of names or name prefixes
 * ("p1" picks every Proof 1 check).  selected[] has fadyn_check_count()
 * entries.  FADYN_EINVAL (naming the item) if one matches nothing. */
int fadyn_check_select(const char *list, int *selected, fadyn_err *err);

/* The verdict on one instance. */
typedef enum {
    FADYN_VERDICT_HOLDS = 0,
    FADYN_VERDICT_FAILS,     /* beyond the tolerance, or not finite */
    FADYN_VERDICT_NA,        /* the claim does not apply */
    FADYN_VERDICT_UNDECIDED, /* e.g. not converged by the longest horizon */
    FADYN_VERDICT_COUNT
} fadyn_verdict;

/* "holds", "fails", "n/a", "undecided". */
const char *fadyn_verdict_name(fadyn_verdict v);

typedef struct {
    const fadyn_check *check;
    size_t instances;      /* evaluated */
    size_t failing;        /* instances beyond the tolerance (or non-finite) */
    size_t not_applicable; /* instances the claim does not apply to */
    size_t undecided;      /* instances the measurement could not decide */
    double worst;          /* max or min over the measured instances of val[0] (NaN if one was) */
    size_t worst_instance;
    double extra[FADYN_VERIFY_NEXTRA];
    int pass;
    double *value;          /* val[0] of each instance (NaN where n/a), instances entries */
    fadyn_verdict *verdict; /* each instance's verdict */
} fadyn_check_result;

/* Free the per-instance arrays of n results (NULL-safe). */
void fadyn_check_results_free(fadyn_check_result *res, size_t n);

/* Run the selected checks (selected NULL: all) into res[fadyn_check_count()]
 * (unselected entries have instances = 0; free with fadyn_check_results_free,
 * also after an error); progress (may be NULL) receives
 * the fraction of instances done, from one thread at a time.  Returns FADYN_OK if every
 * selected check passes, FADYN_CHECK_FAILED if one fails,
 * or a negative error (bad parameters, out of memory). */
int fadyn_verify_run(const fadyn_verify_params *vp, const int *selected, fadyn_check_result *res,
                     fadyn_progress_fn progress, void *pctx, fadyn_err *err);

/* Sizes of instance i after the break is applied (rank: n_o > n_h). */
void fadyn_verify_instance_sizes(const fadyn_verify_params *vp, size_t i, size_t sizes[3]);

/* The Proof 1 trajectory of one instance (the C = 0 start, or the large one
 * under c-nonzero), for plots: the observer's rows at the sample times, V̇
 * (closed form), V̈ (from the field and its derivative), Lemma 4's bound on
 * |V̈| and both bounds on s. */
typedef struct {
    fadyn_obs *rows;
    double *vdot, *vddot, *vddot_bound; /* each nrows */
    size_t nrows;
    size_t instance;
    size_t sizes[3];
    double s_bound_paper, s_bound_derived;
    const char *start; /* how the instance starts, in words */
    int status;        /* the integration's status */
} fadyn_verify_trace;

int fadyn_verify_trace_run(const fadyn_verify_params *vp, size_t instance, fadyn_verify_trace *tr,
                           fadyn_err *err);
void fadyn_verify_trace_free(fadyn_verify_trace *tr);

/* What a verification writes (src/verify/report.c).
 * fadyn_verify_list: every check with its equation, claim, measure and
 * tolerance, as text.  fadyn_verify_report: the instances and sizes, the
 * table of the results res (nc entries, fadyn_verify_run's), its notes and
 * the verdict, as text.
 * fadyn_verify_summary: into a JSON summary, "pass" and "checks" (per check
 * its name, equation, claim, measure, counts, worst, tolerance, verdict,
 * extras and per_instance: sizes, value, verdict).
 * fadyn_verify_plot: the figure of instance's trace, dir/verify-BREAK.png
 * with its .gp and .tsv (fadyn_plot_make: FADYN_NOPLOT without gnuplot).
 * fadyn_verify_trace_write: a trace's rows as TSV (the observer's columns,
 * vdot, vddot, vddot_bound). */
void fadyn_verify_list(fadyn_strbuf *lines);
void fadyn_verify_report(const fadyn_verify_params *vp, const fadyn_check_result *res, size_t nc,
                         fadyn_strbuf *lines);
void fadyn_verify_summary(const fadyn_verify_params *vp, const fadyn_check_result *res, size_t nc,
                          int all_pass, json_t *summary);
int fadyn_verify_plot(const fadyn_verify_params *vp, size_t instance, const char *dir,
                      fadyn_err *err);
int fadyn_verify_trace_write(const char *path, const void *trace, fadyn_err *err);

FADYN_API_END
#endif
