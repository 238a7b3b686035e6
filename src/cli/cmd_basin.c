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
    "  points           with --from or --from-file (and no --grid): each start's end,\n"
    "                   class, time to settle, C and the predicted class, forward or\n"
    "                   (--backward, --both) backward in time\n"
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
    int mode, slice, map;
    size_t na, nw; /* 0: not given */
    size_t sizes[FADYN_MAX_DEPTH + 1], nsizes, samples;
    double scales[BASIN_MAX_SCALES];
    size_t nscales;
    unsigned long seed;
    double span, t_scale, b_scale; /* NaN: not given */
    const char *init_from, *slice_dirs, *slice_axes;
    int dirs; /* FADYN_ND_DIRS_* */
    char dir_spec[2][FADYN_PATH_MAX];
    fadyn_nd_params np;
} basin_opts;

static const char *map_name(int i) {
    return i == FADYN_BASIN_MAP_CLASS ? "class" : i == FADYN_BASIN_MAP_T_END ? "t-end" : NULL;
}

typedef basin_opts A;
/* The 1-1-1 network's options: grid and points (their JSON "parameters"). */
static const cli_opt NET111[] = {
    CLI_GROUP(A, pc, phase_net_table),
    CLI_GROUP(A, pc.bp, phase_settle_table),
    CLI_GRID("grid", A, na, nw, sizeof(fadyn_basin_point), "nodes, endpoints included", CLI_REC,
             .def = "201x201; 11x11 with --slice", .section = "Grid:"),
    CLI_ENUM("map", "KIND", A, map, map_name,
             "what --plot shades in grid mode: class (where each start ends) or t-end (the time "
             "it takes to settle, t_end, as a heat map)",
             CLI_REC),
    CLI_END,
};
/* A layered network's (their JSON "parameters"). */
static const cli_opt LAYERED[] = {
    CLI_LIST(sizes, "sizes", "LIST", A, sizes, nsizes,
             "layer sizes, e.g. 30,20,10; selects this mode", CLI_REC, CLI_RANGE(1, 100000),
             .def = "", .section = "Layered network (one hidden layer):"),
    CLI_STRING("init-from", "DIR", A, init_from,
               "T, B and the start (A.txt, W.txt) from DIR, the format of ode --save-init, "
               "instead of random draws; --sizes may then be left out (read from the files). "
               "Network mode: the start w*(A, W) for every --init-scale w; slice: through it",
               CLI_REC),
    CLI_ULONG("seed", "N", A, seed, "seed of sample 0 (sample s uses seed + s)", CLI_REC),
    CLI_SIZE("samples", "N", A, samples, "random starts per scale", CLI_REC, CLI_RANGE(1, 1e6),
             .def = "10; 1 with --init-from"),
    CLI_DOUBLE("t-scale", "X", A, t_scale, "T ~ U[-X,X] of the drawn problems", CLI_POSITIVE,
               .def = "1"),
    CLI_DOUBLE("b-scale", "X", A, b_scale, "B ~ U[-X,X] of the drawn problems", CLI_POSITIVE,
               .def = "0.5"),
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
            "on --grid, w the first --init-scale; d1, d2 random (per --seed), or --slice-dirs, "
            "--slice-axes"),
    CLI_DOUBLE("span", "S", A, span, "half-width of the slice", CLI_REC, CLI_POSITIVE),
    CLI_STRING("slice-dirs", "D1,D2", A, slice_dirs,
               "the slice's directions d1, d2 from two directories of weights (A.txt, W.txt, "
               "the format of ode --save-init) instead of random ones",
               CLI_REC),
    CLI_STRING("slice-axes", "AX1,AX2", A, slice_axes,
               "the slice's directions as coordinate axes NAME:ROW:COL (from 0), e.g. "
               "A:0:0,W:1:2",
               CLI_REC),
    CLI_RECORD(double, "t_scale", A, np.draw.t_scale),
    CLI_RECORD(double, "b_scale", A, np.draw.b_scale),
    CLI_END,
};
static const cli_opt OPTS[] = {
    CLI_INCLUDE(NET111),
    CLI_INCLUDE(LAYERED),
    CLI_OUTFILE(
        "out", "FILE.tsv", A, pc.out,
        "grid: a0 w0 class a_end w_end t_end C predicted direction; points: the ends table of flow "
        "(trajectory direction a0 w0 class a_end w_end lambda t_end C predicted window "
        "exit_a exit_w exit_t); network: one row per start (see docs/basin.md)",
        .section = "Output:"),
    CLI_OUTFILE("summary", "FILE.json", A, pc.summary,
                "counts per class, bad fraction, the fraction of nodes the criterion predicts "
                "bad, the exact bad area and its fraction, disagreements (and how many lie "
                "within one cell of the separatrix), wall_seconds, trajectories_per_second; "
                "network: fractions per scale"),
    CLI_PLOT(A, pc.plot,
             "grid: the class map (or --map t-end) with the equilibria by stability, the "
             "separatrix and the fold point; points: the starts, their trajectories and ends on "
             "the flow; network: fractions against w; slice: the class map of the plane. Script "
             "and data kept beside the image; dumb only for the network's fractions"),
    CLI_SET("quiet", A, pc.quiet, "no summary on standard output"),
    CLI_END,
};

static void defaults(void *v) {
    basin_opts *o = v;
    phase_common_default(&o->pc);
    double def[] = {0.001, 0.01, 0.1, 1.0};
    memcpy(o->scales, def, sizeof def);
    o->nscales = 4;
    o->seed = 1;
    o->span = 1.0;
    o->samples = 0;
    o->t_scale = o->b_scale = NAN;
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
    if (o->np.stability && dim > 4000) {
        cli_error(CMD,
                  "--sizes: %zu weights make a %zux%zu Jacobian per start; use "
                  "--no-stability or smaller sizes (at most 4000 weights)",
                  dim, dim, dim);
        return CLI_EXIT_USAGE;
    }
    if (o->mode == MODE_SLICE) o->samples = o->na * o->nw; /* a slice: its starts */
    return 0;
}

/* --init-from, --samples, --t-scale, --b-scale and the slice's directions:
 * each used, none ignored. */
static int check_user(basin_opts *o) {
    const char *clash = o->init_from && o->samples           ? "--samples"
                        : o->init_from && !isnan(o->t_scale) ? "--t-scale"
                        : o->init_from && !isnan(o->b_scale) ? "--b-scale"
                                                             : NULL;
    if (clash) {
        cli_error(CMD,
                  "%s: the problem comes from --init-from %s (one start per scale, T and B "
                  "from the files)",
                  clash, o->init_from);
        return CLI_EXIT_USAGE;
    }
    if (!isnan(o->t_scale)) o->np.draw.t_scale = o->t_scale;
    if (!isnan(o->b_scale)) o->np.draw.b_scale = o->b_scale;
    if (!o->samples) o->samples = o->init_from ? 1 : 10;
    const char *spec = o->slice_dirs ? o->slice_dirs : o->slice_axes;
    if (o->slice_dirs && o->slice_axes) {
        cli_error(CMD, "--slice-dirs and --slice-axes: give one of them");
        return CLI_EXIT_USAGE;
    }
    if (spec && !o->slice) {
        cli_error(CMD, "--%s: directions of a --slice; add --slice",
                  o->slice_dirs ? "slice-dirs" : "slice-axes");
        return CLI_EXIT_USAGE;
    }
    o->dirs = o->slice_dirs ? FADYN_ND_DIRS_FILES
              : spec        ? FADYN_ND_DIRS_AXES
                            : FADYN_ND_DIRS_RANDOM;
    const char *comma = spec ? strchr(spec, ',') : NULL;
    if (spec && (!comma || comma == spec || !comma[1] || strchr(comma + 1, ','))) {
        cli_error(CMD, "--%s '%s': give two, separated by one comma",
                  o->slice_dirs ? "slice-dirs" : "slice-axes", spec);
        return CLI_EXIT_USAGE;
    }
    if (spec) {
        snprintf(o->dir_spec[0], sizeof o->dir_spec[0], "%.*s", (int)(comma - spec), spec);
        snprintf(o->dir_spec[1], sizeof o->dir_spec[1], "%s", comma + 1);
    }
    if (o->init_from && o->nsizes == 0) /* the sizes from the files */
        return cli_sizes_from_files(CMD, o->init_from, o->sizes, &o->nsizes);
    return 0;
}

static int check(cli_ctx *c, void *v) {
    basin_opts *o = v;
    int rc, grid_given = o->na != 0;
    if (!grid_given) o->na = o->nw = o->slice ? 11 : 201;
    if ((rc = check_user(o))) return rc;
    if (o->slice && o->nsizes == 0) {
        cli_error(CMD, "--slice: give the network with --sizes, e.g. --sizes 30,20,10");
        return CLI_EXIT_USAGE;
    }
    if (o->nsizes) {
        o->mode = o->slice ? MODE_SLICE : MODE_NET;
        if ((rc = check_net(c, o))) return rc;
    } else {
        o->mode = (o->pc.nfrom || o->pc.from_file) && !grid_given ? MODE_POINTS : MODE_GRID;
        if ((rc = phase_common_check(c, &o->pc))) return rc;
        if (o->mode == MODE_GRID && (o->pc.backward || o->pc.both)) {
            cli_error(CMD,
                      "--%s: for the starts of --from or --from-file without --grid (points "
                      "mode); a grid is integrated forward",
                      o->pc.backward ? "backward" : "both");
            return CLI_EXIT_USAGE;
        }
    }
    if ((rc = phase_plot_target(CMD, &o->pc, 1300, 1000))) return rc;
    if (o->map != FADYN_BASIN_MAP_CLASS && (o->mode != MODE_GRID || !o->pc.plot)) {
        cli_error(CMD,
                  "--map %s: shades the grid mode's --plot; give --plot FILE.png and no "
                  "--from or --sizes",
                  map_name(o->map));
        return CLI_EXIT_USAGE;
    }
    if (o->pc.plot && o->pc.pt.dumb && o->mode != MODE_NET) {
        cli_error(CMD,
                  "--plot dumb: the %s has no readable text form (shaded classes, colour "
                  "bar); give FILE.png, .svg or .pdf",
                  o->mode == MODE_POINTS ? "flow with its trajectories" : "class map");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static const cli_cmd BASIN = {.name = CMD,
                              .usage = "[OPTIONS]",
                              .intro = INTRO,
                              .opts = OPTS,
                              .epilogue = EPILOGUE,
                              .size = sizeof(basin_opts),
                              .init = defaults,
                              .check = check};
const cli_cmd *const cli_cmd_basin = &BASIN;

/* ---- the 1-1-1 network: grid and points ------------------------------- */

static int draw_grid(const fadyn_plot_target *t, const void *bpl, fadyn_err *err) {
    return fadyn_plot_basin(t, bpl, err);
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
    fadyn_basin_points table = {p, n};
    if (rc == FADYN_OK && o->pc.out) rc = fadyn_basin_write_points(o->pc.out, &table, &err);
    if (rc == FADYN_OK && o->pc.summary) {
        json_t *j = cli_summary(CMD, NET111, o);
        json_object_set_new(j, "mode", json_string("grid"));
        fadyn_basin_summary(&st, area, &pc->win, j);
        fadyn_phase_branches_summary(pc->b, pc->t, &pc->win, j);
        rc = cli_summary_write(j, o->pc.summary, &err);
    }
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
                                slash ? slash + 1 : sep,
                                o->map};
        fadyn_plot_data data[] = {{".tsv", fadyn_basin_write_points, &table, o->pc.out},
                                  {"-curves.tsv", fadyn_basin_write_curves, &bpl, NULL}};
        double bytes[2] = {95.0 * (double)n, 0.0}; /* 9 columns: %.10g numbers, words */
        cli_plot_warn_big(CMD, pt, data, bytes, 2);
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
        fadyn_strbuf b;
        fadyn_strbuf_init(&b);
        fadyn_basin_report(&st, area, &pc->win, &b);
        cli_put_lines(&b);
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

/* Points mode: each start's trajectory and end as a portrait (its ends
 * table is --out; with --plot the starts and trajectories drawn on the
 * flow, the equilibria by stability and the separatrix). */
static int run_points(const basin_opts *o, const fadyn_plot_target *pt) {
    const phase_common *pc = &o->pc;
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_portrait por = fadyn_portrait_default();
    por.b = pc->b, por.t = pc->t, por.win = pc->win, por.bp = pc->bp;
    por.ba = por.bw = 0; /* no basin grid: the points are the question */
    if (!pt) por.ga = por.gw = 0;
    int rc = fadyn_portrait_compute(&por, &err);
    fadyn_basin_point p[2 * PHASE_MAX_FROM];
    size_t unconverged = 0;
    for (size_t k = 0; k < pc->nfrom && rc == FADYN_OK; k++) {
        rc = fadyn_portrait_add(&por, &pc->from[k], &err);
        if (rc == FADYN_OK) p[k] = por.traj[k].end;
        unconverged += rc == FADYN_OK && p[k].cls == FADYN_PHASE_UNCONVERGED;
    }
    stiff_hint(pc, unconverged);
    fadyn_basin_points table = {p, pc->nfrom};
    if (rc == FADYN_OK && o->pc.out) rc = fadyn_portrait_write_ends(o->pc.out, &por, &err);
    if (rc == FADYN_OK && o->pc.summary) {
        json_t *j = cli_summary(CMD, NET111, o);
        json_object_del(json_object_get(j, "parameters"), "grid");
        json_object_del(json_object_get(j, "parameters"), "map");
        json_object_set_new(j, "mode", json_string("points"));
        fadyn_basin_points_summary(&table, j);
        fadyn_phase_branches_summary(pc->b, pc->t, &pc->win, j);
        rc = cli_summary_write(j, o->pc.summary, &err);
    }
    if (rc == FADYN_OK && pt) {
        static fadyn_flow_data data;
        fadyn_flow_data_init(&data, &por, pc->out);
        for (int k = 1; k < FADYN_PORTRAIT_NTABLE; k++) /* --out wrote only the ends */
            data.d[k].written = NULL;
        fadyn_flow_plot fp = {&por, NULL, 0,
                              "fadyn basin --from: the starts, their trajectories and ends"
                              " (1-1-1 network)"};
        cli_plot_warn_big(CMD, pt, data.d, data.bytes, FADYN_PORTRAIT_NTABLE);
        rc = cli_plot_status(
            CMD,
            fadyn_plot_make(pt, data.d, FADYN_PORTRAIT_NTABLE, fadyn_plot_flow_draw, &fp, &err),
            &err);
    }
    fadyn_portrait_free(&por);
    if (rc) {
        cli_error_err(CMD, &err);
        return CLI_EXIT_FAILED;
    }
    if (!o->pc.quiet) {
        printf("fadyn basin: b = %g, t = %g (fold at C = %.6g)\n", pc->b, pc->t,
               fadyn_phase_fold_C(pc->b, pc->t));
        fadyn_strbuf b;
        fadyn_strbuf_init(&b);
        fadyn_basin_points_report(&table, &b);
        cli_put_lines(&b);
    }
    return CLI_EXIT_OK;
}

/* ---- layered networks ------------------------------------------------ */

static const char *sizes_text(const basin_opts *o, char *buf, size_t n) {
    snprintf(buf, n, "%zu-%zu-%zu", o->sizes[0], o->sizes[1], o->sizes[2]);
    return buf;
}

static int draw_net(const fadyn_plot_target *t, const void *opts, fadyn_err *err) {
    const basin_opts *o = opts;
    char sizes[128];
    sizes_text(o, sizes, sizeof sizes);
    char what[2 * FADYN_PATH_MAX + 160];
    fadyn_nd_slice_about(o->init_from, o->dirs, o->dir_spec[0], o->dir_spec[1], what, sizeof what);
    return o->mode == MODE_SLICE ? fadyn_plot_basin_slice(t, sizes, o->scales[0], what, err)
                                 : fadyn_plot_basin_nd(t, sizes, o->samples, err);
}

/* The layered network's starts or slice (fadyn_nd_run_many, _run_user). */
static int run_net(const basin_opts *o, const fadyn_plot_target *pt) {
    fadyn_err err;
    fadyn_err_clear(&err);
    int slice = o->mode == MODE_SLICE;
    size_t n = slice ? o->na * o->nw : o->samples * o->nscales;
    fadyn_nd_result *r = malloc(n * sizeof *r);
    if (!r) {
        cli_error(CMD, "out of memory for %zu starts", n);
        return CLI_EXIT_USAGE;
    }
    double t0 = fadyn_wall_seconds();
    fadyn_nd_params np = o->np;
    np.progress = on_progress;
    fadyn_nd_user user = {o->init_from, o->sizes,
                          o->seed,      o->mode == MODE_SLICE,
                          o->dirs,      {o->dir_spec[0], o->dir_spec[1]},
                          o->scales,    o->nscales,
                          o->span,      o->na,
                          o->nw};
    int rc = !slice && !o->init_from ? fadyn_nd_run_many(2, o->sizes, o->seed, o->samples,
                                                         o->scales, o->nscales, &np, r, &err)
                                     : fadyn_nd_run_user(&user, &np, r, &err);
    /* the run refuses its input (--init-from's files, --slice-dirs', an axis of
     * --slice-axes) before it integrates anything: bad input, exit 2 */
    int input_rc = rc;
    cli_progress_done();
    double wall = fadyn_wall_seconds() - t0;
    fadyn_nd_table t = {.r = NULL};
    if (rc == FADYN_OK)
        rc = fadyn_nd_table_fill(&t, r, o->sizes, o->seed, o->samples, o->scales, o->nscales,
                                 o->span, slice ? o->na : 0, o->nw, &err);
    if (rc == FADYN_OK && o->pc.out) rc = fadyn_nd_write(o->pc.out, &t, &err);
    if (rc == FADYN_OK && o->pc.summary) {
        json_t *j = cli_summary(CMD, NULL, NULL), *par = cli_json(LAYERED, o);
        if (!slice) json_object_del(par, "span");
        json_object_set_new(j, "start", json_string(o->init_from ? "file" : "random"));
        if (slice)
            json_object_set_new(j, "slice_directions", json_string(fadyn_nd_dirs_name(o->dirs)));
        json_object_set_new(j, "parameters", par);
        fadyn_nd_summary(&t, o->sizes, wall, j);
        rc = cli_summary_write(j, o->pc.summary, &err);
    }
    if (rc == FADYN_OK && pt) {
        fadyn_plot_data data = {".tsv", fadyn_nd_write, &t, o->pc.out};
        if (!slice) data = (fadyn_plot_data){"-fractions.tsv", fadyn_nd_write_fractions, &t, NULL};
        rc = cli_plot_status(CMD, fadyn_plot_make(pt, &data, 1, draw_net, o, &err), &err);
    }
    if (rc == FADYN_OK && !o->pc.quiet) {
        char sizes[128];
        printf("fadyn basin: %s network under fa, %s, %.2f s\n", sizes_text(o, sizes, sizeof sizes),
               slice          ? "2-D slice"
               : o->init_from ? "the start of --init-from"
                              : "random starts",
               wall);
        fadyn_strbuf b;
        fadyn_strbuf_init(&b);
        fadyn_nd_report(&t, &b);
        cli_put_lines(&b);
    }
    free(r);
    fadyn_nd_table_free(&t);
    if (rc) {
        cli_error_err(CMD, &err);
        return input_rc ? cli_exit_code(input_rc) : CLI_EXIT_FAILED;
    }
    return CLI_EXIT_OK;
}

int cmd_basin(int argc, char **argv) {
    basin_opts o;
    int rc = cli_parse(&BASIN, argc, argv, &o);
    if (rc) return rc < 0 ? CLI_EXIT_OK : rc;
    const fadyn_plot_target *pt = o.pc.plot ? &o.pc.pt : NULL;
    switch (o.mode) {
    case MODE_POINTS: /* a few starts: not distributed */
        return cli_one_rank(CMD, "basin's points mode (--from, --from-file)") ? CLI_EXIT_USAGE
                                                                              : run_points(&o, pt);
    case MODE_GRID:
        return run_grid(&o, pt);
    default:
        return run_net(&o, pt);
    }
}
