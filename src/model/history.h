/* history.h: which of a plan's earlier sessions a simulation replays, shared by the one-patient
 * simulation (sim.c) and the population engine (pop_layout.c); docs/model.md section 9. */
#ifndef BONT_MODEL_HISTORY_H
#define BONT_MODEL_HISTORY_H

#include <stdbool.h>

#include "bont/plan.h"

/* A history entry of the plan's indication with a product, before the plan's date. */
bool bont__history_replayed(const bont_plan_t *plan, const bont_history_t *h);

/* Days from the earliest replayed session to the plan's (0 without one): the run starts there. */
double bont__history_shift(const bont_plan_t *plan);

#endif
