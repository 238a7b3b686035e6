/* test_idx.c — the IDX reader and the MNIST sets: good files (plain and
 * gzip) read back byte for byte, and every kind of broken file refused with
 * a message naming the file, the byte offset and the fault.  The files are
 * written here, byte by byte; the real data set is never needed. */
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

static char dir[4096];

static void setup(void) {
    th_tmpdir(dir, sizeof dir);
}

static void teardown(void) {
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir); /* a mkdtemp name: no quotes in it */
    cr_assert_eq(system(cmd), 0);
}

TestSuite(idx, .init = setup, .fini = teardown);

/* Raw bytes to dir/name, gzip-compressed through zlib if gz. */
static const char *put(const char *name, const unsigned char *b, size_t n, int gz) {
    static char path[4][4200];
    static int slot;
    char *p = path[slot++ % 4];
    snprintf(p, 4200, "%s/%s", dir, name);
    if (gz) {
        gzFile g = gzopen(p, "wb");
        cr_assert_not_null(g);
        cr_assert_eq(gzwrite(g, b, (unsigned)n), (int)n);
        gzclose(g);
    } else {
        FILE *f = fopen(p, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(b, 1, n, f), n);
        fclose(f);
    }
    return p;
}

/* An IDX image of n 2x3 images (pixel i of the file = (7 i) mod 256), or
 * of n labels (i mod 10); returns the byte count. */
static size_t images(unsigned char *b, size_t n) {
    unsigned char h[] = {0, 0, 8, 3, 0, 0, 0, (unsigned char)n, 0, 0, 0, 2, 0, 0, 0, 3};
    memcpy(b, h, sizeof h);
    for (size_t i = 0; i < 6 * n; i++)
        b[16 + i] = (unsigned char)(7 * i);
    return 16 + 6 * n;
}

static size_t labels(unsigned char *b, size_t n) {
    unsigned char h[] = {0, 0, 8, 1, 0, 0, 0, (unsigned char)n};
    memcpy(b, h, sizeof h);
    for (size_t i = 0; i < n; i++)
        b[8 + i] = (unsigned char)(i % 10);
    return 8 + n;
}

/* fadyn_idx_read must fail with a message holding each of the fragments. */
static void refused(const char *path, size_t ndim, const char *f1, const char *f2) {
    fadyn_idx x;
    fadyn_err e;
    fadyn_err_clear(&e);
    int rc = fadyn_idx_read(path, ndim, &x, &e);
    cr_assert_neq(rc, FADYN_OK, "%s was accepted", path);
    cr_assert_null(x.data);
    cr_assert(strstr(e.msg, path), "message does not name the file: %s", e.msg);
    cr_assert(strstr(e.msg, f1), "'%s' not in: %s", f1, e.msg);
    if (f2) cr_assert(strstr(e.msg, f2), "'%s' not in: %s", f2, e.msg);
}

Test(idx, plain_and_gzip_read_back_exactly) {
    unsigned char b[16 + 6 * 5];
    size_t n = images(b, 5);
    for (int gz = 0; gz < 2; gz++) {
        const char *p = put(gz ? "a.gz" : "a", b, n, gz);
        fadyn_idx x;
        cr_assert_eq(fadyn_idx_read(p, 3, &x, NULL), FADYN_OK);
        cr_assert_eq(x.ndim, 3);
        cr_assert_eq(x.dims[0], 5);
        cr_assert_eq(x.dims[1], 2);
        cr_assert_eq(x.dims[2], 3);
        cr_assert_eq(x.size, 30);
        cr_assert_eq(memcmp(x.data, b + 16, 30), 0);
        fadyn_idx_free(&x);
        /* any number of dimensions */
        cr_assert_eq(fadyn_idx_read(p, 0, &x, NULL), FADYN_OK);
        fadyn_idx_free(&x);
    }
}

Test(idx, writer_round_trips_through_the_reader) {
    size_t dims[] = {4, 3, 2};
    unsigned char d[24];
    for (int i = 0; i < 24; i++)
        d[i] = (unsigned char)(255 - 11 * i);
    char p[4200];
    for (int gz = 0; gz < 2; gz++) {
        snprintf(p, sizeof p, "%s/w%d", dir, gz);
        cr_assert_eq(fadyn_idx_write(p, 3, dims, d, gz, NULL), FADYN_OK);
        fadyn_idx x;
        cr_assert_eq(fadyn_idx_read(p, 3, &x, NULL), FADYN_OK);
        cr_assert_eq(memcmp(x.data, d, 24), 0);
        cr_assert_eq(x.dims[2], 2);
        fadyn_idx_free(&x);
    }
    /* gzip really is gzip: the magic bytes 1f 8b */
    FILE *f = fopen(p, "rb");
    unsigned char m[2];
    cr_assert_eq(fread(m, 1, 2, f), 2);
    fclose(f);
    cr_assert(m[0] == 0x1f && m[1] == 0x8b);
}

Test(idx, bad_headers) {
    unsigned char b[64];
    size_t n = images(b, 3);
    b[1] = 1;
    refused(put("m1", b, n, 0), 3, "byte 0:", "not an IDX file");
    b[1] = 0;
    b[2] = 0x0d; /* float data */
    refused(put("m2", b, n, 0), 3, "byte 2:", "data type 0x0d");
    b[2] = 8;
    refused(put("m3", b, n, 0), 1, "byte 3:", "3 dimensions, expected 1");
    b[3] = 9;
    refused(put("m4", b, n, 0), 0, "byte 3:", "9 dimensions");
    b[3] = 3;
    b[11] = 0; /* rows = 0 */
    refused(put("m5", b, n, 0), 3, "byte 8:", "dimension 1 is 0");
    b[11] = 2;
    b[12] = 0xff; /* cols = 0xff000003: more than the limit */
    refused(put("m6", b, n, 0), 3, "byte 12:", "larger than");
    refused(put("m7", b, 2, 0), 3, "byte 2:", "truncated");
    refused(put("m8", b, 9, 1), 3, "byte 9:", "truncated");
}

Test(idx, sizes_against_the_header) {
    unsigned char b[64];
    size_t n = images(b, 3);
    refused(put("t1", b, n - 1, 0), 3, "byte 33:", "truncated");
    refused(put("t2", b, n - 1, 1), 3, "byte 33:", "truncated");
    b[n] = 0;
    refused(put("t3", b, n + 1, 0), 3, "byte 34:", "1 bytes after the end");
    refused(put("t4", b, n + 1, 1), 3, "byte 34:", "after the end");
}

Test(idx, corrupt_and_cut_gzip_streams) {
    unsigned char b[16 + 6 * 40];
    size_t n = images(b, 40);
    const char *p = put("c.gz", b, n, 1);
    FILE *f = fopen(p, "rb");
    unsigned char z[1024];
    size_t zn = fread(z, 1, sizeof z, f);
    fclose(f);
    cr_assert_gt(zn, 20);
    /* the stream cut short */
    refused(put("c1.gz", z, zn - 12, 0), 3, "byte ", "ends early");
    /* the CRC damaged: zlib sees it at the end */
    z[zn - 6] ^= 0xff;
    refused(put("c2.gz", z, zn, 0), 3, "byte ", "corrupt gzip data");
    z[zn - 6] ^= 0xff;
    /* the deflate data damaged */
    for (size_t i = 12; i < 20; i++)
        z[i] = 0xff;
    refused(put("c3.gz", z, zn, 0), 3, "byte ", "corrupt gzip data");
}

/* Address space of this process now, from /proc/self/status (0 if unknown). */
static size_t vm_size(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmSize: %zu kB", &kb) == 1) break;
    if (f) fclose(f);
    return kb * 1024;
}

/* A gzip file whose header claims 2^31 - 1 bytes over 16: refused as
 * truncated, counting every byte still expected, with no allocation near the
 * claim: the test runs in 512 MB more address space than it holds (not
 * under AddressSanitizer, whose shadow memory needs terabytes of it).
 * Found by tests/fuzz (fuzz_idx: out-of-memory in malloc(2147483647)). */
Test(idx, a_gzip_header_claiming_2_gib_allocates_what_arrives) {
    unsigned char b[8 + 16] = {0, 0, 8, 1, 0x7f, 0xff, 0xff, 0xff};
    const char *p = put("huge.gz", b, sizeof b, 1);
#if !defined(__SANITIZE_ADDRESS__)
    size_t vm = vm_size();
    cr_assert_gt(vm, 0);
    struct rlimit rl = {vm + ((size_t)512 << 20), vm + ((size_t)512 << 20)};
    cr_assert_eq(setrlimit(RLIMIT_AS, &rl), 0);
#endif
    refused(p, 1, "byte 24:", "truncated (2147483631 more bytes of the data expected)");
}

/* A gzip file of 3 MiB + 5 bytes: its buffer grows past the first 1 MiB
 * twice and ends at the exact size, every byte as written. */
Test(idx, a_large_gzip_file_reads_back_across_its_buffer_growth) {
    size_t n = ((size_t)3 << 20) + 5;
    unsigned char *b = malloc(8 + n);
    cr_assert_not_null(b);
    unsigned char h[8] = {0,
                          0,
                          8,
                          1,
                          (unsigned char)(n >> 24),
                          (unsigned char)(n >> 16),
                          (unsigned char)(n >> 8),
                          (unsigned char)n};
    memcpy(b, h, 8);
    for (size_t i = 0; i < n; i++)
        b[8 + i] = (unsigned char)(i * 2654435761u >> 13);
    fadyn_idx x;
    fadyn_err e;
    fadyn_err_clear(&e);
    cr_assert_eq(fadyn_idx_read(put("big.gz", b, 8 + n, 1), 1, &x, &e), FADYN_OK, "%s", e.msg);
    cr_assert_eq(x.size, n);
    cr_assert_eq(memcmp(x.data, b + 8, n), 0);
    fadyn_idx_free(&x);
    /* the same stream one byte short: the count of the bytes missing is the total's */
    refused(put("big1.gz", b, 8 + n - 1, 1), 1, "byte ", "truncated (1 more bytes of the data");
    free(b);
}

Test(idx, missing_and_not_a_file) {
    char p[4200];
    snprintf(p, sizeof p, "%s/none", dir);
    refused(p, 3, "cannot open", NULL);
    refused(dir, 3, "not a regular file", NULL);
}

/* The four files of an MNIST directory with n training and m test images. */
static void mnist_dir(size_t n, size_t m, int gz) {
    unsigned char b[16 + 6 * 64];
    const char *const *f = fadyn_mnist_files;
    char name[64];
    size_t k = images(b, n);
    snprintf(name, sizeof name, "%s%s", f[0], gz ? ".gz" : "");
    put(name, b, k, gz);
    k = labels(b, n);
    snprintf(name, sizeof name, "%s%s", f[1], gz ? ".gz" : "");
    put(name, b, k, gz);
    put(f[2], b, images(b, m), 0);
    put(f[3], b, labels(b, m), 0);
}

Test(idx, mnist_sets_plain_and_gzip) {
    for (int gz = 0; gz < 2; gz++) {
        mnist_dir(12, 7, gz);
        fadyn_mnist m;
        fadyn_err e;
        cr_assert_eq(fadyn_mnist_load(&m, dir, &e), FADYN_OK, "%s", e.msg);
        cr_assert_eq(m.train.n, 12);
        cr_assert_eq(m.test.n, 7);
        cr_assert_eq(m.train.rows * m.train.cols, 6);
        cr_assert_eq(m.train.images[6 * 11 + 5], (unsigned char)(7 * (6 * 11 + 5)));
        cr_assert_eq(m.train.labels[11], 1);
        fadyn_mnist_free(&m);
        char p[4200];
        snprintf(p, sizeof p, "%s/%s", dir, fadyn_mnist_files[0]);
        remove(p);
        snprintf(p, sizeof p, "%s/%s", dir, fadyn_mnist_files[1]);
        remove(p);
    }
}

static void mnist_refused(const char *f1, const char *f2) {
    fadyn_mnist m;
    fadyn_err e;
    fadyn_err_clear(&e);
    cr_assert_neq(fadyn_mnist_load(&m, dir, &e), FADYN_OK);
    cr_assert(strstr(e.msg, f1), "'%s' not in: %s", f1, e.msg);
    if (f2) cr_assert(strstr(e.msg, f2), "'%s' not in: %s", f2, e.msg);
    cr_assert_null(m.train.images);
    cr_assert_null(m.test.images);
}

Test(idx, mnist_label_range_counts_and_sizes) {
    unsigned char b[16 + 6 * 64];
    mnist_dir(12, 7, 0);
    size_t k = labels(b, 12);
    b[8 + 5] = 10;
    put(fadyn_mnist_files[1], b, k, 0);
    mnist_refused("train-labels-idx1-ubyte: byte 13:", "label 10 of image 5");
    put(fadyn_mnist_files[1], b, labels(b, 11), 0);
    mnist_refused("12 images but", "has 11 labels");
    mnist_dir(12, 7, 0);
    k = images(b, 7);
    b[11] = 1;
    b[15] = 6;
    put(fadyn_mnist_files[2], b, k, 0);
    mnist_refused("2 x 3 images but", "1 x 6");
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, fadyn_mnist_files[3]);
    remove(p);
    mnist_refused("t10k-labels-idx1-ubyte: no such file", "make data");
}
