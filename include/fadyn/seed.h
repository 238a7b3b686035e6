/* fadyn/seed.h — independent seeds for the random streams of one seed.
 *
 * Every stream fadyn draws (the data and the noise of a training run, the
 * runs of an ensemble, the instances of the verification battery) is seeded
 * from the user's seed through splitmix64 (Steele, Lea & Flood 2014), so
 * nearby seeds and stream numbers give unrelated generators. */
#ifndef FADYN_SEED_H
#define FADYN_SEED_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include <stdint.h>

/* splitmix64: the output for state x, i.e. the finaliser applied to
 * x + 0x9e3779b97f4a7c15 (the golden-ratio increment). */
uint64_t fadyn_splitmix64(uint64_t x);

/* The seed of stream `stream` of `seed`: splitmix64 at state
 * (seed − 1)·γ + stream + 1 (γ the increment), its low 32 bits (all that
 * gsl_rng_mt19937 uses of a seed). */
unsigned long fadyn_seed_mix(unsigned long seed, unsigned long stream);

FADYN_API_END
#endif
