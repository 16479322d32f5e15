/* validate_internal.h: what the parts of `bont validate` share (validate.c runs and scores the
 * datasets and draws them, validate_scen.c runs a scenario, validate_metric.c reads a check's
 * metric from it; docs/model.md 12.6). Nothing else uses it. */
#ifndef BONT_MODEL_VALIDATE_INTERNAL_H
#define BONT_MODEL_VALIDATE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bont/model.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"

#define BONT__VAL_MIN_PER_DAY 1440.0

/* Curves of one simulated scenario (fractions on the sample times t), the plan-level ones for a
 * plan: the dose-weighted mean over its injected structures. */
typedef struct bont__val_scen_t {
    const char *name;
    json_t *spec;                                        /* borrowed from the parsed file */
    int state;                                           /* 0 not run, 1 ok, -1 failed */
    size_t n;                                            /* samples - 1 */
    double *t;                                           /* n + 1 times, days */
    double *effect, *cmap, *release, *atrophy, *rparent; /* n + 1 each, one block (owned) */
    double last_dose;
    bool lebeda, four; /* a Lebeda chain in closed form */
    double kbulk;      /* its kS override, or NAN */
    const char *indication;
    /* A median-patient plan: every reached structure's own effect, n_struct x (n + 1). */
    size_t n_struct;
    const bont_muscle_t **s_muscle;
    bont_side_t *s_side;
    double *s_effect;
    /* A population scenario. */
    bont_pop_t *pop;
    bont_plan_t *plan;
} bont__val_scen_t;

typedef struct bont__val_ds_t {
    bont__val_scen_t *scen;
    size_t n_scen;
    double time_unit; /* unit of time-valued arguments and results per day (1 or 1440) */
    const char *plot; /* quantity plotted: effect, tension, cmap_decrement, release, atrophy */
    const char *kind;
} bont__val_ds_t;

typedef struct bont__val_ctx_t {
    const bont_kb_t *kb;
    const bont_params_t *params;
    const bont_spread_t *sp;
    const bont_variability_t *var;
    bont_readout_thresholds_t thr;
    bont_error_t *err;
} bont__val_ctx_t;

static inline const char *bont__val_jstr(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

static inline double bont__val_jnum(json_t *o, const char *key, double dflt)
{
    json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

/* The Lebeda chain's last state in closed form at t_days (kbulk NAN: the parameter set's kS). */
double bont__val_lebeda_lytic(const bont_params_t *p, double t_days, bool four, double kbulk);
/* Side of a scenario target ("left", "right"; anything else is midline). */
bont_side_t bont__val_side_of(const char *s);
/* Runs scenario sc of dataset jd (validate.py run_scenario). */
int bont__val_run_scenario(const bont__val_ctx_t *cx, const bont__val_ds_t *d, json_t *jd,
                           bont__val_scen_t *sc);
void bont__val_scen_free(bont__val_scen_t *s);
/* The prediction of metric `name` with its argument on scenario s (NULL for the metrics of the
 * parameters): validate.py metric and population_metric; NAN when it cannot be computed. */
double bont__val_metric(const bont__val_ctx_t *cx, const bont__val_ds_t *d,
                        const bont__val_scen_t *s, const char *name, json_t *arg);

#endif
