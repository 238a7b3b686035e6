/* fadyn.h — umbrella header of libfadyn, the learning dynamics of feedback
 * alignment (Lillicrap et al., "Random feedback weights support learning in
 * deep neural networks").  One header per module under fadyn/. */
#ifndef FADYN_H
#define FADYN_H

#include "fadyn/api.h"
#include "fadyn/clock.h"
#include "fadyn/compare.h"
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

#endif
