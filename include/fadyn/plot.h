/* fadyn/plot.h — figures through gnuplot, driven through a pipe.
 *
 * A figure is a gnuplot script written next to its image and data, so that
 * `cd DIR && gnuplot NAME.gp` re-renders it with gnuplot alone.  The script
 * refers to its data by basename; fadyn runs it from the image's directory.
 * The target decides the terminal: *.png (pngcairo), *.svg, *.pdf
 * (pdfcairo), or the word "dumb" (text on standard output).
 *
 * Every subcommand's script is generated in src/plot/ (one file each); this
 * header is the shared part. */
#ifndef FADYN_PLOT_H
#define FADYN_PLOT_H

#include "fadyn/error.h"
#include "fadyn/io.h"

#include <stddef.h>

typedef struct {
    int dumb;           /* text terminal to stdout */
    char dir[4096];     /* directory of the image ("." for dumb) */
    char image[1024];   /* basename of the image */
    char stem[4096];    /* path without extension: stem.gp, stem.tsv */
    char base[1024];    /* basename without extension */
    char terminal[256]; /* the `set terminal` line's arguments */
} fadyn_plot_target;

/* Parse a --plot argument; FADYN_EINVAL (with detail) for an unknown
 * extension.  width/height in pixels for raster terminals (0: defaults). */
int fadyn_plot_target_parse(fadyn_plot_target *t, const char *arg, int width, int height,
                            fadyn_err *err);

/* 1 if a gnuplot executable is on PATH. */
int fadyn_plot_have_gnuplot(void);

/* Path of a file beside the image: dir/base + suffix (e.g. ".gp", ".tsv"). */
int fadyn_plot_sibling(const fadyn_plot_target *t, const char *suffix, char *out, size_t n);

/* The script preamble: terminal and output lines. */
void fadyn_plot_preamble(const fadyn_plot_target *t, fadyn_strbuf *b);

/* Write the script to stem.gp (unless dumb) and pipe it to gnuplot, run in
 * the target's directory.  FADYN_ENOGNUPLOT if gnuplot is missing (the
 * script is still written), FADYN_EPLOT if it exits non-zero. */
int fadyn_plot_render(const fadyn_plot_target *t, const char *script, fadyn_err *err);

/* Render the script in b (fadyn_plot_render) and free b; FADYN_ENOMEM if
 * building b ran out of memory.  The usual last line of a figure. */
int fadyn_plot_finish(const fadyn_plot_target *t, fadyn_strbuf *b, fadyn_err *err);

#endif
