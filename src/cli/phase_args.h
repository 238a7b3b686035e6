/* phase_args.h — options shared by `fadyn flow` and `fadyn basin`: the
 * 1-1-1 network's b and t, the window, the starts, and how a start is
 * integrated until it settles. */
#ifndef FADYN_CLI_PHASE_ARGS_H
#define FADYN_CLI_PHASE_ARGS_H

#include "cli.h"
#include "fadyn/phase.h"
#include "fadyn/plot.h"
#include "fadyn/plots.h"

#include <stddef.h>

#define PHASE_MAX_FROM FADYN_FLOW_MAX_FROM

typedef struct {
    double b, t;
    fadyn_window win;
    /* --from, then --from-file's starts (at most PHASE_MAX_FROM), then with
     * --both a backward copy of each */
    fadyn_phase_start from[2 * PHASE_MAX_FROM];
    size_t nfrom;
    const char *from_file;
    int backward, both; /* --backward, --both */
    fadyn_basin_params bp;
    const char *out, *summary, *plot; /* output paths (NULL: none) */
    int quiet;
    fadyn_plot_target pt; /* parsed --plot (phase_plot_target), valid if plot != NULL */
} phase_common;

/* --b --t --window --from --from-file --backward --both over a phase_common, and --stepper --engine
 * --rtol --atol --e-tol --speed-tol --t-max over its fadyn_basin_params;
 * each with its heading. */
extern const cli_opt phase_net_table[], phase_settle_table[];

void phase_common_default(phase_common *pc);

/* The area of the window, (a_hi − a_lo)(w_hi − w_lo). */
double phase_window_area(const phase_common *pc);

/* b, t and the library's check of bp; the starts of --from-file read and
 * --backward or --both applied to every start; a note (one line, not an
 * error) for each start outside the window.  0 or CLI_EXIT_USAGE. */
int phase_common_check(cli_ctx *c, phase_common *pc);

/* --plot parsed into pc->pt, plot_w x plot_h pixels; 0 or CLI_EXIT_USAGE. */
int phase_plot_target(const char *cmd, phase_common *pc, int plot_w, int plot_h);

#endif
