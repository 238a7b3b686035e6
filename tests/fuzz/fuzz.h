/* fuzz.h — what the libFuzzer targets of tests/fuzz/ share: a scratch
 * directory to work in, and the input written to a file there for the
 * readers that take a path. */
#ifndef FADYN_FUZZ_H
#define FADYN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Once, before the first input: the GSL handler off (fadyn_init), DISPLAY
 * unset, and the process moved into a fresh directory under $TMPDIR (or
 * /tmp), removed again at exit, so that whatever a target writes or makes
 * stays there. */
void fuzz_setup(void);

/* n bytes of p written to the file "input" + suffix in that directory (the
 * same path every time; suffix "" or e.g. ".gz"); its path. */
const char *fuzz_file(const void *p, size_t n, const char *suffix);

#endif
