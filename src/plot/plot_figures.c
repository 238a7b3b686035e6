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

int fadyn_plot_fig2d(const fadyn_plot_target *t, size_t n, double p_bp, double p_fa,
                     fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\n"
        "set title sprintf('Fig. 2d — Task 3: test NSE of 3- and 4-layer students (n = %zu runs "
        "per bar; "
        "Welch t-test of 3 vs 4 layers: bp p = %%.1e, fa p = %%.1e)', %.17g, %.17g)\n"
        "set grid y\nset ylabel 'test NSE (held-out, 5000 points)'\nset yrange [0:*]\n"
        "set xrange [-0.6:3.6]\nset key top right\n"
        "set xtics ('bp, 3 layers' 0, 'bp, 4 layers' 1, 'fa, 3 layers' 2, 'fa, 4 layers' 3)\n"
        "set style fill solid 0.5 border -1\nset boxwidth 0.6\n"
        "plot data using 'group':'mean':(column('group') < 2 ? 0x606060 : 0x1a9641) with boxes lc "
        "rgb variable notitle, \\\n"
        "     data using 'group':'mean':'sd' with yerrorbars lc rgb 'black' pt -1 lw 2 title 'mean "
        "± sd', \\\n"
        "     data using (column('group') + 0.18*(rand(0)-0.5)):'nse' with points pt 7 ps 0.6 lc "
        "rgb '#444444' title 'runs'\n",
        t->qbase, n, p_bp, p_fa);
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
