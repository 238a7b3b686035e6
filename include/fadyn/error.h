/* fadyn/error.h — status codes and messages, from one table (SUNDIALS-style).
 *
 * 0 is success, negative codes are errors, positive codes are outcomes that
 * are not errors of the call (a run that diverged, a check that failed).
 * Functions that can fail for a reason worth naming take a `fadyn_err *`
 * (may be NULL) and fill in one line of detail; the library never prints. */
#ifndef FADYN_ERROR_H
#define FADYN_ERROR_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include <stddef.h>

/* X(name, value, message) */
#define FADYN_ERROR_TABLE(X)                                                                       \
    X(FADYN_OK, 0, "success")                                                                      \
    X(FADYN_DIVERGED, 1, "the trajectory diverged (non-finite state or norm beyond the radius)")   \
    X(FADYN_MAXSTEPS, 2, "the step limit was reached before the end time")                         \
    X(FADYN_CHECK_FAILED, 3, "a numerical check failed")                                           \
    X(FADYN_NOPLOT, 4, "no image: gnuplot not found (the data and script are written)")            \
    X(FADYN_STOPPED, 5, "stopped on request (the state was saved)")                                \
    X(FADYN_EINVAL, -1, "invalid argument")                                                        \
    X(FADYN_ENOMEM, -2, "out of memory")                                                           \
    X(FADYN_EIO, -3, "input/output error")                                                         \
    X(FADYN_EPARSE, -4, "could not parse")                                                         \
    X(FADYN_ESHAPE, -5, "matrix of the wrong shape")                                               \
    X(FADYN_ENONFINITE, -6, "non-finite number")                                                   \
    X(FADYN_ELAPACK, -7, "LAPACK routine failed")                                                  \
    X(FADYN_EGSL, -8, "GSL routine failed")                                                        \
    X(FADYN_ENOGNUPLOT, -9, "gnuplot not found")                                                   \
    X(FADYN_EPLOT, -10, "gnuplot failed")                                                          \
    X(FADYN_ENOTCONV, -11, "did not converge")

typedef enum {
#define FADYN_X_ENUM(name, value, msg) name = value,
    FADYN_ERROR_TABLE(FADYN_X_ENUM)
#undef FADYN_X_ENUM
} fadyn_status;

/* One line of detail about a failure. */
typedef struct {
    int code;
    char msg[512];
} fadyn_err;

/* The fixed message of a status code ("unknown status" if not in the table). */
const char *fadyn_strerror(int code);

/* The symbolic name of a status code, e.g. "FADYN_ESHAPE". */
const char *fadyn_strcode(int code);

/* Record code and a printf-style detail in *err (if err != NULL); returns code,
 * so that `return fadyn_err_set(err, FADYN_EINVAL, "...")` reads naturally. */
int fadyn_err_set(fadyn_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clear *err to FADYN_OK. */
void fadyn_err_clear(fadyn_err *err);

FADYN_API_END
#endif
