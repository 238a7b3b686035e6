/* dfa.c — direct feedback alignment (Nøkland 2016; not in the paper): every
 * hidden layer gets the output delta through its own fixed random matrix,
 * δ_k = (F_{k-1} δ_L) ∘ σ'(a_k).  Trainer form only (see fadyn/rule.h). */
#include "rules_impl.h"

int fadyn_rule_dfa_backward(fadyn_train_ws *ws, size_t K) {
    const fadyn_net_spec *s = &ws->net.spec;
    size_t nL = s->sizes[ws->L];
    for (size_t k = 1; k < ws->L; k++) {
        fadyn_rows_times(K, s->sizes[k], nL, 0, ws->D[ws->L - 1], ws->F[k - 1], ws->D[k - 1]);
        fadyn_act_deriv_mul(s->act[k - 1], ws->H[k - 1], ws->D[k - 1], K * s->sizes[k]);
    }
    return FADYN_OK;
}
