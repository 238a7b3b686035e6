/* trainer.c — Task 1 of the paper learned by feedback alignment, example by
 * example: a 30-20-10 linear network, y* = T x with T ~ U[-1,1] and
 * x ~ N(0, I), at fa's tuned rate, one run.
 *
 * The held-out NSE and the angle of the fa hidden update to backprop's are
 * printed every 500 examples with three significant digits (the run is
 * seeded; three digits do not depend on BLAS rounding or threads).
 *
 * Build against an installed fadyn:  cc trainer.c $(pkg-config --cflags --libs fadyn) */
#include <fadyn.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    fadyn_init(); /* before any other fadyn call: GSL errors as status codes */
    fadyn_err err = {0};
    fadyn_task_params tp = fadyn_task_params_default(FADYN_TASK_LINEAR); /* 30 -> 10, seed 1 */
    fadyn_task task;
    if (fadyn_task_alloc(&task, &tp, &err) != FADYN_OK) {
        fprintf(stderr, "trainer: %s\n", err.msg);
        return 1;
    }
    size_t sizes[] = {30, 20, 10};
    fadyn_net_spec spec = fadyn_net_spec_make(2, sizes, FADYN_ACT_LINEAR, FADYN_ACT_LINEAR, 0);
    const fadyn_rule_type *fa = fadyn_rule_type_find("fa");
    fadyn_train_params par = fadyn_train_params_default();
    par.eta = fadyn_train_default_eta(FADYN_TASK_LINEAR, fa);
    par.examples = 4000;
    par.eval_every = 500;
    fadyn_train_result res;
    int rc = fadyn_train_run(&task, &spec, fa, &par, fadyn_train_run_seed(1, 0), &res);
    if (rc != FADYN_OK) {
        fprintf(stderr, "trainer: %s: %s\n", fadyn_strerror(rc), res.err.msg);
        fadyn_task_free(&task);
        return 1;
    }
    /* the columns of res.rows by name (fadyn_train_col_name) */
    const char *want[] = {"example", "nse", "angle_bp_h1"};
    size_t col[3] = {0, 0, 0};
    for (size_t k = 0; k < 3; k++)
        for (size_t c = 0; c < res.ncols; c++) {
            char name[64];
            fadyn_train_col_name(c, name, sizeof name);
            if (strcmp(name, want[k]) == 0) col[k] = c;
        }
    printf("Task 1, 30-20-10 linear, fa, eta = %g, one run\n", par.eta);
    printf("%8s %10s %10s\n", "example", "nse", "angle_bp");
    for (size_t i = 0; i < res.nrows; i++) {
        const double *row = res.rows + i * res.ncols;
        printf("%8.0f %10.3g %10.3g\n", row[col[0]], row[col[1]], row[col[2]]);
    }
    fadyn_train_result_free(&res);
    fadyn_task_free(&task);
    return 0;
}
