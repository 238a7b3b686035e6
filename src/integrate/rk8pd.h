/* rk8pd.h — fadyn's Prince–Dormand 8(9) stepper type for GSL odeiv2 (private to the
 * integrate module; reach it by name through fadyn_stepper_find("rk8pd")). */
#ifndef FADYN_RK8PD_H
#define FADYN_RK8PD_H

#include <gsl/gsl_odeiv2.h>

/* The same method and coefficients as GSL's gsl_odeiv2_step_rk8pd, with the
 * stage sums blocked so they vectorise; usable by GSL's evolve, control and
 * driver like any GSL stepper type. */
extern const gsl_odeiv2_step_type *fadyn_step_rk8pd;

#endif
