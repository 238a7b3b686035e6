/* fuzz.c — the scratch directory and input file of every fuzz target (fuzz.h). */
#include "fuzz.h"
#include "fadyn.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char scratch[4096];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    remove(path); /* what cannot be removed stays */
    return 0;
}

static void remove_scratch(void) {
    if (scratch[0] && chdir("/") == 0) nftw(scratch, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fuzz_setup(void) {
    fadyn_init();
    unsetenv("DISPLAY"); /* flow --interactive: never a window */
    const char *tmp = getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/fadyn-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch) || chdir(scratch) != 0) {
        perror("fuzz: scratch directory");
        abort();
    }
    atexit(remove_scratch);
}

const char *fuzz_file(const void *p, size_t n, const char *suffix) {
    static char path[64];
    snprintf(path, sizeof path, "input%s", suffix);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror("fuzz: input file");
        abort();
    }
    return path;
}
