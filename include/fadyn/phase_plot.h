/* fadyn/phase_plot.h — the figures of `fadyn flow` (Fig. 3b) and `fadyn
 * basin` (scripts in src/plot/plot_flow.c and plot_basin.c).  Each writes
 * its script beside the image and renders it (fadyn/plot.h); the data file
 * stem.tsv must already be written in the layout described here. */
#ifndef FADYN_PHASE_PLOT_H
#define FADYN_PHASE_PLOT_H

#include "fadyn/phase.h"
#include "fadyn/plot.h"

/* The data blocks of `fadyn flow --out` (gnuplot `index`), in this order,
 * each headed by a comment naming it; blocks are separated by two blank
 * lines and a block's separate pieces by one. */
enum {
    FADYN_FLOW_FIELD = 0,  /* a w da dw speed: arrows normalised to 0.7 cell */
    FADYN_FLOW_GOOD,       /* a w lambda: stable equilibria with b w > 0 */
    FADYN_FLOW_BAD,        /* a w lambda: stable equilibria with b w < 0 */
    FADYN_FLOW_UNSTABLE,   /* a w lambda: unstable equilibria */
    FADYN_FLOW_SEPARATRIX, /* a w: the analytic separatrix (parabola piece, unstable segment) */
    FADYN_FLOW_BASIN,      /* a w bad: the integrated basin grid (1 bad, 0 not) */
    FADYN_FLOW_HEADS,      /* a w da dw k: arrow heads along trajectory k */
    FADYN_FLOW_TRAJ        /* t a w: trajectory 0 (from 0,0), then one per --from */
};

#define FADYN_FLOW_MAX_FROM 64 /* --from starts a figure draws */

typedef struct {
    double b, t;
    fadyn_window win;
    size_t ntraj;                        /* trajectories, the first from (0, 0) */
    double from[FADYN_FLOW_MAX_FROM][2]; /* starts of trajectories 1.. */
    double bad_fraction;                 /* of the basin grid, for the title */
    int have[FADYN_FLOW_TRAJ];           /* 1 if block k has a point inside the window */
    /* per trajectory: a sample, an arrow head, the start inside the window
     * (gnuplot warns about plots with no point in range) */
    unsigned char traj_in[FADYN_FLOW_MAX_FROM + 1], head_in[FADYN_FLOW_MAX_FROM + 1],
        start_in[FADYN_FLOW_MAX_FROM + 1];
} fadyn_flow_plot;

/* Ranges, axis labels and aspect of a phase-plane window (shared). */
void fadyn_plot_window(fadyn_strbuf *b, const fadyn_window *w);

int fadyn_plot_flow(const fadyn_plot_target *t, const fadyn_flow_plot *fp, fadyn_err *err);

/* `fadyn basin` grid mode: the classes of stem.tsv (a0 w0 class a_end w_end
 * t_end C predicted, class words) as an image, the analytic separatrix and
 * the equilibria from sep_file (block 0: a w of the separatrix; block 1: a w
 * of the hyperbola a w = t) and the disagreements marked. */
typedef struct {
    double b, t;
    fadyn_window win;
    size_t na, nw;
    size_t disagree;
    double bad_fraction, analytic_fraction;
    const char *sep_file; /* basename of the separatrix data beside the image */
} fadyn_basin_plot;

int fadyn_plot_basin(const fadyn_plot_target *t, const fadyn_basin_plot *bp, fadyn_err *err);

/* `fadyn basin --sizes`: the fractions of end states against the initial
 * scale ω, from stem-fractions.tsv with columns scale posdef indefinite negdef
 * unconverged diverged stable (fractions). */
int fadyn_plot_basin_nd(const fadyn_plot_target *t, const char *sizes, size_t samples,
                        fadyn_err *err);

/* `fadyn basin --slice`: the end-state class over the slice, from the
 * columns u, v and align (fadyn_align code, −1 unconverged, −2 diverged)
 * of stem.tsv. */
int fadyn_plot_basin_slice(const fadyn_plot_target *t, const char *sizes, double scale,
                           fadyn_err *err);

#endif
