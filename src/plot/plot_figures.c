/* plot_figures.c — the paper's figures (Figs. 1d, 1e, 2d, 4) for `fadyn figure`. */
#include "fadyn/trainplots.h"
