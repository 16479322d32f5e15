/* bont/model.h: mechanistic models of botulinum neurotoxin action, from units injected to the
 * effect over time (docs/model.md), run through one API whatever the model. */
#ifndef BONT_MODEL_H
#define BONT_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/kb.h"
#include "bont/plan.h"

/* ---- Serotypes and tissues ------------------------------------------------------------------ */

/* Serotypes the model knows. Products in the kb are A or B; C1, E and F exist for the cell and
 * animal data the model is validated against (docs/validation.md). */
typedef enum bont_serotype_t {
    BONT_SERO_A = 0,
    BONT_SERO_B,
    BONT_SERO_C1,
    BONT_SERO_E,
    BONT_SERO_F,
    BONT_SERO_COUNT
} bont_serotype_t;

/* How a target turns transmitter release into function (docs/model.md section 6). */
typedef enum bont_tissue_t {
    BONT_TISSUE_MUSCLE = 0,  /* skeletal muscle: junction threshold, CMAP, atrophy */
    BONT_TISSUE_EXTRAOCULAR, /* extraocular muscles and levator palpebrae (atlas region orbit):
                                early, large sprouting, no atrophy (docs/model.md section 4) */
    BONT_TISSUE_AUTONOMIC,   /* sweat glands (skin), salivary glands, detrusor: graded output */
    BONT_TISSUE_COUNT
} bont_tissue_t;

/* Parses "A", "B", "C1", "E", "F"; returns 0 or BONT_EUNKNOWN. */
int bont_serotype_parse(const char *name, bont_serotype_t *out);
const char *bont_serotype_name(bont_serotype_t s);
/* Tissue of a kb muscle kind: "muscle" -> MUSCLE; "gland", "skin", "organ" -> AUTONOMIC. */
int bont_tissue_of_kind(const char *kind, bont_tissue_t *out);
/* Tissue class of an atlas structure (docs/model.md section 4): kind "muscle" in region "orbit"
 * -> EXTRAOCULAR, other muscles -> MUSCLE, "gland", "skin", "organ" -> AUTONOMIC. Returns 0 or
 * BONT_EUNKNOWN. */
int bont_tissue_of_muscle(const bont_muscle_t *m, bont_tissue_t *out);
/* Whether a tissue class has a neuromuscular junction (fibres failing, CMAP, atrophy). */
bool bont_tissue_has_junction(bont_tissue_t t);
const char *bont_tissue_name(bont_tissue_t t);

/* ---- Parameters ------------------------------------------------------------------------------ */

/* One parameter set for every model and dataset. Values come from data/model-params.json (each
 * with unit and source there); the field names carry the units. Plain data: copy it to make a
 * per-patient set (issue 4) and change fields freely. */
typedef struct bont_params_t {
    /* Uptake chain (Lebeda 2008 four-step, BIOMD0000000178; Simpson 1980 rates). */
    double k_bulk_per_min;        /* kS: bulk tissue -> free toxin near terminals (human) */
    double k_bulk_rodent_per_min; /* kS for rodent intramuscular injection (validation only) */
    double k_bind_per_min;        /* kB: binding (Simpson step 1) */
    double k_endo_per_min;        /* kT: Simpson "translocation", BioModels "endocytosis" */
    double k_transloc_per_min;    /* kL: Simpson "lytic", BioModels "translocation" */
    /* Exposure and capture (docs/model.md section 1). */
    double field_length_mm;      /* l: how far beyond the bolus one site's field reaches */
    double dermis_thickness_mm;  /* h: the layer an intradermal site's field is a disc in */
    double uptake_sat_u_per_ml;  /* c_sat: captured amount u = c_sat ln(1 + c / c_sat) */
    double uptake_fast_fraction; /* f_fast: share of u entering the chain at "free" */
    /* Light chain persistence in the terminal, per serotype (Foran 2003). */
    double lc_half_life_d[BONT_SERO_COUNT];
    double lc_slow_fraction; /* share of translocated light chain in a long-lived pool */
    double lc_slow_factor;   /* its half-life, as a multiple of the serotype's half-life */
    /* SNARE cleavage against resynthesis (section 3). */
    double cleave_max_per_d;   /* k_cl: cleavage rate constant at saturating light chain */
    double cleave_km_u_per_ml; /* K: light chain giving half the maximal cleavage rate */
    double snare_synth_per_d;  /* k_syn: resynthesis of intact SNAP-25 / VAMP */
    double snare_coop;         /* n: release ~ (intact fraction)^n */
    /* Junction (section 5). */
    double safety_factor_median; /* SF50: median safety factor across fibres */
    double safety_factor_log_sd; /* sigma_SF: SD of ln(safety factor) across fibres */
    /* Sprouting and return of the parent terminal, per tissue (section 4). */
    double sprout_max[BONT_TISSUE_COUNT]; /* release sprouts restore, share of what was lost */
    double sprout_rate_per_d[BONT_TISSUE_COUNT]; /* each of the two sprouting stages */
    /* Atrophy, the lasting residue (section 6). */
    double atrophy_max[BONT_TISSUE_COUNT]; /* loss of mass in the field when all fibres fail */
    double atrophy_rate_per_d;             /* k_up: atrophy builds towards a_max F */
    double atrophy_recovery_per_d;         /* k_down: and is regained, much more slowly */
    double atrophy_effect_share;           /* beta: share of atrophy that shows in the effect */
} bont_params_t;

/* Describes one parameter of bont_params_t for loaders, calibration and variability. */
typedef struct bont_param_info_t {
    const char *name; /* name in model-params.json, e.g. "lc_half_life_d.A" */
    const char *unit; /* e.g. "1/min", "U/mL", "d" */
    size_t offset;    /* byte offset of the double in bont_params_t */
} bont_param_info_t;

/* The table of every parameter (name, unit, offset); *n receives its length. */
const bont_param_info_t *bont_params_table(size_t *n);
/* Pointer to the named field of p, or NULL when the name is unknown. */
double *bont_params_field(bont_params_t *p, const char *name);

/* Reads the embedded data/model-params.json into *out (caller-owned struct). */
int bont_params_load(bont_params_t *out, bont_error_t *err);
/* Reads a model-params.json file (path, "-" for stdin is not supported). */
int bont_params_load_file(bont_params_t *out, const char *path, bont_error_t *err);
/* Parses model-params.json text; every parameter of the table must be present exactly once,
 * with a finite value, a unit equal to the table's and a non-empty source. */
int bont_params_parse(bont_params_t *out, const char *text, size_t len, const char *filename,
                      bont_error_t *err);

/* ---- Targets, doses and traces --------------------------------------------------------------- */

/* One injected or reached structure on one side. */
typedef struct bont_target_t {
    const char *muscle; /* kb muscle id (borrowed; must outlive the run) */
    bont_side_t side;   /* NONE for midline structures */
    bont_tissue_t tissue;
    double volume_ml; /* atlas volume of the structure (readouts; the Lebeda chains' dilution) */
    const char *role; /* "target" or "spread" (borrowed string) */
} bont_target_t;

/* One dose into a target: a session's exposure of the structure's compartment to one serotype
 * (docs/model.md section 1.4, computed by the spread layer, bont_spread_exposure). */
typedef struct bont_dose_t {
    double t_days; /* time of the session, days from day 0 (>= 0) */
    bont_serotype_t serotype;
    double ona_u;         /* onabotulinumtoxinA-equivalent units behind it (> 0); the bont model
                             reads conc_u_per_ml and scale, the Lebeda chains ona_u / volume */
    double conc_u_per_ml; /* c: concentration in the compartment, ona-eq U per mL (>= 0) */
    double scale;         /* share of the structure the session's fields reach, 0..1; the run
                             keeps the largest over the sessions */
} bont_dose_t;

/* Sampled time course of one target. The caller owns the arrays; each has n_steps + 1 entries.
 * Sample k is at t_days[k] when t_days is not NULL (ascending from 0, every dose time a sample;
 * bont_sim_grid builds the simulate grid), else at k / steps_per_day. Optional arrays may be
 * NULL. All values are fractions. */
typedef struct bont_trace_t {
    int steps_per_day;      /* samples per day (>= 1) of the uniform grid */
    size_t n_steps;         /* number of steps */
    const double *t_days;   /* optional: sample times, days (borrowed) */
    double *effect_frac;    /* required: loss of function of the structure (force or secretion) */
    double *cmap_frac;      /* optional: CMAP amplitude / baseline (NAN for autonomic targets) */
    double *release_frac;   /* optional: transmitter release of the junction / baseline */
    double *atrophy_frac;   /* optional: loss of mass of the structure (scale x field's) */
    double *release_parent; /* optional: release of the parent terminal, without sprouts */
    double *atrophy_field;  /* optional: loss of mass in the reached part */
} bont_trace_t;

/* Sample times of the `bont simulate` grid (docs/model.md section 7): steps of 1/steps_per_day
 * day, and of 1/32 day (when finer) during the first day after each session (session_days,
 * any order); every session and whole day is a sample. *t receives n_steps + 1 times over
 * [0, days] (caller frees with free()). */
int bont_sim_grid(int days, int steps_per_day, const double *session_days, size_t n_sessions,
                  double **t, size_t *n_steps, bont_error_t *err);

/* ---- Models: const type objects -------------------------------------------------------------- */

/* A model is a const object chosen by pointer (like gsl_odeiv2_step_rk4). Its run() is
 * reentrant: it allocates nothing and keeps no state, so threads may run it concurrently with
 * per-patient parameter sets. */
typedef struct bont_model_t {
    const char *name;    /* "bont", "lebeda4", "lebeda3" */
    const char *title;   /* one line for people */
    bool dose_dependent; /* false for the published concentration-independent chains */
    /* Simulates one target from t = 0 with the doses given (any order; times >= 0). Fills
     * every non-NULL array of trace. Returns 0 or a negative bont_errno_t. */
    int (*run)(const bont_params_t *p, const bont_target_t *target, const bont_dose_t *doses,
               size_t n_doses, bont_trace_t *trace, bont_error_t *err);
} bont_model_t;

/* The extended mechanistic model (default): exposure, uptake with saturation, light-chain
 * persistence, cleavage vs resynthesis, sprouting, junction safety factor, effects. */
extern const bont_model_t *const bont_model_bont;
/* BioModels BIOMD0000000178 (Lebeda 2008 four-step): bulk -> free -> bound -> translocated ->
 * lytic; effect = lytic, CMAP = tension = 1 - lytic. */
extern const bont_model_t *const bont_model_lebeda4;
/* BioModels BIOMD0000000267 (Lebeda 2008 three-step): the four-step chain without bulk. */
extern const bont_model_t *const bont_model_lebeda3;

/* The model named name, or NULL. bont_model_at(i) for i < bont_model_count() lists them all. */
const bont_model_t *bont_model_find(const char *name);
size_t bont_model_count(void);
const bont_model_t *bont_model_at(size_t i);

/* ---- Exposure ---------------------------------------------------------------------------------
 */

/* Units of product -> onabotulinumtoxinA-equivalent units, using the product's literature ratio
 * from the kb (geometric mean of ratio_min and ratio_max; units are not interchangeable, this is
 * an approximation, never a label value). BONT_ERANGE when the product has no accepted ratio. */
int bont_exposure_ona_u(const bont_product_t *product, double units, double *ona_u,
                        bont_error_t *err);
/* The serotype of a kb product. */
int bont_product_serotype(const bont_product_t *product, bont_serotype_t *out, bont_error_t *err);
/* Fills a target from an atlas entry; BONT_ERANGE when the atlas has no volume for it. */
int bont_target_from_muscle(const bont_muscle_t *m, bont_side_t side, bont_target_t *out,
                            bont_error_t *err);

/* ---- Readouts ---------------------------------------------------------------------------------
 */

/* Readouts of one effect time course (docs/model.md section 8), unrounded (outputs print onset
 * and duration to 0.1 day and the peak day to a whole day). NAN when not defined: no effect at
 * all, or (duration) the effect has not yet fallen below half its peak in the horizon. */
typedef struct bont_readouts_t {
    double onset_day;       /* first time effect >= 25 % of its peak */
    double peak_day;        /* time of the peak */
    double peak_effect_pct; /* the peak, percent */
    double duration_days;   /* first time after the peak that effect < 50 % of it */
    /* Clinical readouts at absolute thresholds (v2; NAN from bont_readouts_compute): */
    double noticeable_onset_day;   /* first time effect >= the perceptible threshold; NAN never */
    double response_duration_days; /* from the first time effect >= the response threshold to
                                      the first time after that it falls below; NAN: never
                                      reached; INFINITY: still above at the last sample */
} bont_readouts_t;

/* Thresholds of the clinical readouts (data/readout-thresholds.json, docs/model.md section 8). */
#define BONT_READOUT_MAX_RESPONSE 64
typedef struct bont_readout_thresholds_t {
    double perceptible_pct;  /* noticeable onset: the effect a patient or observer perceives */
    double response_default; /* response threshold of indications without their own, percent */
    size_t n_response;
    struct {
        char indication[64]; /* kb indication id */
        double pct;
    } response[BONT_READOUT_MAX_RESPONSE];
} bont_readout_thresholds_t;

/* Reads the embedded data/readout-thresholds.json (or text, with filename for messages): a
 * perceptible threshold and response thresholds by indication, "default" required, each with a
 * source and a status; percentages in (0, 100). */
int bont_readout_thresholds_load(bont_readout_thresholds_t *out, bont_error_t *err);
int bont_readout_thresholds_parse(bont_readout_thresholds_t *out, const char *text, size_t len,
                                  const char *filename, bont_error_t *err);
/* The response threshold of an indication id (percent), the default one when it has none or
 * indication is NULL. */
double bont_readout_response_pct(const bont_readout_thresholds_t *t, const char *indication);

/* Readouts from samples effect_frac[0..n_steps] at steps_per_day. t0_day: measure from this day
 * on (the last session's day for repeated sessions; 0 otherwise). */
void bont_readouts_compute(const double *effect_frac, size_t n_steps, int steps_per_day,
                           double t0_day, bont_readouts_t *out);
/* Readouts from samples effect_frac[0..n_steps] at times t_days[] (ascending), measured from the
 * sample nearest t0_day, with the perceptible and response thresholds as fractions (0: that
 * readout is not computed, NAN). */
void bont_readouts_at(const double *t_days, const double *effect_frac, size_t n_steps,
                      double t0_day, double perceptible_frac, double response_frac,
                      bont_readouts_t *out);

/* ---- Simulation of a plan (lifecycle: new -> add -> run -> get -> free) ------------------------
 */

typedef struct bont_sim_t bont_sim_t;
typedef struct bont_spread_t bont_spread_t; /* bont/spread.h */

/* Result for one target, owned by the sim. Daily arrays have days + 1 entries (day 0..days). */
typedef struct bont_sim_result_t {
    bont_target_t target;
    double *effect_pct;  /* daily effect, percent */
    double *cmap_pct;    /* daily CMAP, percent of baseline; NULL for autonomic targets */
    double *atrophy_pct; /* daily atrophy, percent; NULL for autonomic targets */
    bont_readouts_t readouts;
    double dose_ona_u;    /* total onabotulinumtoxinA-equivalent units injected into it (0 when
                             only spread reaches it): the weight of the plan-level readouts */
    double conc_u_per_ml; /* concentration in its compartment from the plan's session */
    double scale;         /* share of the structure the plan's session reaches */
} bont_sim_result_t;

/* Creates an empty simulation. model and params are borrowed (must outlive the sim). */
int bont_sim_new(bont_sim_t **out, const bont_model_t *model, const bont_params_t *params,
                 bont_error_t *err);
void bont_sim_free(bont_sim_t **sim);

/* Adds a target (or finds the same muscle and side) and returns its index in *index. */
int bont_sim_target(bont_sim_t *sim, const bont_target_t *target, size_t *index, bont_error_t *err);
/* Adds a dose to target index. */
int bont_sim_dose(bont_sim_t *sim, size_t index, const bont_dose_t *dose, bont_error_t *err);
/* Adds the plan's session: its exposure for the median patient (docs/model.md sections 1.2-1.4,
 * data/spread-params.json or the set given with bont_sim_set_spread) gives every structure it
 * reaches, injected ones first (role "target") then those reached by spread (role "spread"),
 * a concentration and a scale. With with_history, each history session of the same indication
 * before the plan date is added too, with the plan's exposure scaled to its units and its own
 * product's serotype (the history has no per-muscle data). The plan's indication chooses the
 * response threshold of the readouts. */
int bont_sim_add_plan(bont_sim_t *sim, const bont_plan_t *plan, bool with_history,
                      bont_error_t *err);
/* Spread parameters for bont_sim_add_plan (borrowed); without it the embedded ones are loaded. */
int bont_sim_set_spread(bont_sim_t *sim, const bont_spread_t *sp, bont_error_t *err);

/* Runs every target for days (>= 1) on the simulate grid (steps_per_day, and 1/32 day for the
 * first day after each session; bont_sim_grid). readouts are measured from the last session in
 * the output window (0 for a single session), noticeable onset and response duration at the
 * thresholds of data/readout-thresholds.json. */
int bont_sim_run(bont_sim_t *sim, int days, int steps_per_day, bont_error_t *err);

/* The plan as a whole (docs/model.md section 8): the dose-weighted mean effect of the injected
 * structures (weights: onabotulinumtoxinA-equivalent units), daily (days + 1 values, percent)
 * and its readouts; NULL before a run or when nothing was injected. */
const double *bont_sim_plan_effect_pct(const bont_sim_t *sim);
const bont_readouts_t *bont_sim_plan_readouts(const bont_sim_t *sim);

size_t bont_sim_n_targets(const bont_sim_t *sim);
const bont_sim_result_t *bont_sim_result(const bont_sim_t *sim, size_t i);
int bont_sim_days(const bont_sim_t *sim);
const bont_model_t *bont_sim_model(const bont_sim_t *sim);

/* ---- Validation against the calibration datasets (data/calibration.json) ----------------------
 */

typedef enum bont_val_status_t {
    BONT_VAL_PASS = 0,    /* scored and within tolerance */
    BONT_VAL_FAIL,        /* scored and outside tolerance */
    BONT_VAL_SHOWN,       /* computed and shown, not scored (reason says why) */
    BONT_VAL_INPUT,       /* the number is a model input (a parameter source), not a test */
    BONT_VAL_NOT_MODELLED /* the model does not represent this measurement (reason says why) */
} bont_val_status_t;

typedef struct bont_val_check_t {
    const char *id;     /* check id within the dataset */
    const char *label;  /* what is compared, for people */
    const char *unit;   /* unit of observed and predicted */
    double observed_lo; /* observed value or range (lo == hi for a single value); NAN if none */
    double observed_hi;
    double predicted; /* NAN when not computed */
    double error;     /* predicted minus the nearest end of the observed range */
    double tolerance; /* allowed |error| in unit */
    bont_val_status_t status;
    const char *note; /* reason, justification of the tolerance (borrowed) */
} bont_val_check_t;

typedef struct bont_val_dataset_t {
    const char *id;
    const char *file;   /* the reference CSV it comes from */
    const char *source; /* citation */
    const char *species;
    const char *summary; /* how the dataset is used, and why it fits well or badly */
    bont_val_check_t *checks;
    size_t n_checks;
    size_t n_pass, n_fail;
    double rms_norm_error; /* RMS of error / tolerance over scored checks; NAN if none */
} bont_val_dataset_t;

typedef struct bont_validation_t {
    bont_val_dataset_t *datasets;
    size_t n_datasets;
    size_t n_pass, n_fail, n_shown;
    void *priv_; /* internal (parsed JSON, simulated curves for plots) */
} bont_validation_t;

/* Runs every dataset of data/calibration.json (or of the file calibration_path when not NULL)
 * with params. kb supplies products and atlas volumes. */
int bont_validation_run(const bont_kb_t *kb, const bont_params_t *params,
                        const char *calibration_path, bont_validation_t **out, bont_error_t *err);
void bont_validation_free(bont_validation_t **v);

/* One simulated scenario of a dataset's plot, as percent against time (arrays owned). */
typedef struct bont_val_curve_t {
    const char *name; /* scenario name (borrowed from the validation) */
    double *x;        /* time, in the plot's unit */
    double *y;        /* the plotted quantity, percent */
    size_t n;
} bont_val_curve_t;

/* What dataset i's plot shows: the model's curves of the quantity the dataset compares, and the
 * observed values that can be drawn on them (bont/report.h draws it). */
typedef struct bont_val_plot_t {
    const char *quantity; /* "effect", "tension", "cmap_decrement", "release" or "atrophy" */
    const char *kind;     /* what the dataset is (shown when nothing was simulated) */
    bool minutes;         /* time in minutes; else days */
    bont_val_curve_t *curves;
    size_t n_curves;
    double *obs_x, *obs_y;   /* observed value (middle of its range) at a time */
    double *obs_lo, *obs_hi; /* its range widened by the tolerance */
    size_t n_obs;
} bont_val_plot_t;

/* The plot data of dataset i; *out is freed with bont_validation_plot_free. */
int bont_validation_plot(const bont_validation_t *v, size_t i, bont_val_plot_t **out,
                         bont_error_t *err);
void bont_validation_plot_free(bont_val_plot_t **plot);
const char *bont_val_status_name(bont_val_status_t s);

#endif
