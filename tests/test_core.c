/* test_core.c — the core utilities: splitmix64 against its published
 * sequence, and the stream seeds derived from it. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdint.h>

/* The first outputs of splitmix64 from state 0 (Vigna's reference
 * splitmix64.c): the state advances by γ before each output. */
Test(seed, splitmix64_reference_sequence) {
    const uint64_t gamma = 0x9e3779b97f4a7c15ULL;
    const uint64_t want[4] = {0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL,
                              0xf88bb8a8724c81ecULL};
    for (uint64_t k = 0; k < 4; k++)
        cr_expect_eq(fadyn_splitmix64(k * gamma), want[k], "output %lu", (unsigned long)k);
}

/* A stream seed is the low 32 bits of the finaliser at state
 * seed·γ + stream + 1: seed 1, stream −1 is state γ, the reference's first
 * output.  Distinct (seed, stream) pairs give distinct seeds here. */
Test(seed, stream_seeds_are_32_bit_and_distinct) {
    cr_expect_eq(fadyn_seed_mix(1, (unsigned long)-1), 0x7b1dcdafUL);
    unsigned long seen[64];
    size_t n = 0;
    for (unsigned long seed = 1; seed <= 8; seed++)
        for (unsigned long stream = 0; stream < 8; stream++) {
            unsigned long s = fadyn_seed_mix(seed, stream);
            cr_expect_leq(s, 0xffffffffUL);
            for (size_t i = 0; i < n; i++)
                cr_expect_neq(s, seen[i], "seed %lu stream %lu repeats", seed, stream);
            seen[n++] = s;
        }
}
