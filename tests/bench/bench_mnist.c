/* bench_mnist.c — speed of the MNIST trainer (Task 2, fadyn/mnist.h): one
 * online fa epoch over the 60 000 training images in single and double
 * precision on all cores and on one, the 10 000-image test evaluation, the
 * NumPy trainer in double precision timed in pairs with fadyn's, and the
 * bytes of W0 each example moves against the measured bandwidth.  Needs the
 * data (`make data`); says so and skips otherwise. */
#include "bench_util.h"
#include "fadyn.h"

#include <omp.h>

#define REPS        3
#define NP_EXAMPLES 1500 /* the NumPy trainer's examples per pair */

static const fadyn_mnist_params *params(fadyn_mnist_precision prec) {
    static fadyn_mnist_params p;
    p = fadyn_mnist_params_default();
    p.eta = 0.03;
    p.examples = 60000;
    p.precision = prec;
    return &p;
}

/* Seconds of one epoch (min over reps <= REPS, median to *med), each on a new
 * network; the least CPU time of the process over the repeats to *cpu
 * (on one thread, what an idle core would take: the machine's other
 * tenants do not count in it). */
static double epoch(const fadyn_mnist *d, fadyn_mnist_precision prec, size_t threads, int reps,
                    double *med, double *cpu) {
    double t[REPS], mn, c = 1e30;
    for (int r = 0; r < reps; r++) {
        fadyn_mnist_ws *ws =
            fadyn_mnist_ws_alloc(d, fadyn_rule_type_find("fa"), params(prec), 1, threads, NULL);
        double t0 = fadyn_wall_seconds(), c0 = bench_cpu_now();
        fadyn_mnist_ws_train(ws, 60000);
        t[r] = fadyn_wall_seconds() - t0;
        double cr = bench_cpu_now() - c0;
        if (cr < c) c = cr;
        fadyn_mnist_ws_free(ws);
    }
    bench_stats(t, reps, &mn, med);
    if (cpu) *cpu = c;
    return mn;
}

/* Rows of W0 visited per block (their union) and per example (non-zero
 * pixels), over the first epoch's order. */
static void traffic(const fadyn_mnist *d, double *rows_per_example, double *nnz_per_example) {
    fadyn_mnist_ws *ws =
        fadyn_mnist_ws_alloc(d, fadyn_rule_type_find("fa"), params(FADYN_MNIST_SINGLE), 1, 1, NULL);
    size_t in = d->train.rows * d->train.cols, uni = 0, nnz = 0;
    unsigned char *seen = calloc(in, 1);
    for (size_t b = 0; b < 60000; b += FADYN_MNIST_BLOCK) {
        memset(seen, 0, in);
        for (size_t m = b; m < b + FADYN_MNIST_BLOCK && m < 60000; m++) {
            const unsigned char *img = d->train.images + fadyn_mnist_ws_image_at(ws, m) * in;
            for (size_t p = 0; p < in; p++)
                if (img[p]) {
                    nnz++;
                    uni += !seen[p];
                    seen[p] = 1;
                }
        }
    }
    *rows_per_example = (double)uni / 60000.0;
    *nnz_per_example = (double)nnz / 60000.0;
    free(seen);
    fadyn_mnist_ws_free(ws);
}

/* The targets of issue 9 this benchmark measures. */
enum { T_EPOCH, T_NUMPY, T_EVAL, NTARGETS };
static const struct {
    const char *what;
    int ge;
    double value;
} targets[NTARGETS] = {
    {"MNIST: one online fa epoch, single, all cores (s)", 0, 1.0},
    {"MNIST: NumPy double / fadyn double, one online fa epoch", 1, 30},
    {"MNIST: 10 000-image test evaluation, all cores (s)", 0, 0.1},
};

int main(void) {
    bench_machine mach = bench_machine_rates();
    const char *dir = getenv("FADYN_MNIST");
    if (!dir || !*dir) dir = "data/mnist";
    fadyn_mnist d;
    fadyn_err e;
    if (fadyn_mnist_load(&d, dir, &e) != FADYN_OK) {
        printf("skipped: %s\n", e.msg);
        for (int k = 0; k < NTARGETS; k++)
            bench_target_unmeasured(targets[k].what, targets[k].ge, targets[k].value,
                                    "no MNIST data: make data");
        bench_figure("MNIST: W0 bytes moved per example, against the bandwidth",
                     "not measured (no MNIST data: make data)");
        return 0;
    }
    size_t cores = (size_t)omp_get_max_threads();
    printf("MNIST: %zu training and %zu test images of %zux%zu; 784-1000-10, fa, online, eta "
           "0.03; %zu cores\n",
           d.train.n, d.test.n, d.train.rows, d.train.cols, cores);

    double md, cpu, s1 = epoch(&d, FADYN_MNIST_SINGLE, cores, REPS, &md, &cpu);
    printf("one online epoch, single precision, %zu cores: %.3f s (median %.3f) = %.0f "
           "examples/s; CPU %.3f s\n",
           cores, s1, md, 60000 / s1, cpu);
    double s1c = epoch(&d, FADYN_MNIST_SINGLE, 1, REPS, &md, &cpu);
    printf("one online epoch, single precision, 1 core:   %.3f s (median %.3f); CPU %.3f s; %zu "
           "cores are %.2fx faster\n",
           s1c, md, cpu, cores, s1c / s1);
    bench_figure("MNIST: one online fa epoch, single, 1 core: wall and CPU (s)",
                 "wall %.3f (median %.3f), CPU %.3f", s1c, md, cpu);
    double s2 = epoch(&d, FADYN_MNIST_DOUBLE, cores, REPS, &md, NULL);
    printf("one online epoch, double precision, %zu cores: %.3f s (median %.3f) = %.0f "
           "examples/s\n",
           cores, s2, md, 60000 / s2);

    /* the test evaluation */
    fadyn_mnist_ws *ws = fadyn_mnist_ws_alloc(&d, fadyn_rule_type_find("fa"),
                                              params(FADYN_MNIST_SINGLE), 1, cores, NULL);
    double te[5], temn, temd, err, loss;
    for (int r = 0; r < 5; r++) {
        double t0 = fadyn_wall_seconds();
        fadyn_mnist_ws_eval(ws, &err, &loss, NULL);
        te[r] = fadyn_wall_seconds() - t0;
    }
    bench_stats(te, 5, &temn, &temd);
    printf("test evaluation of %zu images, single, %zu cores: %.4f s (median %.4f)\n", d.test.n,
           cores, temn, temd);
    fadyn_mnist_ws_free(ws);

    /* bytes of W0 per example */
    double rows, nnz;
    traffic(&d, &rows, &nnz);
    double row_b = 1024 * 4.0, from_mem = 2 * rows * row_b, from_l2 = 2 * nnz * row_b;
    printf("W0 traffic per example (single, rows of 1024 floats): %.1f non-zero pixels, %.1f "
           "rows in the union of a block of %d:\n"
           "  %.0f KB read and written once per block (%.0f KB/example), against %.0f KB if "
           "every example read and wrote its rows;\n"
           "  the products and updates read %.0f KB/example from cache\n",
           nnz, rows * FADYN_MNIST_BLOCK, FADYN_MNIST_BLOCK, from_mem * FADYN_MNIST_BLOCK / 1024,
           from_mem / 1024, 2 * nnz * row_b / 1024, from_l2 / 1024);
    double rate = 60000 / s1;
    if (mach.bw2 > 0) {
        printf("  at %.0f examples/s: %.1f GB/s of block traffic = %.0f%% of the measured triad "
               "bandwidth of %zu cores (%.1f GB/s); %.1f GB/s from cache\n",
               rate, rate * from_mem * 1e-9, 100 * rate * from_mem * 1e-9 / mach.bw2, cores,
               mach.bw2, rate * from_l2 * 1e-9);
        bench_figure("MNIST: W0 bytes moved per example, against the bandwidth",
                     "%.0f KB/example from memory, %.0f KB from cache; at %.0f examples/s "
                     "%.2f GB/s = %.0f%% of the triad's %.1f GB/s",
                     from_mem / 1024, from_l2 / 1024, rate, rate * from_mem * 1e-9,
                     100 * rate * from_mem * 1e-9 / mach.bw2, mach.bw2);
    } else {
        bench_figure("MNIST: W0 bytes moved per example, against the bandwidth",
                     "%.0f KB/example from memory, %.0f KB from cache; bandwidth not measured "
                     "(run bench_machine first)",
                     from_mem / 1024, from_l2 / 1024);
    }

    /* the NumPy trainer, in pairs with fadyn's double precision */
    bench_ref ref;
    double ratio = 0;
    if (bench_ref_open(&ref, 1)) {
        double rf[REPS], rn[REPS], rr[REPS], mn2, md2;
        char reply[256];
        int ok = 1;
        for (int r = 0; r < REPS && ok; r++) {
            double s, m;
            rf[r] = epoch(&d, FADYN_MNIST_DOUBLE, cores, 1, &m, NULL) / 60000; /* one per pair */
            ok = bench_ref_ask(&ref, reply, sizeof reply, "mnist %s 1000 0.03 %d", dir,
                               NP_EXAMPLES) &&
                 sscanf(reply, "%lf", &s) == 1;
            rn[r] = ok ? s / NP_EXAMPLES : 0;
            rr[r] = rn[r] / rf[r];
        }
        bench_ref_close(&ref);
        if (ok) {
            bench_stats(rf, REPS, &mn2, &md2);
            double nmn, nmd;
            bench_stats(rn, REPS, &nmn, &nmd);
            bench_stats(rr, REPS, &mn2, &ratio);
            printf("NumPy online fa, double, 1 BLAS thread: %.0f examples/s (an epoch: %.0f s); "
                   "fadyn double %.0f: NumPy/fadyn %.0fx (median of %d pairs), single %.0fx\n",
                   1 / nmn, 60000 * nmd, 60000 / s2, ratio, REPS, nmd * 60000 / s1);
        }
    }
    bench_target(targets[T_EPOCH].what, s1, targets[T_EPOCH].ge, targets[T_EPOCH].value);
    if (ratio > 0)
        bench_target(targets[T_NUMPY].what, ratio, targets[T_NUMPY].ge, targets[T_NUMPY].value);
    else
        bench_target_unmeasured(targets[T_NUMPY].what, targets[T_NUMPY].ge, targets[T_NUMPY].value,
                                "no NumPy, or its trainer failed");
    bench_target(targets[T_EVAL].what, temn, targets[T_EVAL].ge, targets[T_EVAL].value);
    fadyn_mnist_free(&d);
    return 0;
}
