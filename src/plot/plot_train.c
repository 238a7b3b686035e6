/* plot_train.c — the figures of `fadyn train` and `fadyn compare`. */
#include "fadyn/plots.h"

/* Log-axis tick labels: superscripts on the cairo terminals, 1e-3 on dumb. */
static const char *log_format(const fadyn_plot_target *t) {
    return t->dumb ? "%.0e" : "10^{%T}";
}

int fadyn_plot_train(const fadyn_plot_target *t, size_t nhidden, int angles, fadyn_angle_kind angle,
                     const char *title, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    int two = angles && nhidden > 0;
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\n"
        "set multiplot layout %d,1 title '%s' font ',13'\n"
        "set grid\nset xlabel 'examples'\nset key top right\n"
        "set title 'held-out NSE (mean, band: ± 1 sd over runs)'\n"
        "set logscale y\nset format y '%s'\nset ylabel 'NSE'\n"
        "plot data using 'example':(column('nse_mean')-column('nse_sd') > 0 ? "
        "column('nse_mean')-column('nse_sd') : "
        "column('nse_mean')):(column('nse_mean')+column('nse_sd')) "
        "with filledcurves fc rgb '#bbddbb' fs transparent solid 0.5 title '± sd', \\\n"
        "     data using 'example':'nse_mean' with lines lw 2 lc rgb '#008800' title 'NSE'\n",
        t->dumb ? "fadyn-plot" : t->qbase, two ? 2 : 1, title, log_format(t));
    if (two) {
        fadyn_strbuf_printf(&b,
                            "set title 'angle of the hidden update to bp (W^T e) and pbp (W^+ e)'\n"
                            "unset logscale y\nset format y '%%g'\nset yrange [0:*]\n"
                            "set ylabel '%s'\nplot ",
                            fadyn_angle_axis_label(angle));
        for (size_t k = 1; k <= nhidden; k++)
            fadyn_strbuf_printf(&b,
                                "%sdata using 'example':'angle_bp_h%zu_mean' with lines lw 2 title "
                                "'to bp, hidden %zu', \\\n"
                                "     data using 'example':'angle_pbp_h%zu_mean' with lines lw 2 "
                                "dt 2 title 'to pbp, hidden %zu'",
                                k > 1 ? ", \\\n     " : "", k, k, k, k);
        fadyn_strbuf_printf(&b, "\n");
    }
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_compare(const fadyn_plot_target *t, const double *etas, size_t ne,
                       const size_t *batches, size_t nb, double top, size_t nfailed,
                       fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    const char *stem = t->dumb ? "fadyn-plot" : t->qbase;
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\nnse = '%s-nse.tsv'\n"
        "set multiplot layout 1,3 title 'fadyn compare: discrete trainer (rate η, batch K) "
        "against the expected ODE at t = η·steps' font ',13'\n"
        "set grid\nset logscale xy\nset format y '%s'\nset format x '%s'\n"
        "set xlabel 'learning rate η'\nset key bottom right\nset ylabel 'relative deviation'\n",
        stem, stem, log_format(t), log_format(t));
    static const char *const cols[2] = {"deviation", "loss_deviation"};
    static const char *const titles[2] = {"weights: ‖w_{train} − w_{ODE}‖ / ‖w_{ODE}‖ at the end",
                                          "NSE curves: ‖NSE_{train} − NSE_{ODE}‖ / ‖NSE_{ODE}‖"};
    for (int p = 0; p < 2; p++) {
        fadyn_strbuf_printf(&b, "set title '%s'\nplot ", titles[p]);
        for (size_t i = 0; i < nb; i++)
            fadyn_strbuf_printf(&b,
                                "data using 'eta':(column('batch') == %zu ? column('%s') : NaN) "
                                "with linespoints lw 2 pt 7 title 'K = %zu', \\\n     ",
                                batches[i], cols[p], batches[i]);
        /* a diverged cell has no deviation: a cross above the finite ones */
        fadyn_strbuf_printf(&b,
                            "data using 'eta':(strcol('status') eq 'ok' ? NaN : %.17g) with "
                            "points pt 2 ps 2 lw 2 lc rgb '#d7191c' title '%s'\n",
                            2.0 * top, nfailed ? "diverged (no value)" : "");
    }
    fadyn_strbuf_printf(&b, "set title 'the premise: NSE(t) of the trainer and of the ODE'\n"
                            "set xlabel 't = η · step'\nset ylabel 'NSE (expected)'\n"
                            "unset logscale x\nset format x '%%g'\nset key top right font ',8'\n"
                            "plot nse using 't':'nse_ode' with lines lw 5 lc rgb '#000000' "
                            "title 'ODE'");
    for (size_t c = 0; c < ne * nb; c++)
        fadyn_strbuf_printf(&b,
                            ", \\\n     nse using 't':(column('cell') == %zu ? column('nse_train') "
                            ": NaN) with lines lw 1.5 title 'trainer η = %g, K = %zu'",
                            c, etas[c / nb], batches[c % nb]);
    fadyn_strbuf_printf(&b, "\nunset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}
