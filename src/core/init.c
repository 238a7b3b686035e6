/* init.c — fadyn_init: GSL's error handler off, once, from any thread. */
#include "fadyn.h"

#include <gsl/gsl_errno.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_once(void) {
    /* GSL's default handler aborts the process; fadyn reads GSL's status
     * codes instead and reports them as fadyn_err */
    gsl_set_error_handler_off();
}

int fadyn_init(void) {
    return pthread_once(&once, init_once) == 0 ? FADYN_OK : FADYN_EINVAL;
}
