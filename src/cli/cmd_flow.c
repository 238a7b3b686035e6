/* cmd_flow.c — `fadyn flow`: the phase portrait of the 1-1-1 network (Fig. 3b). */
#include "cli.h"
#include "fadyn.h"
#include "phase_args.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *const HELP_HEAD =
    "usage: fadyn flow [OPTIONS]\n"
    "\n"
    "Phase portrait of the 1-1-1 network under feedback alignment (Fig. 3b): the\n"
    "flow field, the equilibria a w = t split into stable good (b w > 0), stable bad\n"
    "(b w < 0) and unstable (stability from the eigenvalues of the Jacobian, LAPACK,\n"
    "the zero eigenvalue along the hyperbola ignored, cross-checked against\n"
    "a^2 + b w > 0), the basin of the bad branch computed by integrating a grid of\n"
    "starts, the analytic separatrix 2bw - a^2 = -3|bt|^(2/3) with the unstable\n"
    "segment, and trajectories from (0,0) and from every --from.\n"
    "\n";

static const char *const HELP_TAIL =
    "Picture:\n"
    "  --grid NxM          arrows of the flow field (default 21x21)\n"
    "  --basin-grid NxM    starts integrated for the shaded basin (default 301x301)\n"
    "  --t-end T           length of the drawn trajectories (default 50)\n"
    "Output:\n"
    "  --out FILE.tsv      the data: one block per item, named in a comment line (field,\n"
    "                      good, bad, unstable, separatrix, basin, heads, trajectories)\n"
    "  --summary FILE.json ends of the trajectories and their classes, the bad fraction,\n"
    "                      the stability cross-check\n"
    "  --plot FILE|dumb    the figure (.png .svg .pdf); script and data kept beside it\n"
    "  --quiet             nothing on standard output\n"
    "\n"
    "Exit status: 0 success, 1 the stability cross-check failed or a run failed,\n"
    "2 bad input. See docs/cli.md and docs/basin.md.\n";

typedef struct {
    phase_common pc;
    fadyn_fig3b_params fig; /* ga, gw, ba, bw, t_end from the options, the rest from pc */
} flow_opts;

#define CMD "flow"

enum { O_GRID = 256, O_BASIN_GRID, O_T_END };

static const struct option long_opts[] = {
    PHASE_COMMON_OPTIONS,
    {"grid", required_argument, 0, O_GRID},
    {"basin-grid", required_argument, 0, O_BASIN_GRID},
    {"t-end", required_argument, 0, O_T_END},
    {0, 0, 0, 0},
};

static int own_option(void *ctx, int code, const char *arg) {
    fadyn_fig3b_params *p = &((flow_opts *)ctx)->fig;
    switch (code) {
    case O_GRID:
        return phase_grid(CMD, "--grid", arg, 5 * sizeof(double), &p->ga, &p->gw);
    case O_BASIN_GRID:
        return phase_grid(CMD, "--basin-grid", arg, sizeof(fadyn_basin_point), &p->ba, &p->bw);
    default:
        return cli_double(CMD, "--t-end", arg, &p->t_end);
    }
}

static int parse(int argc, char **argv, flow_opts *o) {
    memset(o, 0, sizeof *o);
    phase_common_default(&o->pc);
    o->fig = fadyn_fig3b_params_default();
    int rc = phase_parse(CMD, argc, argv, long_opts, &o->pc, HELP_HEAD, HELP_TAIL, own_option, o);
    if (rc) return rc;
    if (!(o->fig.t_end > 0.0)) {
        cli_error(CMD, "--t-end %g: must be > 0", o->fig.t_end);
        return CLI_EXIT_USAGE;
    }
    if ((rc = phase_common_check(CMD, &o->pc))) return rc;
    const phase_common *pc = &o->pc;
    o->fig.b = pc->b;
    o->fig.t = pc->t;
    o->fig.win = pc->win;
    o->fig.nfrom = pc->nfrom;
    memcpy(o->fig.from, pc->from, sizeof o->fig.from);
    o->fig.bp = pc->bp;
    return phase_outputs_check(CMD, &o->pc, 1350, 1000);
}

static void on_progress(void *ctx, double fraction) {
    (void)ctx;
    cli_progress("fadyn flow", fraction);
}

int cmd_flow(int argc, char **argv) {
    flow_opts o;
    int rc = parse(argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    const phase_common *pc = &o.pc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_fig3b_result r;
    o.fig.set.progress = on_progress;
    int status = fadyn_fig3b_run(&o.fig, &r, &err);
    cli_progress_done();
    if (status < 0) {
        cli_error_err(CMD, &err);
        return cli_exit_code(status) == CLI_EXIT_OK ? CLI_EXIT_FAILED : cli_exit_code(status);
    }
    if (pc->out) rc = fadyn_fig3b_write(pc->out, &r, &err);
    if (rc == FADYN_OK && pc->summary) {
        json_t *j = fadyn_json_summary_new("flow");
        fadyn_fig3b_summary(&r, j);
        rc = fadyn_json_write(j, pc->summary, &err);
        json_decref(j);
    }
    if (rc == FADYN_OK && pc->plot) {
        fadyn_plot_data data = {".tsv", fadyn_fig3b_write, &r, pc->out};
        rc = cli_plot_status(CMD, fadyn_plot_make(&pc->pt, &data, 1, fadyn_fig3b_draw, &r, &err),
                             &err);
    }
    int exit_code = CLI_EXIT_OK;
    if (rc) {
        cli_error_err(CMD, &err);
        exit_code = cli_exit_code(rc) == CLI_EXIT_OK ? CLI_EXIT_FAILED : cli_exit_code(rc);
    } else if (!pc->quiet) {
        fadyn_strbuf lines;
        fadyn_strbuf_init(&lines);
        fadyn_fig3b_report(&r, &lines, NULL);
        printf("fadyn flow: b = %g, t = %g, window [%g,%g]x[%g,%g]\n", pc->b, pc->t, pc->win.a_lo,
               pc->win.a_hi, pc->win.w_lo, pc->win.w_hi);
        if (lines.s) fputs(lines.s, stdout);
        fadyn_strbuf_free(&lines);
    }
    if (rc == FADYN_OK && status == FADYN_CHECK_FAILED) {
        cli_error(CMD,
                  "stability check failed: %zu equilibria where the Jacobian and "
                  "a^2 + b w > 0 disagree",
                  r.eq_mismatch);
        exit_code = CLI_EXIT_FAILED;
    }
    fadyn_fig3b_result_free(&r);
    return exit_code;
}
