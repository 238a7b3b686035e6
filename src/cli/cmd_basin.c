/* cmd_basin.c — `fadyn basin`: where each start goes (1-1-1 grid or points,
 * or sampled starts of a layered network). */
#include "cli.h"
#include "fadyn.h"
#include "phase_args.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const INTRO =
    "Where does each start go?  Three modes:\n"
    "  grid (default)   every node of --grid over --window is integrated until it settles\n"
    "                   and classified good (b w > 0), bad (b w < 0), diverged or\n"
    "                   unconverged, and compared with the class docs/theory.md §4\n"
    "                   predicts (bad iff C < -3|bt|^(2/3) and a beyond the middle root of\n"
    "                   a^3 + C a - 2bt); exit 1 if they disagree farther than one grid\n"
    "                   cell from the separatrix\n"
    "  points           with --from (and no --grid): each start's end, class, time to\n"
    "                   settle, C and the predicted class\n"
    "  network          with --sizes: random starts of a layered network under fa (or a\n"
    "                   2-D slice with --slice), end states classified by the symmetric\n"
    "                   part of W B and by stability (Jacobian eigenvalues)\n";

static const char *const EPILOGUE =
    "Exit status: 0 success, 1 a check failed (grid disagreement away from the\n"
    "separatrix) or a run failed, 2 bad input. See docs/basin.md.\n";

#define CMD              "basin"
#define BASIN_MAX_SCALES 64 /* --init-scale values */

typedef enum { MODE_GRID, MODE_POINTS, MODE_NET, MODE_SLICE } basin_mode;

typedef struct {
    phase_common pc;
    int mode, slice;
    size_t na, nw; /* 0: not given */
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes, samples;
    double scales[BASIN_MAX_SCALES];
    size_t nscales;
    unsigned long seed;
    double span;
    fadyn_nd_params np;
} basin_opts;

typedef basin_opts A;
/* The 1-1-1 network's options: grid and points (their JSON "parameters"). */
static const cli_opt NET111[] = {
    CLI_GROUP(A, pc, phase_net_table),
    CLI_GROUP(A, pc.bp, phase_settle_table),
    CLI_GRID("grid", A, na, nw, sizeof(fadyn_basin_point), "nodes, endpoints included", CLI_REC,
             .def = "201x201; 11x11 with --slice", .section = "Grid:"),
    CLI_END,
};
/* A layered network's (their JSON "parameters"). */
static const cli_opt LAYERED[] = {
    CLI_LIST(sizes, "sizes", "LIST", A, sizes, nsizes,
             "layer sizes, e.g. 30,20,10; selects this mode", CLI_REC, CLI_RANGE(1, 100000),
             .def = "", .section = "Layered network (one hidden layer):"),
    CLI_ULONG("seed", "N", A, seed, "seed of sample 0 (sample s uses seed + s)", CLI_REC),
    CLI_SIZE("samples", "N", A, samples, "random starts per scale", CLI_REC, CLI_RANGE(1, 1e6)),
    CLI_LIST(doubles, "init-scale", "LIST", A, scales, nscales,
             "scales w of the starts w*U[-1,1]; T ~ U[-1,1], B ~ U[-0.5,0.5] and the start's "
             "direction are drawn per sample and shared across the scales",
             CLI_POSITIVE),
    CLI_DOUBLE("t-end", "T", A, np.integ.t_end,
               "integrate at most to T; stops once NSE < 1e-14 and the speed < 1e-6", CLI_REC),
    CLI_RECORD(double, "nse_tol", A, np.nse_tol),
    CLI_RECORD(double, "zero_tol", A, np.zero_tol),
    CLI_CLEAR("no-stability", A, np.stability,
              "skip the Jacobian eigenvalues (dim x dim, the slow part)", .json = "stability"),
    CLI_SET("slice", A, slice,
            "a plane of starts w(d0 + u d1 + v d2) through the start w d0, u, v in [-span, span] "
            "on --grid, w the first --init-scale; no stability"),
    CLI_DOUBLE("span", "S", A, span, "half-width of the slice", CLI_REC, CLI_POSITIVE),
    CLI_END,
};
static const cli_opt OPTS[] = {
    CLI_INCLUDE(NET111),
    CLI_INCLUDE(LAYERED),
    CLI_OUTFILE("out", "FILE.tsv", A, pc.out,
                "grid/points: a0 w0 class a_end w_end t_end C predicted; network: one row per "
                "start (see docs/basin.md)",
                .section = "Output:"),
    CLI_OUTFILE("summary", "FILE.json", A, pc.summary,
                "counts per class, bad fraction, the fraction of nodes the criterion predicts "
                "bad, the exact bad area and its fraction, disagreements (and how many lie "
                "within one cell of the separatrix), wall_seconds, trajectories_per_second; "
                "network: fractions per scale"),
    CLI_PLOT(A, pc.plot,
             "the class map (grid), fractions against w (network) or the slice; script and data "
             "kept beside the image"),
    CLI_SET("quiet", A, pc.quiet, "no summary on standard output"),
    CLI_END,
};

static void defaults(void *v) {
    basin_opts *o = v;
    phase_common_default(&o->pc);
    o->samples = 10;
    double def[] = {0.001, 0.01, 0.1, 1.0};
    memcpy(o->scales, def, sizeof def);
    o->nscales = 4;
    o->seed = 1;
    o->span = 1.0;
    o->np = fadyn_nd_params_default();
}

static int check_net(cli_ctx *c, basin_opts *o) {
    if (o->nsizes != 3) {
        cli_error(CMD, "--sizes: the network mode needs one hidden layer (3 sizes), got %zu",
                  o->nsizes);
        return CLI_EXIT_USAGE;
    }
    int rc = CLI_CHECK(c, fadyn_integ_params_check, &o->np.integ);
    if (rc) return rc;
    size_t dim = o->sizes[1] * (o->sizes[0] + o->sizes[2]);
    if (o->np.stability && o->mode == MODE_NET && dim > 4000) {
        cli_error(CMD,
                  "--sizes: %zu weights make a %zux%zu Jacobian per start; use "
                  "--no-stability or smaller sizes (at most 4000 weights)",
                  dim, dim, dim);
        return CLI_EXIT_USAGE;
    }
    if (o->mode == MODE_SLICE) { /* a slice: its starts, no stability */
        o->samples = o->na * o->nw;
        o->np.stability = 0;
    }
    return 0;
}

static int check(cli_ctx *c, void *v) {
    basin_opts *o = v;
    int rc, grid_given = o->na != 0;
    if (!grid_given) o->na = o->nw = o->slice ? 11 : 201;
    if (o->slice && o->nsizes == 0) {
        cli_error(CMD, "--slice: give the network with --sizes, e.g. --sizes 30,20,10");
        return CLI_EXIT_USAGE;
    }
    if (o->nsizes) {
        o->mode = o->slice ? MODE_SLICE : MODE_NET;
        if ((rc = check_net(c, o))) return rc;
    } else {
        o->mode = o->pc.nfrom && !grid_given ? MODE_POINTS : MODE_GRID;
        if ((rc = phase_common_check(c, &o->pc))) return rc;
    }
    return phase_plot_target(CMD, &o->pc, 1300, 1000);
}

static const cli_cmd BASIN = {.name = CMD,
                              .usage = "[OPTIONS]",
                              .intro = INTRO,
                              .opts = OPTS,
                              .epilogue = EPILOGUE,
                              .size = sizeof(basin_opts),
                              .init = defaults,
                              .check = check};

/* ---- the 1-1-1 network: grid and points ------------------------------- */

static const char *const POINT_COLS[] = {"a0",    "w0",    "class", "a_end",
                                         "w_end", "t_end", "C",     "predicted"};

typedef struct {
    const fadyn_basin_point *p;
    size_t n;
} point_table;

static int write_points(const char *path, const void *table, fadyn_err *err) {
    const fadyn_basin_point *p = ((const point_table *)table)->p;
    size_t n = ((const point_table *)table)->n;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    fadyn_tsv_header(of.f, POINT_COLS, 8);
    for (size_t i = 0; i < n; i++)
        fprintf(of.f, "%.10g\t%.10g\t%s\t%.10g\t%.10g\t%.10g\t%.10g\t%s\n", p[i].a0, p[i].w0,
                fadyn_phase_class_name(p[i].cls), p[i].a, p[i].w, p[i].t_end, p[i].C,
                fadyn_phase_class_name(p[i].predicted));
    return fadyn_ofile_commit(&of, err);
}

/* The separatrix (block 0) and the hyperbola (block 1) for the class map. */
static int write_curves(const char *path, const void *common, fadyn_err *err) {
    const phase_common *pc = common;
    enum { N = 801 };
    static const size_t cap = 2 * N + 1;
    double *a = malloc(2 * cap * sizeof(double));
    if (!a) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    double *w = a + cap;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc == FADYN_OK) {
        size_t n = fadyn_phase_separatrix(pc->b, pc->t, pc->win.a_lo, pc->win.a_hi, N, a, w);
        fprintf(of.f, "# block 0: analytic separatrix\n# a\tw\n");
        for (size_t i = 0; i < n; i++)
            if (isnan(a[i]))
                fputc('\n', of.f);
            else
                fprintf(of.f, "%.10g\t%.10g\n", a[i], w[i]);
        fprintf(of.f, "\n\n# block 1: equilibria a w = t\n# a\tw\n");
        for (size_t i = 0; i < 2 * N; i++) {
            double x = pc->win.a_lo + (pc->win.a_hi - pc->win.a_lo) * (double)i / (2.0 * N - 1);
            if (i > 0 && (x > 0) != (pc->win.a_lo + (pc->win.a_hi - pc->win.a_lo) *
                                                        (double)(i - 1) / (2.0 * N - 1) >
                                     0))
                fputc('\n', of.f);
            if (x != 0.0) fprintf(of.f, "%.10g\t%.10g\n", x, pc->t / x);
        }
        rc = fadyn_ofile_commit(&of, err);
    }
    free(a);
    return rc;
}

static int draw_grid(const fadyn_plot_target *t, const void *bpl, fadyn_err *err) {
    return fadyn_plot_basin(t, bpl, err);
}

static int write_grid_summary(const char *path, const basin_opts *o, const fadyn_basin_stats *st,
                              double area, fadyn_err *err) {
    json_t *j = fadyn_json_summary_new("basin");
    json_object_set_new(j, "parameters", cli_json(NET111, o));
    json_object_set_new(j, "mode", json_string("grid"));
    json_t *counts = json_object();
    for (int c = 0; c < FADYN_PHASE_NCLASS; c++)
        json_object_set_new(counts, fadyn_phase_class_name(c),
                            json_integer((json_int_t)st->counts[c]));
    json_object_set_new(j, "counts", counts);
    double n = (double)st->n;
    json_object_set_new(j, "points", json_integer((json_int_t)st->n));
    json_object_set_new(j, "bad_fraction", json_real((double)st->counts[FADYN_PHASE_BAD] / n));
    json_object_set_new(j, "predicted_bad_node_fraction", json_real((double)st->predicted_bad / n));
    json_object_set_new(j, "analytic_bad_area", json_real(area));
    json_object_set_new(j, "analytic_bad_area_fraction",
                        json_real(area / phase_window_area(&o->pc)));
    json_object_set_new(j, "disagreements", json_integer((json_int_t)st->disagree));
    json_object_set_new(j, "disagreements_within_one_cell_of_separatrix",
                        json_integer((json_int_t)st->disagree_near));
    json_object_set_new(j, "wall_seconds", json_real(st->wall_seconds));
    json_object_set_new(j, "trajectories_per_second", json_real(n / st->wall_seconds));
    json_object_set_new(j, "rhs_evals_per_trajectory", json_real((double)st->rhs_evals / n));
    json_object_set_new(j, "steps_per_trajectory", json_real((double)st->steps / n));
    json_object_set_new(j, "threads", json_integer(st->threads));
    int rc = fadyn_json_write(j, path, err);
    json_decref(j);
    return rc;
}

/* Starts that did not settle under an explicit stepper: far from the origin
 * the flow is stiff (the rate along the parabola is a² + b w). */
static void stiff_hint(const phase_common *pc, size_t unconverged) {
    if (unconverged && !pc->bp.integ.stepper->implicit)
        fprintf(stderr,
                "fadyn basin: note: %zu starts did not settle; far from the origin the "
                "flow is stiff (rate a^2 + b w): try --stepper msbdf\n",
                unconverged);
}

static void on_progress(void *ctx, double fraction) {
    (void)ctx;
    cli_progress("fadyn basin", fraction);
}

static int run_grid(const basin_opts *o, const fadyn_plot_target *pt) {
    const phase_common *pc = &o->pc;
    fadyn_err err;
    fadyn_err_clear(&err);
    size_t n = o->na * o->nw;
    fadyn_basin_point *p = malloc(n * sizeof *p);
    if (!p) {
        cli_error(CMD, "--grid %zux%zu: out of memory", o->na, o->nw);
        return CLI_EXIT_USAGE;
    }
    fadyn_basin_stats st;
    fadyn_basin_params bp = pc->bp;
    bp.progress = on_progress;
    int rc = fadyn_basin_grid(pc->b, pc->t, &pc->win, o->na, o->nw, &bp, p, &st, &err);
    cli_progress_done();
    double area = NAN; /* the exact area of the bad region in the window */
    if (rc == FADYN_OK) rc = fadyn_phase_bad_area(pc->b, pc->t, &pc->win, &area, &err);
    if (rc == FADYN_OK && o->pc.out) rc = write_points(o->pc.out, &(point_table){p, n}, &err);
    if (rc == FADYN_OK && o->pc.summary) rc = write_grid_summary(o->pc.summary, o, &st, area, &err);
    if (rc == FADYN_OK && pt) {
        char sep[FADYN_PATH_MAX];
        fadyn_plot_sibling(pt, "-curves.tsv", sep, sizeof sep);
        const char *slash = strrchr(sep, '/');
        fadyn_basin_plot bpl = {pc->b,
                                pc->t,
                                pc->win,
                                o->na,
                                o->nw,
                                st.disagree,
                                (double)st.counts[FADYN_PHASE_BAD] / (double)n,
                                (double)st.predicted_bad / (double)n,
                                area / phase_window_area(pc),
                                slash ? slash + 1 : sep};
        point_table table = {p, n};
        fadyn_plot_data data[] = {{".tsv", write_points, &table, o->pc.out},
                                  {"-curves.tsv", write_curves, pc, NULL}};
        rc = cli_plot_status(CMD, fadyn_plot_make(pt, data, 2, draw_grid, &bpl, &err), &err);
    }
    free(p);
    if (rc) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_FAILED;
    }
    if (!o->pc.quiet) {
        printf("fadyn basin: b = %g, t = %g, %zux%zu grid over [%g,%g]x[%g,%g]\n", pc->b, pc->t,
               o->na, o->nw, pc->win.a_lo, pc->win.a_hi, pc->win.w_lo, pc->win.w_hi);
        for (int c = 0; c < FADYN_PHASE_NCLASS; c++)
            printf("  %-12s %zu\n", fadyn_phase_class_name(c), st.counts[c]);
        printf("  bad fraction %.5f integrated, %.5f predicted at the nodes (docs/theory.md §4), "
               "%.6f exact area; %zu disagreements, %zu of them within one cell of the "
               "separatrix\n",
               (double)st.counts[FADYN_PHASE_BAD] / (double)n, (double)st.predicted_bad / (double)n,
               area / phase_window_area(pc), st.disagree, st.disagree_near);
        printf("  %.3f s on %d threads: %.0f trajectories/s, %.1f rhs evaluations and %.1f steps "
               "per trajectory\n",
               st.wall_seconds, st.threads, (double)n / st.wall_seconds,
               (double)st.rhs_evals / (double)n, (double)st.steps / (double)n);
    }
    stiff_hint(pc, st.counts[FADYN_PHASE_UNCONVERGED]);
    if (st.disagree > st.disagree_near) {
        cli_error(CMD,
                  "check failed: %zu starts end in another class than docs/theory.md §4 predicts, "
                  "farther than one grid cell from the separatrix",
                  st.disagree - st.disagree_near);
        return CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}

static int run_points(const basin_opts *o) {
    const phase_common *pc = &o->pc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_basin_point p[PHASE_MAX_FROM];
    fadyn_phase_ws *ws = fadyn_phase_ws_alloc(&pc->bp, &err);
    int rc = ws ? FADYN_OK : err.code;
    for (size_t k = 0; k < pc->nfrom && rc == FADYN_OK; k++)
        rc = fadyn_phase_settle(ws, pc->b, pc->t, pc->from[k][0], pc->from[k][1], &p[k], &err);
    fadyn_phase_ws_free(ws);
    size_t unconverged = 0;
    for (size_t k = 0; rc == FADYN_OK && k < pc->nfrom; k++)
        unconverged += p[k].cls == FADYN_PHASE_UNCONVERGED;
    stiff_hint(pc, unconverged);
    if (rc == FADYN_OK && o->pc.out)
        rc = write_points(o->pc.out, &(point_table){p, pc->nfrom}, &err);
    if (rc == FADYN_OK && o->pc.summary) {
        json_t *j = fadyn_json_summary_new("basin");
        json_t *par = cli_json(NET111, o);
        json_object_del(par, "grid");
        json_object_set_new(j, "parameters", par);
        json_object_set_new(j, "mode", json_string("points"));
        json_t *arr = json_array();
        for (size_t k = 0; k < pc->nfrom; k++)
            json_array_append_new(
                arr, json_pack("{s:[ff],s:[oo],s:s,s:o,s:f,s:s}", "from", p[k].a0, p[k].w0, "end",
                               fadyn_json_real(p[k].a), fadyn_json_real(p[k].w), "class",
                               fadyn_phase_class_name(p[k].cls), "t_settled",
                               fadyn_json_real(p[k].t_end), "C", p[k].C, "predicted",
                               fadyn_phase_class_name(p[k].predicted)));
        json_object_set_new(j, "points", arr);
        rc = fadyn_json_write(j, o->pc.summary, &err);
        json_decref(j);
    }
    if (rc) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_FAILED;
    }
    if (!o->pc.quiet) {
        printf("fadyn basin: b = %g, t = %g (fold at C = %.6g)\n", pc->b, pc->t,
               fadyn_phase_fold_C(pc->b, pc->t));
        printf("  %10s %10s  %-11s %12s %12s %10s %10s  %s\n", "a0", "w0", "class", "a_end",
               "w_end", "t_settle", "C", "predicted");
        for (size_t k = 0; k < pc->nfrom; k++)
            printf("  %10.4g %10.4g  %-11s %12.6g %12.6g %10.4g %10.5g  %s\n", p[k].a0, p[k].w0,
                   fadyn_phase_class_name(p[k].cls), p[k].a, p[k].w, p[k].t_end, p[k].C,
                   fadyn_phase_class_name(p[k].predicted));
    }
    return CLI_EXIT_OK;
}

/* ---- layered networks ------------------------------------------------ */

static const char *const NET_COLS[] = {
    "scale",      "sample",       "u",      "v",      "status",
    "converged",  "nse",          "t_end",  "s_min",  "s_max",
    "align",      "nu_re_min",    "mu_min", "stable", "stable_reduced",
    "zero_modes", "lambda_re_max"};
#define NET_NCOLS 17

/* The results of the network mode: result i started at scale[i], from
 * sample seed sample[i] (0 in a slice), at (u[i], v[i]) of the slice (NaN
 * outside one); tally[k] is scale k (one row for a slice). */
typedef struct {
    const basin_opts *o;
    const fadyn_nd_result *r;
    size_t n;
    double *scale, *sample, *u, *v;
    fadyn_nd_tally tally[BASIN_MAX_SCALES];
    size_t ntally;
    char sizes[128];
} net_run;

static int write_net(const char *path, const void *run, fadyn_err *err) {
    const net_run *nr = run;
    const fadyn_nd_result *r = nr->r;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    fadyn_tsv_header(of.f, NET_COLS, NET_NCOLS);
    for (size_t i = 0; i < nr->n; i++) {
        double v[NET_NCOLS] = {nr->scale[i],
                               nr->sample[i],
                               nr->u[i],
                               nr->v[i],
                               r[i].status == FADYN_OK         ? 0
                               : r[i].status == FADYN_DIVERGED ? 1
                                                               : 2,
                               r[i].converged,
                               r[i].nse,
                               r[i].t_end,
                               r[i].s_min,
                               r[i].s_max,
                               fadyn_nd_class(&r[i]),
                               r[i].nu_re_min,
                               r[i].mu_min,
                               r[i].stable,
                               r[i].stable_reduced,
                               (double)r[i].zero_modes,
                               r[i].lambda_re_max};
        fadyn_tsv_row(of.f, v, NET_NCOLS);
    }
    return fadyn_ofile_commit(&of, err);
}

static double tally_scale(const net_run *nr, size_t k) {
    return nr->o->mode == MODE_SLICE ? nr->o->scales[0] : nr->o->scales[k];
}

/* The fractions per scale (the figure's data, never --out's rows). */
static int write_fractions(const char *path, const void *run, fadyn_err *err) {
    const net_run *nr = run;
    fadyn_ofile of;
    int rc = fadyn_ofile_open(&of, path, err);
    if (rc) return rc;
    fprintf(of.f, "scale");
    for (int c = 0; c < FADYN_ND_NTALLY; c++)
        fprintf(of.f, "\t%s", fadyn_nd_tally_name(c));
    fputc('\n', of.f);
    for (size_t k = 0; k < nr->ntally; k++) {
        double v[1 + FADYN_ND_NTALLY] = {tally_scale(nr, k)};
        memcpy(v + 1, nr->tally[k].frac, sizeof nr->tally[k].frac);
        fadyn_tsv_row(of.f, v, 1 + FADYN_ND_NTALLY);
    }
    return fadyn_ofile_commit(&of, err);
}

static int draw_net(const fadyn_plot_target *t, const void *run, fadyn_err *err) {
    const net_run *nr = run;
    return nr->o->mode == MODE_SLICE ? fadyn_plot_basin_slice(t, nr->sizes, nr->o->scales[0], err)
                                     : fadyn_plot_basin_nd(t, nr->sizes, nr->o->samples, err);
}

static int write_net_summary(const char *path, const net_run *nr, double wall, fadyn_err *err) {
    const basin_opts *o = nr->o;
    int slice = o->mode == MODE_SLICE;
    json_t *j = fadyn_json_summary_new("basin");
    json_t *par = cli_json(LAYERED, o);
    if (!slice) json_object_del(par, "span");
    json_object_set_new(j, "parameters", par);
    json_object_set_new(j, "mode", json_string(slice ? "slice" : "network"));
    json_t *arr = json_array();
    for (size_t k = 0; k < nr->ntally; k++) {
        const fadyn_nd_tally *t = &nr->tally[k];
        json_t *e = json_object();
        json_object_set_new(e, "init_scale", json_real(tally_scale(nr, k)));
        for (int c = 0; c < FADYN_ND_NTALLY; c++) /* stable: null when not computed */
            json_object_set_new(e, fadyn_nd_tally_name(c),
                                c == FADYN_ND_STABLE && !t->checked ? json_null()
                                                                    : json_real(t->frac[c]));
        json_object_set_new(e, "stability_checked", json_integer((json_int_t)t->checked));
        json_object_set_new(e, "jacobian_agrees_with_reduced", json_integer((json_int_t)t->agree));
        json_object_set_new(e, "zero_modes_as_expected", json_integer((json_int_t)t->zero_match));
        json_array_append_new(arr, e);
    }
    json_object_set_new(j, "fractions", arr);
    json_object_set_new(j, "zero_modes_expected",
                        json_integer((json_int_t)fadyn_nd_zero_modes_expected(o->sizes)));
    json_object_set_new(j, "wall_seconds", json_real(wall));
    json_object_set_new(j, "trajectories_per_second", json_real((double)nr->n / wall));
    int rc = fadyn_json_write(j, path, err);
    json_decref(j);
    return rc;
}

static void print_net(const net_run *nr, double wall) {
    int slice = nr->o->mode == MODE_SLICE;
    printf("fadyn basin: %s network under fa, %s, %.2f s\n", nr->sizes,
           slice ? "2-D slice" : "random starts", wall);
    printf("  %10s %8s %8s %8s %8s %8s %8s  %s\n", "scale", "posdef", "indef", "negdef", "unconv",
           "diverged", "stable", "Jacobian = reduced criterion");
    for (size_t k = 0; k < nr->ntally; k++) {
        const fadyn_nd_tally *t = &nr->tally[k];
        printf("  %10g", tally_scale(nr, k));
        for (int c = 0; c < FADYN_ND_STABLE; c++)
            printf(" %8.3f", t->frac[c]);
        if (t->checked)
            printf(" %8.3f  %zu/%zu\n", t->frac[FADYN_ND_STABLE], t->agree, t->checked);
        else
            printf(" %8s  (not computed)\n", "-");
    }
}

static int run_net(const basin_opts *o, const fadyn_plot_target *pt) {
    fadyn_err err;
    fadyn_err_clear(&err);
    int slice = o->mode == MODE_SLICE;
    size_t n = slice ? o->na * o->nw : o->samples * o->nscales;
    fadyn_nd_result *r = malloc(n * sizeof *r);
    double *cols = malloc(4 * n * sizeof(double));
    if (!r || !cols) {
        free(r), free(cols);
        cli_error(CMD, "out of memory for %zu starts", n);
        return CLI_EXIT_USAGE;
    }
    net_run nr = {.o = o, .r = r, .n = n};
    nr.scale = cols, nr.sample = cols + n, nr.u = cols + 2 * n, nr.v = cols + 3 * n;
    snprintf(nr.sizes, sizeof nr.sizes, "%zu-%zu-%zu", o->sizes[0], o->sizes[1], o->sizes[2]);
    double t0 = fadyn_wall_seconds();
    fadyn_nd_params np = o->np;
    np.progress = on_progress;
    int rc = slice ? fadyn_nd_slice(2, o->sizes, o->seed, o->scales[0], o->span, o->na, o->nw, &np,
                                    r, &err)
                   : fadyn_nd_run_many(2, o->sizes, o->seed, o->samples, o->scales, o->nscales, &np,
                                       r, &err);
    cli_progress_done();
    double wall = fadyn_wall_seconds() - t0;
    for (size_t i = 0; i < n; i++) { /* fadyn_nd_slice's and fadyn_nd_run_many's layouts */
        size_t a = slice ? i % o->na : i % o->samples, b = slice ? i / o->na : i / o->samples;
        nr.scale[i] = slice ? o->scales[0] : o->scales[b];
        nr.sample[i] = slice ? 0.0 : (double)(o->seed + a);
        nr.u[i] = slice ? fadyn_nd_slice_coord(o->span, o->na, a) : NAN;
        nr.v[i] = slice ? fadyn_nd_slice_coord(o->span, o->nw, b) : NAN;
    }
    nr.ntally = slice ? 1 : o->nscales;
    for (size_t k = 0; k < nr.ntally; k++)
        nr.tally[k] =
            fadyn_nd_tally_of(slice ? r : r + k * o->samples, slice ? n : o->samples, o->sizes);
    if (rc == FADYN_OK && o->pc.out) rc = write_net(o->pc.out, &nr, &err);
    if (rc == FADYN_OK && o->pc.summary) rc = write_net_summary(o->pc.summary, &nr, wall, &err);
    if (rc == FADYN_OK && pt) {
        fadyn_plot_data data = {".tsv", write_net, &nr, o->pc.out};
        if (!slice) data = (fadyn_plot_data){"-fractions.tsv", write_fractions, &nr, NULL};
        rc = cli_plot_status(CMD, fadyn_plot_make(pt, &data, 1, draw_net, &nr, &err), &err);
    }
    free(r);
    free(cols);
    if (rc) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_FAILED;
    }
    if (!o->pc.quiet) print_net(&nr, wall);
    return CLI_EXIT_OK;
}

int cmd_basin(int argc, char **argv) {
    basin_opts o;
    int rc = cli_parse(&BASIN, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    const fadyn_plot_target *pt = o.pc.plot ? &o.pc.pt : NULL;
    switch (o.mode) {
    case MODE_POINTS:
        return run_points(&o);
    case MODE_GRID:
        return run_grid(&o, pt);
    default:
        return run_net(&o, pt);
    }
}
