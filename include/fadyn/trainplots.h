/* fadyn/trainplots.h — the figures of `fadyn train`, `fadyn compare` and
 * `fadyn figure` (scripts in src/plot/plot_train.c, plot_figures.c).  Each
 * writes its script beside the image and renders it; the data files must
 * already be written. */
#ifndef FADYN_TRAINPLOTS_H
#define FADYN_TRAINPLOTS_H

#include "fadyn/plot.h"

/* `fadyn train`: NSE (mean ± sd band) and the angles against examples, from
 * stem.tsv (columns example, nse_mean, nse_sd, ..., see docs/cli.md).
 * nhidden: hidden layers (angle columns); title: one line. */
int fadyn_plot_train(const fadyn_plot_target *t, size_t nhidden, int angles, const char *title,
                     fadyn_err *err);

/* `fadyn compare`: deviations against η, one line per batch K, from stem.tsv
 * (columns eta batch deviation deviation_max loss_deviation, rows grouped by K). */
int fadyn_plot_compare(const fadyn_plot_target *t, const size_t *batches, size_t nb,
                       fadyn_err *err);

/* Fig. 1d: NSE against examples, one curve per rule from files
 * STEM-RULE.tsv (columns example nse_mean nse_sd ...): a linear-scale panel
 * of the first xmax_linear examples and a log-scale panel of all. */
int fadyn_plot_fig1d(const fadyn_plot_target *t, const char *const *rules, size_t nrules,
                     double xmax_linear, fadyn_err *err);
/* Fig. 1e: angle with a ±2 sd sliding-window band, from stem.tsv
 * (columns example angle mean sd). */
int fadyn_plot_fig1e(const fadyn_plot_target *t, fadyn_err *err);
/* Fig. 2d: bars of the test NSE (mean ± sd, points per run) for 3 and 4
 * layers with bp and fa, n runs each, from stem.tsv (columns group rule_fa
 * layers run nse mean sd), the p-values in the title. */
int fadyn_plot_fig2d(const fadyn_plot_target *t, size_t n, double p_bp, double p_fa,
                     fadyn_err *err);
/* Fig. 4: NSE, angle to bp, angle to pbp against examples, one colour per
 * ω, from stem-wI.tsv files (i = 0..n-1). */
int fadyn_plot_fig4(const fadyn_plot_target *t, const double *omegas, size_t n, fadyn_err *err);

#endif
