/* trajectory.c — the expected learning dynamics of the paper's 30-20-10
 * network under feedback alignment (eq 12-13), observed along the way.
 *
 * The same problem as `fadyn ode --seed 1 --t-end 8 --samples 9`: T, B and
 * the initial weights drawn by fadyn_problem_draw from GSL's mt19937 seeded
 * with 1.  Printed with four significant digits, and the drift of the
 * conserved C (eq 14) only as "below 1e-9", so that the output does not
 * depend on BLAS rounding or the number of threads.
 *
 * Build against an installed fadyn:  cc trajectory.c $(pkg-config --cflags --libs fadyn) */
#include <fadyn.h>
#include <stdio.h>

int main(void) {
    fadyn_init(); /* before any other fadyn call: GSL errors as status codes */
    size_t sizes[] = {30, 20, 10};
    fadyn_err err = {0};
    fadyn_problem p;
    if (fadyn_problem_alloc(&p, 2, sizes, fadyn_rule_type_find("fa"), &err) != FADYN_OK) {
        fprintf(stderr, "trajectory: %s\n", err.msg);
        return 1;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    fadyn_init_params scales = fadyn_init_params_default(); /* T ~ U[-1,1], B ~ U[-.5,.5], ω 0.01 */
    fadyn_problem_draw(&p, &scales, r);
    gsl_rng_free(r);

    fadyn_integ_params ip = fadyn_integ_params_default(); /* rtol 1e-8, atol 1e-10 */
    ip.t_end = 8;
    ip.samples = 9;
    fadyn_ode_result res;
    int rc = fadyn_ode_run(&p, &ip, &res);
    if (rc != FADYN_OK) {
        fprintf(stderr, "trajectory: %s: %s\n", fadyn_strerror(rc), res.err.msg);
        fadyn_ode_result_free(&res);
        fadyn_problem_free(&p);
        return 1;
    }
    printf("%4s %11s %11s %9s %9s %9s\n", "t", "nse", "V", "s", "angle_bp", "angle_pbp");
    for (size_t i = 0; i < res.nrows; i++) {
        const fadyn_obs *o = &res.rows[i];
        printf("%4.1f %11.4g %11.4g %9.4g %9.4g %9.4g\n", o->t, o->nse, o->V, o->s, o->angle_bp,
               o->angle_pbp);
    }
    printf("C conserved: relative drift below 1e-9: %s\n", res.drift_rel_max < 1e-9 ? "yes" : "no");
    if (res.s_bound_reason) /* a random start has C != 0: the bounds do not apply */
        printf("no bound on s: %s\n", res.s_bound_reason);
    else
        printf("s stays below the derived bound %.4g: %s\n", res.s_bound_derived,
               res.s_max <= res.s_bound_derived ? "yes" : "no");
    fadyn_ode_result_free(&res);
    fadyn_problem_free(&p);
    return 0;
}
