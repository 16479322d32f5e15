/* bont/plan.h: an injection plan read from JSON (docs/plan-format.md), resolved against the
 * knowledge base. */
#ifndef BONT_PLAN_H
#define BONT_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/date.h"
#include "bont/error.h"
#include "bont/kb.h"

/* The largest plan read from a file, standard input or text: 4 MiB, some hundred times the
 * largest real plan (docs/plan-format.md). Larger input is refused with BONT_ETOOBIG as soon as
 * its byte 4 MiB + 1 arrives, so an endless input (/dev/zero, a pipe that keeps writing) is
 * refused at once and never held in memory beyond the limit. */
#define BONT_PLAN_MAX_BYTES ((size_t)4 << 20)

typedef enum bont_side_t { BONT_SIDE_NONE = 0, BONT_SIDE_LEFT, BONT_SIDE_RIGHT } bont_side_t;

typedef enum bont_guidance_t {
    BONT_GUIDE_UNKNOWN = 0, /* not given */
    BONT_GUIDE_PALPATION,
    BONT_GUIDE_EMG,
    BONT_GUIDE_STIMULATION,
    BONT_GUIDE_ULTRASOUND,
} bont_guidance_t;

typedef struct bont_injection_t {
    const bont_muscle_t *muscle; /* resolved target (kb-owned) */
    bont_side_t side;            /* NONE for midline targets */
    double units;                /* units of the plan's product into this muscle (all sites) */
    int sites;                   /* injection sites (>= 1) */
    double volume_ml;            /* total volume injected, mL (from the dilution or given) */
    bont_guidance_t guidance;
    double endplate_mm; /* needle distance from the endplate zone, mm; <0 unknown */
    int line, column;   /* where the entry starts in the plan file */
} bont_injection_t;

typedef struct bont_history_t {
    char date[11];                       /* YYYY-MM-DD */
    long day;                            /* days since 1970-01-01 */
    const bont_product_t *product;       /* kb-owned */
    const bont_indication_t *indication; /* kb-owned; NULL when not given */
    double units;
    int line, column;
} bont_history_t;

typedef struct bont_patient_t {
    double age_years; /* <0 when not given */
    char sex[16];     /* "female", "male", "other" or "" */
    double weight_kg; /* <0 when not given */
    bool pregnant;
    bool breastfeeding;
    const bont_term_t **conditions; /* recognised terms (kb-owned), n_conditions entries */
    size_t n_conditions;
    const bont_term_t **medications;
    size_t n_medications;
    const bont_term_t **allergies;
    size_t n_allergies;
    char **unrecognised;      /* names given but not in the knowledge base (plan-owned) */
    char **unrecognised_kind; /* "condition", "medication" or "allergy" for each */
    size_t n_unrecognised;
} bont_patient_t;

typedef struct bont_plan_t {
    char *file;                          /* file name for messages (plan-owned) */
    char *title;                         /* optional free text (plan-owned) or NULL */
    char date[11];                       /* session date YYYY-MM-DD */
    long day;                            /* days since 1970-01-01 */
    const bont_indication_t *indication; /* kb-owned */
    const bont_product_t *product;       /* kb-owned */
    double vial_units;                   /* units in the vial */
    double diluent_ml;                   /* diluent added, mL */
    char vial_lot[64];                   /* lot number, or "" */
    bool has_expiry;                     /* vial_expiry_day is set */
    long vial_expiry_day;                /* expiry date, days since 1970-01-01 */
    bool has_reconstituted;              /* vial_reconstituted_min is set */
    bool reconstituted_has_time;         /* the time of day was given, not only the date */
    long long vial_reconstituted_min;    /* reconstitution time, minutes since 1970-01-01 00:00 */
    char jurisdiction[8]; /* label the plan asks to be checked against ("us", "eu", ...), or "" */
    bont_patient_t patient;
    bont_injection_t *injections;
    size_t n_injections;
    bont_history_t *history;
    size_t n_history;
    /* Optional "expect" block used by examples and tests. */
    char expect_verdict[16]; /* "ok", "violations", or "" */
    char **expect_rules;     /* rule ids expected among the findings */
    size_t n_expect_rules;
    char *text; /* the plan's JSON text as read (plan-owned), for positions */
} bont_plan_t;

/* Parses a plan from JSON text (at most BONT_PLAN_MAX_BYTES). filename is used in messages only.
 * On failure *out is NULL and err holds file, line, column, field and a sentence. Returns 0 or a
 * negative bont_errno_t (BONT_ETOOBIG for longer text, BONT_ENOMEM when memory runs out). */
int bont_plan_parse(const bont_kb_t *kb, const char *text, size_t len, const char *filename,
                    bont_plan_t **out, bont_error_t *err);

/* Reads and parses the plan in path ("-" reads standard input); BONT_EIO when it cannot be read
 * (err says why: no such file, a folder, permission denied), BONT_ETOOBIG beyond
 * BONT_PLAN_MAX_BYTES. */
int bont_plan_load(const bont_kb_t *kb, const char *path, bont_plan_t **out, bont_error_t *err);

void bont_plan_free(bont_plan_t **plan);

/* Units per 0.1 mL after reconstitution, and mL per unit; 0 when the plan has no dilution. */
double bont_plan_units_per_ml(const bont_plan_t *plan);

const char *bont_side_name(bont_side_t side);
const char *bont_guidance_name(bont_guidance_t g);

#endif
