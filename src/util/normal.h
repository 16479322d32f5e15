/* normal.h: the standard normal quantile (inverse CDF). */
#ifndef BONT_UTIL_NORMAL_H
#define BONT_UTIL_NORMAL_H

/* The z with P(Z <= z) = p for a standard normal Z, 0 < p < 1; accurate to about 1e-15. */
double bont__normal_quantile(double p);

#endif
