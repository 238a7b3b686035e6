/* vecblock.h — the steppers' vectors in one allocation (private to the
 * integrate module). */
#ifndef FADYN_VECBLOCK_H
#define FADYN_VECBLOCK_H

#include <stddef.h>

enum { FADYN_VEC_ALIGN = 64 /* bytes: one cache line */ };

/* nvec vectors of dim doubles, each starting on a cache line and padded
 * with zeros to a whole number of lines; *stride is the doubles from one
 * vector to the next (a multiple of 8).  Free with free(); NULL if out of
 * memory. */
double *fadyn_vecblock_alloc(size_t nvec, size_t dim, size_t *stride);

#endif
