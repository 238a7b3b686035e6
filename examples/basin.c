/* basin.c — where a few starts of the 1-1-1 network go (Fig. 3b).
 *
 * With feedback b = 1 and target t = 1, each start (a, w) is integrated
 * until it settles on the hyperbola a w = t, then classified good (b w > 0)
 * or bad (b w < 0) and put beside the class docs/theory.md §4 predicts from
 * the conserved C = 2 b w - a^2 alone; the stability of each end point comes
 * from the Jacobian's non-zero eigenvalue.  Scalar arithmetic only: the
 * output is the same on every machine to the digits printed.
 *
 * Build against an installed fadyn:  cc basin.c $(pkg-config --cflags --libs fadyn) */
#include <fadyn.h>
#include <stdio.h>

int main(void) {
    fadyn_init(); /* before any other fadyn call: GSL errors as status codes */
    const double b = 1, t = 1;
    const double starts[][2] = {{0, 0}, {-2.5, 1}, {-1, -2.5}, {2, -2}, {-3, 2}, {-0.7, -1.6}};
    fadyn_err err = {0};
    fadyn_basin_params bp = fadyn_basin_params_default(); /* rk8pd, settle at |E| < 1e-6 */
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&bp, &err);
    if (!ws) {
        fprintf(stderr, "basin: %s\n", err.msg);
        return 1;
    }
    printf("b = %g, t = %g: three equilibria on a parabola iff C < %.4f (the fold)\n", b, t,
           fadyn_phase_fold_C(b, t));
    printf("%6s %6s %8s %9s %9s %-5s %-9s %-9s\n", "a0", "w0", "C", "a_end", "w_end", "class",
           "predicted", "end is");
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
        fadyn_basin_point pt;
        if (fadyn_phase_settle(ws, b, t, starts[i][0], starts[i][1], &pt, &err) != FADYN_OK) {
            fprintf(stderr, "basin: %s\n", err.msg);
            fadyn_phase_ws_free(ws);
            return 1;
        }
        fadyn_phase_eq eq;
        if (fadyn_phase_eq_stability(b, t, pt.a, &eq, &err) != FADYN_OK) {
            fprintf(stderr, "basin: %s\n", err.msg);
            fadyn_phase_ws_free(ws);
            return 1;
        }
        printf("%6.2f %6.2f %8.4f %9.4f %9.4f %-5s %-9s %s\n", pt.a0, pt.w0, pt.C, pt.a, pt.w,
               fadyn_phase_class_name(pt.cls), fadyn_phase_class_name(pt.predicted),
               eq.stable ? "stable" : "unstable");
    }
    fadyn_phase_ws_free(ws);
    return 0;
}
