/* plot_train.c — the figures of `fadyn train` and `fadyn compare`. */
#include "fadyn/plots.h"

/* Log-axis tick labels: superscripts on the cairo terminals, 1e-3 on dumb. */
static const char *log_format(const fadyn_plot_target *t) {
    return t->dumb ? "%.0e" : "10^{%T}";
}

int fadyn_plot_train(const fadyn_plot_target *t, size_t nhidden, int angles, const char *title,
                     fadyn_err *err) {
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
                            "set ylabel 'degrees'\nplot ");
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

int fadyn_plot_compare(const fadyn_plot_target *t, const size_t *batches, size_t nb,
                       fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\n"
        "set multiplot layout 1,2 title 'fadyn compare: discrete trainer (rate η, batch K) "
        "against the expected ODE at t = η·steps' font ',13'\n"
        "set grid\nset logscale xy\nset format y '%s'\nset format x '%s'\n"
        "set xlabel 'learning rate η'\nset key bottom right\nset ylabel 'relative deviation'\n",
        t->dumb ? "fadyn-plot" : t->qbase, log_format(t), log_format(t));
    static const char *const cols[2] = {"deviation", "loss_deviation"};
    static const char *const titles[2] = {"weights: ‖w_{train} − w_{ODE}‖ / ‖w_{ODE}‖ at the end",
                                          "NSE curves: ‖NSE_{train} − NSE_{ODE}‖ / ‖NSE_{ODE}‖"};
    for (int p = 0; p < 2; p++) {
        fadyn_strbuf_printf(&b, "set title '%s'\nplot ", titles[p]);
        for (size_t i = 0; i < nb; i++)
            fadyn_strbuf_printf(&b,
                                "%sdata using 'eta':(column('batch') == %zu ? column('%s') : NaN) "
                                "with linespoints lw 2 pt 7 title 'K = %zu'",
                                i ? ", \\\n     " : "", batches[i], cols[p], batches[i]);
        fadyn_strbuf_printf(&b, "\n");
    }
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}
