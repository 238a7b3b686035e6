/* plot_mnist.c — the figures of Task 2 (MNIST): `fadyn train --task mnist`. */
#include "fadyn/plots.h"

int fadyn_plot_mnist_train(const fadyn_plot_target *t, int angles, const char *title,
                           fadyn_err *err) {
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
        t->dumb ? "fadyn-plot" : t->base, angles ? 2 : 1, title);
    if (angles)
        fadyn_strbuf_printf(
            &b,
            "set title 'angle between the hidden updates of fa and of bp, Δh_{FA} ∠ Δh_{BP} "
            "(mean over each interval, band: its sd)'\n"
            "unset logscale y\nset yrange [0:*]\nset ylabel 'degrees'\n"
            "plot data using 'example':(column('angle_mean_mean') - column('angle_sd_mean'))"
            ":(column('angle_mean_mean') + column('angle_sd_mean')) with filledcurves "
            "fc rgb '#bbddbb' fs transparent solid 0.5 title '± sd', \\\n"
            "     data using 'example':'angle_mean_mean' with linespoints lw 2 pt 7 ps 0.5 "
            "lc rgb '#1a9641' title 'angle'\n");
    fadyn_strbuf_printf(&b, "unset multiplot\n");
    return fadyn_plot_finish(t, &b, err);
}
