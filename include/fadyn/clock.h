/* fadyn/clock.h — the wall clock every run, grid and benchmark times itself with. */
#ifndef FADYN_CLOCK_H
#define FADYN_CLOCK_H

#include "fadyn/api.h"
FADYN_API_BEGIN

/* Seconds on the monotonic clock (CLOCK_MONOTONIC) from an arbitrary
 * origin: only differences mean anything.  Thread-safe. */
double fadyn_wall_seconds(void);

FADYN_API_END
#endif
