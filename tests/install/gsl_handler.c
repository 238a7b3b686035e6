/* gsl_handler.c — fadyn_init makes GSL's errors status codes (tests/install.sh).
 *
 * It never calls gsl_set_error_handler_off itself.  It asks fadyn for a GSL
 * step towards an end time behind the current one, which GSL's evolve
 * refuses through its error handler: after fadyn_init (called twice, from
 * two threads) the call returns FADYN_EGSL and the program exits 0; run
 * with "noinit" it skips fadyn_init, and GSL's default handler aborts it. */
#include <fadyn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static int rhs(double t, const double *y, double *f, void *params) {
    (void)t, (void)params;
    f[0] = -y[0];
    return GSL_SUCCESS;
}

static void *init_thread(void *arg) {
    *(int *)arg = fadyn_init();
    return NULL;
}

int main(int argc, char **argv) {
    if (!(argc > 1 && strcmp(argv[1], "noinit") == 0)) {
        pthread_t th;
        int rc_thread = -1;
        if (pthread_create(&th, NULL, init_thread, &rc_thread) != 0) return 3;
        int rc = fadyn_init();
        pthread_join(th, NULL);
        if (rc != FADYN_OK || rc_thread != FADYN_OK) return 4;
    }
    fadyn_err err = {0};
    fadyn_integ_params ip = fadyn_integ_params_default();
    ip.stepper = fadyn_stepper_find("rkf45");
    gsl_odeiv2_system sys = {rhs, NULL, 1, NULL};
    fadyn_integ_ws *ws = fadyn_integ_ws_alloc(&sys, &ip, &err);
    if (!ws) {
        fprintf(stderr, "gsl_handler: %s\n", err.msg);
        return 5;
    }
    double t = 1.0, h = 0.1, y = 1.0;
    int rc = fadyn_integ_step(ws, &t, 0.5, &h, &y, &err); /* t1 = 0.5 behind t = 1, h > 0 */
    fadyn_integ_ws_free(ws);
    printf("%d %s\n", rc, err.msg);
    return rc == FADYN_EGSL ? 0 : 6;
}
