/* phase_args.c — options shared by `fadyn flow` and `fadyn basin`. */
#include "phase_args.h"
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const PHASE_COMMON_HELP =
    "The 1-1-1 network (docs/theory.md §4): a = W0, w = W, feedback b, target t,\n"
    "  da/dt = b (t - w a),  dw/dt = (t - w a) a,  C = 2 b w - a^2 conserved.\n"
    "  --b X               feedback weight, any non-zero real (default 1)\n"
    "  --t X               target, any non-zero real (default 1)\n"
    "  --window A0,A1,W0,W1  a-range then w-range (default -3,3,-3,3)\n"
    "  --from A,W          a start (repeatable, up to 64); outside the window is\n"
    "                      allowed and noted on stderr\n"
    "Integration of a start until it settles (|t - w a| < e-tol and speed < speed-tol):\n"
    "  --stepper NAME      GSL stepper (default rk8pd; see fadyn ode --help)\n"
    "  --rtol X --atol X   tolerances (default 1e-7, 1e-9)\n"
    "  --t-max T           give up (class 'unconverged') after T (default 1e4)\n"
    "  --e-tol X           |E| tolerance (default 1e-6)\n"
    "  --speed-tol X       speed tolerance (default 1e-6)\n"
    "  --engine NAME       evolve: step by step (GSL's evolve), one driver per thread\n"
    "                      (default); wrapper: the sampled fadyn_integrate, one per start\n"
    "                      (slower: it allocates a driver per start; kept as a cross-check)\n";

double phase_window_area(const phase_common *pc) {
    return (pc->win.a_hi - pc->win.a_lo) * (pc->win.w_hi - pc->win.w_lo);
}

void phase_common_default(phase_common *pc) {
    memset(pc, 0, sizeof *pc);
    pc->b = pc->t = 1.0;
    pc->win = (fadyn_window){-3.0, 3.0, -3.0, 3.0};
    pc->bp = fadyn_basin_params_default();
}

int phase_common_option(const char *cmd, phase_common *pc, const char *name, const char *val) {
    char opt[64];
    snprintf(opt, sizeof opt, "--%s", name);
    if (strcmp(name, "b") == 0) return cli_double(cmd, opt, val, &pc->b);
    if (strcmp(name, "t") == 0) return cli_double(cmd, opt, val, &pc->t);
    if (strcmp(name, "rtol") == 0) return cli_double(cmd, opt, val, &pc->bp.integ.rtol);
    if (strcmp(name, "atol") == 0) return cli_double(cmd, opt, val, &pc->bp.integ.atol);
    if (strcmp(name, "t-max") == 0) return cli_double(cmd, opt, val, &pc->bp.integ.t_end);
    if (strcmp(name, "e-tol") == 0) return cli_double(cmd, opt, val, &pc->bp.e_tol);
    if (strcmp(name, "speed-tol") == 0) return cli_double(cmd, opt, val, &pc->bp.speed_tol);
    if (strcmp(name, "out") == 0) return pc->out = val, 0;
    if (strcmp(name, "summary") == 0) return pc->summary = val, 0;
    if (strcmp(name, "plot") == 0) return pc->plot = val, 0;
    if (strcmp(name, "quiet") == 0) return pc->quiet = 1, 0;
    if (strcmp(name, "stepper") == 0) return cli_stepper(cmd, val, &pc->bp.integ.stepper);
    if (strcmp(name, "engine") == 0) {
        if (strcmp(val, "evolve") == 0)
            pc->bp.engine = FADYN_BASIN_EVOLVE;
        else if (strcmp(val, "wrapper") == 0)
            pc->bp.engine = FADYN_BASIN_WRAPPER;
        else {
            cli_error(cmd, "--engine '%s': unknown (evolve, wrapper)", val);
            return CLI_EXIT_USAGE;
        }
        return 0;
    }
    if (strcmp(name, "window") == 0) {
        double v[4];
        size_t n = 0;
        int rc = cli_double_list(cmd, opt, val, v, 4, &n);
        if (rc) return rc;
        if (n != 4) {
            cli_error(cmd, "--window '%s': give 4 numbers a_lo,a_hi,w_lo,w_hi", val);
            return CLI_EXIT_USAGE;
        }
        for (int k = 0; k < 2; k++)
            if (!(v[2 * k] < v[2 * k + 1])) {
                cli_error(cmd, "--window '%s': the %s-range [%g, %g] is %s", val, k ? "w" : "a",
                          v[2 * k], v[2 * k + 1], v[2 * k] == v[2 * k + 1] ? "empty" : "inverted");
                return CLI_EXIT_USAGE;
            }
        pc->win = (fadyn_window){v[0], v[1], v[2], v[3]};
        return 0;
    }
    if (strcmp(name, "from") == 0) {
        double v[2];
        size_t n = 0;
        if (pc->nfrom == PHASE_MAX_FROM) {
            cli_error(cmd, "--from: at most %d starts", PHASE_MAX_FROM);
            return CLI_EXIT_USAGE;
        }
        int rc = cli_double_list(cmd, opt, val, v, 2, &n);
        if (rc) return rc;
        if (n != 2) {
            cli_error(cmd, "--from '%s': give a start as a,w", val);
            return CLI_EXIT_USAGE;
        }
        pc->from[pc->nfrom][0] = v[0];
        pc->from[pc->nfrom][1] = v[1];
        pc->nfrom++;
        return 0;
    }
    return 1;
}

int phase_common_check(const char *cmd, const phase_common *pc) {
    if (pc->b == 0.0) {
        cli_error(cmd, "--b 0: no signal reaches the hidden unit (da/dt = b (t - w a) = 0, a "
                       "never moves); give a non-zero feedback weight");
        return CLI_EXIT_USAGE;
    }
    if (pc->t == 0.0) {
        cli_error(cmd, "--t 0: the target must be non-zero (the equilibria a w = t would "
                       "collapse onto the axes)");
        return CLI_EXIT_USAGE;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_basin_params_check(&pc->bp, &err) != FADYN_OK) {
        cli_error_err(cmd, &err);
        return CLI_EXIT_USAGE;
    }
    const fadyn_window *w = &pc->win;
    for (size_t k = 0; k < pc->nfrom; k++) {
        double a = pc->from[k][0], ww = pc->from[k][1];
        if (a < w->a_lo || a > w->a_hi || ww < w->w_lo || ww > w->w_hi)
            fprintf(stderr,
                    "fadyn %s: note: --from %g,%g lies outside the window "
                    "[%g,%g]x[%g,%g] (integrated anyway)\n",
                    cmd, a, ww, w->a_lo, w->a_hi, w->w_lo, w->w_hi);
    }
    return 0;
}

/* Physical memory in bytes (0 if unknown). */
static double phys_bytes(void) {
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0.0;
}

int phase_grid(const char *cmd, const char *opt, const char *s, size_t bytes, size_t *na,
               size_t *nw) {
    unsigned long a = 0, w = 0;
    char *end = NULL;
    errno = 0;
    if (s[0] >= '0' && s[0] <= '9') a = strtoul(s, &end, 10);
    if (!end || (*end != 'x' && *end != 'X') || !(end[1] >= '0' && end[1] <= '9')) {
        cli_error(cmd, "%s '%s': give the grid as NxM, e.g. 201x201", opt, s);
        return CLI_EXIT_USAGE;
    }
    const char *rest = end + 1;
    w = strtoul(rest, &end, 10);
    if (*end != '\0' || errno == ERANGE) {
        cli_error(cmd, "%s '%s': give the grid as NxM, e.g. 201x201", opt, s);
        return CLI_EXIT_USAGE;
    }
    if (a < 2 || w < 2) {
        cli_error(cmd, "%s '%s': each side needs at least 2 points", opt, s);
        return CLI_EXIT_USAGE;
    }
    double need = (double)a * (double)w * (double)bytes, have = phys_bytes();
    if ((double)a * (double)w > (double)SIZE_MAX / (double)bytes ||
        (have > 0.0 && need > have / 2)) {
        cli_error(cmd,
                  "%s '%s': %.3g points need %.3g GB, more than half this machine's memory "
                  "(%.3g GB)",
                  opt, s, (double)a * (double)w, need / 1e9, have / 1e9);
        return CLI_EXIT_USAGE;
    }
    *na = (size_t)a;
    *nw = (size_t)w;
    return 0;
}

int phase_parse(const char *cmd, int argc, char **argv, const struct option *opts, phase_common *pc,
                const char *help_head, const char *help_tail, phase_own_fn own, void *ctx) {
    int c, idx = 0, rc = 0;
    opterr = 0;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "h", opts, &idx)) != -1) {
        if (c == PHASE_OPT) {
            rc = phase_common_option(cmd, pc, opts[idx].name, optarg);
        } else if (c == 'h') {
            fputs(help_head, stdout);
            fputs(PHASE_COMMON_HELP, stdout);
            fputs(help_tail, stdout);
            return -1;
        } else if (c == '?' || c == ':') {
            rc = cli_bad_option(cmd, argv);
        } else {
            rc = own(ctx, c, optarg);
        }
    }
    return rc ? rc : cli_no_operands(cmd, argc, argv);
}

int phase_outputs_check(const char *cmd, phase_common *pc, int plot_w, int plot_h) {
    int rc;
    if (pc->out && (rc = cli_check_out(cmd, "--out", pc->out))) return rc;
    if (pc->summary && (rc = cli_check_out(cmd, "--summary", pc->summary))) return rc;
    fadyn_err err;
    fadyn_err_clear(&err);
    if (pc->plot && fadyn_plot_target_parse(&pc->pt, pc->plot, plot_w, plot_h, &err) != FADYN_OK) {
        cli_error_err(cmd, &err);
        return CLI_EXIT_USAGE;
    }
    return 0;
}
