/* bont/population.h: virtual patients (issue 4): log-normal parameter variability, the bont
 * model run for many patients at once, and percentiles of the effect and its readouts per
 * structure, with the side-effect risks of the structures the plan reaches
 * (docs/performance.md, "Population"). */
#ifndef BONT_POPULATION_H
#define BONT_POPULATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bont/error.h"
#include "bont/kb.h"
#include "bont/model.h"
#include "bont/plan.h"
#include "bont/spread.h"

/* ---- Variability (data/variability.json) ---------------------------------------------------
 */

/* Between-patient spread of model parameters: each entry is one standard-normal deviate z per
 * patient that moves one or more parameters together, p = median * exp(sd * z) ("log") or
 * logit(p) = logit(median) + sd * z ("logit", for fractions). */
typedef struct bont_variability_t bont_variability_t;

/* The embedded data/variability.json, a file, or text. Every parameter named must be in
 * bont_params_table(); sd must be finite and >= 0; each entry needs a source. */
int bont_variability_load(bont_variability_t **out, bont_error_t *err);
int bont_variability_load_file(bont_variability_t **out, const char *path, bont_error_t *err);
int bont_variability_parse(bont_variability_t **out, const char *text, size_t len,
                           const char *filename, bont_error_t *err);
void bont_variability_free(bont_variability_t **v);

/* Number of deviates (entries); the name of entry i; a pointer to its sd (for calibration). */
size_t bont_variability_n_random(const bont_variability_t *v);
const char *bont_variability_name(const bont_variability_t *v, size_t i);
double *bont_variability_sd(bont_variability_t *v, size_t i);

/* One patient's parameters: median moved by the deviates z[0..n_random). */
void bont_variability_apply(const bont_variability_t *v, const bont_params_t *median,
                            const double *z, bont_params_t *out);

/* Standard-normal deviate number `index` of virtual patient `patient` under seed: a pure
 * function of the three (splitmix64 hashing, then the inverse normal CDF), so any thread may
 * draw any patient and the population does not depend on the thread count. */
double bont_pop_normal(uint64_t seed, uint64_t patient, uint32_t index);

/* ---- Population runs ---------------------------------------------------------------------- */

typedef enum bont_pop_engine_t {
    BONT_POP_BATCHED = 0, /* the bont model, 16 patients per vector, float, adaptive grid */
    BONT_POP_SCALAR,      /* model->run per patient and structure at 10 steps a day (double) */
} bont_pop_engine_t;

/* Called from the calling thread now and then with the share of the work done (0..1). */
typedef void (*bont_pop_progress_cb)(double done, void *user);

/* Options; zero-initialised options mean 1000 patients, seed 0, one thread per core, 180 days,
 * no history, the bont model with the embedded parameters and variability, no spread. */
typedef struct bont_pop_opts_t {
    size_t n_patients;                     /* virtual patients, 1..BONT_POP_MAX_PATIENTS */
    uint64_t seed;                         /* same seed, plan and options: same output */
    int threads;                           /* worker threads, 0 = one per online core */
    int days;                              /* horizon, 1..3650 */
    bool with_history;                     /* as bont_sim_add_plan */
    const bont_model_t *model;             /* NULL = bont; other models use BONT_POP_SCALAR */
    const bont_params_t *params;           /* median parameters (borrowed), NULL = embedded */
    const bont_variability_t *variability; /* borrowed, NULL = embedded */
    const bont_spread_t *spread; /* borrowed; NULL: the injected targets only, share 1 each */
    bont_pop_engine_t engine;
    /* Run the model only on the structures whose side-effect risk is assessed (reached by
     * spread, not injected, with a side effect in the atlas): what bont_risk_check needs. The
     * other structures' results stay zero. */
    bool risk_only;
    bont_pop_progress_cb progress; /* may be NULL */
    void *progress_user;
    /* For benchmarks and reference solutions (bench/): keep the daily effect of the first
     * trace_patients patients, and each patient's parameters and doses (keep_inputs). */
    size_t trace_patients;
    bool keep_inputs;
    /* Thresholds of the plan's clinical readouts and responders (borrowed), NULL = embedded
     * data/readout-thresholds.json. */
    const bont_readout_thresholds_t *thresholds;
    /* Horizon of each structure's peak (peak_effect_pct, risks), days from the plan's session;
     * 0 = the whole run. */
    int peak_days;
} bont_pop_opts_t;

/* Limits: patients, and patients x (days + 1), which sets the memory of the daily percentiles
 * (4 bytes per patient and day during a run). */
#define BONT_POP_MAX_PATIENTS 1000000
#define BONT_POP_MAX_CELLS    50000000
#define BONT_POP_MAX_BYTES    2e9 /* a run that would need more memory is refused */
#define BONT_POP_N_QUANTILES  19  /* 5th, 10th, ..., 95th percentile */

/* Peak loss of function (percent of the whole structure) below which a patient counts as having
 * no effect in that structure. An estimate, not a sourced figure: it only sorts patients out of
 * the onset, peak-day and duration percentiles (no_effect_pct says how many), chosen well below
 * what manual muscle testing can grade; side-effect risks use their own thresholds, each with
 * its source or marked an estimate (data/spread-params.json). */
#define BONT_POP_EFFECT_MIN_PCT 1.0

/* Readouts in bont_pop_result_t.readout_q (order of bont_readouts_t). */
typedef enum bont_pop_readout_t {
    BONT_POP_ONSET = 0,
    BONT_POP_PEAK_DAY,
    BONT_POP_PEAK_EFFECT,
    BONT_POP_DURATION,
    BONT_POP_N_READOUTS
} bont_pop_readout_t;

/* One structure reached by the plan, over the virtual patients. Percentiles interpolate
 * linearly between order statistics (numpy's default, "type 7"). Onset, peak day and duration
 * are over the patients with an effect (see no_effect_pct); among them, a duration not yet
 * reached at the horizon counts as later than any value, so a percentile that falls among them
 * is NAN ("> horizon"). */
typedef struct bont_pop_result_t {
    bont_target_t target;   /* role "target" or "spread" */
    double dose_ona_u;      /* ona-eq units: injected into it (every session), or for a
                               structure only spread reaches the median over patients of the
                               units in its compartment (concentration x scale x volume) */
    double *p5, *p50, *p95; /* effect percent per day, days + 1 entries each (pop-owned) */
    double readout_q[BONT_POP_N_READOUTS][BONT_POP_N_QUANTILES];
    bont_readouts_t readouts;     /* the medians (readout_q[.][9]) */
    const float *peak_effect_pct; /* each patient's peak effect, percent of the whole
                                     structure (pop-owned) */
    double effect_scale;          /* 1: the model's effect is the whole structure's (scale x
                                     e_f, docs/model.md 6.4); kept for callers of v1 */
    double no_effect_pct;         /* share of patients whose whole-structure peak stays below
                                     BONT_POP_EFFECT_MIN_PCT; onset, peak day and duration
                                     percentiles are over the other patients */
    bool has_risk;                /* risk holds this structure's side-effect risk */
    bont_risk_t risk;
} bont_pop_result_t;

typedef struct bont_pop_t bont_pop_t;

/* The plan as a whole (docs/model.md section 8), from each patient's plan-level effect: the
 * dose-weighted mean (onabotulinumtoxinA-equivalent units of the plan's session) of the whole
 * effect of its injected structures, on the population grid, from the plan's session. */
typedef struct bont_pop_plan_t {
    const char *indication;        /* kb id of the plan's indication, or NULL (default threshold) */
    double perceptible_pct;        /* noticeable onset: the effect a patient perceives, percent */
    double response_pct;           /* response threshold of the indication, percent */
    const double *responders;      /* days + 1 shares (0..1) of patients at or above response_pct on
                                      each output day (pop-owned) */
    double noticeable_share;       /* share of patients whose effect reaches perceptible_pct */
    double noticeable_onset_q[3];  /* 5th, 50th, 95th percentile over every patient, days from the
                                      session; a patient who never notices counts as later than
                                      any day, so NAN means "not within the horizon" */
    double responder_share;        /* share of patients whose effect reaches response_pct */
    double response_duration_q[3]; /* 5th, 50th, 95th percentile over the responders, days; NAN:
                                      still above at the horizon */
} bont_pop_plan_t;

/* Indices of bont_pop_patient_plan_readouts. */
typedef enum bont_pop_plan_readout_t {
    BONT_POP_NOTICEABLE_ONSET = 0, /* days; NAN never */
    BONT_POP_RESPONSE_DURATION,    /* days; NAN never a response, INFINITY still above */
    BONT_POP_PLAN_ONSET,           /* days to 25 % of the plan effect's peak; NAN no effect */
    BONT_POP_PLAN_PEAK,            /* the plan effect's peak, percent */
    BONT_POP_PLAN_DURATION,        /* days until below half the peak; NAN not in the horizon */
    BONT_POP_N_PLAN_READOUTS
} bont_pop_plan_readout_t;

/* Simulates the plan for opts->n_patients virtual patients. Structures come in the order of
 * bont_spread_reach (injected targets in plan order without spread). Risks are assessed with
 * bont_risk_assess when opts->spread is given. */
int bont_pop_run(const bont_kb_t *kb, const bont_plan_t *plan, const bont_pop_opts_t *opts,
                 bont_pop_t **out, bont_error_t *err);
void bont_pop_free(bont_pop_t **pop);

size_t bont_pop_n_results(const bont_pop_t *pop);
const bont_pop_result_t *bont_pop_result(const bont_pop_t *pop, size_t i);
int bont_pop_days(const bont_pop_t *pop);
size_t bont_pop_n_patients(const bont_pop_t *pop);
uint64_t bont_pop_seed(const bont_pop_t *pop);
const bont_model_t *bont_pop_model(const bont_pop_t *pop);
/* Each patient's readout r of result i (n_patients values, NAN when undefined). */
const float *bont_pop_patient_readouts(const bont_pop_t *pop, size_t i, bont_pop_readout_t r);

/* The plan-level readouts and responders, or NULL (the scalar engine does not compute them). */
const bont_pop_plan_t *bont_pop_plan(const bont_pop_t *pop);
/* Each patient's plan-level readout r (n_patients values), or NULL. */
const float *bont_pop_patient_plan_readouts(const bont_pop_t *pop, bont_pop_plan_readout_t r);

/* With opts.trace_patients: patient p's effect percent on days 0..days in result i, or NULL. */
const float *bont_pop_patient_days(const bont_pop_t *pop, size_t i, size_t p);
/* With opts.keep_inputs: patient p's parameters, and its doses into result i's structure (one
 * per dose event: the compartment's concentration and scale, docs/model.md 12.2, with ona_u the
 * units in the compartment; times from the run's first session; output day 0 is at
 * bont_pop_day0). *n_doses receives the count (at most max are written). BONT_EINVAL without
 * keep_inputs. */
int bont_pop_patient_inputs(const bont_pop_t *pop, size_t p, size_t i, bont_params_t *params,
                            bont_dose_t *doses, size_t max, size_t *n_doses);
double bont_pop_day0(const bont_pop_t *pop);

/* The risk of each side effect per person over the structures that carry it (docs/spread.md
 * section 3: a patient with ptosis on either side counts once), with each structure's own risk:
 * fills *out (bont_risk_list_clear), n_patients included, why_none "". The one place risks are
 * counted: bont check, bont simulate --patients, the web server and the handout use it. */
int bont_pop_risks(const bont_pop_t *pop, bont_risk_list_t *out, bont_error_t *err);

#endif
