/* fadyn/plots.h — the script of every figure (one source file each in
 * src/plot/), grouped by the command that draws it.  Each writes its script
 * beside the image and renders it (fadyn/plot.h); the data files it reads,
 * named here, must already be written beside the image (fadyn_plot_make
 * writes them and renders in one call). */
#ifndef FADYN_PLOTS_H
#define FADYN_PLOTS_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/integrate.h"
#include "fadyn/phase.h"
#include "fadyn/plot.h"
#include "fadyn/portrait.h"
#include "fadyn/problem.h"
#include "fadyn/verify.h"

#include <stddef.h>

/* ---- fadyn ode (src/plot/plot_ode.c) ------------------------------------- */

/* Loss/NSE, V, the drift of C and the angles against t, from the columns
 * of fadyn_obs_names in stem.tsv. */
int fadyn_plot_ode(const fadyn_plot_target *t, const fadyn_problem *p, const fadyn_integ_params *ip,
                   fadyn_err *err);

/* ---- fadyn flow, Fig. 3b (src/plot/plot_flow.c) --------------------------- */

#define FADYN_FLOW_MAX_FROM 64 /* --from starts on a command line */

/* The phase portrait from the tables of fadyn/portrait.h beside the image
 * (stem.tsv, stem-field.tsv, ...: fadyn_portrait_suffix), p the portrait
 * they were written from (what lies in the window decides which items are
 * drawn: gnuplot warns about items with no point in range). */
typedef struct {
    const fadyn_portrait *p;
    const char *stem;  /* basename of the tables (NULL: the image's; escaped here) */
    int basin;         /* shade the integrated bad basin */
    const char *title; /* first title line (NULL: Fig. 3b's) */
} fadyn_flow_plot;

/* Ranges, axis labels and aspect of a phase-plane window (shared). */
void fadyn_plot_window(fadyn_strbuf *b, const fadyn_window *w);

/* The figure; the dumb terminal is refused (FADYN_EINVAL): arrows, a
 * shaded basin and a colour bar have no readable text form. */
int fadyn_plot_flow(const fadyn_plot_target *t, const fadyn_flow_plot *fp, fadyn_err *err);

/* The figure's data files for fadyn_plot_make: every table of p beside the
 * image; out: the path where --out wrote the same tables (NULL: none), so
 * that a file already there is not written twice. */
typedef struct {
    fadyn_plot_data d[FADYN_PORTRAIT_NTABLE];
    char written[FADYN_PORTRAIT_NTABLE][FADYN_PATH_MAX];
    double bytes[FADYN_PORTRAIT_NTABLE]; /* each table's size, estimated */
} fadyn_flow_data;

void fadyn_flow_data_init(fadyn_flow_data *fd, const fadyn_portrait *p, const char *out);

/* fadyn_plot_flow as a fadyn_plot_draw_fn (ctx: a fadyn_flow_plot). */
int fadyn_plot_flow_draw(const fadyn_plot_target *t, const void *ctx, fadyn_err *err);

/* The key's line for a trajectory: its start, direction, class, end and λ,
 * and whether it leaves the window. */
void fadyn_plot_flow_traj_title(const fadyn_portrait_traj *tr, char *out, size_t n);

/* The settings and plot command of the figure without the terminal lines:
 * what the interactive window replots after every click. */
void fadyn_plot_flow_commands(fadyn_strbuf *b, const fadyn_flow_plot *fp);

/* ---- fadyn basin (src/plot/plot_basin.c) --------------------------------- */

/* Grid mode: the classes of stem.tsv (a0 w0 class a_end w_end t_end C
 * predicted, class words) as an image, or with map FADYN_BASIN_MAP_T_END
 * its t_end as a heat map (log colour scale); over it the equilibria by
 * stability (stable good, stable bad, unstable), the analytic separatrix
 * and the fold point from sep_file (the curves table of
 * fadyn_basin_write_curves: curve piece a w lambda), and the
 * disagreements marked.  The dumb terminal is refused (FADYN_EINVAL). */
enum { FADYN_BASIN_MAP_CLASS = 0, FADYN_BASIN_MAP_T_END };
typedef struct {
    double b, t;
    fadyn_window win;
    size_t na, nw;
    size_t disagree;
    double bad_fraction;       /* integrated */
    double predicted_fraction; /* nodes the criterion of docs/theory.md §4 calls bad */
    double area_fraction;      /* the exact area of the bad region over the window's */
    const char *sep_file;      /* basename of the curves table beside the image */
    int map;                   /* FADYN_BASIN_MAP_CLASS or _T_END */
} fadyn_basin_plot;

int fadyn_plot_basin(const fadyn_plot_target *t, const fadyn_basin_plot *bp, fadyn_err *err);

/* `fadyn basin --sizes`: the fractions of end states against the initial
 * scale ω, from stem-fractions.tsv with columns scale posdef indefinite negdef
 * unconverged diverged stable (fractions). */
int fadyn_plot_basin_nd(const fadyn_plot_target *t, const char *sizes, size_t samples,
                        fadyn_err *err);

/* `fadyn basin --slice`: the end-state class over the slice, from the
 * columns u, v and class (posdef, indefinite, negdef, unconverged,
 * diverged) of stem.tsv; dirs, a line in the title, says where d0, d1 and
 * d2 came from (escaped for gnuplot, fadyn_plot_escape). */
int fadyn_plot_basin_slice(const fadyn_plot_target *t, const char *sizes, double scale,
                           const char *dirs, fadyn_err *err);

/* ---- fadyn train, compare and figure (src/plot/plot_train.c, plot_figures.c) */

/* `fadyn train`: NSE (mean ± sd band) and the angles against examples, from
 * stem.tsv (columns example, nse_mean, nse_sd, ..., see docs/cli.md).
 * nhidden: hidden layers (angle columns); angles: drawn, of kind angle
 * (its axis label, fadyn_angle_axis_label); title: one line. */
int fadyn_plot_train(const fadyn_plot_target *t, size_t nhidden, int angles, fadyn_angle_kind angle,
                     const char *title, fadyn_err *err);

/* `fadyn compare`: deviations against η, one line per batch K, from stem.tsv
 * (columns eta batch deviation loss_deviation status, rows grouped by K),
 * the cells whose status is not ok as crosses at 2·top (in the key if
 * nfailed > 0); and NSE(t) of the
 * ODE and of each cell's trainer from stem-nse.tsv (cell t nse_train
 * nse_ode; cell c = etas[c / nb], batches[c % nb]). */
int fadyn_plot_compare(const fadyn_plot_target *t, const double *etas, size_t ne,
                       const size_t *batches, size_t nb, double top, size_t nfailed,
                       fadyn_err *err);

/* Fig. 1d: NSE against examples, one curve per rule from files
 * STEM-RULE.tsv (columns example nse_mean nse_sd ...): a linear-scale panel
 * of the first xmax_linear examples and a log-scale panel of all. */
int fadyn_plot_fig1d(const fadyn_plot_target *t, const char *const *rules, size_t nrules,
                     double xmax_linear, fadyn_err *err);
/* Fig. 1e: angle with a ±2 sd sliding-window band, from stem.tsv
 * (columns example angle mean sd); the y label says the angle's kind. */
int fadyn_plot_fig1e(const fadyn_plot_target *t, fadyn_angle_kind angle, fadyn_err *err);
/* Fig. 2d, two panels.  Left, the paper's: the test NSE against examples,
 * log-log, one curve per condition (the mean over the runs, a band of
 * ±1 sem) from stem-curves.tsv (columns rule layers example nse_mean nse_sd
 * n).  Right: bars of the final NSE (mean ± sd, a point per run) from
 * stem.tsv (columns rule layers run nse mean sd), the t-tests' p-values in
 * its title.  n runs of `examples` examples each. */
typedef struct {
    const char *rule; /* a rule of the table (fadyn/rule.h) */
    size_t layers;
    const char *colour; /* #rrggbb */
} fadyn_plot_fig2d_cond;
typedef struct {
    const char *rule; /* 3 against 4 layers */
    double p;
} fadyn_plot_fig2d_test;
int fadyn_plot_fig2d(const fadyn_plot_target *t, const fadyn_plot_fig2d_cond *cond, size_t ncond,
                     const fadyn_plot_fig2d_test *test, size_t ntest, size_t n, size_t examples,
                     fadyn_err *err);
/* Fig. 4: NSE, angle to bp, angle to pbp against examples, one colour per
 * ω, from stem-wI.tsv files (i = 0..n-1). */
int fadyn_plot_fig4(const fadyn_plot_target *t, const double *omegas, size_t n,
                    fadyn_angle_kind angle, fadyn_err *err);

/* ---- MNIST, Task 2: fadyn train --task mnist, Figs. 2a, 2b, S1 (src/plot/plot_mnist.c) */

/* `fadyn train --task mnist`: test error (mean, ± sd band over runs) and,
 * with angles, Δh_FA∠Δh_BP against examples, from stem.tsv (the columns of
 * fadyn_mnist_write_mean). */
int fadyn_plot_mnist_train(const fadyn_plot_target *t, int angles, fadyn_angle_kind angle,
                           const char *title, fadyn_err *err);
/* Fig. 2a: test error against examples, one curve per rule (its mean, a
 * band of ± 1 sd) from STEM-RULE.tsv (fadyn_mnist_write_mean's columns), in
 * the rule's colour (sparse rules light grey and dashed, as the paper), the
 * final means and the paper's (0: none) in the key. */
int fadyn_plot_fig2a(const fadyn_plot_target *t, const char *const *rules, const double *final,
                     const double *paper, size_t n, fadyn_err *err);
/* Fig. 2b: the angle's interval means with ± 1 sd bars, from stem.tsv
 * (columns example mean sd). */
int fadyn_plot_fig2b(const fadyn_plot_target *t, size_t runs, fadyn_angle_kind angle,
                     fadyn_err *err);
/* Fig. S1: four grey mosaics (`with image`: white positive, black
 * negative) from the four blocks of stem.tsv: the start, bp, fa, sparse fa;
 * their test errors (%) in the titles.  The pixels between tiles hold
 * FADYN_PLOT_MOSAIC_GAP, outside the fields' [-1, 1], drawn as background
 * (not NaN, which gnuplot's matrix reader warns about on every panel). */
#define FADYN_PLOT_MOSAIC_GAP 2.0
int fadyn_plot_figS1(const fadyn_plot_target *t, size_t units, const double *test_error,
                     fadyn_err *err);

/* ---- fadyn verify (src/plot/plot_verify.c) -------------------------------- */

/* The figure of one trace: V, s against both bounds, the drift of C and the
 * angles against t, from stem.tsv (columns fadyn_obs_names, then vdot). */
int fadyn_plot_verify(const fadyn_plot_target *t, const fadyn_verify_params *vp,
                      const fadyn_verify_trace *tr, fadyn_err *err);

FADYN_API_END
#endif
