/* bench_train.c — speed of the stochastic trainer: examples per second and
 * GFLOP/s (against one core's measured DGEMM rate) for Task 1 and Task 3
 * online, a 784-1000-10 sigmoid net online and with K = 100, and Task 1
 * online against the same loop in NumPy, timed in pairs. */
#include "bench_util.h"
#include "fadyn.h"

#include <gsl/gsl_rng.h>

#define REPS 7
#define POOL 512 /* pre-drawn examples cycled through, so only the trainer is timed */

/* Flops per example: forward 2·n_{k+1}n_k per layer, backward 2·n_{k+1}n_k
 * for every layer above the first, update 2·n_{k+1}n_k per layer. */
static double flops_per_example(const fadyn_net_spec *s) {
    double f = 0;
    for (size_t k = 0; k < s->depth; k++)
        f += (k ? 6.0 : 4.0) * (double)(s->sizes[k + 1] * s->sizes[k]);
    return f;
}

/* One unit of training from the pre-drawn pool: batch u of K rows, or for
 * K = 1 every row of the pool, one at a time (fadyn_train_online). */
static void train_unit(fadyn_train_ws *ws, size_t K, const double *X, const double *Y, size_t u) {
    const fadyn_net_spec *s = &fadyn_train_ws_net(ws)->spec;
    size_t n0 = s->sizes[0], nL = s->sizes[s->depth], off = (u % (POOL / K)) * K;
    double loss;
    if (K == 1)
        fadyn_train_online(ws, POOL, X, Y, &loss);
    else
        fadyn_train_step(ws, K, X + off * n0, Y + off * nL, NULL, &loss);
}

/* Seconds per example (min over REPS; median to *median, the process's CPU
 * seconds per example over all the repeats to *cpu), printed. */
static double bench_case(const char *label, const fadyn_task *task, const fadyn_net_spec *spec,
                         size_t K, double seconds, double dgemm, double *median, double *cpu) {
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 1e-3;
    p.batch = K;
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_ws *ws = fadyn_train_ws_alloc(task, spec, fa, &p, NULL);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    fadyn_train_ws_draw(ws, r);
    size_t n0 = spec->sizes[0], nL = spec->sizes[spec->depth];
    double *X = malloc(POOL * n0 * sizeof(double)), *Y = malloc(POOL * nL * sizeof(double));
    for (size_t i = 0; i + K <= POOL; i += K)
        fadyn_train_ws_sample(ws, r, K, X + i * n0, Y + i * nL);
    /* calibrate the number of units per repetition; a unit is one batch, or
     * for K = 1 the whole pool through the online trainer */
    double t0 = fadyn_wall_seconds();
    size_t units = 0, per = K == 1 ? POOL : K;
    while (fadyn_wall_seconds() - t0 < 0.05)
        train_unit(ws, K, X, Y, units++);
    units = (size_t)((double)units * seconds / 0.05) + 1;
    double t[REPS], mn, md, c0 = bench_cpu_now();
    for (int rep = 0; rep < REPS; rep++) {
        t0 = fadyn_wall_seconds();
        for (size_t u = 0; u < units; u++)
            train_unit(ws, K, X, Y, u);
        t[rep] = (fadyn_wall_seconds() - t0) / (double)(units * per);
    }
    if (cpu) *cpu = (bench_cpu_now() - c0) / (double)(REPS * units * per);
    bench_stats(t, REPS, &mn, &md);
    double gf = flops_per_example(spec) / mn * 1e-9;
    printf("%-34s K=%-4zu %11.0f examples/s (median %.0f)  %6.2f GFLOP/s = %3.0f%% of one "
           "core's DGEMM\n",
           label, K, 1.0 / mn, 1.0 / md, gf, 100 * gf / dgemm);
    free(X);
    free(Y);
    gsl_rng_free(r);
    fadyn_train_ws_free(ws);
    if (median) *median = md;
    return mn;
}

/* Task 1 online (30-20-10 linear, fa, eta 1e-3) in fadyn and in the NumPy
 * loop, alternating: ~0.15 s of fadyn, then 20 000 NumPy examples. */
static void bench_numpy(const fadyn_task *task, const fadyn_net_spec *spec, double dgemm) {
    enum { PAIRS = 7, NP_EXAMPLES = 20000 };
    bench_ref ref;
    printf("== Task 1 online: fadyn against the NumPy loop (forward, error, B e, two outer "
           "products per example)\n");
    static const char *const what = "Task 1 online trainer: NumPy loop / fadyn";
    if (!bench_ref_open(&ref, 1)) {
        bench_target_unmeasured(what, 1, 30, "no NumPy");
        return;
    }
    double tf[PAIRS], tn[PAIRS], ratio[PAIRS], cratio[PAIRS], fmn, fmd, nmn, nmd, rmn, rmd, cmn,
        cmd;
    char reply[256];
    for (int r = 0; r < PAIRS; r++) {
        double s, sc, fc;
        tf[r] = bench_case("  Task 1, 30-20-10 linear, fa", task, spec, 1, 0.15, dgemm, NULL, &fc);
        if (!bench_ref_ask(&ref, reply, sizeof reply, "train 30 20 10 1e-3 %d", NP_EXAMPLES) ||
            sscanf(reply, "%lf %lf", &s, &sc) != 2) {
            bench_ref_close(&ref);
            bench_target_unmeasured(what, 1, 30, "the NumPy loop failed");
            return;
        }
        tn[r] = s / NP_EXAMPLES;
        ratio[r] = tn[r] / tf[r];
        cratio[r] = (sc / NP_EXAMPLES) / fc; /* CPU seconds per example */
    }
    bench_ref_close(&ref);
    bench_stats(tf, PAIRS, &fmn, &fmd);
    bench_stats(tn, PAIRS, &nmn, &nmd);
    bench_stats(ratio, PAIRS, &rmn, &rmd);
    printf("Task 1 online: fadyn %.0f examples/s (median of pair minima %.0f), NumPy %.0f (median "
           "%.0f): NumPy/fadyn %.1fx (median of %d pairs; %.1f-%.1f)\n",
           1.0 / fmn, 1.0 / fmd, 1.0 / nmn, 1.0 / nmd, rmd, PAIRS, rmn, ratio[PAIRS - 1]);
    bench_target(what, rmd, 1, 30);
    bench_stats(cratio, PAIRS, &cmn, &cmd);
    bench_figure("Task 1 online trainer: NumPy loop / fadyn in CPU time",
                 "%.1f (median of %d pairs; %.1f-%.1f); wall min / min %.1f", cmd, PAIRS, cmn,
                 cratio[PAIRS - 1], nmn / fmn);
}

/* A whole `fadyn train` run (sampling, held-out NSE and angles every 1000 examples). */
static void bench_run(const char *label, const fadyn_task *task, const fadyn_net_spec *spec,
                      size_t examples) {
    fadyn_train_params p = fadyn_train_params_default();
    p.eta = 1e-2;
    p.examples = examples;
    p.eval_every = 1000;
    double t[REPS], mn, md;
    for (int rep = 0; rep < REPS; rep++) {
        fadyn_train_result res;
        fadyn_train_run(task, spec, fadyn_rule_type_find("fa"), &p, 1, &res);
        t[rep] = res.wall_seconds / (double)examples;
        fadyn_train_result_free(&res);
    }
    bench_stats(t, REPS, &mn, &md);
    printf("%-34s whole run with evaluations: %9.0f examples/s (median %.0f)\n", label, 1.0 / mn,
           1.0 / md);
}

int main(void) {
    fadyn_blas_set_threads(1);
    double dgemm = bench_machine_rates().dgemm1;

    fadyn_task t1, t3, tm;
    fadyn_task_params p1 = fadyn_task_params_default(FADYN_TASK_LINEAR);
    fadyn_task_params p3 = fadyn_task_params_default(FADYN_TASK_TEACHER);
    fadyn_task_params pm = fadyn_task_params_default(FADYN_TASK_LINEAR);
    pm.inputs = 784;
    pm.outputs = 10;
    pm.n_test = 100;
    fadyn_task_alloc(&t1, &p1, NULL);
    fadyn_task_alloc(&t3, &p3, NULL);
    fadyn_task_alloc(&tm, &pm, NULL);
    size_t s1[] = {30, 20, 10}, s3[] = {30, 20, 10, 10}, sm[] = {784, 1000, 10};
    fadyn_net_spec n1 = fadyn_net_spec_make(2, s1, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    fadyn_net_spec n3 = fadyn_net_spec_make(3, s3, FADYN_ACT_TANH, FADYN_ACT_LINEAR, 1);
    fadyn_net_spec nm = fadyn_net_spec_make(2, sm, FADYN_ACT_SIGMOID, FADYN_ACT_SIGMOID, 1);

    bench_case("Task 1, 30-20-10 linear, fa", &t1, &n1, 1, 0.2, dgemm, NULL, NULL);
    bench_case("Task 3, 30-20-10-10 tanh, fa", &t3, &n3, 1, 0.2, dgemm, NULL, NULL);
    bench_case("784-1000-10 sigmoid, fa", &tm, &nm, 1, 0.3, dgemm, NULL, NULL);
    bench_case("784-1000-10 sigmoid, fa", &tm, &nm, 100, 0.3, dgemm, NULL, NULL);
    bench_run("Task 1, 30-20-10 linear, fa", &t1, &n1, 20000);
    bench_run("Task 3, 30-20-10-10 tanh, fa", &t3, &n3, 20000);
    bench_numpy(&t1, &n1, dgemm);
    fadyn_task_free(&t1);
    fadyn_task_free(&t3);
    fadyn_task_free(&tm);
    return 0;
}
