/* cmd_flow.c — `fadyn flow`: the phase portrait of the 1-1-1 network (Fig. 3b). */
#include "cli.h"
#include "fadyn.h"
#include "phase_args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Phase portrait of the 1-1-1 network under feedback alignment (Fig. 3b): the\n"
    "flow field, the equilibria a w = t split into stable good (b w > 0), stable bad\n"
    "(b w < 0) and unstable (stability from the eigenvalues of the Jacobian, LAPACK,\n"
    "the zero eigenvalue along the hyperbola ignored, cross-checked against\n"
    "a^2 + b w > 0), the basin of the bad branch computed by integrating a grid of\n"
    "starts, the analytic separatrix 2bw - a^2 = -3|bt|^(2/3) with the unstable\n"
    "segment, and trajectories from (0,0) (not when the starts come from a file:\n"
    "a replay draws those and --from's) and from every --from.\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 the stability cross-check failed or a run failed,\n"
    "2 bad input. See docs/cli.md and docs/basin.md.\n";

typedef struct {
    phase_common pc;
    fadyn_fig3b_params fig; /* ga, gw, ba, bw, t_end from the options, the rest from pc */
    int interactive;
} flow_opts;

#define CMD "flow"

typedef flow_opts A;
static const cli_opt OPTS[] = {
    CLI_GROUP(A, pc, phase_net_table),
    CLI_GRID("grid", A, fig.ga, fig.gw, 5 * sizeof(double), "arrows of the flow field",
             .section = "Picture:"),
    CLI_GRID("basin-grid", A, fig.ba, fig.bw, sizeof(fadyn_basin_point),
             "starts integrated for the shaded basin"),
    CLI_DOUBLE("t-end", "T", A, fig.t_end, "length of the drawn trajectories", CLI_POSITIVE),
    CLI_GROUP(A, pc.bp, phase_settle_table),
    CLI_OUTFILE("out", "FILE.tsv", A, pc.out,
                "the starts and ends (trajectory direction a0 w0 class a_end w_end lambda t_end "
                "C predicted window exit_a exit_w exit_t), and beside it FILE-field.tsv, "
                "FILE-curves.tsv (equilibria by stability, separatrix, nullclines), "
                "FILE-basin.tsv, FILE-traj.tsv, FILE-heads.tsv: one table per file",
                .section = "Output:"),
    CLI_OUTFILE("summary", "FILE.json", A, pc.summary,
                "ends of the trajectories and their classes, the bad fraction, the stability "
                "cross-check"),
    CLI_PLOT(A, pc.plot, "the figure (.png .svg .pdf); script and data kept beside it"),
    CLI_SET("quiet", A, pc.quiet, "nothing on standard output"),
    CLI_SET("interactive", A, interactive,
            "a gnuplot window (x11) to explore by hand: a left click integrates forward from "
            "the clicked point, a right click backward, each drawn with its class and end; keys "
            "c clear, b basin shading, q quit (or close the window). Every start (the --from "
            "ones first) and its end is logged to --out FILE.tsv, rewritten after each click, "
            "the other tables beside it on quit: replay with --from-file FILE.tsv --plot. Needs "
            "an X display (else exit 2); not with --plot or --summary",
            .section = "Exploring:"),
    CLI_END,
};

static void defaults(void *v) {
    flow_opts *o = v;
    phase_common_default(&o->pc);
    o->fig = fadyn_fig3b_params_default();
}

/* --interactive: a display, and no outputs of the batch run. */
static int interactive_check(flow_opts *o) {
    const char *other = o->pc.plot ? "--plot" : o->pc.summary ? "--summary" : NULL;
    if (other) {
        cli_error(CMD,
                  "--interactive with %s: explore with --out FILE.tsv, then replay with "
                  "--from-file FILE.tsv %s",
                  other, other);
        return CLI_EXIT_USAGE;
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    if (fadyn_explore_display(getenv("DISPLAY"), &err) != FADYN_OK) {
        cli_error(CMD, "--interactive: %s", err.msg);
        return CLI_EXIT_USAGE;
    }
    o->fig.origin = 0; /* the starts are the user's */
    return 0;
}

static int check(cli_ctx *c, void *v) {
    flow_opts *o = v;
    int rc = phase_common_check(c, &o->pc);
    if (rc) return rc;
    const phase_common *pc = &o->pc;
    o->fig.b = pc->b;
    o->fig.t = pc->t;
    o->fig.win = pc->win;
    o->fig.from = pc->from;
    o->fig.nfrom = pc->nfrom;
    o->fig.bp = pc->bp;
    if (pc->from_file) o->fig.origin = 0; /* a replay: the file's starts and no others */
    if (o->interactive) return interactive_check(o);
    return phase_plot_target(CMD, &o->pc, 1350, 1000);
}

static const cli_cmd FLOW = {.name = CMD,
                             .usage = "[OPTIONS]",
                             .intro = INTRO,
                             .opts = OPTS,
                             .epilogue = EPILOGUE,
                             .size = sizeof(flow_opts),
                             .init = defaults,
                             .check = check};
const cli_cmd *const cli_cmd_flow = &FLOW;

static void on_progress(void *ctx, double fraction) {
    (void)ctx;
    cli_progress("fadyn flow", fraction);
}

static void on_event(void *ctx, const fadyn_explore_event *ev) {
    if (!*(const int *)ctx) printf("fadyn flow: %s\n", ev->text);
    fflush(stdout);
}

/* The window until q. */
static int explore(flow_opts *o, fadyn_fig3b_result *r) {
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_explore_params ep = fadyn_explore_params_default(&r->p);
    ep.out = o->pc.out;
    ep.on_event = on_event;
    ep.ctx = &o->pc.quiet;
    if (!o->pc.quiet)
        printf("fadyn flow: exploring b = %g, t = %g over [%g,%g]x[%g,%g]: left click forward, "
               "right click backward, c clear, b basin, q quit\n",
               o->pc.b, o->pc.t, o->pc.win.a_lo, o->pc.win.a_hi, o->pc.win.w_lo, o->pc.win.w_hi);
    fadyn_explore_result er;
    int rc = fadyn_explore_run(&ep, &er, &err);
    fadyn_explore_result_free(&er);
    if (rc == FADYN_OK) return CLI_EXIT_OK;
    cli_error_err(CMD, &err);
    return cli_exit_code(rc) == CLI_EXIT_OK ? CLI_EXIT_FAILED : cli_exit_code(rc);
}

int cmd_flow(int argc, char **argv) {
    flow_opts o;
    int rc = cli_parse(&FLOW, argc, argv, &o);
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
    if (o.interactive) {
        int code = explore(&o, &r);
        fadyn_fig3b_result_free(&r);
        return code;
    }
    if (pc->out) rc = fadyn_portrait_write_all(pc->out, &r.p, &err);
    if (rc == FADYN_OK && pc->summary) {
        json_t *j = cli_summary(CMD, NULL, NULL);
        fadyn_fig3b_summary(&r, j);
        rc = cli_summary_write(j, pc->summary, &err);
    }
    if (rc == FADYN_OK && pc->plot) {
        static fadyn_flow_data data;
        fadyn_flow_data_init(&data, &r.p, pc->out);
        fadyn_flow_plot fp = {&r.p, NULL, 1, NULL};
        cli_plot_warn_big(CMD, &pc->pt, data.d, data.bytes, FADYN_PORTRAIT_NTABLE);
        rc = cli_plot_status(CMD,
                             fadyn_plot_make(&pc->pt, data.d, FADYN_PORTRAIT_NTABLE,
                                             fadyn_plot_flow_draw, &fp, &err),
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
        cli_put_lines(&lines);
    }
    if (rc == FADYN_OK && status == FADYN_CHECK_FAILED) {
        cli_error(CMD,
                  "stability check failed: %zu equilibria where the Jacobian and "
                  "a^2 + b w > 0 disagree",
                  r.p.cst.mismatch);
        exit_code = CLI_EXIT_FAILED;
    }
    fadyn_fig3b_result_free(&r);
    return exit_code;
}
