/* spread_internal.h: what risk.c needs from spread.c beyond the public contract. */
#ifndef BONT_MODEL_SPREAD_INTERNAL_H
#define BONT_MODEL_SPREAD_INTERNAL_H

#include "bont/spread.h"

/* effect_scale of structure m (side) in plan: reached layer over atlas volume when only spread
 * reaches it, 1 when the plan injects it. */
double bont_spread_effect_scale_(const bont_plan_t *plan, const bont_spread_t *sp,
                                 const bont_muscle_t *m, bont_side_t side);

#endif
