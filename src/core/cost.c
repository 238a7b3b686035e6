/* cost.c — the estimates of fadyn/cost.h. */
#include "fadyn/cost.h"

#include <math.h>
#include <stdio.h>

double fadyn_cost_training(double weights, double examples, double runs, double evaluations,
                           double n_test) {
    return runs * (6.0 * weights * examples + 2.0 * weights * n_test * evaluations);
}

double fadyn_cost_evaluations(double examples, double eval_every) {
    return (eval_every > 0 ? ceil(examples / eval_every) : 1.0) + 1.0;
}

void fadyn_cost_duration(double s, char *out, size_t n) {
    if (!(s >= 0) || isinf(s))
        snprintf(out, n, "an unknown time");
    else if (s < 90)
        snprintf(out, n, "%.0f s", s);
    else if (s < 2700)
        snprintf(out, n, "%.0f min", s / 60);
    else if (s < 5400)
        snprintf(out, n, "an hour");
    else if (s < 172800)
        snprintf(out, n, "%.0f hours", s / 3600);
    else if (s < 3 * 365.25 * 86400)
        snprintf(out, n, "%.0f days", s / 86400);
    else
        snprintf(out, n, s < 1e5 * 365.25 * 86400 ? "%.0f years" : "%.2g years",
                 s / (365.25 * 86400));
}
