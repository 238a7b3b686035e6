/* plot_mnist.c — the figures of Task 2 (MNIST): `fadyn train --task mnist`. */
#include "fadyn/plots.h"
#include "fadyn/rule.h"

#include <stdio.h>

int fadyn_plot_mnist_train(const fadyn_plot_target *t, int angles, fadyn_angle_kind angle,
                           const char *title, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b,
        "data = '%s.tsv'\n"
        "set multiplot layout %d,1 title '%s' font ',13'\n"
        "set grid\nset xlabel 'examples'\nset key top right\n"
        "set title 'error on the test images (mean, band: ± 1 sd over runs)'\n"
        "set ylabel 'test error (%%)'\nset logscale y\nset format y '%%g'\n"
        "plot data using 'example':(column('test_error_percent_mean') - "
        "column('test_error_percent_sd')):(column('test_error_percent_mean') + "
        "column('test_error_percent_sd')) with filledcurves fc rgb '#bbddbb' "
        "fs transparent solid 0.5 title '± sd', \\\n"
        "     data using 'example':'test_error_percent_mean' with linespoints lw 2 pt 7 ps 0.5 "
        "lc rgb '#1a9641' title 'test error'\n",
        t->dumb ? "fadyn-plot" : t->qbase, angles ? 2 : 1, title);
    if (angles)
        fadyn_strbuf_printf(
            &b,
            "set title 'angle between the hidden updates of fa and of bp, Δh_{FA} ∠ Δh_{BP} "
            "(mean over each interval, band: its sd)'\n"
            "unset logscale y\nset yrange [0:*]\nset ylabel '%s'\n"
            "plot data using 'example':(column('angle_mean_mean') - column('angle_sd_mean'))"
            ":(column('angle_mean_mean') + column('angle_sd_mean')) with filledcurves "
            "fc rgb '#bbddbb' fs transparent solid 0.5 title '± sd', \\\n"
            "     data using 'example':'angle_mean_mean' with linespoints lw 2 pt 7 ps 0.5 "
            "lc rgb '#1a9641' title 'angle'\n",
            fadyn_angle_axis_label(angle));
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_fig2a(const fadyn_plot_target *t, const char *const *rules, const double *final,
                     const double *paper, size_t n, fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    const char *stem = t->dumb ? "fadyn-plot" : t->qbase;
    fadyn_strbuf_printf(&b,
                        "set title 'Fig. 2a: MNIST, 784-1000-10 logistic, test error (mean over "
                        "runs, band ± 1 sd)' font ',13'\n"
                        "set grid\nset xlabel 'examples'\nset ylabel 'test error (%%)'\n"
                        "set logscale y\nset format y '%%g'\nset yrange [1:100]\n"
                        "set key top right box opaque\nplot ");
    for (size_t i = 0; i < n; i++) {
        const fadyn_rule_type *r = fadyn_rule_type_find(rules[i]);
        const char *colour = !r ? "#000000" : r->sparse ? "#b0b0b0" : r->colour;
        char key[160];
        int k = snprintf(key, sizeof key, "%s: %.2f %%", r ? r->title : rules[i], final[i]);
        if (paper[i] > 0 && k > 0 && (size_t)k < sizeof key)
            snprintf(key + k, sizeof key - (size_t)k, " (paper %.1f %%)", paper[i]);
        fadyn_strbuf_printf(
            &b,
            "%s'%s-%s.tsv' using 'example':(column('test_error_percent_mean') - "
            "column('test_error_percent_sd')):(column('test_error_percent_mean') + "
            "column('test_error_percent_sd')) with filledcurves fc rgb '%s' fs transparent "
            "solid 0.2 notitle, \\\n"
            "     '%s-%s.tsv' using 'example':'test_error_percent_mean' with lines lw 2 dt %d "
            "lc rgb '%s' title '%s'",
            i ? ", \\\n     " : "", stem, rules[i], colour, stem, rules[i], r && r->sparse ? 2 : 1,
            colour, key);
    }
    fadyn_strbuf_printf(&b, "\n");
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_fig2b(const fadyn_plot_target *t, size_t runs, fadyn_angle_kind angle,
                     fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    fadyn_strbuf_printf(
        &b,
        "set title \"Fig. 2b: MNIST, fa: angle between the hidden updates of fa and bp, "
        "Δh_{FA} ∠ Δh_{BP}\\n(mean over each interval, bars ± 1 sd; %zu run%s)\" font ',13'\n"
        "set grid\nset xlabel 'examples'\nset ylabel '%s'\nset yrange [0:%d]\n"
        "set key top right\n"
        "plot '%s.tsv' using 'example':'mean':'sd' with yerrorbars pt 7 ps 0.6 "
        "lc rgb '#1a9641' title 'Δh_{FA} ∠ Δh_{BP}', \\\n"
        "     '' using 'example':'mean' with lines lw 2 lc rgb '#1a9641' notitle, \\\n"
        "     90 with lines dt 2 lc rgb '#808080' title '90° (orthogonal)'\n",
        runs, runs > 1 ? "s" : "", fadyn_angle_axis_label(angle),
        angle == FADYN_ANGLE_ABS ? 90 : 120, /* a signed angle may pass 90° */
        t->dumb ? "fadyn-plot" : t->qbase);
    return fadyn_plot_finish(t, &b, err);
}

int fadyn_plot_figS1(const fadyn_plot_target *t, size_t units, const double *test_error,
                     fadyn_err *err) {
    fadyn_strbuf b;
    fadyn_strbuf_init(&b);
    fadyn_plot_preamble(t, &b);
    /* The background and the title are drawn with the first panel only: a
     * screen-wide object repeated in each panel would paint over the others. */
    fadyn_strbuf_printf(&b,
                        "data = '%s.tsv'\n"
                        "set multiplot layout 2,2 margins 0.02,0.98,0.01,0.92 spacing 0.03,0.05\n"
                        "set label 1 \"Fig. S1: receptive fields of %zu random hidden units\\n"
                        "(rows of W0: white positive, black negative, each scaled to its largest "
                        "|weight|)\" at screen 0.5,0.975 center font ',13' front\n"
                        "set object 1 rectangle from screen 0,0 to screen 1,1 behind fc rgb "
                        "'#6080a0' fs solid\n"
                        "set palette grey\nset cbrange [-1:1]\nunset colorbox\nunset key\n"
                        "unset tics\nunset border\nset size ratio -1\nset yrange [*:*] reverse\n"
                        "gap(v) = v > 1 ? NaN : v  # between tiles: %g\n",
                        t->dumb ? "fadyn-plot" : t->qbase, units, FADYN_PLOT_MOSAIC_GAP);
    static const char *const name[4] = {"start", "backprop", "feedback alignment",
                                        "sparse feedback alignment"};
    for (int p = 0; p < 4; p++) {
        if (p)
            fadyn_strbuf_printf(&b, "set title '%s (test error %.2f %%)'\n", name[p],
                                test_error[p - 1]);
        else
            fadyn_strbuf_printf(&b, "set title '%s'\n", name[p]);
        fadyn_strbuf_printf(&b, "plot data index %d matrix using 1:2:(gap($3)) with image\n", p);
        if (!p) fadyn_strbuf_printf(&b, "unset label 1\nunset object 1\n");
    }
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}
