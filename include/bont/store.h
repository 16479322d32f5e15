/* bont/store.h: treatment records (patients, vials, visits, injections, outcomes, adverse
 * events) kept in one SQLite file, with schema migrations, WAL and crash-safe writes. */
#ifndef BONT_STORE_H
#define BONT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/check.h"
#include "bont/kb.h"
#include "bont/model.h"
#include "bont/plan.h"

/* The schema version this build writes. A file with a higher version is refused untouched. */
#define BONT_STORE_SCHEMA_VERSION 3

/* Written into the SQLite header (PRAGMA application_id) so a file that belongs to another
 * program is never migrated or written: the bytes "bont". */
#define BONT_STORE_APPLICATION_ID 0x626f6e74

#define BONT_STORE_MAX_TERMS 32

typedef struct bont_store_t bont_store_t; /* one open connection; not shared between threads */

/* A condition, medication or allergy recorded for a patient; checked at every visit. */
typedef struct bont_store_term_t {
    char kind[16]; /* "condition", "medication" or "allergy" */
    char name[96]; /* knowledge-base id when recognised, else the name as given */
} bont_store_term_t;

typedef struct bont_store_patient_t {
    long long id;        /* assigned by the store */
    char name[128];      /* as given; the store does not split or normalise names */
    char birth_date[11]; /* YYYY-MM-DD */
    char sex[16];        /* "female", "male", "other" or "unknown" */
    double weight_kg;    /* <0 when not recorded */
    char created_at[24]; /* UTC, "YYYY-MM-DDTHH:MM:SSZ", set by the store */
    bont_store_term_t terms[BONT_STORE_MAX_TERMS];
    size_t n_terms;
} bont_store_patient_t;

typedef struct bont_store_vial_t {
    long long id;              /* assigned by the store */
    char product[64];          /* knowledge-base product id, e.g. "onabotulinumtoxinA" */
    char lot[64];              /* lot (batch) number as printed on the vial */
    char expiry[11];           /* YYYY-MM-DD */
    double vial_units;         /* labelled units in the vial; <0 when not known */
    double diluent_ml;         /* diluent added, mL; <0 when not known */
    char reconstituted_at[17]; /* "YYYY-MM-DDTHH:MM" local time, or "" when not given */
} bont_store_vial_t;

typedef struct bont_store_injection_t {
    char muscle[64];   /* knowledge-base muscle id */
    char side[8];      /* "left", "right" or "" for midline targets */
    double units;      /* units of the visit's product into this muscle (all sites) */
    double volume_ml;  /* total volume, mL; <0 when not known */
    int sites;         /* injection sites, >= 1 */
    char guidance[16]; /* "emg", "ultrasound", "stimulation", "palpation" or "" */
} bont_store_injection_t;

typedef struct bont_store_visit_t {
    long long id; /* assigned by the store */
    long long patient_id;
    char date[11];        /* session date YYYY-MM-DD */
    char injected_at[17]; /* "YYYY-MM-DDTHH:MM" local time of injection, or "" */
    char indication[64];  /* knowledge-base indication id */
    bont_store_vial_t vial;
    double total_units;                 /* sum of the injections' units (computed by the store) */
    char override_reason[512];          /* "" when the check passed; else why it was overridden */
    char *findings_json;                /* the check's findings as JSON text (owned), or NULL */
    char wore_off_date[11];             /* date the effect was reported to have worn off, or "" */
    char recorded_at[24];               /* UTC, set by the store */
    bont_store_injection_t *injections; /* owned by the visit; n_injections entries */
    size_t n_injections;
} bont_store_visit_t;

typedef struct bont_store_outcome_t {
    long long id; /* assigned by the store */
    long long patient_id;
    long long visit_id; /* the visit it follows, or 0 */
    char scale[64];     /* scale id: "twstrs", "modified_ashworth", "facial_wrinkle_scale",
                           "hdss", "jankovic", "gas", or "local:NAME" for a clinic's own */
    double score;       /* the score on that scale ("1+" on modified Ashworth is 1.5) */
    char date[11];      /* YYYY-MM-DD */
    char note[256];     /* free text, or "" */
} bont_store_outcome_t;

typedef struct bont_store_ae_t {
    long long id; /* assigned by the store */
    long long patient_id;
    long long visit_id;     /* the visit it is attributed to (required) */
    char what[160];         /* the event in words or a kb effect id, e.g. "ptosis" */
    int onset_day;          /* days after the visit when it began, >= 0 */
    char severity[16];      /* "mild", "moderate" or "severe" */
    char resolved_date[11]; /* YYYY-MM-DD, or "" while not resolved */
    char note[256];
} bont_store_ae_t;

/* Everything recorded for one patient, visits oldest first. Owned by the caller. */
typedef struct bont_store_record_t {
    bont_store_patient_t patient;
    bont_store_visit_t *visits;
    size_t n_visits;
    bont_store_outcome_t *outcomes;
    size_t n_outcomes;
    bont_store_ae_t *aes;
    size_t n_aes;
} bont_store_record_t;

/* One patient visit that used a lot (bont recall). */
typedef struct bont_store_recall_t {
    long long patient_id;
    char patient_name[128];
    char birth_date[11];
    long long visit_id;
    char date[11];
    char product[64];
    char lot[64];
    char expiry[11];
    double total_units;
} bont_store_recall_t;

/* The default store path: $XDG_DATA_HOME/bont/bont.db, else $HOME/.local/share/bont/bont.db.
 * Creates the folder (mode 0700) when create_dir is true. */
int bont_store_default_path(char *buf, size_t size, bool create_dir, bont_error_t *err);

/* Opens (creating when missing) and migrates the store at path. A file from a newer schema, or
 * a SQLite file that is not a bont store, is refused with BONT_ESCHEMA and left untouched. */
int bont_store_open(bont_store_t **out, const char *path, bont_error_t *err);

/* Closes the connection and sets *store to NULL. */
void bont_store_close(bont_store_t **store);

/* The schema version of the open file. */
int bont_store_schema_version(bont_store_t *store);

/* Adds a patient (id, created_at are set in *p). Terms are stored as given. */
int bont_store_patient_add(bont_store_t *store, bont_store_patient_t *p, bont_error_t *err);

/* BONT_ENOTFOUND when there is no such patient. */
int bont_store_patient_get(bont_store_t *store, long long id, bont_store_patient_t *out,
                           bont_error_t *err);

/* Every patient, by id. *out is malloc'ed (free with free()); terms are not filled. */
int bont_store_patient_list(bont_store_t *store, bont_store_patient_t **out, size_t *n,
                            bont_error_t *err);

/* Writes the vial, the visit and all its injections in one transaction: either all of them
 * are in the file afterwards or none is. Sets visit->id, visit->vial.id, total_units and
 * recorded_at. */
int bont_store_visit_add(bont_store_t *store, bont_store_visit_t *visit, bont_error_t *err);

/* Records the date the effect of a visit wore off (replaces an earlier record). */
int bont_store_visit_wore_off(bont_store_t *store, long long visit_id, const char *date,
                              bont_error_t *err);

/* Checks scale and score (see bont_store_scale_check) and adds the outcome; sets o->id. */
int bont_store_outcome_add(bont_store_t *store, bont_store_outcome_t *o, bont_error_t *err);

/* Adds the adverse event; sets ae->id and ae->patient_id from the visit. */
int bont_store_ae_add(bont_store_t *store, bont_store_ae_t *ae, bont_error_t *err);

/* Loads everything recorded for a patient. *out is freed with bont_store_record_free. */
int bont_store_record_load(bont_store_t *store, long long patient_id, bont_store_record_t **out,
                           bont_error_t *err);
void bont_store_record_free(bont_store_record_t **rec);

/* Frees what a visit owns (injections, findings_json); the struct itself is the caller's. */
void bont_store_visit_clear(bont_store_visit_t *visit);

/* Every visit that used the lot (case-insensitive), by patient then date. *out is malloc'ed. */
int bont_store_recall(bont_store_t *store, const char *lot, bont_store_recall_t **out, size_t *n,
                      bont_error_t *err);

/* Copies the whole store into path while others may be reading and writing it (SQLite online
 * backup). path must not exist yet, so a backup never overwrites anything. */
int bont_store_backup(bont_store_t *store, const char *path, bont_error_t *err);

/* Runs PRAGMA integrity_check and the store's own consistency checks (every visit has all its
 * injections, foreign keys hold). 0 when all hold, else BONT_ESTORE with the first problem. */
int bont_store_verify(bont_store_t *store, bont_error_t *err);

/* Checks an outcome scale id and score, and normalises the scale id ("TWSTRS" -> "twstrs").
 * "1+" for modified Ashworth is given as 1.5. BONT_EUNKNOWN / BONT_ERANGE on failure. */
int bont_store_scale_check(char *scale, size_t scale_size, double score, bont_error_t *err);

/* Parses a score as typed by a person ("32", "1+"). */
int bont_store_score_parse(const char *text, double *score, bont_error_t *err);

/* ---- Personal duration of effect (docs/store.md#personal-duration) ----
 *
 * Model: for visit i of a patient, log(observed_days_i) = log(expected_days_i) + b + e_i, where
 * expected_days_i is the population duration (from the model, or data/duration-prior.json),
 * b ~ N(0, tau^2) is the patient's log-scale duration factor and e_i ~ N(0, sigma^2) is
 * visit-to-visit noise. The posterior of b given n recorded wear-off dates is normal
 * (conjugate): precision = 1/tau^2 + n/sigma^2, mean = (sum of log(observed/expected) / sigma^2)
 * / precision. The personal duration of the next visit is expected_days * exp(mean), the
 * posterior median of its duration. */

typedef struct bont_duration_prior_t {
    double tau;   /* SD of the log factor between patients */
    double sigma; /* SD of log duration from visit to visit within one patient */
} bont_duration_prior_t;

typedef struct bont_duration_post_t {
    double mean;   /* posterior mean of the log factor b */
    double sd;     /* posterior SD of b */
    double factor; /* exp(mean): how much longer than average this patient's effect lasts */
    size_t n_obs;  /* wear-off dates it rests on */
} bont_duration_post_t;

/* Expected (population) duration of one visit's effect, in days. The model plugs in here; ctx
 * is passed through. Returns 0 or a negative bont_errno_t. */
typedef int (*bont_duration_fn_t)(void *ctx, const bont_store_visit_t *visit, double *days,
                                  bont_error_t *err);

/* The prior from data/duration-prior.json. */
int bont_duration_prior_load(bont_duration_prior_t *prior, bont_error_t *err);

/* The population duration from data/duration-prior.json for the visit's indication and product
 * (a bont_duration_fn_t; ctx is unused). The fallback until the model gives one. */
int bont_duration_table(void *ctx, const bont_store_visit_t *visit, double *days,
                        bont_error_t *err);

/* The mechanistic model's duration for a visit (bont_duration_model): the median patient's
 * time until the effect falls below half its peak, weighted by units over the structures
 * injected. ctx is a bont_duration_model_ctx_t. */
typedef struct bont_duration_model_ctx_t {
    const bont_kb_t *kb;       /* borrowed */
    const bont_model_t *model; /* borrowed, e.g. bont_model_bont */
    bont_params_t params;      /* the model's parameters (copied) */
    bool used_table;           /* set by bont_duration_model_or_table: the last duration came
                                  from the table, not the model */
} bont_duration_model_ctx_t;

int bont_duration_model(void *ctx, const bont_store_visit_t *visit, double *days,
                        bont_error_t *err);
/* The model's duration, or the table's when the model gives none (ctx may be NULL). */
int bont_duration_model_or_table(void *ctx, const bont_store_visit_t *visit, double *days,
                                 bont_error_t *err);

/* Posterior of the log factor from n pairs of observed and expected durations (days > 0). */
int bont_duration_posterior(const bont_duration_prior_t *prior, const double *observed_days,
                            const double *expected_days, size_t n, bont_duration_post_t *out,
                            bont_error_t *err);

/* When a patient's latest visit is predicted to wear off. */
typedef struct bont_due_t {
    long long patient_id;
    char name[128];
    long long visit_id; /* the latest visit; 0 when the patient has none */
    char visit_date[11];
    char indication[64];
    char product[64];
    double expected_days; /* expected duration of the latest visit (model or table) */
    char basis[8];        /* where expected_days comes from: "model", "table" or "custom" */
    double personal_days; /* expected_days * post.factor */
    bont_duration_post_t post;
    char wear_off_date[11]; /* predicted (or recorded, when observed) */
    bool observed;          /* the wear-off of the latest visit is already recorded */
    long days_left;         /* wear_off_date - today; negative when past */
} bont_due_t;

/* Predicts the wear-off of rec's latest visit. duration is the population duration function
 * (NULL: bont_duration_table). today is YYYY-MM-DD. BONT_ENOTFOUND when there is no visit. */
int bont_store_predict(const bont_store_record_t *rec, bont_duration_fn_t duration, void *ctx,
                       const bont_duration_prior_t *prior, const char *today, bont_due_t *out,
                       bont_error_t *err);

/* Every patient whose latest visit wears off on or before today + within_days, soonest first.
 * *out is malloc'ed. */
int bont_store_due(bont_store_t *store, bont_duration_fn_t duration, void *ctx,
                   const bont_duration_prior_t *prior, const char *today, int within_days,
                   bont_due_t **out, size_t *n, bont_error_t *err);

/* Everything recorded for the patient as a FHIR R4 JSON Bundle of type "collection": Patient;
 * one Medication per vial (batch lot number and expiry); one Procedure per visit; one
 * MedicationAdministration per injection (site, route, dose, part of the visit's Procedure);
 * Observations for outcomes, body weight and wear-off dates; one AdverseEvent per event. kb
 * (may be NULL) supplies display names and the route of each target. *json is malloc'ed text,
 * the same for the same record (identifiers are derived, not random). */
int bont_store_fhir_export(const bont_kb_t *kb, const bont_store_record_t *rec, char **json,
                           bont_error_t *err);

/* ---- Recording a visit from a plan (bont visit record) ---- */

typedef struct bont_visit_opts_t {
    long long patient_id;
    const char *lot;              /* lot number printed on the vial; NULL: the plan's vial.lot */
    const char *expiry;           /* vial expiry, YYYY-MM-DD; NULL: the plan's vial.expiry */
    const char *reconstituted_at; /* "YYYY-MM-DDTHH:MM", "YYYY-MM-DD HH:MM" or "HH:MM" (on the
                                     plan's date); NULL when not recorded */
    const char *injected_at;      /* same forms; NULL: now when the plan is dated today, else
                                     23:59 of the plan's date (the latest it can have been) */
    const char *override_reason;  /* NULL, or why the visit is recorded despite errors */
    const char *now;              /* "YYYY-MM-DDTHH:MM" local time; NULL reads the clock */
} bont_visit_opts_t;

typedef struct bont_visit_result_t {
    bont_finding_t *findings; /* owned: the checker's findings and the store's, errors first */
    size_t n_findings, n_errors, n_warnings, n_notes;
    bool written;          /* the visit is in the store */
    bool overridden;       /* written despite errors, with the reason recorded */
    long long visit_id;    /* when written */
    char injected_at[17];  /* the injection time the checks used */
    bool injected_assumed; /* injected_at was not given and was assumed */
} bont_visit_result_t;

/* Runs the full check of plan with the patient's stored record: the checker's rules with every
 * stored visit as history (bont_check_opts_t.extra_history), the patient's recorded
 * conditions, medications and allergies, the vial's lot, expiry and reconstitution time (set
 * into the plan's vial fields, which the checker judges: vial.expired, vial.in_use), and the
 * store's own checks: the minimum interval after a session for any indication or product
 * (record.interval_any), and a plan whose age or sex contradicts the stored patient. Writes the
 * visit (one transaction) only when no finding is an error, or when override_reason is given.
 * Returns 0 whether or not it wrote (see result->written); a negative code only for unusable
 * input or a store failure, with nothing written. */
int bont_visit_record(bont_store_t *store, const bont_kb_t *kb, bont_plan_t *plan,
                      const bont_visit_opts_t *opts, bont_visit_result_t **result,
                      bont_error_t *err);
void bont_visit_result_free(bont_visit_result_t **result);

#endif
