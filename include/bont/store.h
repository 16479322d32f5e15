/* bont/store.h: treatment records (patients, vials, visits, injections, outcomes, adverse
 * events) kept in one SQLite file (WAL, crash-safe writes) or in a PostgreSQL database that
 * several sites and app servers share; the same operations and schema versions on both.
 *
 * Dates: every dated record (birth, visit, outcome, wear-off, adverse event) must be a real
 * date, not after the clinic's today (bont_store_set_today; the library never reads the clock
 * to judge a date), and in order (nothing before the visit it follows, no visit before the
 * birth). A date that breaks a rule is BONT_EINVAL or BONT_ERANGE with err->field naming it. */
#ifndef BONT_STORE_H
#define BONT_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/check.h"
#include "bont/kb.h"
#include "bont/model.h"
#include "bont/personal.h"
#include "bont/plan.h"

/* The schema version this build writes. A store with a higher version is refused untouched. */
#define BONT_STORE_SCHEMA_VERSION 4

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
    char muscle[64];            /* knowledge-base muscle id */
    char side[8];               /* "left", "right" or "" for midline targets */
    double units;               /* units of the visit's product into this muscle (all sites) */
    double volume_ml;           /* total volume, mL; <0 when not known */
    int sites;                  /* injection sites, >= 1 */
    char guidance[16];          /* "emg", "ultrasound", "stimulation", "palpation" or "" */
    bont_chart_point_t *points; /* where sites were marked on a chart (owned by the visit), or
                                   NULL; at most sites of them, none in visits recorded before
                                   schema version 4 */
    size_t n_points;
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

/* One lot of vials as the store recorded it (bont_store_lots): which product, when it expires,
 * how much of it the recorded visits used and when. */
typedef struct bont_store_lot_t {
    char product[64];                   /* knowledge-base product id */
    char lot[64];                       /* lot number (lots differing only in case are one) */
    char expiry[11];                    /* YYYY-MM-DD */
    double vial_units;                  /* labelled units per vial (largest recorded); <0 unknown */
    double diluent_ml;                  /* diluent of the lot's latest vial, mL; <0 unknown */
    char reconstituted_at[17];          /* the latest vial's reconstitution, or "" */
    long long n_vials;                  /* vials of the lot recorded (one per visit) */
    double units_used;                  /* units injected from the lot */
    char first_used[11], last_used[11]; /* dates of the first and latest visits, or "" */
} bont_store_lot_t;

/* The default store path: $XDG_DATA_HOME/bont/bont.db, else $HOME/.local/share/bont/bont.db.
 * Creates the folder (mode 0700) when create_dir is true. */
int bont_store_default_path(char *buf, size_t size, bool create_dir, bont_error_t *err);

/* What bont_store_open does when the file does not exist. */
typedef enum bont_store_mode_t {
    BONT_STORE_EXISTING = 0, /* nothing: BONT_ENOTFOUND, "no bont store at PATH" (reading) */
    BONT_STORE_CREATE = 1    /* creates a new store (commands that add records) */
} bont_store_mode_t;

/* Opens and migrates the store at path: a file name (SQLite), or a PostgreSQL connection
 * string, either a URI (postgresql://USER@HOST:PORT/DB, postgres://...) or libpq's
 * keyword=value form ("host=/run/postgresql dbname=bont"); a file whose name looks like the
 * latter is given as ./NAME.
 *
 * SQLite: a new store is built under a temporary name in the same folder and linked into place
 * only when complete, so a process killed while creating it leaves no file at path. An existing
 * file that is not a bont store (0 bytes, not SQLite, another program's database, a newer schema)
 * is refused with BONT_ESCHEMA and left as it was. A path that cannot be used (a folder, a
 * missing folder, no permission) is BONT_EINVAL with the reason and the path in err.
 *
 * PostgreSQL: the database must exist; BONT_STORE_CREATE creates the schema in an empty one (in
 * one transaction), BONT_STORE_EXISTING refuses an empty one with BONT_ENOTFOUND. A database
 * holding other tables, or a newer schema, is BONT_ESCHEMA and left as it was. A server that
 * cannot be reached or refuses the login is BONT_ECONNECT naming the host; no message ever
 * holds the password. */
int bont_store_open(bont_store_t **out, const char *path, bont_store_mode_t mode,
                    bont_error_t *err);

/* The store's name for messages: its file name, or its PostgreSQL URI without the password. */
const char *bont_store_name(const bont_store_t *store);

/* The same name for a --db value without opening it (buf of size bytes). */
void bont_store_describe(const char *db, char *buf, size_t size);

/* True when bont_store_open created the store (file or schema), so that a command can say so. */
bool bont_store_created(const bont_store_t *store);

/* Sets the clinic's today (YYYY-MM-DD), against which dates are judged. Required before any
 * write of a dated record; a server sets it for each request (clinics may be in different time
 * zones). BONT_EINVAL when today is not a real date. */
int bont_store_set_today(bont_store_t *store, const char *today, bont_error_t *err);

/* Closes the connection and sets *store to NULL. */
void bont_store_close(bont_store_t **store);

/* The schema version of the open file. */
int bont_store_schema_version(bont_store_t *store);

/* Adds a patient (id, created_at are set in *p). Terms are stored as given. */
int bont_store_patient_add(bont_store_t *store, bont_store_patient_t *p, bont_error_t *err);

/* BONT_ENOTFOUND when there is no such patient. */
int bont_store_patient_get(bont_store_t *store, long long id, bont_store_patient_t *out,
                           bont_error_t *err);

/* The patient a visit belongs to (a handout for a stored visit); BONT_ENOTFOUND when there is
 * no such visit. */
int bont_store_visit_patient(bont_store_t *store, long long visit_id, long long *patient_id,
                             bont_error_t *err);

/* Every patient, by id, with their recorded terms. *out is malloc'ed (free with free()). */
int bont_store_patient_list(bont_store_t *store, bont_store_patient_t **out, size_t *n,
                            bont_error_t *err);

/* Writes the vial, the visit and all its injections with their chart points in one
 * transaction: either all of them are in the file afterwards or none is. Sets visit->id,
 * visit->vial.id, total_units and recorded_at. A point must name a known chart, have x and y
 * in 0-1 and be at most one per site (else BONT_EINVAL or BONT_ERANGE, the field naming
 * "injections[i].points[k]"). No check runs here: bont_visit_record is the checked way to
 * record a visit. */
int bont_store_visit_add(bont_store_t *store, bont_store_visit_t *visit, bont_error_t *err);

/* Records the date the effect of a visit wore off (replaces an earlier record): after the
 * visit, not after today. */
int bont_store_visit_wore_off(bont_store_t *store, long long visit_id, const char *date,
                              bont_error_t *err);

/* Checks scale and score (see bont_store_scale_check) and adds the outcome; sets o->id. The
 * date is not before the visit (or the birth), not after today. */
int bont_store_outcome_add(bont_store_t *store, bont_store_outcome_t *o, bont_error_t *err);

/* Adds the adverse event; sets ae->id and ae->patient_id from the visit. Its onset (visit date
 * + onset_day) and resolution are not after today, and it resolves after it began. */
int bont_store_ae_add(bont_store_t *store, bont_store_ae_t *ae, bont_error_t *err);

/* Loads everything recorded for a patient. *out is freed with bont_store_record_free. */
int bont_store_record_load(bont_store_t *store, long long patient_id, bont_store_record_t **out,
                           bont_error_t *err);
void bont_store_record_free(bont_store_record_t **rec);

/* Frees what a visit owns (injections and their points, findings_json); the struct itself is
 * the caller's. */
void bont_store_visit_clear(bont_store_visit_t *visit);

/* Every visit that used the lot (case-insensitive), by patient then date. *out is malloc'ed. */
int bont_store_recall(bont_store_t *store, const char *lot, bont_store_recall_t **out, size_t *n,
                      bont_error_t *err);

/* Every lot of vials recorded, soonest expiry first (then product and lot). *out is malloc'ed. */
int bont_store_lots(bont_store_t *store, bont_store_lot_t **out, size_t *n, bont_error_t *err);

/* Copies the whole store into path while others may be reading and writing it (SQLite online
 * backup). The copy is written to a temporary file in path's folder, synced, and linked to path
 * only when whole (then the folder is synced), so a backup killed at any moment leaves no
 * partial file at path. path must not exist: a backup never overwrites anything
 * (BONT_ECONFLICT). A PostgreSQL store is BONT_EUNSUPPORTED, with a message naming pg_dump and
 * pg_basebackup, the server's own tools. */
int bont_store_backup(bont_store_t *store, const char *path, bont_error_t *err);

/* Runs the store's consistency checks (every visit has all its injections; on SQLite also
 * PRAGMA integrity_check and the foreign keys, which PostgreSQL enforces itself). 0 when all
 * hold, else BONT_ESTORE with the first problem. */
int bont_store_verify(bont_store_t *store, bont_error_t *err);

/* How the commits of one connection reach the disk. FULL, the default of every connection, makes
 * each commit durable across power loss before it returns. RELAXED keeps a commit across a crash
 * of the process but lets a crash of the operating system (SQLite) or of the database server
 * (PostgreSQL) lose the last commits; it saves a disk sync per commit. SQLite: synchronous =
 * NORMAL in WAL mode; PostgreSQL: synchronous_commit = off for the session (a reconnection goes
 * back to FULL). `bont serve` uses RELAXED for its audit writer only (docs/api.md, "Audit"). */
typedef enum bont_store_sync_t {
    BONT_STORE_SYNC_FULL = 0,
    BONT_STORE_SYNC_RELAXED = 1,
} bont_store_sync_t;

/* Sets the durability of this connection's commits (no transaction open); BONT_EINVAL for an
 * unknown value. */
int bont_store_set_sync(bont_store_t *store, bont_store_sync_t sync, bont_error_t *err);

/* Checks an outcome scale id and score, and normalises the scale id ("TWSTRS" -> "twstrs").
 * "1+" for modified Ashworth is given as 1.5. BONT_EUNKNOWN / BONT_ERANGE on failure. */
int bont_store_scale_check(char *scale, size_t scale_size, double score, bont_error_t *err);

/* Parses a score as typed by a person ("32", "1+"). */
int bont_store_score_parse(const char *text, double *score, bont_error_t *err);

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
 * store's own checks: a plan whose age or sex contradicts the stored patient. Writes the visit
 * only when no finding is an error, or when override_reason is given.
 *
 * The history is read, checked and the visit written in one write transaction that first takes
 * the lock (SQLite: the file's write lock; PostgreSQL: the patient's row), so two writers
 * recording for one patient at once, in any processes or app servers, are checked one after the
 * other: the second sees the first's visit. A plan dated after the store's today, or before the
 * patient's birth, is BONT_ERANGE (field "date"). Returns 0 whether or not it wrote (see
 * result->written); a negative code only for unusable input or a store failure, with nothing
 * written. */
int bont_visit_record(bont_store_t *store, const bont_kb_t *kb, bont_plan_t *plan,
                      const bont_visit_opts_t *opts, bont_visit_result_t **result,
                      bont_error_t *err);
void bont_visit_result_free(bont_visit_result_t **result);

#endif
