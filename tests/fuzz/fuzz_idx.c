/* fuzz_idx.c — the IDX reader (fadyn_idx_read), plain and gzip.  The first
 * byte chooses: bit 0, the rest gzip-compressed here (so that mutations of
 * the header reach the gzip path); bits 1-3 the dimensions asked for (0:
 * any, 1..4).  A file read must hold exactly what its header says:
 * header and data, nothing more. */
#include "fadyn/idx.h"
#include "fuzz.h"

#include <stdlib.h>
#include <zlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    int gz = data[0] & 1;
    size_t ndim = (size_t)(data[0] >> 1 & 7) % (FADYN_IDX_MAX_DIMS + 1);
    const char *path;
    if (gz) {
        uLongf zn = compressBound((uLong)(size - 1)) + 32;
        unsigned char *z = malloc(zn);
        z_stream s = {0};
        if (!z || deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) abort();
        s.next_in = (unsigned char *)(uintptr_t)(data + 1);
        s.avail_in = (uInt)(size - 1);
        s.next_out = z;
        s.avail_out = (uInt)zn;
        if (deflate(&s, Z_FINISH) != Z_STREAM_END) abort();
        path = fuzz_file(z, s.total_out, ".gz");
        deflateEnd(&s);
        free(z);
    } else {
        path = fuzz_file(data + 1, size - 1, "");
    }
    fadyn_err err;
    fadyn_err_clear(&err);
    fadyn_idx x;
    if (fadyn_idx_read(path, ndim, &x, &err) == FADYN_OK) {
        size_t n = 1;
        for (size_t k = 0; k < x.ndim; k++)
            n *= x.dims[k];
        int plain = gz || size < 3 || data[1] != 0x1f || data[2] != 0x8b; /* the bytes read known */
        if (n != x.size || (plain && 4 + 4 * x.ndim + x.size != size - 1) ||
            (ndim && x.ndim != ndim))
            abort();
        fadyn_idx_free(&x);
    }
    return 0;
}
