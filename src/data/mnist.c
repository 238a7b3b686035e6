/* mnist.c — the MNIST training and test sets from their four IDX files:
 * counts that agree, labels 0..9, one image size. */
#include "fadyn/idx.h"
#include "fadyn/io.h"
#include "fadyn/work.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

const char *const fadyn_mnist_files[4] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                          "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

void fadyn_mnist_set_free(fadyn_mnist_set *s) {
    free(s->images);
    free(s->labels);
    memset(s, 0, sizeof *s);
}

int fadyn_mnist_set_read(fadyn_mnist_set *s, const char *images, const char *labels,
                         fadyn_err *err) {
    memset(s, 0, sizeof *s);
    fadyn_idx im, lb;
    int rc = fadyn_idx_read(images, 3, &im, err);
    if (rc) return rc;
    if ((rc = fadyn_idx_read(labels, 1, &lb, err))) {
        fadyn_idx_free(&im);
        return rc;
    }
    if (im.dims[0] != lb.dims[0]) {
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s has %zu images but %s has %zu labels", images,
                           im.dims[0], labels, lb.dims[0]);
    } else {
        for (size_t i = 0; i < lb.size; i++)
            if (lb.data[i] >= FADYN_MNIST_CLASSES) {
                rc = fadyn_err_set(err, FADYN_EPARSE,
                                   "%s: byte %zu: label %u of image %zu is not a digit 0..9",
                                   labels, 8 + i, lb.data[i], i);
                break;
            }
    }
    if (rc) {
        fadyn_idx_free(&im);
        fadyn_idx_free(&lb);
        return rc;
    }
    s->n = im.dims[0];
    s->rows = im.dims[1];
    s->cols = im.dims[2];
    s->images = im.data;
    s->labels = lb.data;
    return FADYN_OK;
}

/* dir/name, or dir/name.gz if only that exists. */
static int find(const char *dir, const char *name, char *out, size_t n, fadyn_err *err) {
    char gz[512];
    snprintf(gz, sizeof gz, "%s.gz", name);
    if (fadyn_path_join(out, n, dir, name) != FADYN_OK)
        return fadyn_err_set(err, FADYN_EINVAL, "%s: directory name too long", dir);
    if (access(out, F_OK) == 0) return FADYN_OK;
    char alt[FADYN_PATH_MAX];
    if (fadyn_path_join(alt, sizeof alt, dir, gz) == FADYN_OK && access(alt, F_OK) == 0) {
        snprintf(out, n, "%s", alt);
        return FADYN_OK;
    }
    return fadyn_err_set(err, FADYN_EIO, "%s: no such file (nor %s.gz); run make data", out, name);
}

int fadyn_mnist_load(fadyn_mnist *m, const char *dir, fadyn_err *err) {
    memset(m, 0, sizeof *m);
    char p[4][FADYN_PATH_MAX];
    for (int i = 0; i < 4; i++) {
        int rc = find(dir, fadyn_mnist_files[i], p[i], sizeof p[i], err);
        if (rc) return rc;
    }
    int rc = fadyn_mnist_set_read(&m->train, p[0], p[1], err);
    if (rc == FADYN_OK) rc = fadyn_mnist_set_read(&m->test, p[2], p[3], err);
    if (rc == FADYN_OK && (m->train.rows != m->test.rows || m->train.cols != m->test.cols))
        rc = fadyn_err_set(err, FADYN_EPARSE, "%s has %zu x %zu images but %s has %zu x %zu", p[0],
                           m->train.rows, m->train.cols, p[2], m->test.rows, m->test.cols);
    if (rc) fadyn_mnist_free(m);
    return rc;
}

/* CRC-32 of n bytes, taken in pieces that fit zlib's uInt. */
static unsigned long crc_of(unsigned long c, const unsigned char *p, size_t n) {
    for (size_t o = 0; o < n; o += 1u << 30)
        c = crc32(c, p + o, (uInt)(n - o < (1u << 30) ? n - o : 1u << 30));
    return c;
}

int fadyn_mnist_load_agree(fadyn_mnist *m, const char *dir, fadyn_err *err) {
    int own = fadyn_mnist_load(m, dir, err), rc = fadyn_work_agree(own, err);
    if (rc != FADYN_OK && own == FADYN_OK) fadyn_mnist_free(m); /* another rank failed */
    if (rc != FADYN_OK || fadyn_work_ranks() < 2) return rc;
    const fadyn_mnist_set *s[2] = {&m->train, &m->test};
    unsigned long c = crc32(0L, Z_NULL, 0);
    for (int k = 0; k < 2; k++) {
        c = crc_of(c, s[k]->images, s[k]->n * s[k]->rows * s[k]->cols);
        c = crc_of(c, s[k]->labels, s[k]->n);
    }
    if (fadyn_work_same(((unsigned long long)m->train.n << 32) ^ c)) return FADYN_OK;
    fadyn_mnist_free(m);
    return fadyn_err_set(err, FADYN_EINVAL,
                         "%s: the MPI ranks read different MNIST files (each rank loads its own "
                         "copy: every rank needs the same four files)",
                         dir);
}

void fadyn_mnist_free(fadyn_mnist *m) {
    fadyn_mnist_set_free(&m->train);
    fadyn_mnist_set_free(&m->test);
}
