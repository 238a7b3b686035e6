/* fadyn/portrait.h — the phase portrait of the 1-1-1 network as data
 * (docs/theory.md §4, Fig. 3b): the flow field, the curves (equilibria by
 * stability, separatrix, nullclines), the integrated basin and a growing set
 * of trajectories, forward or backward in time, each with its settled end
 * (class and Jacobian eigenvalue) and where it leaves the window; and the
 * tables that hold them, one per file, as pandas, numpy and gnuplot read
 * them.  `fadyn flow`, Fig. 3b and the interactive explorer share it.
 *
 * Lifecycle: fadyn_portrait_default → set fields → fadyn_portrait_compute
 * (field, curves, basin) → fadyn_portrait_add per start (any time, also
 * before compute) → fadyn_portrait_write_* → fadyn_portrait_free. */
#ifndef FADYN_PORTRAIT_H
#define FADYN_PORTRAIT_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/phase.h"

#include <stddef.h>

#define FADYN_PORTRAIT_NTRAJ  600  /* samples of a trajectory (log-spaced times) */
#define FADYN_PORTRAIT_NCURVE 1601 /* samples of a curve piece */
#define FADYN_PORTRAIT_HEADS  2    /* arrow heads per trajectory, at 0.3 and 0.7 of its length */

typedef struct {
    fadyn_phase_start start;
    double t[FADYN_PORTRAIT_NTRAJ], a[FADYN_PORTRAIT_NTRAJ], w[FADYN_PORTRAIT_NTRAJ];
    size_t n;              /* samples (fewer after a backward blow-up; the rest NaN) */
    fadyn_basin_point end; /* where the start settles (fadyn_phase_settle, same direction) */
    int exit;              /* FADYN_EXIT_STAYS, _LEAVES, _OUTSIDE (fadyn_phase_window_exit) */
    double exit_t, exit_a, exit_w; /* where it leaves the window (NaN unless it does) */
    size_t nheads;
    double head[FADYN_PORTRAIT_HEADS][4]; /* a w da dw, pointing along the forward flow */
    int in_window;                        /* some sample lies in the window */
} fadyn_portrait_traj;

typedef struct {
    double b, t;           /* 1, 1 */
    fadyn_window win;      /* [-3, 3] x [-3, 3] */
    size_t ga, gw;         /* arrows of the field, 21 x 21 (0: none) */
    size_t ba, bw;         /* basin grid, 301 x 301 (0: none) */
    double t_end;          /* length of a trajectory, 50 */
    fadyn_basin_params bp; /* how ends settle (its backward flag is set per start) */
    /* filled by fadyn_portrait_compute */
    double *field; /* nfield x 5: a w da dw speed (arrows of 0.7 cell, centred on the node) */
    size_t nfield;
    fadyn_curve_point *curves; /* fadyn_phase_curves, FADYN_PORTRAIT_NCURVE per piece */
    fadyn_curve_stats cst;
    fadyn_basin_point *basin; /* ba x bw, row-major in w */
    fadyn_basin_stats bst;
    /* fadyn_portrait_add */
    fadyn_portrait_traj *traj;
    size_t ntraj, cap;
} fadyn_portrait;

fadyn_portrait fadyn_portrait_default(void);

/* Check b, t, the window, grids and t_end; one line naming the field. */
int fadyn_portrait_check(const fadyn_portrait *p, fadyn_err *err);

/* The field, the curves and the basin grid (OpenMP; bp.progress reports
 * it).  Errors: FADYN_EINVAL, FADYN_ENOMEM, FADYN_ELAPACK, FADYN_EGSL. */
int fadyn_portrait_compute(fadyn_portrait *p, fadyn_err *err);

/* Integrate one more start (t_end, FADYN_PORTRAIT_NTRAJ samples) and
 * settle it, in its direction; find its window exit and arrow heads. */
int fadyn_portrait_add(fadyn_portrait *p, const fadyn_phase_start *s, fadyn_err *err);

/* Index of the trajectory from s in its direction, or -1. */
long fadyn_portrait_find(const fadyn_portrait *p, const fadyn_phase_start *s);

/* Forget the trajectories (the rest stays). */
void fadyn_portrait_clear(fadyn_portrait *p);
void fadyn_portrait_free(fadyn_portrait *p);

/* ---- the tables ------------------------------------------------------------ */

/* One TSV table per file, a header line of names, one value per column on
 * every row; categorical columns are words.  The ends table is the main
 * one (it replays: fadyn_phase_starts_read reads its a0, w0, direction);
 * the others sit beside it, named by suffix:
 *   ends        .tsv          trajectory direction a0 w0 class a_end w_end
 *                             lambda t_end C predicted window exit_a exit_w exit_t
 *   field       -field.tsv    a w da dw speed
 *   curves      -curves.tsv   curve piece a w lambda (fadyn_curve_name words; a blank
 *                             line between pieces)
 *   basin       -basin.tsv    a0 w0 class t_end (the grid, row-major in w)
 *   trajectory  -traj.tsv     trajectory direction t a w (a blank line after each
 *                             trajectory: pandas and numpy skip it, gnuplot breaks the line)
 *   heads       -heads.tsv    trajectory direction a w da dw */
enum {
    FADYN_PORTRAIT_ENDS = 0,
    FADYN_PORTRAIT_FIELD,
    FADYN_PORTRAIT_CURVES,
    FADYN_PORTRAIT_BASIN,
    FADYN_PORTRAIT_TRAJ,
    FADYN_PORTRAIT_HEADS_TABLE,
    FADYN_PORTRAIT_NTABLE
};

/* ".tsv", "-field.tsv", "-curves.tsv", "-basin.tsv", "-traj.tsv", "-heads.tsv". */
const char *fadyn_portrait_suffix(int table);

/* The path of table k beside the ends table at `path`: path itself for the
 * ends, else path without a final ".tsv" plus the suffix.  FADYN_EINVAL if
 * it does not fit in n. */
int fadyn_portrait_path(const char *path, int table, char *out, size_t n);

/* Write table k of portrait p (a const fadyn_portrait *) to path: the
 * fadyn_plot_write_fn shape, one function per table. */
int fadyn_portrait_write_ends(const char *path, const void *p, fadyn_err *err);
int fadyn_portrait_write_field(const char *path, const void *p, fadyn_err *err);
int fadyn_portrait_write_curves(const char *path, const void *p, fadyn_err *err);
int fadyn_portrait_write_basin(const char *path, const void *p, fadyn_err *err);
int fadyn_portrait_write_traj(const char *path, const void *p, fadyn_err *err);
int fadyn_portrait_write_heads(const char *path, const void *p, fadyn_err *err);

/* The writer of table k (NULL outside 0 .. FADYN_PORTRAIT_NTABLE − 1). */
typedef int (*fadyn_portrait_write_fn)(const char *path, const void *p, fadyn_err *err);
fadyn_portrait_write_fn fadyn_portrait_writer(int table);

/* Bytes table k will take, estimated before writing (to warn of big side
 * files). */
double fadyn_portrait_table_bytes(const fadyn_portrait *p, int table);

/* Every table beside `path`: the ends at path, the others at their
 * fadyn_portrait_path. */
int fadyn_portrait_write_all(const char *path, const fadyn_portrait *p, fadyn_err *err);

FADYN_API_END
#endif
