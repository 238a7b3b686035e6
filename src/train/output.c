/* output.c — the trainer's TSV files: rows averaged over runs, and every run. */
#include "fadyn/io.h"
#include "fadyn/json.h"
#include "fadyn/size.h"
#include "fadyn/train.h"

#include <stdlib.h>

int fadyn_train_write_mean(const char *path, const fadyn_train_result *res, size_t nruns,
                           fadyn_err *err) {
    size_t nc = res[0].ncols, maxrows = 0;
    for (size_t r = 0; r < nruns; r++)
        if (res[r].nrows > maxrows) maxrows = res[r].nrows;
    double *mean = fadyn_malloc_n(maxrows + 1, nc, sizeof(double));
    double *sd = fadyn_malloc_n(maxrows + 1, nc, sizeof(double));
    double *v = malloc(2 * nc * sizeof(double));
    char(*names)[64] = malloc(2 * nc * sizeof *names);
    const char **np = malloc(2 * nc * sizeof *np);
    int rc = FADYN_ENOMEM;
    fadyn_ofile f;
    if (!mean || !sd || !v || !names || !np) {
        fadyn_err_set(err, rc, "out of memory");
        goto done;
    }
    size_t nrows = fadyn_train_aggregate(res, nruns, mean, sd);
    /* example, then name_mean name_sd for every other column */
    size_t nn = 0;
    for (size_t c = 0; c < nc; c++) {
        char base[48];
        fadyn_train_col_name(c, base, sizeof base);
        if (c == 0) {
            snprintf(names[nn++], 64, "%s", base);
            continue;
        }
        snprintf(names[nn++], 64, "%s_mean", base);
        snprintf(names[nn++], 64, "%s_sd", base);
    }
    for (size_t i = 0; i < nn; i++)
        np[i] = names[i];
    if ((rc = fadyn_ofile_open(&f, path, err))) goto done;
    fadyn_tsv_header(f.f, np, nn);
    for (size_t i = 0; i < nrows; i++) {
        size_t k = 0;
        v[k++] = mean[i * nc];
        for (size_t c = 1; c < nc; c++) {
            v[k++] = mean[i * nc + c];
            v[k++] = sd[i * nc + c];
        }
        fadyn_tsv_row(f.f, v, nn);
    }
    rc = fadyn_ofile_commit(&f, err);
done:
    free(mean);
    free(sd);
    free(v);
    free(names);
    free(np);
    return rc;
}

int fadyn_train_write_runs(const char *path, const fadyn_train_result *res, size_t nruns,
                           fadyn_err *err) {
    size_t nc = res[0].ncols;
    char names[FADYN_MAX_DEPTH * 2 + 4][48];
    const char *np[FADYN_MAX_DEPTH * 2 + 4];
    double v[FADYN_MAX_DEPTH * 2 + 4];
    snprintf(names[0], sizeof names[0], "run");
    for (size_t c = 0; c < nc; c++)
        fadyn_train_col_name(c, names[c + 1], sizeof names[0]);
    for (size_t c = 0; c <= nc; c++)
        np[c] = names[c];
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    fadyn_tsv_header(f.f, np, nc + 1);
    for (size_t r = 0; r < nruns; r++) {
        for (size_t i = 0; i < res[r].nrows; i++) {
            v[0] = (double)r;
            for (size_t c = 0; c < nc; c++)
                v[c + 1] = res[r].rows[i * nc + c];
            fadyn_tsv_row(f.f, v, nc + 1);
        }
        fputs("\n\n", f.f); /* gnuplot: one data block per run (index r) */
    }
    return fadyn_ofile_commit(&f, err);
}

void fadyn_train_summary(const fadyn_train_result *res, size_t nruns, unsigned long seed,
                         const fadyn_train_params *p, const double *scores, double wall,
                         json_t *j) {
    double mean, sd;
    fadyn_train_final_stats(res, nruns, &mean, &sd);
    json_t *seeds = json_array(), *fin = json_array(), *div = json_array();
    for (size_t r = 0; r < nruns; r++) {
        json_array_append_new(seeds, json_integer((json_int_t)fadyn_train_run_seed(seed, r)));
        json_array_append_new(fin, fadyn_json_real(res[r].final_nse));
        if (res[r].status == FADYN_DIVERGED)
            json_array_append_new(div, json_pack("{s:I,s:I}", "run", (json_int_t)r, "example",
                                                 (json_int_t)res[r].diverged_at));
    }
    json_object_set_new(j, "run_seeds", seeds);
    json_object_set_new(j, "runs", json_integer((json_int_t)nruns));
    json_object_set_new(j, "examples", json_integer((json_int_t)p->examples));
    json_object_set_new(j, "eta", json_real(p->eta));
    json_object_set_new(j, "eta_tuned", json_boolean(scores != NULL));
    if (scores) {
        json_t *g = json_array();
        for (size_t i = 0; i < fadyn_tune_grid_n; i++)
            json_array_append_new(g, json_pack("{s:f,s:o}", "eta", fadyn_tune_grid[i],
                                               "mean_log10_nse", fadyn_json_real(scores[i])));
        json_object_set_new(j, "tune_grid", g);
    }
    json_object_set_new(j, "final_nse_mean", fadyn_json_real(mean));
    json_object_set_new(j, "final_nse_sd", fadyn_json_real(sd));
    json_object_set_new(j, "final_nse", fin);
    size_t diverged = json_array_size(div);
    json_object_set_new(j, "diverged", div);
    json_object_set_new(j, "status", json_string(diverged ? "diverged" : "ok"));
    double ex = (double)p->examples * (double)nruns;
    json_object_set_new(j, "examples_per_second", fadyn_json_real(ex / wall));
    json_object_set_new(j, "wall_seconds", json_real(wall));
}

void fadyn_train_report(const fadyn_train_result *res, size_t nruns, size_t examples, double wall,
                        fadyn_strbuf *b) {
    double mean, sd;
    fadyn_train_final_stats(res, nruns, &mean, &sd);
    char m[48], d[48];
    fadyn_strbuf_printf(b, "  final NSE           %s +- %s (mean +- sd over finished runs)\n",
                        fadyn_fmt_or_na(m, sizeof m, "%.4e", mean, "no run finished"),
                        fadyn_fmt_or_na(d, sizeof d, "%.2e", sd, "fewer than 2 runs"));
    for (size_t r = 0; r < nruns; r++)
        if (res[r].status != FADYN_OK)
            fadyn_strbuf_printf(b, "  run %zu               %s\n", r, res[r].err.msg);
    fadyn_strbuf_printf(b, "  %.0f examples/s, %.3f s\n", (double)examples * (double)nruns / wall,
                        wall);
}
