/* version.c — version string, set by the Makefile from VERSION and git. */
#include "fadyn/version.h"

#ifndef FADYN_VERSION
#define FADYN_VERSION "0.0.0"
#endif
#ifndef FADYN_GITREV
#define FADYN_GITREV "unknown"
#endif

const char *fadyn_version(void) {
    return FADYN_VERSION " (git " FADYN_GITREV ")";
}
