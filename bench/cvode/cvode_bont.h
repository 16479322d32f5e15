/* cvode_bont.h: the bont model v2's equations (docs/model.md sections 1-6, the right-hand side
 * of bench/reference/v2/model.py Rhs) as one ODE system per structure, integrated by SUNDIALS CVODE
 * (BDF with a dense Newton solver). For the population benchmark only: libbont does not link
 * SUNDIALS. */
#ifndef BONT_BENCH_CVODE_BONT_H
#define BONT_BENCH_CVODE_BONT_H

#include <stddef.h>

#include "bont/model.h"

typedef struct cvode_bont_t cvode_bont_t;

/* One integrator (not thread-safe: one per thread) with relative tolerance rtol and absolute
 * tolerance atol on every state. Returns NULL when SUNDIALS cannot be set up. */
cvode_bont_t *cvode_bont_new(double rtol, double atol);
void cvode_bont_free(cvode_bont_t **cv);

/* One structure of one patient: the whole structure's effect (fraction) at the ascending times
 * t[0..n) (days from the first dose event; at a dose time, the state just before it), with the
 * doses given (their conc_u_per_ml and scale: docs/model.md 12.2). Adds CVODE's internal steps
 * to *steps. Returns 0, or -1 when CVODE fails. */
int cvode_bont_run(cvode_bont_t *cv, const bont_params_t *p, bont_tissue_t tissue,
                   const bont_dose_t *doses, size_t n_doses, const double *t, size_t n,
                   double *effect, long *steps);

#endif
