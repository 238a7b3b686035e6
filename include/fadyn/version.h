/* fadyn/version.h — the library's version string. */
#ifndef FADYN_VERSION_H
#define FADYN_VERSION_H

#include "fadyn/api.h"
FADYN_API_BEGIN

/* e.g. "0.1.0 (git abc1234)" */
const char *fadyn_version(void);

FADYN_API_END
#endif
