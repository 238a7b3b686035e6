/* fadyn/idx.h — the IDX file format of the MNIST data set (LeCun et al.),
 * plain or gzip-compressed, and the MNIST images and labels read from it.
 *
 * An IDX file is a 4-byte magic number — two zero bytes, a data-type byte
 * and the number of dimensions d — then d big-endian 32-bit sizes, then the
 * data in row-major order.  fadyn reads unsigned-byte data (type 0x08), the
 * type of every MNIST file.  Files may be gzip-compressed (zlib detects it;
 * byte offsets in messages count the decompressed bytes).
 *
 * Every check names the file, the byte offset and what is wrong: the magic
 * number, each dimension, the file size against the dimensions (truncated
 * or with bytes left over), a corrupt gzip stream, label values, and that a
 * set's images and labels agree in count.  Images stay unsigned bytes in
 * memory (60 000 training images: 47 MB).
 *
 * Thread safety: the functions share no state; distinct objects may be read
 * from distinct threads. */
#ifndef FADYN_IDX_H
#define FADYN_IDX_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"

#include <stddef.h>

#define FADYN_IDX_MAX_DIMS 4
/* Largest payload read (a hostile header cannot make fadyn allocate more). */
#define FADYN_IDX_MAX_BYTES ((size_t)1 << 31)

typedef struct {
    size_t ndim;
    size_t dims[FADYN_IDX_MAX_DIMS];
    size_t size;         /* product of the dimensions = bytes of data */
    unsigned char *data; /* size bytes, row-major */
} fadyn_idx;

/* Read an IDX file of unsigned bytes with `ndim` dimensions (0: any).  On
 * failure *x is empty and err says file, offset and reason. */
int fadyn_idx_read(const char *path, size_t ndim, fadyn_idx *x, fadyn_err *err);
void fadyn_idx_free(fadyn_idx *x);

/* Write an IDX file of unsigned bytes (gzip-compressed if gz != 0),
 * atomically.  For tests and for subsets of the data. */
int fadyn_idx_write(const char *path, size_t ndim, const size_t *dims, const unsigned char *data,
                    int gz, fadyn_err *err);

/* ---- MNIST ------------------------------------------------------------------ */
#define FADYN_MNIST_CLASSES 10

/* One set: n images of rows x cols pixels (0..255) and their labels. */
typedef struct {
    size_t n, rows, cols;
    unsigned char *images; /* n x rows x cols */
    unsigned char *labels; /* n, each < FADYN_MNIST_CLASSES */
} fadyn_mnist_set;

/* Read an images file (3 dimensions) and a labels file (1 dimension) that
 * must agree in count; labels must be 0..9. */
int fadyn_mnist_set_read(fadyn_mnist_set *s, const char *images, const char *labels,
                         fadyn_err *err);
void fadyn_mnist_set_free(fadyn_mnist_set *s);

typedef struct {
    fadyn_mnist_set train, test;
} fadyn_mnist;

/* The standard file names inside a directory: train-images-idx3-ubyte,
 * train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte,
 * each also found with a .gz suffix.  Both sets must have the same image
 * size. */
int fadyn_mnist_load(fadyn_mnist *m, const char *dir, fadyn_err *err);
/* The same on every MPI rank at once (collective, fadyn/work.h; in a plain
 * build, fadyn_mnist_load): every rank loads dir; if any rank fails, every
 * rank returns the error of the lowest failing one, and if the ranks'
 * files differ, every rank returns FADYN_EINVAL — so that the ranks go on
 * together with the same data, or stop together. */
int fadyn_mnist_load_agree(fadyn_mnist *m, const char *dir, fadyn_err *err);
void fadyn_mnist_free(fadyn_mnist *m);

/* The four file names, in the order above. */
extern const char *const fadyn_mnist_files[4];

FADYN_API_END
#endif
