/* vecblock.c — the steppers' vectors in one aligned, zeroed allocation. */
#include "vecblock.h"

#include <stdlib.h>
#include <string.h>

double *fadyn_vecblock_alloc(size_t nvec, size_t dim, size_t *stride) {
    size_t per_line = FADYN_VEC_ALIGN / sizeof(double);
    size_t s = (dim + per_line - 1) / per_line * per_line;
    if (s == 0) s = per_line;
    size_t bytes = nvec * s * sizeof(double);
    double *b = aligned_alloc(FADYN_VEC_ALIGN, bytes);
    if (!b) return NULL;
    memset(b, 0, bytes);
    *stride = s;
    return b;
}
