/* rules_impl.h — what each rule's file (src/rules/NAME.c) gives the table
 * (table.c): its trainer backward pass and its expected-dynamics form. */
#ifndef FADYN_RULES_IMPL_H
#define FADYN_RULES_IMPL_H

#include "../train/train_impl.h"
#include "fadyn/problem.h"
#include "fadyn/rule.h"

int fadyn_rule_bp_backward(fadyn_train_ws *ws, size_t K);
extern const fadyn_rule_ode fadyn_rule_bp_ode;

int fadyn_rule_fa_backward(fadyn_train_ws *ws, size_t K); /* also sparse-fa's */
extern const fadyn_rule_ode fadyn_rule_fa_ode;

int fadyn_rule_np_backward(fadyn_train_ws *ws, size_t K);
int fadyn_rule_pbp_backward(fadyn_train_ws *ws, size_t K);
int fadyn_rule_dfa_backward(fadyn_train_ws *ws, size_t K);

#endif
