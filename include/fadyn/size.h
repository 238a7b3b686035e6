/* fadyn/size.h — sizes computed with an overflow check (issue 13: a count
 * near SIZE_MAX once wrapped a row count and overflowed a heap buffer).
 * Every allocation whose size is a product of counts goes through these. */
#ifndef FADYN_SIZE_H
#define FADYN_SIZE_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* a * b into *out: 0; 1 (and *out untouched) when it overflows size_t. */
static inline int fadyn_mul_size_overflow(size_t a, size_t b, size_t *out) {
    if (b != 0 && a > SIZE_MAX / b) return 1;
    *out = a * b;
    return 0;
}

/* a + b into *out: 0; 1 (and *out untouched) when it overflows size_t. */
static inline int fadyn_add_size_overflow(size_t a, size_t b, size_t *out) {
    if (a > SIZE_MAX - b) return 1;
    *out = a + b;
    return 0;
}

/* malloc(n * m * elem), NULL when the product overflows (as when memory
 * runs out); at least one byte, so a NULL is always a failure. */
static inline void *fadyn_malloc_n(size_t n, size_t m, size_t elem) {
    size_t b;
    if (fadyn_mul_size_overflow(n, m, &b) || fadyn_mul_size_overflow(b, elem, &b)) return NULL;
    return malloc(b ? b : 1);
}

FADYN_API_END
#endif
