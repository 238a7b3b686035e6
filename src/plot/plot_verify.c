/* plot_verify.c — the figure of `fadyn verify --plot`: one instance's V, s
 * against both bounds, the drift of C and the angles against t. */
#include "fadyn/plots.h"

#include <math.h>

/* A logarithmic range for the s panel: from a third of the smallest
 * positive s to well above the largest of s and the bounds (at least 30
 * times, and a third of the panel), so that the key fits in the empty band
 * on top. */
static void s_range(const fadyn_verify_trace *tr, double *lo, double *hi) {
    double mn = INFINITY, mx = fmax(tr->s_bound_paper, tr->s_bound_derived);
    for (size_t i = 0; i < tr->nrows; i++)
        if (tr->rows[i].t > 0.0 && tr->rows[i].s > 0.0) {
            mn = fmin(mn, tr->rows[i].s);
            mx = fmax(mx, tr->rows[i].s);
        }
    *lo = isfinite(mn) ? mn / 3.0 : mx / 1e3;
    *hi = mx * fmax(30.0, pow(mx / *lo, 0.55));
}

int fadyn_plot_verify(const fadyn_plot_target *t, const fadyn_verify_params *vp,
                      const fadyn_verify_trace *tr, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    double lo, hi;
    s_range(tr, &lo, &hi);
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\n"
        "set multiplot layout 2,2 title \"fadyn verify, break %s: instance %zu, %zu-%zu-%zu, "
        "%s\" font ',13'\n"
        "set grid\nset xlabel 't'\nset logscale x\nset format x '10^{%%T}'\nset key top right\n"
        "pos(c) = (column('t') > 0 && column(c) > 0) ? column(c) : NaN\n",
        t->dumb ? "fadyn-plot" : t->qbase, fadyn_break_name(vp->brk), tr->instance, tr->sizes[0],
        tr->sizes[1], tr->sizes[2], tr->start);
    fadyn_strbuf_printf(
        &b,
        "set title 'V = ||BE||^2 (Lemma 2), NSE (Thm 1), |d^2V/dt^2| and its bound (Lemma 4)'\n"
        "set logscale y\nset format y '10^{%%T}'\nset key bottom left\n"
        "plot data using 't':(pos('V')) with lines lw 2 lc rgb '#9400d3' title 'V', \\\n"
        "     data using 't':(pos('nse')) with lines lw 2 dt 2 lc rgb '#333333' title 'NSE', \\\n"
        "     data using 't':(column('t') > 0 && column('vdot') > 0 ? column('vdot') : NaN) "
        "with points pt 7 ps 0.6 lc rgb '#cc0000' title 'dV/dt > 0 (closed form)', \\\n"
        "     data using 't':(column('t') > 0 ? abs(column('vddot')) : NaN) with lines lw 1 "
        "lc rgb '#008800' title '|d^2V/dt^2|', \\\n"
        "     data using 't':(pos('vddot_bound')) with lines lw 1 dt 2 lc rgb '#008800' "
        "title 'Lemma 4 bound'\n");
    fadyn_strbuf_printf(
        &b,
        "set title 's = tr(AA^T) against its bounds (Lemma 3)'\n"
        "set ylabel 's'\nset key top left\nset yrange [%.6g:%.6g]\n"
        "plot data using 't':(pos('s')) with lines lw 2 lc rgb '#0060ad' title 's(t)', \\\n"
        "     %.10g with lines lw 2 dt 2 lc rgb '#e07000' title 'eq 47: |BT|^2 + 2n_h', \\\n"
        "     %.10g with lines lw 2 dt 4 lc rgb '#008800' title 'derived: max(s_0, "
        "(2n_h^2|BT|)^{2/3})'\nset yrange [*:*]\n",
        lo, hi, tr->s_bound_paper, tr->s_bound_derived);
    fadyn_strbuf_printf(
        &b, "set title 'drift of C = BW + W^TB^T - AA^T (eq 14)'\nset logscale y\n"
            "set format y '10^{%%T}'\nset ylabel ''\nset key top left\n"
            "plot data using 't':(pos('drift')) with lines lw 2 lc rgb '#cc0000' "
            "title '||C(t) - C(0)||', \\\n"
            "     data using 't':(pos('drift_rel')) with lines lw 1 dt 2 lc rgb '#cc0000' "
            "title 'relative'\n");
    fadyn_strbuf_printf(
        &b,
        "set title 'angles of the fa update BE (while NSE > %g)'\n"
        "unset logscale y\nset format y '%%g'\nset yrange [0:180]\nset ytics 30\n"
        "set ylabel 'degrees'\nset key bottom left\n"
        "ang(c) = (column('t') > 0 && column('nse') > %.6g) ? column(c) : NaN\n"
        "plot data using 't':(ang('angle_bp')) with lines lw 2 title '∠ to bp (W^T E)', \\\n"
        "     data using 't':(ang('angle_pbp')) with lines lw 2 title '∠ to pbp (W^+ E)'\n"
        "unset multiplot\n",
        vp->nse_floor, vp->nse_floor);
    return fadyn_plot_finish(t, &b, err);
}
