/* np.c — node perturbation (docs/theory.md §1), the paper's reinforcement
 * baseline: ξ_k ~ N(0, σ² I) added to every hidden pre-activation, δL the
 * change of the example's loss it caused, and δ_k = −(δL/σ²) ξ_k, an
 * estimate of −∂L/∂a_k.  Trainer form only (see fadyn/rule.h). */
#include "rules_impl.h"

#include <gsl/gsl_randist.h>

int fadyn_rule_np_backward(fadyn_train_ws *ws, size_t K) {
    const fadyn_net_spec *s = &ws->net.spec;
    double sig = ws->par.np_sigma;
    double *xi[FADYN_MAX_DEPTH] = {0};
    for (size_t k = 0; k + 1 < ws->L; k++) {
        xi[k] = ws->D[k];
        for (size_t i = 0; i < K * s->sizes[k + 1]; i++)
            xi[k][i] = gsl_ran_gaussian_ziggurat(ws->noise, sig);
    }
    fadyn_net_forward_noise(&ws->net, K, ws->xin, ws->Ap, ws->Hp, xi);
    size_t nL = s->sizes[ws->L];
    for (size_t r = 0; r < K; r++) {
        const double *y = ws->Hp[ws->L - 1] + r * nL, *t = ws->yin + r * nL;
        double l1 = 0.0;
        for (size_t j = 0; j < nL; j++)
            l1 += 0.5 * (t[j] - y[j]) * (t[j] - y[j]);
        double g = -(l1 - ws->l0[r]) / (sig * sig);
        for (size_t k = 0; k + 1 < ws->L; k++)
            for (size_t i = 0; i < s->sizes[k + 1]; i++)
                xi[k][r * s->sizes[k + 1] + i] *= g;
    }
    return FADYN_OK;
}
