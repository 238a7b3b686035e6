/* pbp.c — pseudobackprop (docs/theory.md §5): the hidden signal is W_k⁺
 * times the one above.  Trainer form only (see fadyn/rule.h). */
#include "rules_impl.h"

static const double *pick(fadyn_train_ws *ws, size_t k, int *trans) {
    *trans = 0;
    return ws->P[k];
}

int fadyn_rule_pbp_backward(fadyn_train_ws *ws, size_t K) {
    int rc = fadyn_train_pinv_all(ws);
    return rc ? rc : fadyn_train_chain(ws, K, pick);
}
