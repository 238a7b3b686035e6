/* plot_basin.c — the figures of `fadyn basin`: the class map of a 1-1-1
 * grid against the analytic separatrix, the fractions of end states of a
 * layered network against the initial scale, and a slice of weight space. */
#include "fadyn/plots.h"

/* Preamble and the data file's name. */
static void start(const fadyn_plot_target *t, fadyn_strbuf *b) {
    fadyn_strbuf_init(b);
    fadyn_plot_preamble(t, b);
    fadyn_strbuf_printf(b, "data = '%s.tsv'\n", t->dumb ? "fadyn-plot" : t->qbase);
}

/* A map of classes shaded in colours has no readable text form. */
static int no_dumb(fadyn_err *err) {
    return fadyn_err_set(err, FADYN_EINVAL,
                         "target dumb: a map shaded by class or time (colours, a colour bar) has "
                         "no readable text form; give FILE.png, .svg or .pdf");
}

/* Legend entries: a filled box of each colour with its title. */
static void key_boxes(fadyn_strbuf *b, const char *const keys[][2], size_t n) {
    for (size_t k = 0; k < n; k++)
        fadyn_strbuf_printf(b, "  keyentry with boxes fill solid lc rgb '%s' title '%s', \\\n",
                            keys[k][0], keys[k][1]);
}

/* The equilibria by stability, the separatrix and the fold point, from the
 * curves table (fadyn_portrait_write_curves: curve piece a w lambda). */
static void basin_curves(fadyn_strbuf *b, const fadyn_basin_plot *bp) {
    static const struct {
        int kind;
        const char *style, *title;
    } curves[] = {
        {FADYN_CURVE_GOOD, "lw 3 lc rgb '#1a9641'", "stable equilibria, bw > 0 (good)"},
        {FADYN_CURVE_BAD, "lw 3 lc rgb '#b2182b'", "stable equilibria, bw < 0 (bad)"},
        {FADYN_CURVE_UNSTABLE, "lw 4 dt (6,4) lc rgb '#b2182b'", "unstable equilibria"},
        {FADYN_CURVE_SEPARATRIX, "lw 1.5 lc rgb 'black'", "analytic separatrix"},
    };
    for (size_t k = 0; k < sizeof curves / sizeof *curves; k++)
        fadyn_strbuf_printf(b,
                            "  sep using (strcol(1) eq '%s' ? $3 : NaN):4 with lines %s "
                            "title '%s', \\\n",
                            fadyn_curve_name(curves[k].kind), curves[k].style, curves[k].title);
    double af = fadyn_phase_fold_a(bp->b, bp->t), wf = bp->t / af;
    if (fadyn_window_has(&bp->win, af, wf))
        fadyn_strbuf_printf(b,
                            "  '+' every ::0::0 using (%.17g):(%.17g) with points pt 6 ps 2 lw 2 "
                            "lc rgb 'black' title 'fold point (%.3g, %.3g)', \\\n",
                            af, wf, af, wf);
}

int fadyn_plot_basin(const fadyn_plot_target *t, const fadyn_basin_plot *bp, fadyn_err *err) {
    if (t->dumb) return no_dumb(err);
    int tmap = bp->map == FADYN_BASIN_MAP_T_END;
    fadyn_strbuf b;
    start(t, &b);
    fadyn_strbuf_printf(
        &b,
        "sep = '%s'\nset datafile columnheaders\n"
        "set title sprintf(\"fadyn basin: %s, 1-1-1 network, b = %g, "
        "t = %g, %zux%zu grid\\nbad: %.2f%%%% integrated, %.2f%%%% predicted at the nodes, "
        "%.3f%%%% exact area (docs/theory.md §4); %zu disagree\") font ',12'\n",
        bp->sep_file, tmap ? "the time each start takes to settle" : "where each start ends", bp->b,
        bp->t, bp->na, bp->nw, 100.0 * bp->bad_fraction, 100.0 * bp->predicted_fraction,
        100.0 * bp->area_fraction, bp->disagree);
    fadyn_plot_window(&b, &bp->win);
    fadyn_strbuf_printf(&b, "set key outside right top box opaque font ',10'\n");
    if (tmap) {
        fadyn_strbuf_printf(
            &b, "set palette defined (0 '#fff7bc', 0.4 '#fe9929', 0.75 '#cc4c02', 1 '#4d0000')\n"
                "set logscale cb\nset cblabel 't_{end}: time until |t − w a| and the speed are "
                "below tolerance (log scale)'\n"
                "set colorbox user origin graph 1.04, graph 0 size 0.025, 0.5\n"
                "plot data using 'a0':'w0':(column('t_end') > 0 ? column('t_end') : NaN) with "
                "image notitle, \\\n");
    } else {
        fadyn_strbuf_printf(
            &b, "r(c) = c eq 'good' ? 199 : c eq 'bad' ? 244 : c eq 'diverged' ? 40 : 189\n"
                "g(c) = c eq 'good' ? 233 : c eq 'bad' ? 182 : c eq 'diverged' ? 40 : 189\n"
                "b(c) = c eq 'good' ? 192 : c eq 'bad' ? 182 : c eq 'diverged' ? 40 : 189\n"
                "plot data using 'a0':'w0':(r(strcol(3))):(g(strcol(3))):(b(strcol(3))) with "
                "rgbimage notitle, \\\n");
        static const char *const keys[][2] = {{"#c7e9c0", "good (integrated)"},
                                              {"#f4b6b6", "bad (integrated)"},
                                              {"#282828", "diverged"},
                                              {"#bdbdbd", "unconverged"}};
        key_boxes(&b, keys, 4);
    }
    basin_curves(&b, bp);
    fadyn_strbuf_printf(
        &b, "  data using 'a0':(strcol(3) ne strcol(8) ? $2 : NaN) with points pt 2 ps 1.2 lw 2 "
            "lc rgb '#0000cc' title 'integrated ≠ analytic'\n");
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_basin_nd(const fadyn_plot_target *t, const char *sizes, size_t samples,
                        fadyn_err *err) {
    fadyn_strbuf b;
    start(t, &b);
    fadyn_strbuf_printf(&b, "data = '%s-fractions.tsv'\n", t->dumb ? "fadyn-plot" : t->qbase);
    fadyn_strbuf_printf(
        &b,
        "set title \"fadyn basin: end states of the %s network under fa, %zu random starts per "
        "scale\\nstarts ω·U[-1,1] (T, B and direction shared across ω)\" font ',13'\n"
        "set logscale x\nset xlabel 'initial scale ω'\nset ylabel 'fraction of starts'\n"
        "set yrange [-0.02:1.02]\nset grid\nset key outside right top box\n"
        "plot data using 1:2 with linespoints lw 2 pt 7 lc rgb '#1a9641' "
        "title 'sym(WB) positive definite (aligned)', \\\n"
        "  data using 1:3 with linespoints lw 2 pt 5 lc rgb '#fdae61' title 'indefinite', \\\n"
        "  data using 1:4 with linespoints lw 2 pt 9 lc rgb '#d7191c' title 'negative definite', "
        "\\\n"
        "  data using 1:5 with linespoints lw 2 pt 4 lc rgb '#969696' title 'unconverged', \\\n"
        "  data using 1:6 with linespoints lw 2 pt 6 lc rgb 'black' title 'diverged', \\\n"
        "  data using 1:7 with linespoints lw 2 dt 2 pt 1 lc rgb '#2c7bb6' "
        "title 'stable equilibrium (Jacobian)'\n",
        sizes, samples);
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_basin_slice(const fadyn_plot_target *t, const char *sizes, double scale,
                           const char *dirs, fadyn_err *err) {
    if (t->dumb) return no_dumb(err);
    char qdirs[4 * FADYN_PATH_MAX];
    int rc = fadyn_plot_escape(dirs, qdirs, sizeof qdirs, err);
    if (rc != FADYN_OK) return rc;
    fadyn_strbuf b;
    start(t, &b);
    fadyn_strbuf_printf(
        &b,
        "set title \"fadyn basin, a slice: end state over a plane of starts ω(d_0 + u d_1 + v "
        "d_2), %s network, ω = %g\\n\" . '%s' font ',13'\n"
        "set xlabel 'u'\nset ylabel 'v'\nset size ratio -1\nset key outside right top box\n"
        "set autoscale xfix\nset autoscale yfix\n"
        "set cbrange [-2.5:2.5]\nunset colorbox\n"
        "set palette defined (-2.5 '#282828', -1.5 '#282828', -1.5 '#bdbdbd', -0.5 '#bdbdbd', "
        "-0.5 '#1a9641', 0.5 '#1a9641', 0.5 '#fdae61', 1.5 '#fdae61', 1.5 '#d7191c', "
        "2.5 '#d7191c')\n"
        "code(c) = c eq 'diverged' ? -2 : c eq 'unconverged' ? -1 : c eq 'posdef' ? 0 : "
        "c eq 'indefinite' ? 1 : 2\n"
        "plot data using 'u':'v':(code(strcol('class'))) with image notitle, \\\n",
        sizes, scale, qdirs);
    static const char *const keys[][2] = {{"#1a9641", "sym(WB) positive definite"},
                                          {"#fdae61", "indefinite"},
                                          {"#d7191c", "negative definite"},
                                          {"#bdbdbd", "unconverged"},
                                          {"#282828", "diverged"}};
    key_boxes(&b, keys, 5);
    fadyn_strbuf_printf(
        &b,
        "  '+' using (0):(0) with points pt 6 ps 2 lw 3 lc rgb 'black' title 'the start ω d_0'\n");
    return fadyn_plot_finish(t, &b, err);
}
