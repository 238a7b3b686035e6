/* problem_opts.c — the options that define a linear learning problem, shared
 * by `ode` and `compare`: their table, checks and the problem they build. */
#include "cli.h"
#include "fadyn/json.h"

#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef cli_problem_opts P;

static const char *init_name(int i) {
    return i == 0 ? "random" : i == 1 ? "zero" : NULL;
}

/* --init: "file" when --init-from is given. */
static json_t *init_json(const cli_opt *o, const void *base) {
    const P *p = base;
    (void)o;
    return json_string(p->init_from ? "file" : p->zero_init ? "zero" : "random");
}
static const cli_kind init_kind = {1, 0, 0, cli_parse_enum, init_json, cli_show_enum, NULL};

/* --sigma: one value for every input, or one per input; "identity" if none. */
static json_t *sigma_json(const cli_opt *o, const void *base) {
    const P *p = base;
    (void)o;
    if (p->nsigma == 0) return json_string("identity");
    json_t *a = json_array();
    for (size_t i = 0; i < p->sizes[0]; i++)
        json_array_append_new(a, fadyn_json_real(p->sigma[p->nsigma == 1 ? 0 : i]));
    return a;
}
static const cli_kind sigma_kind = {1, 'd', 1, cli_parse_list, sigma_json, NULL, NULL};

const cli_opt cli_problem_table[] = {
    CLI_LIST(sizes, "sizes", "LIST", P, sizes, nsizes,
             "layer sizes, inputs first; more than one hidden layer gives a chain, fa sending e "
             "down fixed B's",
             CLI_REC, CLI_RANGE(1, 100000), .def = "30,20,10; with --init-from the files' shapes"),
    {CLI_FIELD(ode_rule, "rule", "NAME", P, rule, "{ode-rules}"), CLI_REC},
    CLI_LIST_K(&sigma_kind, "sigma", "LIST", P, sigma, nsigma,
               "diagonal of the input covariance: one value for all inputs or one per input",
               .def = "1", CLI_REC),
    CLI_ULONG("seed", "N", P, seed, "seed of the random draw", CLI_REC),
    CLI_OPT(&init_kind, "init", "KIND", P, zero_init, "random | zero: initial weights U[-w,w] or 0",
            .names = init_name, CLI_REC),
    CLI_STRING("init-from", "DIR", P, init_from,
               "read T, B and the initial weights from DIR instead: T.txt, B.txt, A.txt (hidden "
               "x inputs), W.txt (outputs x hidden), whitespace-separated rows. Deeper nets: "
               "A0.txt .. A{L-2}.txt (weights into hidden layers 1..L-1), W.txt, and B1.txt .. "
               "B{L-1}.txt (Bk is hidden-k x next layer, feeding hidden layer k)",
               CLI_REC),
    CLI_DOUBLE("init-scale", "W", P, ip.w_scale, "w of the initial weights", CLI_REC, CLI_NONNEG),
    CLI_DOUBLE("t-scale", "X", P, ip.t_scale, "T ~ U[-X,X] (> 0: the NSE divides by |T|^2)",
               CLI_REC, CLI_POSITIVE),
    CLI_DOUBLE("b-scale", "X", P, ip.b_scale, "B ~ U[-X,X]", CLI_REC, CLI_NONNEG),
    CLI_END,
};

void cli_problem_opts_default(cli_problem_opts *o) {
    memset(o, 0, sizeof *o);
    o->nsizes = 0; /* not given: 30,20,10, or --init-from's (cli_problem_check) */
    o->rule = fadyn_rule_type_find("fa");
    o->seed = 1;
    o->ip = fadyn_init_params_default();
}

#define MAX_WEIGHTS 1e7 /* a state vector of 80 MB */

int cli_sizes_from_files(const char *cmd, const char *dir, size_t *sizes, size_t *nsizes) {
    fadyn_err err;
    size_t depth = 0;
    if (fadyn_problem_sizes_of(dir, sizes, &depth, &err) != FADYN_OK) {
        cli_error(cmd, "--init-from %s", err.msg);
        return CLI_EXIT_USAGE;
    }
    *nsizes = depth + 1;
    return 0;
}

int cli_sizes_default(const char *cmd, const char *init_from, size_t *sizes, size_t *nsizes) {
    if (*nsizes) return 0;
    if (init_from) return cli_sizes_from_files(cmd, init_from, sizes, nsizes);
    static const size_t def[] = {30, 20, 10}; /* the paper's Task 1 */
    memcpy(sizes, def, sizeof def);
    *nsizes = 3;
    return 0;
}

int cli_problem_check(const char *cmd, cli_problem_opts *o) {
    int rc = cli_sizes_default(cmd, o->init_from, o->sizes, &o->nsizes);
    if (rc) return rc;
    /* the layer count is fadyn_problem_alloc's check (cli_problem_build) */
    double dim = 0.0;
    for (size_t k = 0; k + 1 < o->nsizes; k++)
        dim += (double)o->sizes[k] * (double)o->sizes[k + 1];
    if (dim > MAX_WEIGHTS) {
        cli_error(cmd, "--sizes: %.4g weights, at most %g", dim, MAX_WEIGHTS);
        return CLI_EXIT_USAGE;
    }
    if (o->nsigma != 0 && o->nsigma != 1 && o->nsigma != o->sizes[0]) {
        cli_error(cmd, "--sigma: give 1 value or %zu (one per input), not %zu", o->sizes[0],
                  o->nsigma);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

int cli_problem_build(const cli_problem_opts *o, fadyn_problem *p, fadyn_err *err) {
    int rc = fadyn_problem_alloc(p, o->nsizes - 1, o->sizes, o->rule, err);
    if (rc) return rc;
    if (o->init_from) {
        rc = fadyn_problem_load(p, o->init_from, err);
        size_t nd = strlen(o->init_from);
        if (rc && !(strncmp(err->msg, o->init_from, nd) == 0 && err->msg[nd] == '/')) {
            /* the directory's own error as the field's, for cli_lib_check */
            char msg[sizeof err->msg];
            memcpy(msg, err->msg, sizeof msg);
            fadyn_err_set(err, rc, "init_from %.*s", (int)sizeof msg - 16, msg);
        }
    } else {
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!r) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        gsl_rng_set(r, o->seed);
        fadyn_init_params ip = o->ip;
        if (o->zero_init) ip.w_scale = 0.0;
        fadyn_problem_draw(p, &ip, r);
        gsl_rng_free(r);
    }
    if (rc == FADYN_OK && o->nsigma > 0) {
        double *s = malloc(p->sizes[0] * sizeof(double));
        if (!s) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
        for (size_t i = 0; i < p->sizes[0]; i++)
            s[i] = o->sigma[o->nsigma == 1 ? 0 : i];
        rc = fadyn_problem_set_sigma(p, s, err);
        free(s);
    }
    return rc;
}
