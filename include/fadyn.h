/* fadyn.h — umbrella header of libfadyn, the learning dynamics of feedback
 * alignment (Lillicrap et al., "Random feedback weights support learning in
 * deep neural networks").  One header per module under fadyn/. */
#ifndef FADYN_H
#define FADYN_H

#include "fadyn/api.h"
#include "fadyn/clock.h"
#include "fadyn/compare.h"
#include "fadyn/cost.h"
#include "fadyn/dynamics.h"
#include "fadyn/error.h"
#include "fadyn/experiments.h"
#include "fadyn/explore.h"
#include "fadyn/idx.h"
#include "fadyn/integrate.h"
#include "fadyn/io.h"
#include "fadyn/json.h"
#include "fadyn/linalg.h"
#include "fadyn/mnist.h"
#include "fadyn/observer.h"
#include "fadyn/ode.h"
#include "fadyn/phase.h"
#include "fadyn/plot.h"
#include "fadyn/plots.h"
#include "fadyn/portrait.h"
#include "fadyn/problem.h"
#include "fadyn/rule.h"
#include "fadyn/seed.h"
#include "fadyn/size.h"
#include "fadyn/train.h"
#include "fadyn/verify.h"
#include "fadyn/version.h"
#include "fadyn/work.h"

/* Call fadyn_init() once before any other fadyn call.  It makes GSL's error
 * handling safe for the library: GSL's default handler aborts the process
 * on any error (a step direction against the interval, a bad dimension),
 * fadyn_init turns it off (gsl_set_error_handler_off) so that fadyn reads
 * GSL's status codes and returns them as FADYN_EGSL, FADYN_EINVAL, ... with
 * one line of detail.  Idempotent and thread-safe (pthread_once): calling it
 * again, from any thread, does nothing.  It replaces GSL's handler for the
 * whole process; a program that wants its own handler sets it after this.
 * Returns FADYN_OK. */
FADYN_API int fadyn_init(void);

#endif
