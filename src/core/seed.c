/* seed.c — splitmix64 and the stream seeds derived from it. */
#include "fadyn/seed.h"

static const uint64_t gamma64 = 0x9e3779b97f4a7c15ULL;

uint64_t fadyn_splitmix64(uint64_t x) {
    uint64_t z = x + gamma64;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

unsigned long fadyn_seed_mix(unsigned long seed, unsigned long stream) {
    uint64_t x = ((uint64_t)seed - 1) * gamma64 + (uint64_t)stream + 1;
    return (unsigned long)(fadyn_splitmix64(x) & 0xffffffffULL);
}
