/* fuzz_checkpoint.c — the MNIST trainer's checkpoint reader: a run resumed
 * (fadyn_mnist_runs with ctl.resume) from the input, on a fixed tiny data
 * set (8 training and 4 test images of 2x2 pixels, 2 runs of fa, 3 hidden
 * units, 16 examples), so that an accepted checkpoint also goes through
 * fadyn_mnist_ws_load and the rest of the run.
 *
 * The first byte of the input is not part of the file: bit 0 rewrites the
 * header's payload length and bit 1 the CRC-32 at the end to match the
 * bytes (layout of write_checkpoint in src/train/mnist_run.c: magic 8,
 * version and byte order 8, payload length 8, payload, CRC 4), so that
 * mutations reach past the checksum.
 *
 * FADYN_FUZZ_SEEDS=DIR: write the seed checkpoints (a finished pair of
 * runs, and one stopped after its first segment) into DIR and exit;
 * FADYN_FUZZ_VERBOSE=1: print each run's status and message. */
#include "fadyn.h"
#include "fadyn/mnist.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define NTRAIN 8
#define NTEST  4
#define NRUNS  2

static unsigned char images[NTRAIN * 4], labels[NTRAIN], timages[NTEST * 4], tlabels[NTEST];
static fadyn_mnist data;
static fadyn_mnist_params params;
static const fadyn_rule_type *rule;

static void tiny_data(void) {
    for (size_t i = 0; i < sizeof images; i++)
        images[i] = (unsigned char)(37 * i % 256);
    for (size_t i = 0; i < sizeof timages; i++)
        timages[i] = (unsigned char)(91 * i % 256);
    for (size_t i = 0; i < NTRAIN; i++)
        labels[i] = (unsigned char)(i % FADYN_MNIST_CLASSES);
    for (size_t i = 0; i < NTEST; i++)
        tlabels[i] = (unsigned char)(3 * i % FADYN_MNIST_CLASSES);
    data.train = (fadyn_mnist_set){NTRAIN, 2, 2, images, labels};
    data.test = (fadyn_mnist_set){NTEST, 2, 2, timages, tlabels};
    params = fadyn_mnist_params_default();
    params.hidden = 3;
    params.examples = 16;
    params.eval_every = 4;
    rule = fadyn_rule_type_find("fa");
}

static int runs(fadyn_mnist_control *ctl) {
    fadyn_mnist_result res[NRUNS];
    ctl->threads = 1;
    int rc = fadyn_mnist_runs(&data, rule, &params, NRUNS, ctl, res);
    if (getenv("FADYN_FUZZ_VERBOSE")) /* why an input was refused */
        fprintf(stderr, "fuzz_checkpoint: status %d: %s\n", rc, res[0].err.msg);
    for (size_t r = 0; r < NRUNS; r++)
        fadyn_mnist_result_free(&res[r]);
    return rc;
}

static volatile sig_atomic_t stop_flag;
static void stop_after_first(void *ctx, const fadyn_mnist_progress *p) {
    (void)ctx, (void)p;
    stop_flag = 1;
}

/* The checkpoint at tmp as the seed dir/name: the mode byte 3 (both
 * fields rewritten: no change on a file fadyn wrote), then its bytes. */
static void seed(const char *tmp, const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *in = fopen(tmp, "rb"), *out = fopen(path, "wb");
    if (!in || !out) abort();
    fputc(3, out);
    for (int ch; (ch = fgetc(in)) != EOF;)
        fputc(ch, out);
    if (fclose(out) != 0) abort();
    fclose(in);
    remove(tmp);
}

static void write_seeds(const char *dir) {
    fadyn_mnist_control ctl = fadyn_mnist_control_default();
    ctl.checkpoint = "seed.ckp";
    ctl.checkpoint_every = 4;
    int rc1 = runs(&ctl);
    seed("seed.ckp", dir, "finished");
    ctl = fadyn_mnist_control_default();
    ctl.checkpoint = "seed.ckp";
    ctl.stop = &stop_flag;
    ctl.progress = stop_after_first;
    int rc2 = runs(&ctl);
    seed("seed.ckp", dir, "stopped");
    printf("fuzz_checkpoint: seeds in %s (status %d, %d)\n", dir, rc1, rc2);
    exit(0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    tiny_data();
    const char *seeds = getenv("FADYN_FUZZ_SEEDS");
    if (seeds) write_seeds(seeds);
    fuzz_setup();
    return 0;
}

static void put_u64(unsigned char *p, uint64_t v) {
    memcpy(p, &v, sizeof v);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size) {
    if (size < 1) return 0;
    size_t n = size - 1;
    unsigned char *buf = malloc(n ? n : 1);
    if (!buf) abort();
    memcpy(buf, in + 1, n);
    if (n >= 28 && (in[0] & 1)) put_u64(buf + 16, (uint64_t)(n - 28));
    if (n >= 28 && (in[0] & 2)) {
        uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf + 24, (uInt)(n - 28));
        memcpy(buf + n - 4, &crc, 4);
    }
    fadyn_mnist_control ctl = fadyn_mnist_control_default();
    ctl.resume = fuzz_file(buf, n, ".ckp");
    free(buf);
    runs(&ctl);
    return 0;
}
