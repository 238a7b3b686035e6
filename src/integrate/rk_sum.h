/* rk_sum.h — the weighted vector sums of fadyn's explicit Runge–Kutta
 * steppers, rk8pd and dop853 (private to the integrate module). */
#ifndef FADYN_RK_SUM_H
#define FADYN_RK_SUM_H

#include <stddef.h>

enum {
    FADYN_RK_MAXTERMS = 14, /* most vectors in one sum (dop853's dense output) */
    FADYN_RK_BLOCK = 8,     /* entries summed per register block: 2 AVX2, 1 AVX-512 register */
};

/* A weighted sum with its vectors resolved for one step: Σ_j a_j v_j. */
typedef struct {
    size_t n;
    double a[FADYN_RK_MAXTERMS];
    const double *v[FADYN_RK_MAXTERMS];
} fadyn_rk_terms;

/* t = Σ_j a[j] k[idx[j]], j < n: a row of a Butcher table resolved for a step. */
static inline void fadyn_rk_terms_of(fadyn_rk_terms *t, size_t n, const unsigned char *idx,
                                     const double *a, const double *const *k) {
    t->n = n;
    for (size_t j = 0; j < n; j++) {
        t->a[j] = a[j];
        t->v[j] = k[idx[j]];
    }
}

/* A block as one value (GCC vector extension: 1 AVX-512, 2 AVX2 or 4 SSE2
 * registers), and the same for loads and stores at any 8-byte boundary. */
typedef double fadyn_rk_v8 __attribute__((vector_size(FADYN_RK_BLOCK * sizeof(double))));
typedef double fadyn_rk_v8u __attribute__((vector_size(FADYN_RK_BLOCK * sizeof(double)),
                                           aligned(sizeof(double)), may_alias));
#define FADYN_RK_AT(p)  (*(fadyn_rk_v8u *)(void *)(p))
#define FADYN_RK_ATC(p) (*(const fadyn_rk_v8u *)(const void *)(p))

/* *s = Σ_j a_j v_j[i .. i + 8), summed left to right: one block. */
static inline __attribute__((always_inline)) void fadyn_rk_sum8(fadyn_rk_v8 *s,
                                                                const fadyn_rk_terms *t, size_t i) {
    fadyn_rk_v8 acc = t->a[0] * FADYN_RK_ATC(t->v[0] + i);
    for (size_t j = 1; j < t->n; j++)
        acc += t->a[j] * FADYN_RK_ATC(t->v[j] + i);
    *s = acc;
}

/* s[b] = Σ_j a_j v_j[i + b] for b < len, summed left to right (the same
 * operations as fadyn_rk_sum8, entry by entry: a last partial block). */
static inline void fadyn_rk_block_sum(size_t len, double *restrict s, const fadyn_rk_terms *t,
                                      size_t i) {
    const double *restrict v0 = t->v[0] + i;
    for (size_t b = 0; b < len; b++)
        s[b] = t->a[0] * v0[b];
    for (size_t j = 1; j < t->n; j++) {
        const double *restrict vj = t->v[j] + i;
        const double aj = t->a[j];
        for (size_t b = 0; b < len; b++)
            s[b] += aj * vj[b];
    }
}

/* out[i + b] = base[i + b] + h Σ_j a_j v_j[i + b] for b < len (a whole
 * block when len = FADYN_RK_BLOCK): one block of a stage's argument. */
static inline __attribute__((always_inline)) void
fadyn_rk_stage_block(size_t len, double *restrict out, const double *restrict base, double h,
                     const fadyn_rk_terms *t, size_t i) {
    if (len == FADYN_RK_BLOCK) {
        fadyn_rk_v8 s;
        fadyn_rk_sum8(&s, t, i);
        FADYN_RK_AT(out + i) = FADYN_RK_ATC(base + i) + h * s;
        return;
    }
    double s[FADYN_RK_BLOCK];
    fadyn_rk_block_sum(len, s, t, i);
    for (size_t b = 0; b < len; b++)
        out[i + b] = base[i + b] + h * s[b];
}

#endif
