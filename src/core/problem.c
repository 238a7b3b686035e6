/* problem.c — layered linear learning problems: allocation, random draw, files. */
#include "fadyn/problem.h"
#include "fadyn/io.h"
#include "fadyn/work.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

fadyn_init_params fadyn_init_params_default(void) {
    fadyn_init_params ip = {1.0, 0.5, 0.01};
    return ip;
}

int fadyn_problem_alloc(fadyn_problem *p, size_t depth, const size_t *sizes,
                        const fadyn_rule_type *rule, fadyn_err *err) {
    memset(p, 0, sizeof *p);
    if (!rule || !rule->ode) {
        char list[256];
        fadyn_rule_type_list(list, sizeof list, 1);
        return fadyn_err_set(err, FADYN_EINVAL,
                             "rule %s: no expected-dynamics form (rules with one: %s)",
                             rule ? rule->name : "(none)", list);
    }
    if (depth < 2 || depth > FADYN_MAX_DEPTH)
        return fadyn_err_set(err, FADYN_EINVAL,
                             "sizes: need 3 to %d layers (inputs, hidden..., outputs), got %zu",
                             FADYN_MAX_DEPTH + 1, depth + 1);
    for (size_t k = 0; k <= depth; k++) {
        if (sizes[k] < 1 || sizes[k] > 100000)
            return fadyn_err_set(err, FADYN_EINVAL,
                                 "sizes: layer %zu has size %zu (need 1..100000)", k, sizes[k]);
    }
    p->depth = depth;
    memcpy(p->sizes, sizes, (depth + 1) * sizeof(size_t));
    p->rule = rule;
    size_t nT = sizes[depth] * sizes[0], nB = 0, nW = 0;
    for (size_t k = 0; k + 1 < depth; k++)
        nB += sizes[k + 1] * sizes[k + 2];
    for (size_t k = 0; k < depth; k++)
        nW += sizes[k + 1] * sizes[k];
    p->block = calloc(nT + nB + nW, sizeof(double));
    if (!p->block) return fadyn_err_set(err, FADYN_ENOMEM, "sizes: problem too large for memory");
    p->T = p->block;
    double *q = p->block + nT;
    for (size_t k = 0; k + 1 < depth; k++) {
        p->B[k] = q;
        q += sizes[k + 1] * sizes[k + 2];
    }
    p->w0 = q;
    for (size_t k = 0; k < depth; k++) {
        p->W[k] = q;
        q += sizes[k + 1] * sizes[k];
    }
    p->dim = nW;
    return FADYN_OK;
}

void fadyn_problem_free(fadyn_problem *p) {
    free(p->block);
    free(p->sigma);
    memset(p, 0, sizeof *p);
}

static void fill_uniform(double *a, size_t n, double scale, gsl_rng *r) {
    for (size_t i = 0; i < n; i++)
        a[i] = scale * (2.0 * gsl_rng_uniform(r) - 1.0);
}

void fadyn_problem_draw(fadyn_problem *p, const fadyn_init_params *ip, gsl_rng *r) {
    fill_uniform(p->T, p->sizes[p->depth] * p->sizes[0], ip->t_scale, r);
    for (size_t k = 0; k + 1 < p->depth; k++)
        fill_uniform(p->B[k], p->sizes[k + 1] * p->sizes[k + 2], ip->b_scale, r);
    fill_uniform(p->w0, p->dim, ip->w_scale, r);
}

int fadyn_problem_set_sigma(fadyn_problem *p, const double *sigma, fadyn_err *err) {
    size_t n = p->sizes[0];
    for (size_t i = 0; i < n; i++)
        if (!isfinite(sigma[i]) || sigma[i] <= 0.0)
            return fadyn_err_set(err, FADYN_EINVAL, "sigma: entry %zu is %g (need finite and > 0)",
                                 i + 1, sigma[i]);
    double *s = malloc(n * sizeof(double));
    if (!s) return fadyn_err_set(err, FADYN_ENOMEM, "sigma: out of memory");
    memcpy(s, sigma, n * sizeof(double));
    free(p->sigma);
    p->sigma = s;
    return FADYN_OK;
}

size_t fadyn_problem_offset(const fadyn_problem *p, size_t k) {
    return (size_t)(p->W[k] - p->w0);
}

size_t fadyn_problem_wsize(const fadyn_problem *p, size_t k) {
    return p->sizes[k + 1] * p->sizes[k];
}

unsigned long long fadyn_problem_hash(const fadyn_problem *p) {
    const size_t *n = p->sizes;
    unsigned long long h = fadyn_work_hash(0, p->T, n[p->depth] * n[0] * sizeof(double));
    for (size_t k = 0; k + 1 < p->depth; k++)
        h = fadyn_work_hash(h, p->B[k], n[k + 1] * n[k + 2] * sizeof(double));
    h = fadyn_work_hash(h, p->w0, p->dim * sizeof(double));
    return p->sigma ? fadyn_work_hash(h, p->sigma, n[0] * sizeof(double)) : h;
}

void fadyn_problem_file_name(const fadyn_problem *p, int is_b, size_t k, char *out, size_t n) {
    if (p->depth == 2) {
        snprintf(out, n, "%s", is_b ? "B.txt" : (k == 0 ? "A.txt" : "W.txt"));
    } else if (is_b) {
        snprintf(out, n, "B%zu.txt", k + 1);
    } else if (k + 1 == p->depth) {
        snprintf(out, n, "W.txt");
    } else {
        snprintf(out, n, "A%zu.txt", k);
    }
}

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Read one matrix of a problem directory; alt is an accepted second name. */
static int load_one(const char *dir, const char *name, const char *alt, size_t rows, size_t cols,
                    double *out, fadyn_err *err) {
    char path[FADYN_PATH_MAX];
    if (fadyn_path_join(path, sizeof path, dir, name) != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: path too long", dir);
    if (alt && !file_exists(path)) {
        char apath[FADYN_PATH_MAX];
        fadyn_path_join(apath, sizeof apath, dir, alt);
        if (file_exists(apath)) return fadyn_matrix_read(apath, rows, cols, out, err);
    }
    return fadyn_matrix_read(path, rows, cols, out, err);
}

int fadyn_problem_load(fadyn_problem *p, const char *dir, fadyn_err *err) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: no such directory", dir);
    const size_t *n = p->sizes;
    size_t L = p->depth;
    int rc = load_one(dir, "T.txt", NULL, n[L], n[0], p->T, err);
    char name[64];
    for (size_t k = 0; rc == FADYN_OK && k + 1 < L; k++) {
        fadyn_problem_file_name(p, 1, k, name, sizeof name);
        rc = load_one(dir, name, L == 2 ? "B1.txt" : NULL, n[k + 1], n[k + 2], p->B[k], err);
    }
    return rc == FADYN_OK ? fadyn_problem_load_weights(p, dir, p->w0, err) : rc;
}

int fadyn_problem_load_weights(const fadyn_problem *p, const char *dir, double *state,
                               fadyn_err *err) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: no such directory", dir);
    const size_t *n = p->sizes;
    size_t L = p->depth;
    char name[64];
    int rc = FADYN_OK;
    for (size_t k = 0; rc == FADYN_OK && k < L; k++) {
        fadyn_problem_file_name(p, 0, k, name, sizeof name);
        rc = load_one(dir, name, (L == 2 && k == 0) ? "A0.txt" : NULL, n[k + 1], n[k],
                      state + fadyn_problem_offset(p, k), err);
    }
    return rc;
}

/* The shape of dir/name; 0 if the file is absent. */
static int shape_of(const char *dir, const char *name, size_t *rows, size_t *cols, fadyn_err *err) {
    char path[FADYN_PATH_MAX];
    if (fadyn_path_join(path, sizeof path, dir, name) != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: path too long", dir);
    *rows = *cols = 0;
    if (!file_exists(path)) return FADYN_OK;
    double *a = NULL;
    int rc = fadyn_matrix_read_any(path, rows, cols, &a, err);
    free(a);
    return rc;
}

/* Chain the weight matrix dir/name onto the sizes so far: its columns must
 * be layer k's units, its rows become layer k + 1.  *found = 0 if absent. */
static int chain(const char *dir, const char *name, size_t k, size_t *sizes, int *found,
                 fadyn_err *err) {
    size_t r, c;
    int rc = shape_of(dir, name, &r, &c, err);
    *found = rc == FADYN_OK && r > 0;
    if (rc != FADYN_OK || !*found) return rc;
    if (k == 0) sizes[0] = c;
    if (c != sizes[k])
        return fadyn_err_set(err, FADYN_ESHAPE,
                             "%s: %s has %zu columns, but layer %zu has %zu units", dir, name, c, k,
                             sizes[k]);
    sizes[k + 1] = r;
    return FADYN_OK;
}

int fadyn_problem_sizes_of(const char *dir, size_t *sizes, size_t *depth, fadyn_err *err) {
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return fadyn_err_set(err, FADYN_EIO, "%s: no such directory", dir);
    char name[64], path[FADYN_PATH_MAX];
    int found = 0, rc;
    size_t L = 1; /* weight matrices into the hidden layers, then W */
    if (fadyn_path_join(path, sizeof path, dir, "A1.txt") != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: path too long", dir);
    if (file_exists(path)) { /* A0.txt .. A{L-2}.txt */
        for (L = 0; L + 1 < FADYN_MAX_DEPTH; L++) {
            snprintf(name, sizeof name, "A%zu.txt", L);
            if ((rc = chain(dir, name, L, sizes, &found, err)) != FADYN_OK) return rc;
            if (!found) break;
        }
        if (L == 0) return fadyn_err_set(err, FADYN_EIO, "%s: A1.txt but no A0.txt", dir);
    } else {
        if ((rc = chain(dir, "A.txt", 0, sizes, &found, err)) != FADYN_OK) return rc;
        if (!found && (rc = chain(dir, "A0.txt", 0, sizes, &found, err)) != FADYN_OK) return rc;
        if (!found)
            return fadyn_err_set(err, FADYN_EIO, "%s: no A.txt (the weights into the hidden layer)",
                                 dir);
    }
    if ((rc = chain(dir, "W.txt", L, sizes, &found, err)) != FADYN_OK) return rc;
    if (!found) return fadyn_err_set(err, FADYN_EIO, "%s: no W.txt (the output weights)", dir);
    *depth = L + 1;
    return FADYN_OK;
}

int fadyn_problem_weight_index(const fadyn_problem *p, const char *name, size_t row, size_t col,
                               size_t *index) {
    char file[64], want[64];
    snprintf(want, sizeof want, "%s.txt", name);
    for (size_t k = 0; k < p->depth; k++) {
        fadyn_problem_file_name(p, 0, k, file, sizeof file);
        int alt = p->depth == 2 && k == 0 && strcmp(want, "A0.txt") == 0;
        if (strcmp(file, want) != 0 && !alt) continue;
        if (row >= p->sizes[k + 1] || col >= p->sizes[k]) return FADYN_EINVAL;
        *index = fadyn_problem_offset(p, k) + row * p->sizes[k] + col;
        return FADYN_OK;
    }
    return FADYN_EINVAL;
}

int fadyn_problem_save(const fadyn_problem *p, const double *state, const char *dir,
                       fadyn_err *err) {
    int rc = fadyn_mkdir_p(dir, err);
    if (rc != FADYN_OK) return rc;
    const size_t *n = p->sizes;
    size_t L = p->depth;
    char name[64], path[FADYN_PATH_MAX];
    if (!state) state = p->w0;
    fadyn_path_join(path, sizeof path, dir, "T.txt");
    rc = fadyn_matrix_write(path, n[L], n[0], p->T, err);
    for (size_t k = 0; rc == FADYN_OK && k + 1 < L; k++) {
        fadyn_problem_file_name(p, 1, k, name, sizeof name);
        fadyn_path_join(path, sizeof path, dir, name);
        rc = fadyn_matrix_write(path, n[k + 1], n[k + 2], p->B[k], err);
    }
    for (size_t k = 0; rc == FADYN_OK && k < L; k++) {
        fadyn_problem_file_name(p, 0, k, name, sizeof name);
        fadyn_path_join(path, sizeof path, dir, name);
        rc = fadyn_matrix_write(path, n[k + 1], n[k], state + fadyn_problem_offset(p, k), err);
    }
    return rc;
}
