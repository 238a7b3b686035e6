/* gemm_impl.h — the choices inside fadyn_gemm that tests and benchmarks
 * compare (private to the library). */
#ifndef FADYN_GEMM_IMPL_H
#define FADYN_GEMM_IMPL_H

/* The small path's vector width: on = 1 vectors of 8 where the CPU has
 * AVX-512F (the default), 0 the AVX2 kernel, -1 leave it.  Returns the
 * setting before the call.  Both give the same bits (gemm.c). */
int fadyn_gemm_small_wide(int on);

#endif
