/* plot_figures.c — the paper's figures (Figs. 1d, 1e, 2d, 4) for `fadyn figure`. */
#include "fadyn/plots.h"
#include "fadyn/rule.h"

/* A rule's colour and title from the rule table (fadyn/rule.h). */
static const char *rule_colour(const char *rule) {
    const fadyn_rule_type *r = fadyn_rule_type_find(rule);
    return r ? r->colour : "#888888";
}

static const char *rule_title(const char *rule) {
    const fadyn_rule_type *r = fadyn_rule_type_find(rule);
    return r ? r->title : rule;
}

int fadyn_plot_fig1d(const fadyn_plot_target *t, const char *const *rules, size_t nrules,
                     double xmax_linear, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b, "set multiplot layout 1,2 title 'Fig. 1d — Task 1: a 30-20-10 linear network learns T "
            "(mean of the runs, each rule at its tuned rate)' font ',13'\n"
            "set grid\nset xlabel 'examples'\nset ylabel 'NSE (held-out)'\nset key top right\n");
    for (int panel = 0; panel < 2; panel++) {
        if (panel == 0)
            fadyn_strbuf_printf(&b,
                                "set title 'linear scale (as the paper), first %g examples'\n"
                                "set yrange [0:1.1]\nset xrange [0:%g]\n",
                                xmax_linear, xmax_linear);
        else
            fadyn_strbuf_printf(&b, "set title 'log scale, all examples'\nset logscale y\n"
                                    "set yrange [1e-12:2]\nset xrange [*:*]\nset key bottom left\n"
                                    "set format y '10^{%%T}'\n");
        fadyn_strbuf_printf(&b, "plot ");
        for (size_t i = 0; i < nrules; i++)
            fadyn_strbuf_printf(
                &b,
                "%s'%s-%s.tsv' using 'example':'nse_mean' with lines lw 3 lc rgb '%s' title '%s'",
                i ? ", \\\n     " : "", t->qbase, rules[i], rule_colour(rules[i]),
                rule_title(rules[i]));
        fadyn_strbuf_printf(&b, "\n");
    }
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_fig1e(const fadyn_plot_target *t, fadyn_angle_kind angle, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\n"
        "set title 'Fig. 1e — angle between the hidden updates of feedback alignment and backprop, "
        "Δh_{FA} ∠ Δh_{BP} (Task 1)'\n"
        "set grid\nset xlabel 'examples'\nset ylabel 'Δh_{FA} ∠ Δh_{BP}: %s'\n"
        "set yrange [0:120]\nset ytics 0,15\nset key top right\n"
        "plot data using 'example':(column('mean')-2*column('sd')):(column('mean')+2*column('sd')) "
        "with filledcurves fc rgb '#a6dba0' fs solid 0.6 title '± 2 sd, window of 10 examples', "
        "\\\n"
        "     data using 'example':'mean' with lines lw 2 lc rgb '#1a9641' title 'sliding mean', "
        "\\\n"
        "     90 with lines dt 2 lc rgb '#888888' title '90°'\n",
        t->qbase, fadyn_angle_axis_label(angle));
    return fadyn_plot_finish(t, &b, err);
}

/* Fig. 2d's filter of one condition's rows, as gnuplot reads them. */
static void fig2d_is(fadyn_strbuf *b, const fadyn_plot_fig2d_cond *c) {
    fadyn_strbuf_printf(b, "is('%s', %zu)", c->rule, c->layers);
}

int fadyn_plot_fig2d(const fadyn_plot_target *t, const fadyn_plot_fig2d_cond *cond, size_t ncond,
                     const fadyn_plot_fig2d_test *test, size_t ntest, size_t n, size_t examples,
                     fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(&b,
                        "data = '%s.tsv'\ncurves = '%s-curves.tsv'\n"
                        "is(r, l) = strcol('rule') eq r && column('layers') == l\n"
                        "sem = 'column(\"nse_sd\") / sqrt(column(\"n\"))'\n",
                        t->qbase, t->qbase);
    /* bar(rule, layers): a condition's position in the bars panel */
    fadyn_strbuf_printf(&b, "bar(r, l) = ");
    for (size_t i = 0; i < ncond; i++)
        fadyn_strbuf_printf(&b, "r eq '%s' && l == %zu ? %zu : ", cond[i].rule, cond[i].layers, i);
    fadyn_strbuf_printf(
        &b,
        "NaN\n"
        "set multiplot layout 1,2 title 'Fig. 2d — Task 3: students of 3 and 4 layers learn a "
        "30-20-10-10 tanh teacher (n = %zu runs per condition, %zu examples each)' font ',13'\n"
        "set title 'd: test NSE against examples (mean of the runs, band ± 1 sem)'\n"
        "set logscale xy\nset format x '10^{%%T}'\nset xrange [1:%zu]\nset yrange [*:1.5]\nset "
        "grid\n"
        "set xlabel 'examples'\n"
        "set ylabel 'test NSE (held-out, 5000 points)'\nset key bottom left\nplot ",
        n, examples, examples);
    for (size_t i = 0; i < ncond; i++) {
        const fadyn_plot_fig2d_cond *c = &cond[i];
        for (int band = 1; band >= 0; band--) {
            fadyn_strbuf_printf(&b, "%scurves using (", i || !band ? ", \\\n     " : "");
            fig2d_is(&b, c);
            fadyn_strbuf_printf(&b, " && column('example') > 0 ? column('example') : NaN):");
            if (band)
                fadyn_strbuf_printf(&b,
                                    "(column('nse_mean') - @sem):(column('nse_mean') + @sem) with "
                                    "filledcurves fc rgb '%s' fs transparent solid 0.2 noborder "
                                    "notitle",
                                    c->colour);
            else
                fadyn_strbuf_printf(&b,
                                    "'nse_mean' with lines lw 2 lc rgb '%s' title '%s, %zu layers'",
                                    c->colour, rule_title(c->rule), c->layers);
        }
    }
    /* the bars: the final NSE, one bar per condition in the curves' order */
    fadyn_strbuf_printf(&b, "\nset title \"final test NSE (mean ± sd, a point per run)\\nWelch "
                            "t-test of 3 vs 4 layers:");
    for (size_t k = 0; k < ntest; k++)
        fadyn_strbuf_printf(&b, "%s %s p = %.1e", k ? "," : "", test[k].rule, test[k].p);
    fadyn_strbuf_printf(&b,
                        "\"\nunset logscale\nset format x '%%g'\nset grid noxtics ytics\n"
                        "set xlabel ''\nset bmargin 4\nset yrange [0:*]\nset xrange [-0.6:%g]\n"
                        "set key top right\nset style fill solid 0.5 border -1\n"
                        "set boxwidth 0.6\nset xtics (",
                        (double)ncond - 0.4);
    for (size_t i = 0; i < ncond; i++)
        fadyn_strbuf_printf(&b, "%s\"%s\\n%zu layers\" %zu", i ? ", " : "", cond[i].rule,
                            cond[i].layers, i);
    fadyn_strbuf_printf(&b, ")\nplot ");
    for (size_t i = 0; i < ncond; i++) {
        fadyn_strbuf_printf(&b, "%sdata using (", i ? ", \\\n     " : "");
        fig2d_is(&b, &cond[i]);
        fadyn_strbuf_printf(&b, " ? %zu : NaN):'mean' with boxes lc rgb '%s' notitle", i,
                            cond[i].colour);
    }
    fadyn_strbuf_printf(
        &b,
        ", \\\n     data using (%s):'mean':'sd' with yerrorbars lc rgb 'black' pt -1 "
        "lw 2 title 'mean ± sd', \\\n"
        "     data using (%s + 0.18*(rand(0)-0.5)):'nse' with points pt 7 ps 0.6 "
        "lc rgb '#444444' title 'runs'\nunset multiplot\n",
        "bar(strcol('rule'), column('layers'))", "bar(strcol('rule'), column('layers'))");
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_fig4(const fadyn_plot_target *t, const double *omegas, size_t n,
                    fadyn_angle_kind angle, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b, "set multiplot layout 1,3 title 'Fig. 4 — Task 1, feedback alignment, η = 10^{-3}, "
            "initial weights U[-ω, ω]: blue (small ω) to red (large ω)' font ',13'\n"
            "set grid\nset xlabel 'examples'\nset key top right font ',9'\nunset colorbox\n"
            "set palette defined (0 '#2c7bb6', 0.5 '#abd9a9', 0.75 '#fdae61', 1 '#d7191c')\n");
    const char *deg = fadyn_angle_axis_label(angle);
    const char *const what[3][3] = {{"a: NSE", "nse", "NSE (held-out)"},
                                    {"b: Δh_{FA} ∠ Δh_{BP}", "angle_bp_h1", deg},
                                    {"c: Δh_{FA} ∠ Δh_{PBP}", "angle_pbp_h1", deg}};
    for (int p = 0; p < 3; p++) {
        fadyn_strbuf_printf(
            &b, "set title '%s'\nset ylabel '%s'\n%s\n%s\nplot ", what[p][0], what[p][2],
            p == 0 ? "set key top right" : "unset key",
            p == 0 ? "set logscale y\nset format y '10^{%T}'"
                   : "unset logscale y\nset format y '%g'\nset yrange [0:120]\nset ytics 0,15");
        for (size_t i = 0; i < n; i++)
            fadyn_strbuf_printf(&b,
                                "%s'%s-w%zu.tsv' using 'example':'%s' with lines lw 2 lc palette "
                                "frac %.4f title 'ω = %g'",
                                i ? ", \\\n     " : "", t->qbase, i, what[p][1],
                                n > 1 ? (double)i / (double)(n - 1) : 0.0, omegas[i]);
        fadyn_strbuf_printf(&b, "\n");
    }
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}
