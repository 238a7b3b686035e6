/* plot_flow.c — the figure of `fadyn flow`: the phase portrait of the 1-1-1
 * network (Fig. 3b) with its equilibria, basin, separatrix and trajectories. */
#include "fadyn/plots.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

/* Colours: the paper's picture, with the theory as thin black lines. */
#define FLOW_GOOD  "#1a9641"
#define FLOW_BAD   "#d7191c"
#define FLOW_BASIN "#f4b6b6"
#define FLOW_ZERO  "#ff7f00"
static const char *const traj_colours[] = {"#2c7bb6", "#7b3294", "#008080",
                                           "#c51b7d", "#4d4d4d", "#1f78b4"};

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

static const char *traj_colour(size_t k) {
    return k == 0 ? FLOW_ZERO
                  : traj_colours[(k - 1) % (sizeof traj_colours / sizeof *traj_colours)];
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

int fadyn_plot_flow(const fadyn_plot_target *t, const fadyn_flow_plot *fp, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    char data[1100];
    snprintf(data, sizeof data, "%s.tsv", t->dumb ? "fadyn-plot" : t->base);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(&b,
                        "data = '%s'\n"
                        "set title sprintf(\"fadyn flow (Fig. 3b): the 1-1-1 network under "
                        "feedback alignment, b = %g, "
                        "t = %g\\n"
                        "trajectories follow the parabolas C = 2bw − a^2 = const; "
                        "%.1f%%%% of the window ends on the bad branch\") font ',13'\n",
                        data, fp->b, fp->t, 100.0 * fp->bad_fraction);
    fadyn_plot_window(&b, &fp->win);
    fadyn_strbuf_printf(
        &b, "set key outside right top box opaque spacing 1.15 font ',10'\n"
            "set palette defined (0 '#d9d9d9', 0.5 '#969696', 1 '#252525')\n"
            "set cblabel 'log_{10} speed |(ȧ, ẇ)|'\nset colorbox user origin graph 1.07, graph 0 "
            "size 0.025, 0.45\n");
    /* layers, back to front: basin, field, equilibria, theory, trajectories */
    for (size_t k = 0; k < fp->ntraj; k++) /* heads: an arrow style per trajectory */
        fadyn_strbuf_printf(&b,
                            "set style arrow %zu head filled size screen 0.025,20,90 lw 1 "
                            "lc rgb '%s'\n",
                            10 + k, traj_colour(k));
    /* layers, back to front: basin, field, equilibria, theory, trajectories;
     * an item only when some point of it lies in the window */
    int first = 1;
    if (fp->have[FADYN_FLOW_BASIN]) {
        item(&b, &first,
             "data index %d using 1:2:(244):(182):(182):($3 > 0.5 ? 255 : 0) with rgbalpha "
             "notitle",
             FADYN_FLOW_BASIN);
        item(&b, &first,
             "keyentry with boxes fill solid 1.0 lc rgb '%s' title 'bad basin (integrated)'",
             FLOW_BASIN);
    }
    if (fp->have[FADYN_FLOW_FIELD])
        item(&b, &first,
             "data index %d using 1:2:3:4:(log10($5)) with vectors head filled size screen "
             "0.007,25 lw 1 lc palette title 'flow direction (colour: speed)'",
             FADYN_FLOW_FIELD);
    if (fp->have[FADYN_FLOW_GOOD])
        item(&b, &first,
             "data index %d using 1:2 with lines lw 4 lc rgb '%s' title 'stable, "
             "bw > 0 (good)'",
             FADYN_FLOW_GOOD, FLOW_GOOD);
    if (fp->have[FADYN_FLOW_BAD])
        item(&b, &first,
             "data index %d using 1:2 with lines lw 4 lc rgb '%s' title 'stable, "
             "bw < 0 (bad)'",
             FADYN_FLOW_BAD, FLOW_BAD);
    if (fp->have[FADYN_FLOW_UNSTABLE])
        item(&b, &first,
             "data index %d using 1:2 with lines lw 5 dt (6,4) lc rgb '%s' title "
             "'unstable equilibria'",
             FADYN_FLOW_UNSTABLE, FLOW_BAD);
    if (fp->have[FADYN_FLOW_SEPARATRIX])
        item(&b, &first,
             "data index %d using 1:2 with lines lw 1 lc rgb 'black' title "
             "'analytic separatrix (docs/theory.md §4)'",
             FADYN_FLOW_SEPARATRIX);
    /* the fold point, where the stable and unstable bad equilibria meet */
    double af = fadyn_phase_fold_a(fp->b, fp->t), wf = fp->t / af;
    const fadyn_window *w = &fp->win;
    if (af >= w->a_lo && af <= w->a_hi && wf >= w->w_lo && wf <= w->w_hi)
        item(&b, &first,
             "'+' every ::0::0 using (%.17g):(%.17g) with points pt 6 ps 2 lw 2 lc rgb 'black' "
             "title 'fold point (%.3g, %.3g)'",
             af, wf, af, wf);
    for (size_t k = 0; k < fp->ntraj; k++) {
        const char *col = traj_colour(k);
        char title[128];
        if (k == 0)
            snprintf(title, sizeof title, "from (0, 0)");
        else
            snprintf(title, sizeof title, "from (%g, %g)", fp->from[k - 1][0], fp->from[k - 1][1]);
        if (fp->traj_in[k])
            item(&b, &first, "data index %zu using 2:3 with lines lw %d lc rgb '%s' title '%s'",
                 (size_t)FADYN_FLOW_TRAJ + k, k == 0 ? 4 : 3, col, title);
        else /* outside the window: still named, and said so */
            item(&b, &first, "keyentry with lines lw 3 lc rgb '%s' title '%s (outside)'", col,
                 title);
        if (fp->head_in[k])
            item(&b, &first,
                 "data index %d using ($5 == %zu ? $1 : NaN):2:3:4 with vectors "
                 "arrowstyle %zu notitle",
                 FADYN_FLOW_HEADS, k, 10 + k);
        if (fp->start_in[k])
            item(&b, &first,
                 "data index %zu every ::0::0 using 2:3 with points pt 7 ps 1.3 lc "
                 "rgb '%s' notitle",
                 (size_t)FADYN_FLOW_TRAJ + k, col);
    }
    fadyn_strbuf_printf(&b, "\n");
    return fadyn_plot_finish(t, &b, err);
}
