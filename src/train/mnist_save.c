/* mnist_save.c — one MNIST network's state as bytes and back: the
 * parameters it was made with (checked field by field on load), the
 * weights in their stored layout, the scales, the position and the
 * statistics of the current interval.  The permutations of the examples
 * follow from the seed and the position, so nothing else is needed for a
 * resumed run to continue bit for bit. */
#include "mnist_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WS_MAGIC "MNISTWS1"

typedef struct {
    unsigned char *b;
    size_t n, cap;
    int oom;
} wbuf;

static void put(wbuf *w, const void *p, size_t n) {
    if (w->oom) return;
    if (w->n + n > w->cap) {
        size_t cap = (w->n + n) * 2;
        unsigned char *b = realloc(w->b, cap);
        if (!b) {
            w->oom = 1;
            return;
        }
        w->b = b;
        w->cap = cap;
    }
    memcpy(w->b + w->n, p, n);
    w->n += n;
}

static void put_u(wbuf *w, uint64_t v) {
    put(w, &v, sizeof v);
}

static void put_f(wbuf *w, double v) {
    put(w, &v, sizeof v);
}

typedef struct {
    const unsigned char *b;
    size_t n, pos;
    int bad;
} rbuf;

static void get(rbuf *r, void *p, size_t n) {
    if (r->bad || n > r->n - r->pos) {
        r->bad = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, r->b + r->pos, n);
    r->pos += n;
}

static uint64_t get_u(rbuf *r) {
    uint64_t v;
    get(r, &v, sizeof v);
    return v;
}

static double get_f(rbuf *r) {
    double v;
    get(r, &v, sizeof v);
    return v;
}

/* The fields that must agree between a state and the workspace it is
 * loaded into, as (name, value) pairs written in this order. */
typedef struct {
    const char *name;
    double value;
} ws_field;

static size_t fields(const fadyn_mnist_ws *ws, ws_field *f) {
    const fadyn_mnist_params *p = &ws->p;
    size_t k = 0;
    f[k++] = (ws_field){"hidden", (double)p->hidden};
    f[k++] = (ws_field){"eta", p->eta};
    f[k++] = (ws_field){"decay", p->decay};
    f[k++] = (ws_field){"w_scale", p->w_scale};
    f[k++] = (ws_field){"b_scale", p->b_scale};
    f[k++] = (ws_field){"drop", p->drop};
    f[k++] = (ws_field){"input_scale", p->input_scale};
    f[k++] = (ws_field){"output_deriv", (double)p->output_deriv};
    f[k++] = (ws_field){"batch", (double)p->batch};
    f[k++] = (ws_field){"examples", (double)p->examples};
    f[k++] = (ws_field){"eval_every", (double)p->eval_every};
    f[k++] = (ws_field){"angles", (double)p->angles};
    f[k++] = (ws_field){"precision", (double)p->precision};
    f[k++] = (ws_field){"n_train", (double)ws->n_train};
    f[k++] = (ws_field){"n_test", (double)ws->n_test};
    f[k++] = (ws_field){"seed", (double)p->seed};
    f[k++] = (ws_field){"init_seed", (double)ws->init_seed};
    f[k++] = (ws_field){"inputs", (double)ws->net.inputs};
    f[k++] = (ws_field){"block", (double)MNIST_BLOCK};
    return k;
}

/* The stored arrays: rows of the hidden units alone (not the kernels'
 * padding, which differs between builds), so the bytes of a state do not
 * depend on the vector width or the row pitch. */
typedef struct {
    void *a;
    size_t rows, bytes, pitch; /* rows of `bytes` bytes, `pitch` bytes apart */
} ws_array;

static size_t arrays(const fadyn_mnist_ws *ws, ws_array *a) {
    const mnist_net *n = &ws->net;
    size_t R = ws->kern->size, HR = n->hidden * R, SR = n->stride * R, k = 0;
    a[k++] = (ws_array){n->V0, n->inputs, HR, SR};
    a[k++] = (ws_array){n->b0, 1, HR, SR};
    a[k++] = (ws_array){n->V1, MNIST_K, HR, SR};
    if (n->Bt) a[k++] = (ws_array){n->Bt, MNIST_K, HR, SR};
    if (n->M1) a[k++] = (ws_array){n->M1, MNIST_K, HR, SR};
    return k;
}

int fadyn_mnist_ws_save(const fadyn_mnist_ws *ws, unsigned char **buf, size_t *n, fadyn_err *err) {
    wbuf w = {0};
    ws_field f[32];
    size_t nf = fields(ws, f);
    put(&w, WS_MAGIC, 8);
    size_t len = strlen(ws->rule->name);
    put_u(&w, len);
    put(&w, ws->rule->name, len);
    put_u(&w, nf);
    for (size_t i = 0; i < nf; i++)
        put_f(&w, f[i].value);
    put_u(&w, ws->done);
    put_f(&w, ws->s0);
    put_f(&w, ws->s1);
    for (size_t k = 0; k < MNIST_K; k++)
        put_f(&w, ws->b1[k]);
    put_f(&w, ws->loss_sum);
    put_f(&w, ws->ang_sum);
    put_f(&w, ws->ang_sq);
    put_u(&w, ws->count);
    put_u(&w, ws->errors);
    put_u(&w, ws->ang_n);
    put_u(&w, (uint64_t)ws->diverged);
    ws_array a[5];
    size_t na = arrays(ws, a);
    for (size_t i = 0; i < na; i++)
        for (size_t row = 0; row < a[i].rows; row++)
            put(&w, (const unsigned char *)a[i].a + row * a[i].pitch, a[i].bytes);
    if (w.oom) {
        free(w.b);
        return fadyn_err_set(err, FADYN_ENOMEM, "out of memory for the saved state");
    }
    *buf = w.b;
    *n = w.n;
    return FADYN_OK;
}

int fadyn_mnist_ws_load(fadyn_mnist_ws *ws, const unsigned char *buf, size_t n, fadyn_err *err) {
    rbuf r = {buf, n, 0, 0};
    char magic[8], name[64];
    get(&r, magic, 8);
    if (r.bad || memcmp(magic, WS_MAGIC, 8) != 0)
        return fadyn_err_set(err, FADYN_EPARSE, "not the state of an MNIST network");
    uint64_t len = get_u(&r);
    if (len >= sizeof name) return fadyn_err_set(err, FADYN_EPARSE, "corrupt rule name");
    get(&r, name, len);
    name[len] = '\0';
    if (!r.bad && strcmp(name, ws->rule->name) != 0)
        return fadyn_err_set(err, FADYN_EINVAL, "it was written for rule %s, not %s", name,
                             ws->rule->name);
    ws_field f[32];
    size_t nf = fields(ws, f);
    if (get_u(&r) != nf && !r.bad)
        return fadyn_err_set(err, FADYN_EPARSE, "it holds another set of parameters");
    for (size_t i = 0; i < nf && !r.bad; i++) {
        double v = get_f(&r);
        if (!r.bad && !(v == f[i].value))
            return fadyn_err_set(err, FADYN_EINVAL, "it was written with %s = %.17g, not %.17g",
                                 f[i].name, v, f[i].value);
    }
    size_t done = (size_t)get_u(&r);
    double s0 = get_f(&r), s1 = get_f(&r), b1[MNIST_K];
    for (size_t k = 0; k < MNIST_K; k++)
        b1[k] = get_f(&r);
    double loss_sum = get_f(&r), ang_sum = get_f(&r), ang_sq = get_f(&r);
    size_t count = (size_t)get_u(&r), errors = (size_t)get_u(&r), ang_n = (size_t)get_u(&r);
    int diverged = (int)get_u(&r);
    ws_array a[5];
    size_t na = arrays(ws, a), need = 0;
    for (size_t i = 0; i < na; i++)
        need += a[i].rows * a[i].bytes;
    if (r.bad || r.n - r.pos != need || done > ws->p.examples || !(s0 > 0 && s1 > 0))
        return fadyn_err_set(err, FADYN_EPARSE, "the saved state is truncated or corrupt");
    for (size_t i = 0; i < na; i++)
        for (size_t row = 0; row < a[i].rows; row++)
            get(&r, (unsigned char *)a[i].a + row * a[i].pitch, a[i].bytes);
    ws->done = done;
    ws->s0 = s0;
    ws->s1 = s1;
    memcpy(ws->b1, b1, sizeof b1);
    ws->loss_sum = loss_sum;
    ws->ang_sum = ang_sum;
    ws->ang_sq = ang_sq;
    ws->count = count;
    ws->errors = errors;
    ws->ang_n = ang_n;
    ws->diverged = diverged;
    return FADYN_OK;
}
