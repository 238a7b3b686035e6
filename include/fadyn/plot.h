/* fadyn/plot.h — figures through gnuplot, driven through a pipe.
 *
 * A figure is a gnuplot script written next to its image and data, so that
 * `cd DIR && gnuplot NAME.gp` re-renders it with gnuplot alone.  The script
 * refers to its data by basename; fadyn runs it from the image's directory.
 * The target decides the terminal: *.png (pngcairo), *.svg, *.pdf
 * (pdfcairo), or the word "dumb" (text on standard output).
 *
 * Every figure's script is generated in src/plot/ (one file each, declared
 * in fadyn/plots.h); this header is the shared part, and fadyn_plot_make the
 * one call that writes a figure's data, renders it and reports a missing
 * gnuplot as a warning. */
#ifndef FADYN_PLOT_H
#define FADYN_PLOT_H

#include "fadyn/api.h"
FADYN_API_BEGIN

#include "fadyn/error.h"
#include "fadyn/io.h"

#include <stddef.h>

typedef struct {
    int dumb;           /* text terminal to stdout */
    char dir[4096];     /* directory of the image ("." for dumb) */
    char image[1024];   /* basename of the image */
    char stem[4096];    /* path without extension: stem.gp, stem.tsv */
    char base[1024];    /* basename without extension */
    char qbase[2048];   /* base escaped for a gnuplot '...' string (fadyn_plot_escape) */
    char terminal[256]; /* the `set terminal` line's arguments */
} fadyn_plot_target;

/* Parse a plot target (FILE.png, .svg, .pdf or "dumb"); FADYN_EINVAL
 * ("target ARG: ...") for an unknown extension.  width/height in pixels for raster terminals (0:
 * defaults). */
int fadyn_plot_target_parse(fadyn_plot_target *t, const char *arg, int width, int height,
                            fadyn_err *err);

/* Escape s for the inside of a single-quoted gnuplot string: each ' becomes
 * '' (the only escape such a string has; gnuplot expands neither `...` nor
 * @macros there).  Every string a script takes from outside (a file name, a
 * title) goes through this.  FADYN_EINVAL if s holds a control character
 * (a newline would end the command) or the result does not fit in n; the
 * detail is a predicate ("holds a control character ...") to follow a name. */
int fadyn_plot_escape(const char *s, char *out, size_t n, fadyn_err *err);

/* 1 if a gnuplot executable is on PATH. */
int fadyn_plot_have_gnuplot(void);

/* Path of a file beside the image: dir/base + suffix (e.g. ".gp", ".tsv"). */
int fadyn_plot_sibling(const fadyn_plot_target *t, const char *suffix, char *out, size_t n);

/* The script preamble: terminal and output lines. */
void fadyn_plot_preamble(const fadyn_plot_target *t, fadyn_strbuf *b);

/* Write the script to stem.gp (unless dumb) and pipe it to gnuplot, started
 * in the target's directory (chdir in the child: the directory is never
 * pasted into a command).  FADYN_ENOGNUPLOT if gnuplot is missing (the
 * script is still written), FADYN_EPLOT if it exits non-zero. */
int fadyn_plot_render(const fadyn_plot_target *t, const char *script, fadyn_err *err);

/* Render the script in b (fadyn_plot_render) and free b; FADYN_ENOMEM if
 * building b ran out of memory.  The usual last line of a figure. */
int fadyn_plot_finish(const fadyn_plot_target *t, fadyn_strbuf *b, fadyn_err *err);

/* ---- data, script and image in one call ---------------------------------- */

/* Write one data file of a figure to path. */
typedef int (*fadyn_plot_write_fn)(const char *path, const void *ctx, fadyn_err *err);
/* Write a figure's script beside t's image and render it (a fadyn_plot_X
 * call from fadyn/plots.h). */
typedef int (*fadyn_plot_draw_fn)(const fadyn_plot_target *t, const void *ctx, fadyn_err *err);

/* One data file the script reads: the image's stem + suffix (the dumb
 * target: fadyn-plot + suffix in the working directory). */
typedef struct {
    char suffix[32]; /* ".tsv", "-curves.tsv", "-w3.tsv" */
    fadyn_plot_write_fn write;
    const void *ctx;
    const char *written; /* a path the caller has already written with this content
                            (its --out), or NULL: that file is not written twice */
} fadyn_plot_data;

#define FADYN_PLOT_BIG 10e6 /* a side file this large is announced before it is written */

/* Which of the ndata files fadyn_plot_make would write beside t's image
 * (not `written` already) are estimated (bytes[k], 0 unknown) larger than
 * limit bytes: their indices into big (room for ndata), the count returned. */
size_t fadyn_plot_big_files(const fadyn_plot_target *t, const fadyn_plot_data *data,
                            const double *bytes, size_t ndata, double limit, size_t *big);

/* Write the ndata files beside t's image (in order; one whose path is its
 * `written` is kept as it is, except for the dumb target), then draw(t,
 * ctx, err); for the dumb target the data files are removed again.
 * Returns FADYN_OK; FADYN_NOPLOT, a warning, when gnuplot is missing (the
 * data and script are written, err says how to install gnuplot); or the
 * first error (nothing is drawn after a data file failed). */
int fadyn_plot_make(const fadyn_plot_target *t, const fadyn_plot_data *data, size_t ndata,
                    fadyn_plot_draw_fn draw, const void *ctx, fadyn_err *err);

FADYN_API_END
#endif
