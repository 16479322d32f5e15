/* bont/spread.h: how much of each injection reaches its target and each neighbouring structure
 * (spread through tissue, needle placement), and the side-effect risk that follows
 * (docs/model.md, spread and risk sections). */
#ifndef BONT_SPREAD_H
#define BONT_SPREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bont/error.h"
#include "bont/kb.h"
#include "bont/model.h"
#include "bont/plan.h"

/* Spread and risk parameters (data/spread-params.json, each with value, unit and source). */
typedef struct bont_spread_t bont_spread_t;

int bont_spread_load(bont_spread_t **out, bont_error_t *err);
void bont_spread_free(bont_spread_t **sp);

/* How many independent standard-normal deviates one virtual patient needs for the variability
 * of spread and placement (0 when none). z[0] scales the spread length (log-normal), z[1] the
 * placement accuracy (logit-normal); both apply to every injection of the patient. */
size_t bont_spread_n_random(const bont_spread_t *sp);

/* ---- Exposure (docs/model.md sections 1.2-1.4, docs/spread.md sections 1-2) ------------------
 *
 * A plan's exposure is laid out once (the structures it reaches, in the same order for every
 * patient: injected structures in plan order, then each injection's atlas neighbours in atlas
 * order, both sides of a sided neighbour of a midline target, left first), then evaluated per
 * patient from the patient's field length and exposure deviates in O(sites + neighbours). */

/* One structure a plan reaches. */
typedef struct bont_exposure_struct_t {
    const bont_muscle_t *muscle; /* kb-owned */
    bont_side_t side;            /* NONE for midline structures */
    bont_tissue_t tissue;        /* bont_tissue_of_muscle */
    bool injected;               /* the plan injects it (role "target"); else reached by spread */
    double volume_ml;            /* atlas volume */
    double weight_ona_u;         /* onabotulinumtoxinA-equivalent units the plan injects into it
                                    (0 when only spread reaches it): the readouts' weights */
    size_t source;               /* the injection that sends it most toxin (median patient) */
} bont_exposure_struct_t;

typedef struct bont_exposure_layout_t bont_exposure_layout_t;

/* Lays out the plan's exposure. params supplies the dermis thickness and the median field
 * length (for the sources); sp is borrowed and must outlive the layout. BONT_ERANGE when a
 * target has no atlas volume or a kind the model does not simulate, or the product's units
 * cannot be converted (no accepted ratio to onabotulinumtoxinA). */
int bont_exposure_layout_new(const bont_plan_t *plan, const bont_spread_t *sp,
                             const bont_params_t *params, bont_exposure_layout_t **out,
                             bont_error_t *err);
void bont_exposure_layout_free(bont_exposure_layout_t **layout);
size_t bont_exposure_n_structs(const bont_exposure_layout_t *layout);
const bont_exposure_struct_t *bont_exposure_structs(const bont_exposure_layout_t *layout);
/* Sites of the plan (each needs one uniform deviate), numbered across the injections in plan
 * order, then site order. */
size_t bont_exposure_n_sites(const bont_exposure_layout_t *layout);
/* The serotype of the plan's product; every concentration is of it. */
bont_serotype_t bont_exposure_serotype(const bont_exposure_layout_t *layout);
/* Total onabotulinumtoxinA-equivalent units of the plan. */
double bont_exposure_total_ona_u(const bont_exposure_layout_t *layout);

/* One patient's exposure to the plan's session: per structure the concentration in its
 * compartment (conc_u_per_ml, U/mL of the plan's units; a session of other units scales it in
 * proportion) and the compartment's share of the structure (scale), n_structs each. field_mm is
 * the patient's field_length_mm; z_prox the proximity deviate (standard normal) and u_site[i] the
 * uniform of site i, or NULL for a patient without misplacement. The median patient is
 * field_mm = the median, z_prox = 0, u_site = NULL. work holds n_structs doubles (left holding
 * what bont_spread_exposure_misplace needs). */
void bont_spread_exposure(const bont_exposure_layout_t *layout, double field_mm, double z_prox,
                          const double *u_site, double *conc_u_per_ml, double *scale, double *work);

/* The fast path of a population, where misplaced sites are rare (0.2-1.5 % of sites): from the
 * exposure of a patient without misplacement (bont_spread_exposure with u_site NULL, and the
 * work it leaves), moves site `site` to where its uniform u puts it, in O(the injection's
 * neighbours). Nothing changes when u is not below the site's misplacement share. Applying it to
 * every site of a patient gives bont_spread_exposure with that u_site, to rounding. */
void bont_spread_exposure_misplace(const bont_exposure_layout_t *layout, double field_mm,
                                   double z_prox, size_t site, double u, double *conc_u_per_ml,
                                   double *scale, const double *work);
/* The misplacement share of a site (its guidance's; 0 when its target has no neighbours). */
double bont_exposure_site_misplacement(const bont_exposure_layout_t *layout, size_t site);

/* One structure an injection reaches. */
typedef struct bont_reach_t {
    const bont_muscle_t *muscle; /* structure reached (kb-owned) */
    bont_side_t side;            /* NONE for midline structures */
    bool spread;                 /* reached only by spread from a neighbour (role "spread") */
    size_t injection;            /* index of the source in plan->injections */
    double share;                /* share of that injection's units that acts here, 0..1 */
    double volume_ml;            /* tissue volume the structure's dose acts in: the atlas volume
                                    for injected structures, the layer spread reaches (at most
                                    the atlas volume) for spread-only ones; the same for every
                                    entry of one structure and independent of z */
    double effect_scale;         /* volume_ml / atlas volume: the whole structure's loss of
                                    function is the effect in volume_ml times this (1 for
                                    injected ones); bont_risk_assess applies it itself */
} bont_reach_t;

/* Every structure the plan reaches, with its share of each injection, for one virtual patient:
 * z holds bont_spread_n_random(sp) standard-normal deviates, or is NULL for the median patient.
 * The list always holds the same structures in the same order whatever z is (shares change,
 * the set does not), so a population can be laid out once. *out is an array the caller frees
 * with free(). Entries come injection by injection: the target first, then its atlas
 * neighbours in atlas order (both sides of a sided neighbour of a midline target). */
int bont_spread_reach(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                      const double *z, bont_reach_t **out, size_t *n, bont_error_t *err);

/* The model target for the structure of r: tissue from the atlas kind, volume r->volume_ml, role
 * "spread" when r->spread, else "target". Use it instead of bont_target_from_muscle for
 * structures from bont_spread_reach, so a spread-only neighbour's dose acts in the layer it
 * reaches. Its effect is the layer's: pass that to bont_risk_assess as it is; multiply it by
 * r->effect_scale to report the whole structure's loss of function. */
int bont_spread_target(const bont_reach_t *r, bont_target_t *out, bont_error_t *err);

/* A side effect's risk for one structure. */
typedef struct bont_risk_t {
    char effect[32];             /* atlas side_effect id: "dysphagia", "ptosis", ... */
    const bont_muscle_t *muscle; /* the structure whose weakness causes it (kb-owned) */
    bont_side_t side;
    double probability; /* share of virtual patients past the threshold, 0..1 */
    double ci95_lo;     /* its 95 % Wilson score interval, 0..1 (docs/spread.md section 3) */
    double ci95_hi;
    double threshold_pct; /* clinical threshold on that structure's effect_pct */
    bool calibrated;      /* the effect's rates were checked against a published rate; when
                             false, probability is uncalibrated model output (an exposure
                             index), not a rate to quote */
    char reason[256];     /* short reason, e.g. "SCM 120 U bilateral; 0.5 mL per site" */
} bont_risk_t;

/* Risk for structure m (side) from each virtual patient's peak loss of the whole structure's
 * function (percent: effect = scale x e_f, docs/model.md 6.4; n_patients values), with its 95 %
 * Wilson interval. *has_risk is false when m's weakness causes no known side effect, and when m
 * is itself injected in the plan (its weakening is then the intent, not a side effect). */
int bont_risk_assess(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                     const bont_muscle_t *m, bont_side_t side, const float *peak_effect_pct,
                     size_t n_patients, bont_risk_t *out, bool *has_risk, bont_error_t *err);

/* Threshold on effect_pct for an atlas side-effect id (the "default" entry when the effect has
 * none of its own). */
double bont_spread_threshold_pct(const bont_spread_t *sp, const char *effect);

/* Pointer to a named parameter of data/spread-params.json ("spread_length_mm",
 * "accuracy.palpation", "threshold.dysphagia" for a threshold, ...), or NULL; for calibration
 * and tests. */
double *bont_spread_field(bont_spread_t *sp, const char *name);

/* Whether the effect's predicted rates were compared with a published rate
 * (data/spread-params.json, calibrated_effects). */
bool bont_spread_effect_calibrated(const bont_spread_t *sp, const char *effect);

/* ---- The risks `bont check` shows ----------------------------------------------------------- */

/* Virtual patients, seed and horizon of the risks bont check shows beside its findings
 * (docs/spread.md section 3: the 95 % interval is about +-0.7 points at a risk of 2.5 %). */
#define BONT_RISK_CHECK_PATIENTS 2000
#define BONT_RISK_CHECK_SEED     1
#define BONT_RISK_HORIZON_DAYS   120

/* The 95 % Wilson score interval of k events in n (docs/spread.md section 3); [0, 1] for n = 0. */
void bont_risk_wilson(size_t k, size_t n, double *lo, double *hi);

/* A side effect's risk per person (docs/spread.md section 3): the share of virtual patients
 * with the effect in any structure carrying it (either eyelid for ptosis), as trials and labels
 * count it, over its per-structure risks. */
typedef struct bont_effect_risk_t {
    /* effect, probability and ci95 per person, calibrated; muscle, side and reason of the
     * structure carrying most of the risk; threshold_pct the structures' common threshold, NAN
     * when they differ */
    bont_risk_t risk;
    const bont_risk_t *structures; /* n_structures of them, most probable first (the list's) */
    size_t n_structures;
} bont_effect_risk_t;

/* Side-effect risks of one plan as bont check and bont simulate --patients show them (the
 * command and the web server's POST /api/v1/check call the same function, so both show the
 * same numbers). */
typedef struct bont_risk_list_t {
    bont_effect_risk_t *risks; /* one per side effect, calibrated first, then most probable */
    size_t n;
    bont_risk_t *structures; /* every structure's risk, grouped by risks[] (owned) */
    size_t n_structures;
    size_t n_patients;  /* virtual patients they rest on */
    char why_none[256]; /* why none were computed (e.g. the product's units cannot be
                           converted), or "" */
} bont_risk_list_t;

/* The one risk engine (docs/spread.md section 3): the population engine of
 * `bont simulate --patients` (bont_pop_run, every deviate) with BONT_RISK_CHECK_PATIENTS
 * patients, seed BONT_RISK_CHECK_SEED, BONT_RISK_HORIZON_DAYS days, run on the structures that
 * carry a risk only; the same run with `bont simulate --patients 2000 --seed 1 --days 120` gives
 * the same numbers. sp may be NULL (the embedded spread parameters are loaded); threads as in
 * bont_pop_opts_t (a server passes 1).
 * A plan whose risks cannot be computed is not an error: *out has none and why_none says why,
 * so the findings are still shown. Only running out of memory is (BONT_ENOMEM). */
int bont_risk_check(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                    int threads, bont_risk_list_t *out, bont_error_t *err);
void bont_risk_list_clear(bont_risk_list_t *list);

#endif
