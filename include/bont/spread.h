/* bont/spread.h: how much of each injection reaches its target and each neighbouring structure
 * (spread through tissue, needle placement), and the side-effect risk that follows
 * (docs/model.md, spread and risk sections). */
#ifndef BONT_SPREAD_H
#define BONT_SPREAD_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/kb.h"
#include "bont/plan.h"

/* Spread and risk parameters (data/spread-params.json, each with value, unit and source). */
typedef struct bont_spread_t bont_spread_t;

int bont_spread_load(bont_spread_t **out, bont_error_t *err);
void bont_spread_free(bont_spread_t **sp);

/* How many independent standard-normal deviates one virtual patient needs for the variability
 * of spread and placement (0 when none). */
size_t bont_spread_n_random(const bont_spread_t *sp);

/* One structure an injection reaches. */
typedef struct bont_reach_t {
    const bont_muscle_t *muscle; /* structure reached (kb-owned) */
    bont_side_t side;            /* NONE for midline structures */
    bool spread;                 /* reached only by spread from a neighbour (role "spread") */
    size_t injection;            /* index of the source in plan->injections */
    double share;                /* share of that injection's units that acts here, 0..1 */
} bont_reach_t;

/* Every structure the plan reaches, with its share of each injection, for one virtual patient:
 * z holds bont_spread_n_random(sp) standard-normal deviates, or is NULL for the median patient.
 * The list always holds the same structures in the same order whatever z is (shares change,
 * the set does not), so a population can be laid out once. *out is an array the caller frees
 * with free(). */
int bont_spread_reach(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                      const double *z, bont_reach_t **out, size_t *n, bont_error_t *err);

/* A side effect's risk for one structure. */
typedef struct bont_risk_t {
    char effect[32];             /* atlas side_effect id: "dysphagia", "ptosis", ... */
    const bont_muscle_t *muscle; /* the structure whose weakness causes it (kb-owned) */
    bont_side_t side;
    double probability;          /* share of virtual patients past the threshold, 0..1 */
    double threshold_pct;        /* clinical threshold on that structure's effect_pct */
    char reason[256];            /* short reason, e.g. "SCM 120 U bilateral; 0.5 mL per site" */
} bont_risk_t;

/* Risk for structure m (side) from each virtual patient's peak effect there (percent,
 * n_patients values). *has_risk is false when m's weakness causes no known side effect. */
int bont_risk_assess(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                     const bont_muscle_t *m, bont_side_t side, const float *peak_effect_pct,
                     size_t n_patients, bont_risk_t *out, bool *has_risk, bont_error_t *err);

#endif
