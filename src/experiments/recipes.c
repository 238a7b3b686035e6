/* recipes.c — the table of the paper's experiments and the calls that run
 * one by name and write its files (fadyn/experiments.h). */
#include "experiments_impl.h"
#include "fadyn/json.h"

#include <stdlib.h>
#include <string.h>

/* In the paper's order.  A new figure: its row here (fadyn/experiments.h). */
const fadyn_recipe *const fadyn_recipes[] = {
    &fadyn_recipe_fig1d, &fadyn_recipe_fig1e, &fadyn_recipe_fig2a,
    &fadyn_recipe_fig2b, &fadyn_recipe_fig2d, &fadyn_recipe_fig3b,
    &fadyn_recipe_fig4,  &fadyn_recipe_figS1, NULL};

const fadyn_recipe *fadyn_recipe_find(const char *name) {
    for (size_t i = 0; fadyn_recipes[i]; i++)
        if (strcmp(fadyn_recipes[i]->name, name) == 0) return fadyn_recipes[i];
    return NULL;
}

int fadyn_recipe_distributed(const fadyn_recipe *r) {
    /* their runs go through fadyn_train_map (fadyn_train_runs_progress) or
     * fadyn_mnist_runs */
    static const char *const spread[] = {"fig1d", "fig2a", "fig2b", "fig2d", "fig4", "figS1"};
    for (size_t i = 0; i < sizeof spread / sizeof *spread; i++)
        if (strcmp(r->name, spread[i]) == 0) return 1;
    return 0;
}

size_t fadyn_recipe_count(void) {
    size_t n = 0;
    while (fadyn_recipes[n])
        n++;
    return n;
}

size_t fadyn_recipe_list(char *out, size_t n) {
    size_t off = 0;
    if (n) out[0] = '\0';
    for (size_t i = 0; fadyn_recipes[i]; i++) {
        int k = snprintf(out + (off < n ? off : n), off < n ? n - off : 0, "%s%s", i ? ", " : "",
                         fadyn_recipes[i]->name);
        off += k > 0 ? (size_t)k : 0;
    }
    return off;
}

fadyn_recipe_options fadyn_recipe_options_default(void) {
    fadyn_recipe_options o;
    memset(&o, 0, sizeof o);
    o.set.seed = 1;
    return o;
}

int fadyn_recipe_settings(const fadyn_recipe *r, const fadyn_recipe_options *o,
                          fadyn_fig_settings *s, fadyn_err *err) {
    const fadyn_recipe_scale *sc = o->full ? &r->full : &r->quick;
    *s = o->set;
    s->runs = sc->runs && o->set.runs ? o->set.runs : sc->runs;
    s->examples = sc->examples && o->set.examples ? o->set.examples : sc->examples;
    return fadyn_exp_check(r->name, s, r->minimum, err);
}

int fadyn_recipe_run(const fadyn_recipe *r, const fadyn_recipe_options *o, void **result,
                     fadyn_err *err) {
    *result = NULL;
    fadyn_fig_settings s;
    int rc = fadyn_recipe_settings(r, o, &s, err);
    if (rc) return rc;
    void *res = calloc(1, r->result_size);
    if (!res) return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory", r->name);
    rc = r->run(&s, res, err);
    if (rc < 0)
        free(res);
    else
        *result = res;
    return rc;
}

int fadyn_recipe_write(const fadyn_recipe *r, const fadyn_recipe_options *o, const void *result,
                       const char *dir, fadyn_err *err) {
    fadyn_plot_target t;
    int rc = fadyn_exp_target(dir, r->name, r->width, r->height, &t, err);
    if (rc == FADYN_OK) rc = r->plot(result, &t, err);
    if (rc != FADYN_OK && rc != FADYN_NOPLOT) return rc;
    fadyn_err jerr;
    fadyn_err_clear(&jerr);
    json_t *sum = fadyn_json_summary_new("figure");
    json_object_set_new(sum, "figure", json_string(r->name));
    json_object_set_new(sum, "mode", json_string(o->full ? "full" : "quick"));
    json_object_set_new(sum, "seed", json_integer((json_int_t)o->set.seed));
    json_object_set_new(sum, "angle", json_string(fadyn_angle_kind_name(o->set.angle)));
    r->summary(result, sum);
    json_object_set_new(sum, "diverged_runs",
                        json_integer((json_int_t)r->report(result, NULL, NULL)));
    char path[FADYN_PATH_MAX];
    snprintf(path, sizeof path, "%s.json", t.stem);
    int jrc = fadyn_json_write(sum, path, &jerr);
    json_decref(sum);
    if (jrc) {
        if (err) *err = jerr;
        return jrc;
    }
    return rc; /* OK, or NOPLOT with its message in err */
}

void fadyn_recipe_free(const fadyn_recipe *r, void *result) {
    if (!result) return;
    r->free(result);
    free(result);
}
