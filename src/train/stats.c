/* stats.c — Welch's t-test (GSL) for comparing runs, e.g. 3 vs 4 layers (Fig. 2d). */
#include "fadyn/train.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

int fadyn_welch_test(const double *a, size_t na, const double *b, size_t nb, fadyn_welch *w) {
    if (na < 2 || nb < 2) return FADYN_EINVAL;
    w->mean_a = gsl_stats_mean(a, 1, na);
    w->mean_b = gsl_stats_mean(b, 1, nb);
    w->sd_a = gsl_stats_sd_m(a, 1, na, w->mean_a);
    w->sd_b = gsl_stats_sd_m(b, 1, nb, w->mean_b);
    double va = w->sd_a * w->sd_a / (double)na, vb = w->sd_b * w->sd_b / (double)nb;
    if (va + vb == 0.0) return FADYN_EINVAL;
    w->t = (w->mean_a - w->mean_b) / sqrt(va + vb);
    /* Welch–Satterthwaite degrees of freedom */
    w->df = (va + vb) * (va + vb) / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
    w->p = 2.0 * gsl_cdf_tdist_Q(fabs(w->t), w->df);
    return FADYN_OK;
}
