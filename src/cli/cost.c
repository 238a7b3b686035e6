/* cost.c — the work limit of every command that can run for hours: the
 * estimated flops (fadyn/cost.h) against a limit, refused unless --force
 * (issue 13, class 5), and the expected time said before a long run. */
#include "fadyn/cost.h"
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

int cli_cost_check(const char *cmd, int force, double flops, double limit, const char *fmt, ...) {
    if (force || !(flops > limit)) return 0;
    char what[1024], t_run[64], t_limit[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    fadyn_cost_duration(flops / FADYN_WORK_RATE, t_run, sizeof t_run);
    fadyn_cost_duration(limit / FADYN_WORK_RATE, t_limit, sizeof t_limit);
    cli_error(cmd,
              "%s: about %.2g flop (%s at %.2g GFLOP/s), beyond the limit of %g flop (%s); "
              "--force runs it",
              what, flops, t_run, FADYN_WORK_RATE / 1e9, limit, t_limit);
    return CLI_EXIT_USAGE;
}
