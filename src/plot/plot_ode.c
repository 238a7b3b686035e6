/* plot_ode.c — the figure of `fadyn ode`: four panels against t. */
#include "fadyn/plots.h"

int fadyn_plot_ode(const fadyn_plot_target *t, const fadyn_problem *p, const fadyn_integ_params *ip,
                   fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    char data[sizeof t->qbase + 8];
    snprintf(data, sizeof data, "%s.tsv", t->dumb ? "fadyn-plot" : t->qbase);
    char sizes[256] = "";
    size_t off = 0;
    for (size_t k = 0; k <= p->depth && off < sizeof sizes - 12; k++)
        off +=
            (size_t)snprintf(sizes + off, sizeof sizes - off, "%s%zu", k ? "-" : "", p->sizes[k]);
    fadyn_plot_preamble(t, &b);
    const char *xl = ip->log_time ? "set logscale x\n" : "unset logscale x\n";
    fadyn_strbuf_printf(
        &b,
        "data = '%s'\n"
        "set multiplot layout 2,2 title 'fadyn ode: %s, %s, stepper %s' font ',13'\n"
        "set grid\nset xlabel 't'\nset key top right\n%s",
        data, p->rule->name, sizes, ip->stepper->name, xl);
    fadyn_strbuf_printf(&b,
                        "set title 'error'\nset logscale y\nset format y '%s'\n"
                        "plot data using 't':'nse' with lines lw 2 title 'NSE', \\\n"
                        "     data using 't':'loss' with lines lw 2 dt 2 title 'loss ½tr(EΣE^T)'\n",
                        t->dumb ? "%.0e" : "10^{%T}");
    /* each rule's own quantities (its entry in the rule table) */
    const fadyn_rule_ode *ro = p->rule->ode;
    if (ro->lyapunov && p->depth == 2)
        fadyn_strbuf_printf(&b, "set title 'Lyapunov function V = ||BE||^2 (eq 23)'\n"
                                "plot data using 't':'V' with lines lw 2 lc rgb '#9400d3' "
                                "title 'V'\n");
    else
        fadyn_strbuf_printf(&b,
                            "set title '||BE||^2, B the problem''s feedback (no Lyapunov "
                            "function of %s)'\n"
                            "plot data using 't':'V' with lines lw 2 lc rgb '#9400d3' "
                            "title '||BE||^2'\n",
                            p->rule->name);
    fadyn_strbuf_printf(
        &b,
        "set title 'drift of the conserved C = %s%s'\n"
        "plot data using 't':(column('drift') > 0 ? column('drift') : NaN) with lines lw 2 "
        "lc rgb '#cc0000' title '||C(t) - C(0)||%s', \\\n"
        "     data using 't':(column('drift_rel') > 0 ? column('drift_rel') : NaN) with lines "
        "lw 1 dt 2 lc rgb '#cc0000' title 'relative'\n",
        ro->conserved_name, p->depth > 2 ? " per layer" : "",
        p->depth > 2 ? ", root-sum-square over layers" : "");
    fadyn_strbuf_printf(
        &b,
        "set title 'alignment of the hidden update (none once E is noise)'\nunset logscale "
        "y\nset format y '%%g'\n"
        "set yrange [0:*]\nset ylabel '%s'\n"
        "plot data using 't':'angle_bp' with lines lw 2 title '∠ to bp (W^T E)', \\\n"
        "     data using 't':'angle_pbp' with lines lw 2 title '∠ to pbp (W^+ E)'\n"
        "unset multiplot\n",
        fadyn_angle_axis_label(ip->angle));
    return fadyn_plot_finish(t, &b, err);
}
