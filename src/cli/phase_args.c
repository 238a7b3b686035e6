/* phase_args.c — options shared by `fadyn flow` and `fadyn basin`. */
#include "phase_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef phase_common P;

/* --window A0,A1,W0,W1: both ranges non-empty. */
static int parse_window(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    double v[4];
    size_t n = 0;
    int rc = cli_read_doubles(cmd, o, arg, v, 4, &n);
    if (rc) return rc;
    if (n != 4) {
        cli_error(cmd, "--window '%s': give 4 numbers a_lo,a_hi,w_lo,w_hi", arg);
        return CLI_EXIT_USAGE;
    }
    for (int k = 0; k < 2; k++)
        if (!(v[2 * k] < v[2 * k + 1])) {
            cli_error(cmd, "--window '%s': the %s-range [%g, %g] is %s", arg, k ? "w" : "a",
                      v[2 * k], v[2 * k + 1], v[2 * k] == v[2 * k + 1] ? "empty" : "inverted");
            return CLI_EXIT_USAGE;
        }
    ((P *)base)->win = (fadyn_window){v[0], v[1], v[2], v[3]};
    return 0;
}
static json_t *window_json(const cli_opt *o, const void *base) {
    const fadyn_window *w = &((const P *)base)->win;
    (void)o;
    return json_pack("[ffff]", w->a_lo, w->a_hi, w->w_lo, w->w_hi);
}
static void window_show(const cli_opt *o, const void *base, char *buf, size_t n) {
    const fadyn_window *w = &((const P *)base)->win;
    (void)o;
    snprintf(buf, n, "%g,%g,%g,%g", w->a_lo, w->a_hi, w->w_lo, w->w_hi);
}
static const cli_kind window_kind = {1, 0, 0, parse_window, window_json, window_show, NULL};

/* --from A,W: one more start. */
static int parse_from(const char *cmd, const cli_opt *o, const char *arg, void *base) {
    P *pc = base;
    size_t n = 0;
    if (pc->nfrom == PHASE_MAX_FROM) {
        cli_error(cmd, "--from: at most %d starts", PHASE_MAX_FROM);
        return CLI_EXIT_USAGE;
    }
    double v[2];
    int rc = cli_read_doubles(cmd, o, arg, v, 2, &n);
    if (rc == 0 && n != 2) {
        cli_error(cmd, "--from '%s': give a start as a,w", arg);
        rc = CLI_EXIT_USAGE;
    }
    if (rc == 0) pc->from[pc->nfrom++] = (fadyn_phase_start){v[0], v[1], 0};
    return rc;
}
static const cli_kind from_kind = {1, 0, 0, parse_from, NULL, NULL, NULL};

const cli_opt phase_net_table[] = {
    CLI_DOUBLE("b", "X", P, b, "feedback weight, any non-zero real", CLI_REC,
               .section = "The 1-1-1 network (docs/theory.md §4): a = W0, w = W, feedback b, "
                          "target t,\n"
                          "  da/dt = b (t - w a),  dw/dt = (t - w a) a,  C = 2 b w - a^2 "
                          "conserved."),
    CLI_DOUBLE("t", "X", P, t, "target, any non-zero real", CLI_REC),
    CLI_OPT(&window_kind, "window", "A0,A1,W0,W1", P, win, "a-range then w-range", CLI_REC),
    CLI_OPT(&from_kind, "from", "A,W", P, from,
            "a start (repeatable, up to 64); outside the window is allowed and noted on stderr"),
    CLI_STRING("from-file", "FILE", P, from_file,
               "starts from FILE: one 'a w' pair a line (spaces or tabs; '#' comments and blank "
               "lines skipped), or a table with a header line naming a0 and w0 (and optionally "
               "direction: forward or backward), such as the FILE.tsv of flow --out "
               "(also with --interactive) or basin --out, which replays; with --from at most 64 "
               "starts in all"),
    CLI_SET("backward", P, backward,
            "integrate every start of --from and --from-file backward in time: where it came "
            "from (a file's direction column is overridden)"),
    CLI_SET("both", P, both, "integrate every start forward and backward in time"),
    CLI_END,
};

static const char *engine_name(int i) {
    return i == FADYN_BASIN_EVOLVE ? "evolve" : i == FADYN_BASIN_WRAPPER ? "wrapper" : NULL;
}

typedef fadyn_basin_params B;
const cli_opt phase_settle_table[] = {
    CLI_STEPPER("stepper", B, integ.stepper, "{steppers}", CLI_REC,
                .section = "Integration of a start until it settles (|t - w a| < e-tol and speed "
                           "< speed-tol):"),
    CLI_ENUM("engine", "NAME", B, engine, engine_name,
             "evolve: step by step (GSL's evolve), one driver per thread; wrapper: the sampled "
             "fadyn_integrate, one per start (slower: it allocates a driver per start; kept as a "
             "cross-check)",
             CLI_REC),
    CLI_DOUBLE("rtol", "X", B, integ.rtol, "relative tolerance", CLI_REC),
    CLI_DOUBLE("atol", "X", B, integ.atol, "absolute tolerance", CLI_REC),
    CLI_DOUBLE("e-tol", "X", B, e_tol, "|E| tolerance", CLI_REC),
    CLI_DOUBLE("speed-tol", "X", B, speed_tol, "speed tolerance", CLI_REC),
    CLI_DOUBLE("t-max", "T", B, integ.t_end, "give up (class 'unconverged') after T", CLI_REC),
    CLI_END,
};

double phase_window_area(const phase_common *pc) {
    return (pc->win.a_hi - pc->win.a_lo) * (pc->win.w_hi - pc->win.w_lo);
}

void phase_common_default(phase_common *pc) {
    pc->b = pc->t = 1.0;
    pc->win = (fadyn_window){-3.0, 3.0, -3.0, 3.0};
    pc->bp = fadyn_basin_params_default();
}

/* --from-file's starts after --from's: at most PHASE_MAX_FROM in all. */
static int read_from_file(const char *cmd, phase_common *pc) {
    if (!pc->from_file) return 0;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_phase_start *s = NULL;
    size_t n = 0;
    if (fadyn_phase_starts_read(pc->from_file, &s, &n, &err) != FADYN_OK) {
        cli_error(cmd, "--from-file: %s", err.msg);
        return CLI_EXIT_USAGE;
    }
    int rc = 0;
    if (n > PHASE_MAX_FROM - pc->nfrom) {
        cli_error(cmd, "--from-file %s: %zu starts%s; at most %d in all", pc->from_file, n,
                  pc->nfrom ? " besides those of --from" : "", PHASE_MAX_FROM);
        rc = CLI_EXIT_USAGE;
    } else {
        memcpy(pc->from + pc->nfrom, s, n * sizeof *s);
        pc->nfrom += n;
    }
    free(s);
    return rc;
}

int phase_common_check(cli_ctx *c, phase_common *pc) {
    const char *cmd = c->cmd->name;
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
    int rc = CLI_CHECK(c, fadyn_basin_params_check, &pc->bp);
    if (rc) return rc;
    if ((rc = read_from_file(cmd, pc))) return rc;
    if (pc->backward && pc->both) {
        cli_error(cmd, "--backward and --both: give one (--both runs every start both ways)");
        return CLI_EXIT_USAGE;
    }
    if ((pc->backward || pc->both) && pc->nfrom == 0) {
        cli_error(cmd, "--%s: give the starts with --from or --from-file",
                  pc->backward ? "backward" : "both");
        return CLI_EXIT_USAGE;
    }
    size_t n = pc->nfrom;
    for (size_t k = 0; k < n; k++) {
        if (pc->backward || pc->both) pc->from[k].backward = pc->backward;
        if (pc->both) pc->from[pc->nfrom++] = (fadyn_phase_start){pc->from[k].a, pc->from[k].w, 1};
    }
    const fadyn_window *w = &pc->win;
    for (size_t k = 0; k < n; k++) {
        double a = pc->from[k].a, ww = pc->from[k].w;
        if (!fadyn_window_has(w, a, ww))
            fprintf(stderr,
                    "fadyn %s: note: the start %g,%g lies outside the window "
                    "[%g,%g]x[%g,%g] (integrated anyway)\n",
                    cmd, a, ww, w->a_lo, w->a_hi, w->w_lo, w->w_hi);
    }
    return 0;
}

int phase_plot_target(const char *cmd, phase_common *pc, int plot_w, int plot_h) {
    fadyn_err err;
    fadyn_err_clear(&err);
    if (pc->plot && fadyn_plot_target_parse(&pc->pt, pc->plot, plot_w, plot_h, &err) != FADYN_OK) {
        cli_error(cmd, "--plot%s", strchr(err.msg, ' ')); /* "target ARG: ..." */
        return CLI_EXIT_USAGE;
    }
    return 0;
}
