/* fadyn/plots.h — the figures of each subcommand (scripts in src/plot/).
 * Each writes its script beside the image and renders it (fadyn/plot.h);
 * the data file stem.tsv must already be written. */
#ifndef FADYN_PLOTS_H
#define FADYN_PLOTS_H

#include "fadyn/integrate.h"
#include "fadyn/plot.h"
#include "fadyn/problem.h"

/* `fadyn ode`: loss/NSE, V, the drift of C and the angles against t, from
 * the columns of fadyn_obs_names. */
int fadyn_plot_ode(const fadyn_plot_target *t, const fadyn_problem *p, const fadyn_integ_params *ip,
                   fadyn_err *err);

#endif
