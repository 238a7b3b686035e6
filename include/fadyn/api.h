/* fadyn/api.h — what libfadyn exports.  The library is built with
 * -fvisibility=hidden; every public header declares its interface between
 * FADYN_API_BEGIN and FADYN_API_END (or marks a declaration FADYN_API), so
 * that only the fadyn_ names of include/fadyn/ leave libfadyn.so. */
#ifndef FADYN_API_H
#define FADYN_API_H

#if defined(__GNUC__)
#define FADYN_API       __attribute__((visibility("default")))
#define FADYN_API_BEGIN _Pragma("GCC visibility push(default)")
#define FADYN_API_END   _Pragma("GCC visibility pop")
#else
#define FADYN_API
#define FADYN_API_BEGIN
#define FADYN_API_END
#endif

#endif
