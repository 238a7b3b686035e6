/* fadyn/json.h — JSON summaries through jansson, written atomically. */
#ifndef FADYN_JSON_H
#define FADYN_JSON_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"

#include <jansson.h>

/* A real (-0 as 0), or null when x is not finite (JSON has no NaN). */
json_t *fadyn_json_real(double x);

/* Dump obj (indented, keys in insertion order) to path atomically, after
 * making every negative zero among its reals +0 (jansson would print
 * "-0.0"): obj is changed only there. */
int fadyn_json_write(json_t *obj, const char *path, fadyn_err *err);

/* The common header of every summary: tool, version, command. */
json_t *fadyn_json_summary_new(const char *command);

FADYN_API_END
#endif
