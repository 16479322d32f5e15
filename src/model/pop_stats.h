/* pop_stats.h: exact percentiles over virtual patients for the population engine (internal). */
#ifndef BONT_MODEL_POP_STATS_H
#define BONT_MODEL_POP_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Percentiles p[0..np) (ascending, each 0..1) of the n values x, interpolated linearly between
 * order statistics (numpy's default), in the units of x. Exact: the order statistics are found
 * by counting, not estimated. n >= 1. */
void bont__pop_quantiles_u16(const uint16_t *x, size_t n, const double *p, size_t np, double *out);

/* The same for floats, where NAN counts as above every number and a percentile that needs a NAN
 * is NAN. scratch holds 2 n words. */
void bont__pop_quantiles_f32(const float *x, size_t n, const double *p, size_t np, double *out,
                             uint32_t *scratch);

#endif
