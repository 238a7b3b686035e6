/* phase_args.h — options shared by `fadyn flow` and `fadyn basin`: the
 * 1-1-1 network's b and t, the window, grids, starts, integration settings. */
#ifndef FADYN_CLI_PHASE_ARGS_H
#define FADYN_CLI_PHASE_ARGS_H

#include "fadyn/phase.h"
#include "fadyn/plot.h"
#include "fadyn/plots.h"

#include <getopt.h>
#include <stddef.h>

#define PHASE_MAX_FROM FADYN_FLOW_MAX_FROM

typedef struct {
    double b, t;
    fadyn_window win;
    double from[PHASE_MAX_FROM][2];
    size_t nfrom;
    fadyn_basin_params bp;
    const char *out, *summary, *plot; /* output paths (NULL: none) */
    int quiet;
    fadyn_plot_target pt; /* parsed --plot, valid if plot != NULL */
} phase_common;

void phase_common_default(phase_common *pc);

/* The area of the window, (a_hi − a_lo)(w_hi − w_lo). */
double phase_window_area(const phase_common *pc);

/* Parse the value of a shared option (name without "--"); returns 1 if the
 * option is not a shared one, 0 on success, CLI_EXIT_USAGE after printing
 * the one-line error. */
int phase_common_option(const char *cmd, phase_common *pc, const char *name, const char *val);

/* Check b, t and the parameters; note (one line, not an error) each --from
 * outside the window.  0 or CLI_EXIT_USAGE. */
int phase_common_check(const char *cmd, const phase_common *pc);

/* "NxM" into *na, *nw (each >= 2), refusing grids whose points of `bytes`
 * each would not fit in memory.  0 or CLI_EXIT_USAGE. */
int phase_grid(const char *cmd, const char *opt, const char *s, size_t bytes, size_t *na,
               size_t *nw);

/* getopt_long entries of the shared options; their val is PHASE_OPT, and
 * the handler passes long_opts[index].name to phase_common_option. */
#define PHASE_OPT 1000
#define PHASE_COMMON_OPTIONS                                                                       \
    {"b", required_argument, 0, PHASE_OPT}, {"t", required_argument, 0, PHASE_OPT},                \
        {"window", required_argument, 0, PHASE_OPT}, {"from", required_argument, 0, PHASE_OPT},    \
        {"stepper", required_argument, 0, PHASE_OPT}, {"rtol", required_argument, 0, PHASE_OPT},   \
        {"atol", required_argument, 0, PHASE_OPT}, {"t-max", required_argument, 0, PHASE_OPT},     \
        {"e-tol", required_argument, 0, PHASE_OPT},                                                \
        {"speed-tol", required_argument, 0, PHASE_OPT},                                            \
        {"engine", required_argument, 0, PHASE_OPT}, {"out", required_argument, 0, PHASE_OPT},     \
        {"summary", required_argument, 0, PHASE_OPT}, {"plot", required_argument, 0, PHASE_OPT},   \
        {"quiet", no_argument, 0, PHASE_OPT}, {                                                    \
        "help", no_argument, 0, 'h'                                                                \
    }

/* The help text of the shared options. */
extern const char *const PHASE_COMMON_HELP;

/* A command's own options: getopt's code and argument; 0 or CLI_EXIT_USAGE. */
typedef int (*phase_own_fn)(void *ctx, int code, const char *arg);

/* getopt_long over argv with opts (which include PHASE_COMMON_OPTIONS):
 * shared options into pc, the others to own(ctx, ...).  --help prints
 * help_head, the shared help and help_tail and returns -1; otherwise 0, or
 * CLI_EXIT_USAGE after the one-line error. */
int phase_parse(const char *cmd, int argc, char **argv, const struct option *opts, phase_common *pc,
                const char *help_head, const char *help_tail, phase_own_fn own, void *ctx);

/* After the command's own checks: --out/--summary writable, --plot parsed
 * (plot_w x plot_h pixels).  0 or CLI_EXIT_USAGE. */
int phase_outputs_check(const char *cmd, phase_common *pc, int plot_w, int plot_h);

#endif
