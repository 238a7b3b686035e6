/* fadyn/explore.h — the phase portrait of the 1-1-1 network explored by
 * hand, as pplane does it: a gnuplot window on the x11 terminal shows the
 * flow field, the equilibria by stability, the nullclines and the
 * separatrix (fadyn_plot_flow_commands); a left click integrates forward
 * from the clicked point, a right click backward, each drawn with its class
 * and end state; keys: c clears the drawn trajectories, b toggles the basin
 * shading, q (or closing the window) quits.
 *
 * gnuplot runs as a child with two pipes: fadyn writes the commands to its
 * standard input, and gnuplot, after `pause mouse button1,button3,keypress,
 * close`, prints MOUSE_BUTTON, MOUSE_KEY, MOUSE_X and MOUSE_Y back on its
 * standard output (`set print '-'`), one line per event.  The tables it
 * plots live in a private temporary directory, removed at the end; every
 * start and its end (also those cleared from the picture) is kept in a log
 * whose ends table (fadyn_portrait_write_ends: it replays through
 * fadyn_phase_starts_read) is rewritten atomically after each click. */
#ifndef FADYN_EXPLORE_H
#define FADYN_EXPLORE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/portrait.h"

#include <stddef.h>

/* 0 if the X display named display (the DISPLAY convention: [host]:N[.S])
 * accepts a connection: the local socket /tmp/.X11-unix/XN (abstract or
 * on the file system) for an empty host or "unix", else TCP port 6000 + N
 * (2 s timeout).  FADYN_EINVAL with one line if display is NULL or empty,
 * malformed or refuses. */
int fadyn_explore_display(const char *display, fadyn_err *err);

typedef enum {
    FADYN_EXPLORE_START = 0, /* a click in the window: a trajectory added (traj) */
    FADYN_EXPLORE_OUTSIDE,   /* a click outside the window: nothing added */
    FADYN_EXPLORE_CLEAR,     /* c: the drawn trajectories cleared (the log keeps them) */
    FADYN_EXPLORE_BASIN,     /* b: the basin shading toggled (basin says how it is now) */
    FADYN_EXPLORE_QUIT,      /* q or Escape, or the window closed: the last event */
    FADYN_EXPLORE_KEY,       /* another key: ignored */
    FADYN_EXPLORE_READY      /* the window is drawn for the first time and waits */
} fadyn_explore_kind;

typedef struct {
    int kind;                        /* fadyn_explore_kind */
    double a, w;                     /* where the pointer was */
    int backward;                    /* START, OUTSIDE: a right click */
    const fadyn_portrait_traj *traj; /* START: the new trajectory (valid during the callback) */
    int basin;                       /* BASIN: the shading is now on */
    int key;                         /* KEY, QUIT: the key's code (-1: the window closed) */
    char text[320];                  /* one line saying what happened */
} fadyn_explore_event;

typedef struct {
    /* the portrait, computed (fadyn_portrait_compute); trajectories already
     * in it are drawn first and start the log */
    fadyn_portrait *p;
    const char *out;   /* the log's ends table, rewritten after every start, and at the end
                          every table of the log beside it (fadyn_portrait_write_all; NULL:
                          none) */
    int basin;         /* shade the basin from the start, 1 */
    int width, height; /* of the window, 1200 x 900 */
    /* told about every event once the window shows it and waits for the
     * next (QUIT: at once), and first READY (NULL: nobody) */
    void (*on_event)(void *ctx, const fadyn_explore_event *ev);
    void *ctx;
} fadyn_explore_params;

fadyn_explore_params fadyn_explore_params_default(fadyn_portrait *p);

/* What a session did: the starts it logged (also those cleared from the
 * picture) and the log as a portrait (the curves, field and basin of p, its
 * own trajectories), for the tables at the end; free with
 * fadyn_explore_result_free. */
typedef struct {
    fadyn_portrait log;
    size_t clicks; /* starts added by clicks */
} fadyn_explore_result;

/* Open the window and run until q or the window is closed; the display is
 * $DISPLAY (check it first with fadyn_explore_display).  Errors:
 * FADYN_ENOGNUPLOT (no gnuplot), FADYN_EINVAL (gnuplot has no x11
 * terminal), FADYN_EPLOT (gnuplot ended before quit), FADYN_EIO (the
 * temporary directory or out), and those of fadyn_portrait_add; r holds
 * what was logged until then in every case. */
int fadyn_explore_run(const fadyn_explore_params *ep, fadyn_explore_result *r, fadyn_err *err);

void fadyn_explore_result_free(fadyn_explore_result *r);

FADYN_API_END
#endif
