/* chain.h: exact propagator of a linear first-order reaction chain x0 -> x1 -> ... (internal). */
#ifndef BONT_MODEL_CHAIN_H
#define BONT_MODEL_CHAIN_H

#include <stddef.h>

#include "bont/model.h"

#define BONT_CHAIN_MAX 6

/* exp(A h) for the chain with dx_i/dt = k_{i-1} x_{i-1} - k_i x_i, where k[i] >= 0 is the rate
 * out of state i (the last state may have k = 0). The result is lower triangular; out[i][j] is
 * how much of x_j at t becomes x_i at t + h. Works for equal or close rates (no closed-form
 * divisions): scaling and squaring of a Taylor series. */
void bont__chain_propagator(const double *k, int n, double h,
                            double out[BONT_CHAIN_MAX][BONT_CHAIN_MAX]);

/* exp(A h) for any lower-triangular A (a[i][j] = rate from state j into state i for j < i, and
 * a[i][i] = minus the total rate out of state i), by the same method. */
void bont__expm_lower(const double a[BONT_CHAIN_MAX][BONT_CHAIN_MAX], int n, double h,
                      double out[BONT_CHAIN_MAX][BONT_CHAIN_MAX]);

/* The bont model's uptake chain for serotype sero (docs/model.md section 2) as the matrix A of
 * bont__expm_lower, per day: the Lebeda chain (bulk, free, bound, translocated), then light chain
 * in two pools with the serotype's persistence (Foran 2003) and a long-lived share (Whitemarsh
 * 2014). Entries outside the 6 x 6 chain are 0. */
void bont__uptake_matrix(const bont_params_t *p, int sero,
                         double a[BONT_CHAIN_MAX][BONT_CHAIN_MAX]);

/* x <- P x for a lower-triangular propagator. */
void bont__chain_apply(const double p[BONT_CHAIN_MAX][BONT_CHAIN_MAX], int n, double *x);

/* Closed form of the last state of a chain started with x_0 = 1, all rates distinct and the last
 * one 0 (hypoexponential CDF; Lebeda 2008; model.md section 1.2). Used to test the propagator. */
double bont__chain_closed_form_last(const double *k, int n, double t);

#endif
