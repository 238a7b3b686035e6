/* report.c — what a verification writes: the table as text and JSON, the
 * list of checks, and the figure of one instance's trace (fadyn/verify.h). */
#include "fadyn/json.h"
#include "fadyn/plots.h"
#include "fadyn/verify.h"

#include <stdio.h>
#include <string.h>

/* "<= 1e-06", or "<= 1e-06 in >= 95%" for a check that needs a fraction. */
static void tolerance_text(const fadyn_check *c, char *out, size_t n) {
    const char *cmp = c->worst == FADYN_REDUCE_MIN ? ">=" : "<=";
    if (c->min_fraction > 0.0 && c->min_fraction < 1.0)
        snprintf(out, n, "%s %.10g in >= %g%%", cmp, c->tolerance, 100.0 * c->min_fraction);
    else
        snprintf(out, n, "%s %.10g", cmp, c->tolerance);
}

void fadyn_verify_list(fadyn_strbuf *b) {
    fadyn_strbuf_printf(b, "%-22s %-14s %s\n", "check", "equation",
                        "claim / measured per instance (tolerance)");
    for (const fadyn_check *c = fadyn_checks; c->name; c++) {
        char tol[64];
        tolerance_text(c, tol, sizeof tol);
        fadyn_strbuf_printf(b, "%-22s %-14s %s\n%38s%s (%s)\n", c->name, c->equation, c->claim, "",
                            c->measure, tol);
    }
}

static const char *comparison(const fadyn_check *c) {
    return c->worst == FADYN_REDUCE_MIN ? ">=" : "<=";
}

/* "pass", "FAIL 3/24", with the instances not applicable, undecided or
 * failing within an allowed fraction named. */
static void verdict(const fadyn_check_result *r, char *out, size_t n) {
    size_t applies = r->instances - r->not_applicable;
    int k = snprintf(out, n, "%s", r->pass ? "pass" : r->failing ? "FAIL" : "UNDECIDED");
    if (r->failing)
        k += snprintf(out + k, n - (size_t)k, r->pass ? " (%zu/%zu fail)" : " %zu/%zu", r->failing,
                      applies);
    if (r->undecided)
        k += snprintf(out + k, n - (size_t)k, "%s%zu/%zu not converged by the horizon",
                      r->failing ? ", " : " ", r->undecided, applies);
    if (r->not_applicable) snprintf(out + k, n - (size_t)k, ", %zu n/a", r->not_applicable);
}

void fadyn_verify_report(const fadyn_verify_params *vp, const fadyn_check_result *res, size_t nc,
                         fadyn_strbuf *b) {
    fadyn_strbuf_printf(b, "%zu instances per check, seed %lu, break %s, sizes", vp->instances,
                        vp->seed, fadyn_break_name(vp->brk));
    for (size_t k = 0; k < vp->nsizes && k < vp->instances; k++) {
        size_t s[3];
        fadyn_verify_instance_sizes(vp, k, s);
        fadyn_strbuf_printf(b, " %zu-%zu-%zu", s[0], s[1], s[2]);
    }
    fadyn_strbuf_printf(b, "\n%-22s %-14s %9s  %-14s %-10s %s\n", "claim", "eq", "instances",
                        "worst measured", "tolerance", "verdict");
    size_t fails = 0, run = 0;
    for (size_t c = 0; c < nc; c++) {
        const fadyn_check_result *r = &res[c];
        if (!r->instances) continue;
        char v[160], tol[64];
        verdict(r, v, sizeof v);
        snprintf(tol, sizeof tol, "%s %g", comparison(r->check), r->check->tolerance);
        if (r->check->min_fraction > 0.0 && r->check->min_fraction < 1.0)
            snprintf(tol, sizeof tol, "%s %g in %g%%", comparison(r->check), r->check->tolerance,
                     100.0 * r->check->min_fraction);
        fadyn_strbuf_printf(b, "%-22s %-14s %9zu  %-14.4g %-10s %s\n", r->check->name,
                            r->check->equation, r->instances, r->worst, tol, v);
        run++;
        fails += (size_t)!r->pass;
    }
    fadyn_strbuf_printf(
        b, "notes: Proof 1 trajectories run to t = %g (Theorem 1 to %g while still learning);",
        vp->integ.t_end, 10.0 * vp->integ.t_end);
    for (size_t c = 0; c < nc; c++)
        for (size_t k = 0; res[c].instances && k < FADYN_VERIFY_NEXTRA; k++)
            if (res[c].check->extra_name[k])
                fadyn_strbuf_printf(b, "\n  %s: %s %.4g", res[c].check->name,
                                    res[c].check->extra_name[k], res[c].extra[k]);
    fadyn_strbuf_printf(b, "\n");
    if (fails == 0)
        fadyn_strbuf_printf(b, "verdict: all %zu checks pass\n", run);
    else
        fadyn_strbuf_printf(b, "verdict: %zu of %zu checks FAIL\n", fails, run);
}

void fadyn_verify_summary(const fadyn_verify_params *vp, const fadyn_check_result *res, size_t nc,
                          int all_pass, json_t *j) {
    json_object_set_new(j, "pass", json_boolean(all_pass));
    json_t *list = json_array();
    for (size_t c = 0; c < nc; c++) {
        const fadyn_check_result *r = &res[c];
        if (!r->instances) continue;
        const fadyn_check *ck = r->check;
        json_t *e = json_object();
        json_object_set_new(e, "name", json_string(ck->name));
        json_object_set_new(e, "equation", json_string(ck->equation));
        json_object_set_new(e, "claim", json_string(ck->claim));
        json_object_set_new(e, "measure", json_string(ck->measure));
        json_object_set_new(e, "instances", json_integer((json_int_t)r->instances));
        json_object_set_new(e, "failing", json_integer((json_int_t)r->failing));
        json_object_set_new(e, "worst", fadyn_json_real(r->worst));
        json_object_set_new(e, "worst_instance", json_integer((json_int_t)r->worst_instance));
        json_object_set_new(e, "tolerance", json_real(ck->tolerance));
        json_object_set_new(e, "comparison", json_string(comparison(ck)));
        json_object_set_new(e, "min_fraction",
                            json_real(ck->min_fraction > 0.0 ? ck->min_fraction : 1.0));
        json_object_set_new(e, "not_applicable", json_integer((json_int_t)r->not_applicable));
        json_object_set_new(e, "undecided", json_integer((json_int_t)r->undecided));
        json_object_set_new(e, "pass", json_boolean(r->pass));
        for (size_t k = 0; k < FADYN_VERIFY_NEXTRA; k++)
            if (ck->extra_name[k])
                json_object_set_new(e, ck->extra_name[k], fadyn_json_real(r->extra[k]));
        json_t *per = json_array(); /* every instance: its sizes, value and verdict */
        for (size_t i = 0; i < r->instances; i++) {
            size_t isz[3];
            fadyn_verify_instance_sizes(vp, i, isz);
            json_t *pi = json_object(), *js = json_array();
            for (size_t q = 0; q < 3; q++)
                json_array_append_new(js, json_integer((json_int_t)isz[q]));
            json_object_set_new(pi, "instance", json_integer((json_int_t)i));
            json_object_set_new(pi, "sizes", js);
            json_object_set_new(pi, "value", fadyn_json_real(r->value[i]));
            json_object_set_new(pi, "verdict", json_string(fadyn_verdict_name(r->verdict[i])));
            json_array_append_new(per, pi);
        }
        json_object_set_new(e, "per_instance", per);
        json_array_append_new(list, e);
    }
    json_object_set_new(j, "checks", list);
}

typedef struct {
    const fadyn_verify_params *vp;
    const fadyn_verify_trace *tr;
} verify_figure;

/* The trace's observer rows, V̇, V̈ and Lemma 4's bound on |V̈|. */
int fadyn_verify_trace_write(const char *path, const void *figure, fadyn_err *err) {
    const fadyn_verify_trace *tr = ((const verify_figure *)figure)->tr;
    fadyn_ofile f;
    int rc = fadyn_ofile_open(&f, path, err);
    if (rc) return rc;
    enum { NC = FADYN_OBS_NCOLS + 3 };
    const char *names[NC];
    memcpy(names, fadyn_obs_names, sizeof(char *) * FADYN_OBS_NCOLS);
    names[FADYN_OBS_NCOLS] = "vdot";
    names[FADYN_OBS_NCOLS + 1] = "vddot";
    names[FADYN_OBS_NCOLS + 2] = "vddot_bound";
    fadyn_tsv_header(f.f, names, NC);
    double v[NC];
    for (size_t i = 0; i < tr->nrows; i++) {
        fadyn_obs_to_array(&tr->rows[i], v);
        v[FADYN_OBS_NCOLS] = tr->vdot[i];
        v[FADYN_OBS_NCOLS + 1] = tr->vddot[i];
        v[FADYN_OBS_NCOLS + 2] = tr->vddot_bound[i];
        fadyn_tsv_row(f.f, v, NC);
    }
    return fadyn_ofile_commit(&f, err);
}

static int draw(const fadyn_plot_target *t, const void *figure, fadyn_err *err) {
    const verify_figure *f = figure;
    return fadyn_plot_verify(t, f->vp, f->tr, err);
}

int fadyn_verify_plot(const fadyn_verify_params *vp, size_t instance, const char *dir,
                      fadyn_err *err) {
    int rc = fadyn_mkdir_p(dir, err);
    if (rc) return rc;
    char name[64], path[FADYN_PATH_MAX];
    snprintf(name, sizeof name, "verify-%s.png", fadyn_break_name(vp->brk));
    if (fadyn_path_join(path, sizeof path, dir, name) != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: path too long", dir);
    fadyn_plot_target pt;
    if ((rc = fadyn_plot_target_parse(&pt, path, 1000, 750, err))) return rc;
    fadyn_verify_trace tr;
    if ((rc = fadyn_verify_trace_run(vp, instance, &tr, err))) return rc;
    verify_figure fig = {vp, &tr};
    fadyn_plot_data data = {".tsv", fadyn_verify_trace_write, &fig, NULL};
    rc = fadyn_plot_make(&pt, &data, 1, draw, &fig, err);
    fadyn_verify_trace_free(&tr);
    return rc;
}
