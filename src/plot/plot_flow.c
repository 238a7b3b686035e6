/* plot_flow.c — the figure of `fadyn flow`: the phase portrait of the 1-1-1
 * network (Fig. 3b) from the tables of fadyn/portrait.h — the basin, the
 * field, the equilibria by stability, the nullclines, the separatrix and
 * the fold point, and the trajectories in either direction of time with
 * their starts, ends and window exits. */
#include "fadyn/plots.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Colours: the paper's picture, with the theory as thin black lines. */
#define FLOW_GOOD  "#1a9641"
#define FLOW_BAD   "#d7191c"
#define FLOW_BASIN "#f4b6b6"
#define FLOW_NULL  "#6a3d9a"
/* trajectory k's colour: TC[k % n] (the first, from (0, 0) in Fig. 3b, orange) */
static const char *const traj_colours[] = {"#ff7f00", "#2c7bb6", "#7b3294", "#008080",
                                           "#c51b7d", "#4d4d4d", "#1f78b4"};
#define NCOLOURS    (sizeof traj_colours / sizeof *traj_colours)
#define LEGEND_TRAJ 12 /* trajectories named in the key; the rest are counted */

/* One item of the plot command: "plot X" first, then ", \\\n  X". */
static void item(fadyn_strbuf *b, int *first, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void item(fadyn_strbuf *b, int *first, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fadyn_strbuf_printf(b, "%s%s", *first ? "plot \\\n  " : ", \\\n  ", buf);
    *first = 0;
}

/* An aspect ratio of 1 (true geometry) unless the window is very elongated. */
static void set_aspect(fadyn_strbuf *b, const fadyn_window *w) {
    double r = (w->w_hi - w->w_lo) / (w->a_hi - w->a_lo);
    if (r > 0.33 && r < 3.0) fadyn_strbuf_printf(b, "set size ratio -1\n");
}

void fadyn_plot_window(fadyn_strbuf *b, const fadyn_window *w) {
    fadyn_strbuf_printf(b,
                        "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n"
                        "set xlabel 'a  (= W_0, input → hidden)'\n"
                        "set ylabel 'w  (= W, hidden → output)'\n",
                        w->a_lo, w->a_hi, w->w_lo, w->w_hi);
    set_aspect(b, w);
}

/* What lies in the window (gnuplot warns about an item with no point in range). */
typedef struct {
    int curve[FADYN_NCURVE];
    int fwd, bwd, heads, starts, ends, exits;
} flow_have;

static flow_have what_is_in(const fadyn_portrait *p) {
    flow_have h;
    memset(&h, 0, sizeof h);
    const fadyn_window *w = &p->win;
    for (size_t i = 0; p->curves && i < p->cst.n; i++)
        h.curve[p->curves[i].kind] |= fadyn_window_has(w, p->curves[i].a, p->curves[i].w);
    for (size_t k = 0; k < p->ntraj; k++) {
        const fadyn_portrait_traj *tr = &p->traj[k];
        if (tr->in_window) *(tr->start.backward ? &h.bwd : &h.fwd) = 1;
        for (size_t j = 0; j < tr->nheads; j++)
            h.heads |= fadyn_window_has(w, tr->head[j][0] + tr->head[j][2],
                                        tr->head[j][1] + tr->head[j][3]);
        h.starts |= fadyn_window_has(w, tr->start.a, tr->start.w);
        h.ends |= fadyn_window_has(w, tr->end.a, tr->end.w);
        h.exits |= tr->exit == FADYN_EXIT_LEAVES;
    }
    return h;
}

void fadyn_plot_flow_traj_title(const fadyn_portrait_traj *tr, char *out, size_t n) {
    const fadyn_basin_point *e = &tr->end;
    char end[96] = "";
    if (e->cls == FADYN_PHASE_GOOD || e->cls == FADYN_PHASE_BAD || e->cls == FADYN_PHASE_UNSTABLE)
        snprintf(end, sizeof end, " at (%.3g, %.3g), λ = %.3g", e->a, e->w, e->lambda);
    snprintf(out, n, "%s (%g, %g): %s%s%s", tr->start.backward ? "back from" : "from", tr->start.a,
             tr->start.w, fadyn_phase_class_name(e->cls), end,
             tr->exit == FADYN_EXIT_LEAVES    ? ", leaves"
             : tr->exit == FADYN_EXIT_OUTSIDE ? " (outside the window)"
                                              : "");
}

void fadyn_plot_flow_commands(fadyn_strbuf *b, const fadyn_flow_plot *fp) {
    const fadyn_portrait *p = fp->p;
    const fadyn_window *w = &p->win;
    flow_have h = what_is_in(p);
    const char *s = fp->stem;
    fadyn_strbuf_printf(b, "set datafile columnheaders\n");
    fadyn_strbuf_printf(b,
                        "ends = '%s.tsv'\nfield = '%s-field.tsv'\ncurves = '%s-curves.tsv'\n"
                        "basin = '%s-basin.tsv'\ntraj = '%s-traj.tsv'\nheads = '%s-heads.tsv'\n",
                        s, s, s, s, s, s);
    double bad = p->bst.n ? (double)p->bst.counts[FADYN_PHASE_BAD] / (double)p->bst.n : NAN;
    char basin_note[96] = "";
    if (isfinite(bad))
        snprintf(basin_note, sizeof basin_note, "; %.1f%%%% of the window ends on the bad branch",
                 100.0 * bad);
    fadyn_strbuf_printf(b,
                        "set title sprintf(\"%s, b = %g, t = %g\\n"
                        "trajectories run along C = 2bw − a^2 = const%s\") font ',12'\n",
                        fp->title ? fp->title
                                  : "fadyn flow (Fig. 3b): the 1-1-1 network under feedback "
                                    "alignment",
                        p->b, p->t, basin_note);
    fadyn_plot_window(b, w);
    fadyn_strbuf_printf(
        b, "set key outside right top box opaque spacing 1.15 font ',10'\n"
           "set palette defined (0 '#d9d9d9', 0.5 '#969696', 1 '#252525')\n"
           "set cblabel 'log_{10} speed |(ȧ, ẇ)|'\nset colorbox user origin graph 1.07, graph 0 "
           "size 0.025, 0.45\n");
    fadyn_strbuf_printf(b, "array TC[%zu] = [", NCOLOURS);
    for (size_t k = 0; k < NCOLOURS; k++) {
        unsigned int rgb = 0;
        sscanf(traj_colours[k] + 1, "%x", &rgb);
        fadyn_strbuf_printf(b, "%s%u", k ? ", " : "", rgb);
    }
    fadyn_strbuf_printf(b, "]\ntc(k) = TC[int(k) %% %zu + 1]\n", NCOLOURS);
    /* layers, back to front: basin, field, equilibria and theory, trajectories */
    int first = 1;
    if (fp->basin && p->basin) {
        item(b, &first,
             "basin using 1:2:(244):(182):(182):(strcol(3) eq 'bad' ? 255 : 0) with rgbalpha "
             "notitle");
        item(b, &first,
             "keyentry with boxes fill solid 1.0 lc rgb '%s' title 'bad basin (integrated)'",
             FLOW_BASIN);
    }
    if (p->nfield)
        item(b, &first,
             "field using 1:2:3:4:(log10($5)) with vectors head filled size screen 0.007,25 lw 1 "
             "lc palette title 'flow direction (colour: speed)'");
    static const struct {
        int kind;
        const char *style, *title;
    } curves[] = {
        {FADYN_CURVE_GOOD, "lw 4 lc rgb '" FLOW_GOOD "'", "stable, bw > 0 (good)"},
        {FADYN_CURVE_BAD, "lw 4 lc rgb '" FLOW_BAD "'", "stable, bw < 0 (bad)"},
        {FADYN_CURVE_UNSTABLE, "lw 5 dt (6,4) lc rgb '" FLOW_BAD "'", "unstable equilibria"},
        {FADYN_CURVE_NULLCLINE_W, "lw 1.5 dt 3 lc rgb '" FLOW_NULL "'",
         "nullclines: ȧ = 0 on a w = t; ẇ = 0 there and on a = 0"},
        {FADYN_CURVE_SEPARATRIX, "lw 1 lc rgb 'black'", "analytic separatrix (docs/theory.md §4)"},
    };
    for (size_t k = 0; k < sizeof curves / sizeof *curves; k++)
        if (h.curve[curves[k].kind])
            item(b, &first,
                 "curves using (strcol(1) eq '%s' ? $3 : NaN):4 with lines %s title '%s'",
                 fadyn_curve_name(curves[k].kind), curves[k].style, curves[k].title);
    /* the fold point, where the stable and unstable bad equilibria meet */
    double af = fadyn_phase_fold_a(p->b, p->t), wf = p->t / af;
    if (fadyn_window_has(w, af, wf))
        item(b, &first,
             "'+' every ::0::0 using (%.17g):(%.17g) with points pt 6 ps 2 lw 2 lc rgb 'black' "
             "title 'fold point (%.3g, %.3g)'",
             af, wf, af, wf);
    if (h.fwd)
        item(b, &first,
             "traj using (strcol(2) eq 'forward' ? $4 : NaN):5:(tc($1)) with lines lw 3 lc rgb "
             "variable notitle");
    if (h.bwd)
        item(b, &first,
             "traj using (strcol(2) eq 'backward' ? $4 : NaN):5:(tc($1)) with lines lw 3 dt (8,4) "
             "lc rgb variable notitle");
    if (h.heads)
        item(b, &first,
             "heads using 3:4:5:6:(tc($1)) with vectors head filled size screen 0.025,20,90 lw 1 "
             "lc rgb variable notitle");
    if (h.starts)
        item(b, &first, "ends using 3:4:(tc($1)) with points pt 7 ps 1.3 lc rgb variable notitle");
    if (h.ends)
        item(b, &first,
             "ends using 6:7:(tc($1)) with points pt 6 ps 1.8 lw 2 lc rgb variable notitle");
    if (h.starts || h.ends)
        item(b, &first,
             "keyentry with points pt 7 ps 1.3 lc rgb 'black' title 'start', keyentry with points "
             "pt 6 ps 1.8 lw 2 lc rgb 'black' title 'where it settles'");
    if (h.exits)
        item(b, &first,
             "ends using 13:14 with points pt 2 ps 2 lw 2.5 lc rgb 'black' title 'leaves the "
             "window'");
    for (size_t k = 0; k < p->ntraj && k < LEGEND_TRAJ; k++) {
        char title[256];
        fadyn_plot_flow_traj_title(&p->traj[k], title, sizeof title);
        item(b, &first, "keyentry with lines lw 3 %slc rgb '%s' title '%s'",
             p->traj[k].start.backward ? "dt (8,4) " : "", traj_colours[k % NCOLOURS], title);
    }
    if (p->ntraj > LEGEND_TRAJ)
        item(b, &first, "keyentry with lines lw 3 lc rgb '#999999' title '… and %zu more (%s.tsv)'",
             p->ntraj - LEGEND_TRAJ, s);
    if (first) item(b, &first, "NaN notitle");
    fadyn_strbuf_printf(b, "\n");
}

int fadyn_plot_flow(const fadyn_plot_target *t, const fadyn_flow_plot *fp, fadyn_err *err) {
    if (t->dumb)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "target dumb: the phase portrait (arrows, shaded basin, colour bar) "
                             "has no readable text form; give FILE.png, .svg or .pdf");
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_flow_plot f = *fp;
    char stem[sizeof t->qbase];
    if (f.stem && fadyn_plot_escape(f.stem, stem, sizeof stem, err) != FADYN_OK) {
        fadyn_strbuf_free(&b);
        return err ? err->code : FADYN_EINVAL;
    }
    f.stem = f.stem ? stem : t->qbase;
    fadyn_plot_flow_commands(&b, &f);
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_flow_draw(const fadyn_plot_target *t, const void *ctx, fadyn_err *err) {
    return fadyn_plot_flow(t, ctx, err);
}

void fadyn_flow_data_init(fadyn_flow_data *fd, const fadyn_portrait *p, const char *out) {
    for (int k = 0; k < FADYN_PORTRAIT_NTABLE; k++) {
        fadyn_plot_data *d = &fd->d[k];
        snprintf(d->suffix, sizeof d->suffix, "%s", fadyn_portrait_suffix(k));
        d->write = fadyn_portrait_writer(k);
        d->ctx = p;
        d->written = NULL;
        fd->bytes[k] = fadyn_portrait_table_bytes(p, k);
        if (out && fadyn_portrait_path(out, k, fd->written[k], sizeof fd->written[k]) == FADYN_OK)
            d->written = fd->written[k];
    }
}
