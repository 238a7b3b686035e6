/* error.c — status messages from the one table in fadyn/error.h. */
#include "fadyn/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *fadyn_strerror(int code) {
    switch (code) {
#define FADYN_X_MSG(name, value, msg)                                                              \
    case value:                                                                                    \
        return msg;
        FADYN_ERROR_TABLE(FADYN_X_MSG)
#undef FADYN_X_MSG
    }
    return "unknown status";
}

const char *fadyn_strcode(int code) {
    switch (code) {
#define FADYN_X_NAME(name, value, msg)                                                             \
    case value:                                                                                    \
        return #name;
        FADYN_ERROR_TABLE(FADYN_X_NAME)
#undef FADYN_X_NAME
    }
    return "FADYN_UNKNOWN";
}

int fadyn_err_set(fadyn_err *err, int code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

void fadyn_err_clear(fadyn_err *err) {
    if (err) {
        err->code = FADYN_OK;
        err->msg[0] = '\0';
    }
}
