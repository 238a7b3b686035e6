/* fuzz_matrix.c — the plain-text matrix reader (fadyn_matrix_read_any, then
 * fadyn_matrix_read at the shape it found and at one other): any bytes give
 * a matrix or one error, never a crash, a leak or undefined behaviour. */
#include "fadyn/io.h"
#include "fuzz.h"

#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_setup();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_file(data, size, ".txt");
    fadyn_err err;
    fadyn_err_clear(&err);
    size_t rows = 0, cols = 0;
    double *a = NULL;
    if (fadyn_matrix_read_any(path, &rows, &cols, &a, &err) == FADYN_OK) {
        double *b = malloc(rows * cols * sizeof *b);
        if (b && fadyn_matrix_read(path, rows, cols, b, &err) != FADYN_OK)
            abort(); /* read_any said yes */
        if (b && rows * cols > 1 &&
            fadyn_matrix_read(path, 1, rows * cols - 1, b, &err) == FADYN_OK)
            abort(); /* one number short must be refused */
        free(b);
    }
    free(a);
    return 0;
}
