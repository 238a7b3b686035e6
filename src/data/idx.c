/* idx.c — IDX files (plain or gzip through zlib): the header and size checks,
 * reading unsigned-byte data, and writing it (tests, subsets). */
#include "fadyn/idx.h"
#include "fadyn/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_TYPE_UBYTE 0x08

void fadyn_idx_free(fadyn_idx *x) {
    free(x->data);
    memset(x, 0, sizeof *x);
}

/* A reader that counts the decompressed bytes, for the offsets in messages. */
typedef struct {
    const char *path;
    gzFile g;
    size_t pos;
} idx_in;

/* Read exactly n bytes of `what` (of which `after` more follow this read);
 * a short read is a truncated file or a corrupt gzip stream, each named with
 * the offset. */
static int read_part(idx_in *in, void *buf, size_t n, size_t after, const char *what,
                     fadyn_err *err) {
    unsigned char *p = buf;
    while (n > 0) {
        unsigned chunk = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        int got = gzread(in->g, p, chunk);
        if (got < 0 || (got == 0 && !gzeof(in->g))) {
            int zerr;
            const char *msg = gzerror(in->g, &zerr);
            return fadyn_err_set(err, FADYN_EIO, "%s: byte %zu: %s while reading the %s", in->path,
                                 in->pos,
                                 zerr == Z_ERRNO        ? strerror(errno)
                                 : zerr == Z_DATA_ERROR ? "corrupt gzip data"
                                                        : msg,
                                 what);
        }
        if (got == 0) {
            int zerr;
            gzerror(in->g, &zerr);
            return fadyn_err_set(
                err, FADYN_EPARSE, "%s: byte %zu: %s (%zu more bytes of the %s expected)", in->path,
                in->pos,
                zerr == Z_BUF_ERROR ? "the gzip stream ends early" : "the file is truncated",
                n + after, what);
        }
        p += got;
        n -= (size_t)got;
        in->pos += (size_t)got;
    }
    return FADYN_OK;
}

static int read_exact(idx_in *in, void *buf, size_t n, const char *what, fadyn_err *err) {
    return read_part(in, buf, n, 0, what, err);
}

/* The first allocation for a gzip file's data, doubled as the bytes arrive. */
#define IDX_GZ_CHUNK ((size_t)1 << 20)

/* The x->size bytes of data into x->data.  A plain file's size was checked
 * against its header; a gzip stream's is known only by reading it, so its
 * buffer grows with the bytes that actually arrive (at most twice those):
 * a header claiming 2 GiB over a few bytes of data allocates 1 MiB. */
static int read_data(idx_in *in, fadyn_idx *x, fadyn_err *err) {
    size_t have = 0, cap = gzdirect(in->g) || x->size < IDX_GZ_CHUNK ? x->size : IDX_GZ_CHUNK;
    for (;;) {
        unsigned char *d = realloc(x->data, cap);
        if (!d)
            return fadyn_err_set(err, FADYN_ENOMEM, "%s: out of memory for %zu bytes", in->path,
                                 cap);
        x->data = d;
        int rc = read_part(in, d + have, cap - have, x->size - cap, "data", err);
        if (rc || cap == x->size) return rc;
        have = cap;
        cap = cap > x->size / 2 ? x->size : 2 * cap;
    }
}

static size_t be32(const unsigned char *b) {
    return (size_t)b[0] << 24 | (size_t)b[1] << 16 | (size_t)b[2] << 8 | (size_t)b[3];
}

/* The magic number and the dimensions; fills x->ndim, dims, size. */
static int read_header(idx_in *in, size_t ndim, fadyn_idx *x, fadyn_err *err) {
    unsigned char m[4];
    int rc = read_exact(in, m, 4, "magic number", err);
    if (rc) return rc;
    if (m[0] != 0 || m[1] != 0)
        return fadyn_err_set(err, FADYN_EPARSE,
                             "%s: byte 0: magic number 0x%02x%02x%02x%02x does not start with two "
                             "zero bytes (not an IDX file)",
                             in->path, m[0], m[1], m[2], m[3]);
    if (m[2] != IDX_TYPE_UBYTE)
        return fadyn_err_set(err, FADYN_EPARSE,
                             "%s: byte 2: data type 0x%02x, expected 0x08 (unsigned byte)",
                             in->path, m[2]);
    if (m[3] == 0 || m[3] > FADYN_IDX_MAX_DIMS || (ndim && m[3] != ndim)) {
        if (ndim)
            return fadyn_err_set(err, FADYN_EPARSE, "%s: byte 3: %u dimensions, expected %zu",
                                 in->path, m[3], ndim);
        return fadyn_err_set(err, FADYN_EPARSE, "%s: byte 3: %u dimensions (need 1 to %d)",
                             in->path, m[3], FADYN_IDX_MAX_DIMS);
    }
    x->ndim = m[3];
    unsigned char d[4 * FADYN_IDX_MAX_DIMS];
    if ((rc = read_exact(in, d, 4 * x->ndim, "dimensions", err))) return rc;
    x->size = 1;
    for (size_t k = 0; k < x->ndim; k++) {
        x->dims[k] = be32(d + 4 * k);
        if (x->dims[k] == 0)
            return fadyn_err_set(err, FADYN_EPARSE, "%s: byte %zu: dimension %zu is 0", in->path,
                                 4 + 4 * k, k);
        if (x->dims[k] > FADYN_IDX_MAX_BYTES / x->size)
            return fadyn_err_set(err, FADYN_EPARSE,
                                 "%s: byte %zu: dimension %zu (%zu) makes the data larger than "
                                 "%zu bytes",
                                 in->path, 4 + 4 * k, k, x->dims[k], FADYN_IDX_MAX_BYTES);
        x->size *= x->dims[k];
    }
    return FADYN_OK;
}

static void describe_dims(const fadyn_idx *x, char *out, size_t n) {
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < x->ndim; i++)
        k += (size_t)snprintf(out + k, k < n ? n - k : 0, "%s%zu", i ? " x " : "", x->dims[i]);
}

int fadyn_idx_read(const char *path, size_t ndim, fadyn_idx *x, fadyn_err *err) {
    memset(x, 0, sizeof *x);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fadyn_err_set(err, FADYN_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fadyn_err_set(err, FADYN_EIO, "%s: not a regular file", path);
    }
    idx_in in = {path, gzdopen(fd, "rb"), 0};
    if (!in.g) {
        close(fd);
        return fadyn_err_set(err, FADYN_ENOMEM, "%s: cannot open the zlib stream", path);
    }
    gzbuffer(in.g, 1u << 17);
    int rc = read_header(&in, ndim, x, err);
    size_t hdr = in.pos;
    char dims[128];
    describe_dims(x, dims, sizeof dims);
    /* a plain file's size is known before reading: refuse it up front */
    if (rc == FADYN_OK && gzdirect(in.g) && (size_t)st.st_size != hdr + x->size) {
        if ((size_t)st.st_size < hdr + x->size)
            rc = fadyn_err_set(err, FADYN_EPARSE,
                               "%s: byte %zu: truncated: the header says %s = %zu bytes of data "
                               "after byte %zu, the file has %zu",
                               path, (size_t)st.st_size, dims, x->size, hdr,
                               (size_t)st.st_size - hdr);
        else
            rc = fadyn_err_set(err, FADYN_EPARSE,
                               "%s: byte %zu: %zu bytes after the end of the data (the header "
                               "says %s)",
                               path, hdr + x->size, (size_t)st.st_size - hdr - x->size, dims);
    }
    if (rc == FADYN_OK) rc = read_data(&in, x, err);
    if (rc == FADYN_OK) { /* nothing may follow (gzip: known only now) */
        unsigned char extra[256];
        int more = gzread(in.g, extra, sizeof extra);
        if (more > 0)
            rc = fadyn_err_set(err, FADYN_EPARSE,
                               "%s: byte %zu: bytes after the end of the data (the header says "
                               "%s)",
                               path, in.pos, dims);
        else if (more < 0 || !gzeof(in.g))
            rc = read_exact(&in, extra, 1, "end of the gzip stream", err);
    }
    gzclose(in.g);
    if (rc) fadyn_idx_free(x);
    return rc;
}

/* gzip (deflate with a gzip wrapper) of n bytes into a malloc'd buffer. */
static int gzip_bytes(const unsigned char *src, size_t n, unsigned char **out, size_t *outn) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return FADYN_ENOMEM;
    size_t cap = deflateBound(&z, (uLong)n);
    *out = malloc(cap);
    if (!*out) {
        deflateEnd(&z);
        return FADYN_ENOMEM;
    }
    z.next_in = (unsigned char *)(uintptr_t)src;
    z.avail_in = (uInt)n;
    z.next_out = *out;
    z.avail_out = (uInt)cap;
    int zr = deflate(&z, Z_FINISH);
    *outn = z.total_out;
    deflateEnd(&z);
    return zr == Z_STREAM_END ? FADYN_OK : FADYN_ENOMEM;
}

int fadyn_idx_write(const char *path, size_t ndim, const size_t *dims, const unsigned char *data,
                    int gz, fadyn_err *err) {
    if (ndim < 1 || ndim > FADYN_IDX_MAX_DIMS)
        return fadyn_err_set(err, FADYN_EINVAL, "ndim %zu: need 1 to %d", ndim, FADYN_IDX_MAX_DIMS);
    size_t size = 1, hdr = 4 + 4 * ndim;
    for (size_t k = 0; k < ndim; k++) {
        if (dims[k] == 0 || dims[k] > 0xffffffffu)
            return fadyn_err_set(err, FADYN_EINVAL, "dims[%zu] = %zu: need 1 to 2^32-1", k,
                                 dims[k]);
        size *= dims[k];
    }
    if (size > FADYN_IDX_MAX_BYTES)
        return fadyn_err_set(err, FADYN_EINVAL, "%zu bytes: more than FADYN_IDX_MAX_BYTES", size);
    unsigned char *raw = malloc(hdr + size), *z = NULL;
    if (!raw) return fadyn_err_set(err, FADYN_ENOMEM, "out of memory");
    raw[0] = raw[1] = 0;
    raw[2] = IDX_TYPE_UBYTE;
    raw[3] = (unsigned char)ndim;
    for (size_t k = 0; k < ndim; k++)
        for (int b = 0; b < 4; b++)
            raw[4 + 4 * k + (size_t)b] = (unsigned char)(dims[k] >> (24 - 8 * b));
    memcpy(raw + hdr, data, size);
    const unsigned char *bytes = raw;
    size_t nbytes = hdr + size;
    if (gz) {
        if (gzip_bytes(raw, hdr + size, &z, &nbytes) != FADYN_OK) {
            free(raw);
            free(z);
            return fadyn_err_set(err, FADYN_ENOMEM, "%s: gzip compression failed", path);
        }
        bytes = z;
    }
    fadyn_ofile o;
    int rc = fadyn_ofile_open(&o, path, err);
    if (rc == FADYN_OK) {
        if (fwrite(bytes, 1, nbytes, o.f) != nbytes) {
            fadyn_ofile_abort(&o);
            rc = fadyn_err_set(err, FADYN_EIO, "%s: write failed", path);
        } else {
            rc = fadyn_ofile_commit(&o, err);
        }
    }
    free(raw);
    free(z);
    return rc;
}
