/* bont/kb.h: the knowledge base (products with their excipients and labels, muscles,
 * indications, rules, contraindications, guidance, adverse-reaction tables, jurisdictions and
 * sources), loaded from the data/ files embedded in the library at build time
 * (docs/knowledge-base.md). */
#ifndef BONT_KB_H
#define BONT_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"

/* Every string below is owned by the knowledge base and lives as long as it does. */

typedef enum bont_severity_t {
    BONT_SEV_NOTE = 0,
    BONT_SEV_WARNING = 1,
    BONT_SEV_ERROR = 2,
} bont_severity_t;

typedef struct bont_vial_t {
    double units;            /* labelled units in the vial */
    double diluent_ml_min;   /* smallest labelled diluent volume, mL (0 for ready-made solution) */
    double diluent_ml_max;   /* largest labelled diluent volume, mL; <0 when not known */
    double solution_ml;      /* volume already in the vial (ready-made solution), mL; 0 if dry */
    bool derived;            /* range derived (e.g. from the labelled concentration), see note */
    bont_severity_t outside; /* finding when the diluent volume is outside the range (every
                                label read says warning) */
    const char *source;      /* source ids, e.g. "S12" */
    const char *note;        /* how the range was read or derived */
} bont_vial_t;

/* One excipient a product's label lists. */
typedef struct bont_excipient_t {
    const char *term;   /* term id of kind "allergy" (terms.json), e.g. "gelatin" */
    const char *amount; /* amount per vial in words, or NULL when the label read gives none */
    const char *source; /* source ids */
} bont_excipient_t;

/* One label of a product that was read: whose it is and what it covers. */
typedef struct bont_label_t {
    const char *jurisdiction; /* "us", "eu", "uk", "ca", "sa", "kr", "cn" */
    const char *name;         /* the product's name under that label, e.g. "Botox (France)" */
    const char **indications; /* indication ids the label covers; n_indications entries */
    size_t n_indications;
    const char *source; /* source ids */
} bont_label_t;

typedef struct bont_product_t {
    const char *id;       /* INN, e.g. "onabotulinumtoxinA" */
    const char *display;  /* brand shown to people, e.g. "Botox" */
    char serotype;        /* 'A' or 'B' */
    const char **aliases; /* brand names in any language; n_aliases entries */
    size_t n_aliases;
    const bont_vial_t *vials; /* labelled vial sizes; n_vials entries */
    size_t n_vials;
    double in_use_h;           /* hours usable after reconstitution; <0 when not known */
    const char *in_use_source; /* source of in_use_h, or the reason it is unknown */
    const char *excipients;    /* excipients in words, for people */
    const bont_excipient_t *excipient_list; /* every excipient the label lists; n_excipients
                                               (0: not confirmed from the sources read) */
    size_t n_excipients;
    const bont_label_t *labels; /* the labels read, the product's main label first; n_labels */
    size_t n_labels;
    double ratio_min;         /* literature ratio to onabotulinumtoxinA units (product U per */
    double ratio_max;         /* 1 onabotulinumtoxinA U); both <0 when no accepted ratio */
    const char *ratio_source; /* source ids of the ratio */
    const char *ratio_note;   /* what the ratio rests on */
    const char *source;       /* source ids for serotype, vials and excipients */
} bont_product_t;

typedef struct bont_muscle_t bont_muscle_t;

typedef struct bont_neighbour_t {
    const char *id;              /* muscle id of the neighbouring structure */
    const bont_muscle_t *muscle; /* that structure (kb-owned), resolved when the kb loads */
    double distance_mm;          /* approximate centre-to-edge distance, mm */
    bool fascia;                 /* a fascial plane separates the two */
    bool estimate;      /* distance is an estimate (see note) rather than a measured value */
    const char *source; /* source ids or estimate note */
} bont_neighbour_t;

struct bont_muscle_t {
    const char *id;       /* English snake_case id, e.g. "corrugator_supercilii" */
    const char *kind;     /* "muscle", "gland", "skin" or "organ" */
    const char *region;   /* e.g. "face_upper", "neck", "upper_limb" */
    bool sided;           /* exists on the left and on the right */
    const char *name_en;  /* first English name */
    const char *name_zh;  /* first Chinese name */
    const char *name_ko;  /* first Korean name */
    const char **aliases; /* every name in every language, ids included */
    size_t n_aliases;
    double volume_ml;     /* approximate volume, mL; <0 when not known */
    double volume_ml_min; /* range of published or estimated volumes */
    double volume_ml_max;
    bool volume_estimate; /* volume is an estimate (see volume_source) */
    const char *volume_source;
    double thickness_mm; /* a sheet's thickness, mm (docs/spread.md section 2); <=0: compact */
    const char *thickness_source;
    const bont_neighbour_t *neighbours;
    size_t n_neighbours;
    const char *side_effect;       /* effect id when this muscle's weakness is a known side
                                      effect, e.g. "ptosis", else NULL */
    const char *side_effect_label; /* in words, e.g. "eyelid ptosis" */
};

typedef struct bont_indication_t {
    const char *id; /* e.g. "glabellar_lines" */
    const char *name_en;
    const char *name_zh;
    const char *name_ko;
    const char **aliases;
    size_t n_aliases;
    bool pediatric;       /* indication is for children (2-17 y) */
    bool rules_apply;     /* false for "research": no label rules */
    bool off_label;       /* off-label for every product (practice values only) */
    const char **muscles; /* labelled or usual targets; 0 entries means any */
    size_t n_muscles;
    double diluent_ml_max; /* larger total dilution used by this indication's label, or <0 */
    const char *diluent_source;
    const char *note; /* e.g. "off-label for every product" */
    /* Off-label indications: the level of evidence from a guideline or evidence-based review
     * (all NULL when none is held). */
    const char *evidence_level;  /* e.g. "B", or "not graded" */
    const char *evidence_scale;  /* what the level means, e.g. the AAN classification */
    const char *evidence_source; /* source ids */
    const char *evidence_note;   /* the finding in words */
} bont_indication_t;

typedef enum bont_rule_type_t {
    BONT_RULE_UNITS_PER_SITE,    /* units at one injection site */
    BONT_RULE_VOLUME_PER_SITE,   /* mL at one injection site */
    BONT_RULE_UNITS_PER_MUSCLE,  /* units in one muscle (one side) per session */
    BONT_RULE_UNITS_PER_LIMB,    /* units in the muscles of one limb per session */
    BONT_RULE_UNITS_PER_SESSION, /* units in the session */
    BONT_RULE_CUMULATIVE,        /* units of the product within a window, across indications */
    BONT_RULE_MIN_INTERVAL,      /* days since the last session for the same indication */
    BONT_RULE_AGE,               /* patient age in years */
    BONT_RULE_SITES_PER_MUSCLE,  /* number of injection sites in one muscle */
    BONT_RULE_TYPE_COUNT
} bont_rule_type_t;

/* A session maximum for patients in one weight band (a weight-banded label dose). */
typedef struct bont_weight_band_t {
    double kg_min; /* from this weight, kg (inclusive) */
    double kg_max; /* to this weight, kg (exclusive); <0 = no upper bound */
    double max;    /* the session maximum, U */
} bont_weight_band_t;

typedef struct bont_rule_t {
    const char *id; /* stable rule id, e.g. "ona.cd.scm.max" */
    bont_rule_type_t type;
    const char *product;      /* product id, or NULL for every product */
    const char **indications; /* indication ids; n_indications == 0 means every indication */
    size_t n_indications;
    bool across_indications;    /* CUMULATIVE: count history of every indication (else only the
                                   rule's indications) */
    bool both_sides;            /* UNITS_PER_MUSCLE: limit is for left + right together */
    const char *muscle;         /* muscle id for per-muscle/site rules, or NULL */
    const char *region;         /* region for per-limb rules ("upper_limb"), or NULL */
    const char *population;     /* "adult", "pediatric" or NULL for both */
    double min;                 /* lower bound (units, mL, days or years); <0 = none */
    double max;                 /* upper bound; <0 = none */
    double per_kg_min;          /* lower bound in U/kg; <0 = none */
    double per_kg_max;          /* upper bound in U/kg; <0 = none */
    double window_days;         /* for BONT_RULE_CUMULATIVE: the window */
    bont_severity_t over;       /* severity when above max */
    bont_severity_t under;      /* severity when below min */
    const char *evidence;       /* "label", "label-secondary", "trial", "practice-guide",
                                   "off-label", "weak-secondary" */
    const char *source;         /* source ids */
    const char *note;           /* the rule in words, for people */
    const char **jurisdictions; /* whose label it comes from ("us", "eu", ...; "any" = not tied
                                   to a label); n_jurisdictions >= 1 */
    size_t n_jurisdictions;
    const char *per; /* VOLUME_PER_SITE: "muscle" when the bound is per muscle, else NULL */
    /* AGE: why an age outside the bounds is outside the label: "contraindicated",
     * "not_established", "outside_indication" or "adult_rules_apply" (no finding: the adult
     * rules take over); NULL when not stated. */
    const char *age_basis_under;
    const char *age_basis_over;
    double weight_kg_min; /* below this weight the label does not apply (a warning); <0 = none */
    const bont_weight_band_t *weight_bands; /* session maxima by weight; n_weight_bands */
    size_t n_weight_bands;
} bont_rule_t;

typedef struct bont_term_t {
    const char *id;    /* canonical id, e.g. "myasthenia_gravis", "gentamicin" */
    const char *kind;  /* "condition", "medication" or "allergy" */
    const char *group; /* class it belongs to, e.g. "aminoglycoside", or NULL */
    const char **aliases;
    size_t n_aliases;
} bont_term_t;

typedef struct bont_contra_t {
    const char *id;       /* e.g. "neuromuscular_disease" */
    const char *kind;     /* "condition", "medication", "allergy", "pregnancy", "breastfeeding",
                             "excipient" (an allergy to matches[] when the product's
                             excipient_list holds it) or "excipient_list" (an allergy to any
                             other excipient the product lists) */
    const char **matches; /* term ids or groups that trigger it */
    size_t n_matches;
    const char **products; /* products it applies to; n_products == 0 means every product */
    size_t n_products;
    const char **indications; /* indications it applies to; 0 means every indication */
    size_t n_indications;
    bont_severity_t severity;
    const char *message; /* plain sentence for people */
    const char *source;
    const char **jurisdictions; /* whose label states it; "any" = every label read */
    size_t n_jurisdictions;
    const char *differs_from; /* the contraindication or warning another jurisdiction applies
                                 to the same condition, or NULL */
} bont_contra_t;

/* A fact the checks use that is no dose rule of one product (data/history-rules.json): e.g.
 * "history.other_product", the window in which other products' units are reported, or
 * "population.pediatric", the age below which a rule marked "pediatric" applies. */
typedef struct bont_history_rule_t {
    const char *id;         /* e.g. "history.other_product" */
    double window_days;     /* the window it looks back, days; <0 when it has none */
    double age_below_years; /* a population's upper age bound (exclusive); <0 when none */
    const char *evidence;   /* evidence class shown with its findings, or NULL */
    const char *source;     /* source ids */
    const char *note;       /* the rule in words */
} bont_history_rule_t;

typedef struct bont_source_t {
    const char *id;   /* e.g. "S1" */
    const char *kind; /* "label", "paper", "guideline", "label-summary",
                         "practice-guide", "secondary", "estimate-basis" */
    const char *title;
    const char *url;          /* where it was read, or "" */
    const char *issuer;       /* who issued it (regulator, manufacturer, journal), or NULL */
    const char *date;         /* date of issue, or NULL */
    const char *version;      /* version or "undated page, as read", or NULL */
    bool primary;             /* the label text itself, a paper or a guideline */
    const char *jurisdiction; /* for labels: whose label, or NULL */
    const char *read_via;     /* where a copy was read when not at url, or NULL */
    const char *note;         /* or NULL */
} bont_source_t;

/* A jurisdiction whose labels bont holds rules from (data/jurisdictions.json). */
typedef struct bont_jurisdiction_t {
    const char *id;        /* "us", "eu", "uk", "ca", "sa", "kr", "cn" or "any" */
    const char *regulator; /* e.g. "US FDA" */
    const char *label;     /* what its label is called, e.g. "US label", "EU SmPC" */
    const char **near;     /* jurisdictions whose label stands in when a product has none of
                              this one's (eu -> uk); n_near entries */
    size_t n_near;
    bool selectable; /* may be asked for (--jurisdiction, the plan's "jurisdiction") */
} bont_jurisdiction_t;

/* A way of placing the needle (data/guidance.json), named in three languages. */
typedef struct bont_guidance_method_t {
    const char *id; /* "emg", "ultrasound", "stimulation" or "palpation" */
    const char *name_en;
    const char *name_zh;
    const char *name_ko;
    const char **aliases; /* every name in every language, the id included */
    size_t n_aliases;
} bont_guidance_method_t;

/* What a label says about guidance for a product and indications (data/guidance.json). */
typedef struct bont_guidance_rule_t {
    const char *id;      /* e.g. "ona.strab.guidance" */
    const char *product; /* product id, or NULL for every product */
    const char **indications;
    size_t n_indications;
    const char **accepted; /* guidance method ids the label accepts */
    size_t n_accepted;
    int other;    /* bont_severity_t when a plan names another method; -1 for no finding */
    int unstated; /* bont_severity_t when it names none; -1 for no finding */
    const char *evidence;
    const char *source;
    const char **jurisdictions;
    size_t n_jurisdictions;
    const char *note; /* the rule in words */
} bont_guidance_rule_t;

/* An adverse effect a label table or paper reports (data/adverse-reactions.json). */
typedef struct bont_adverse_effect_t {
    const char *id; /* e.g. "ptosis", "dysphagia", "headache" */
    const char *name_en;
    const char *name_zh;
    const char *name_ko;
    const char **aliases;
    size_t n_aliases;
    const char *model_effect; /* the spread model's side-effect id when it is the same effect
                                 (muscles.json side_effect), else NULL */
} bont_adverse_effect_t;

/* One adverse reaction of one product in one indication, as its source reports it: one row per
 * dose group where the table splits by dose. */
typedef struct bont_adverse_reaction_t {
    const char *product;                       /* product id */
    const char *indication;                    /* indication id */
    const char *effect;                        /* effect id */
    const bont_adverse_effect_t *effect_entry; /* that effect (kb-owned) */
    double rate_pct;                           /* share of treated patients with it, % */
    double placebo_pct;                        /* in the placebo group, %; NAN when not given */
    const char *dose;                          /* dose group in words, e.g. "20 U", or NULL */
    double n;                                  /* treated patients; NAN when not given */
    double n_placebo;                          /* placebo patients; NAN when not given */
    const char *design;                        /* e.g. "placebo-controlled", "observational" */
    const char *jurisdiction;                  /* "us" for a label table, "any" for a paper */
    const char *source;                        /* source ids */
    const char *where;                         /* the table or passage it comes from */
    const char *note;                          /* or NULL */
} bont_adverse_reaction_t;

typedef struct bont_kb_t bont_kb_t;

/* Loads the knowledge base embedded at build time. On failure *out is NULL and err says which
 * data file and entry is wrong. */
int bont_kb_load(bont_kb_t **out, bont_error_t *err);

/* Loads the knowledge base from the JSON files in dir (for data development and tests). */
int bont_kb_load_dir(bont_kb_t **out, const char *dir, bont_error_t *err);

/* Frees kb and sets *kb to NULL. */
void bont_kb_free(bont_kb_t **kb);

/* Look-ups by id or by any alias (case-insensitive for Latin letters; spaces, hyphens and
 * underscores are the same). Return NULL when nothing matches. */
const bont_product_t *bont_kb_product(const bont_kb_t *kb, const char *name);
const bont_muscle_t *bont_kb_muscle(const bont_kb_t *kb, const char *name);
const bont_indication_t *bont_kb_indication(const bont_kb_t *kb, const char *name);
const bont_term_t *bont_kb_term(const bont_kb_t *kb, const char *name);
const bont_source_t *bont_kb_source(const bont_kb_t *kb, const char *id);
const bont_guidance_method_t *bont_kb_guidance_method(const bont_kb_t *kb, const char *name);
const bont_adverse_effect_t *bont_kb_adverse_effect(const bont_kb_t *kb, const char *name);
/* By id only. */
const bont_jurisdiction_t *bont_kb_jurisdiction(const bont_kb_t *kb, const char *id);
const bont_rule_t *bont_kb_rule(const bont_kb_t *kb, const char *id);
const bont_contra_t *bont_kb_contra(const bont_kb_t *kb, const char *id);
const bont_guidance_rule_t *bont_kb_guidance_rule(const bont_kb_t *kb, const char *id);

/* The excipient of product that an allergy to term (an id or its group) names, or NULL. */
const bont_excipient_t *bont_kb_excipient_of(const bont_kb_t *kb, const bont_product_t *product,
                                             const bont_term_t *term);

/* The jurisdictions that may be asked for, as "us, eu, uk, ..." (for messages). */
void bont_kb_jurisdiction_names(const bont_kb_t *kb, char *buf, size_t size);

/* The vial of product that holds units, or NULL when the product comes in no such vial. */
const bont_vial_t *bont_kb_vial(const bont_product_t *product, double units);

/* The label of product under jurisdiction, or NULL when bont holds none. */
const bont_label_t *bont_kb_label(const bont_product_t *product, const char *jurisdiction);

/* The adverse reactions of product in indication, most frequent first (kb-owned, contiguous);
 * *n gets how many, and NULL with *n = 0 when no table is held. Rates are those of the source
 * (a label table or a paper): the model's side-effect risks are compared with these, and a
 * handout prints them. */
const bont_adverse_reaction_t *bont_kb_adverse_reactions(const bont_kb_t *kb,
                                                         const bont_product_t *product,
                                                         const bont_indication_t *indication,
                                                         size_t *n);
/* The history rule with this id, or NULL. */
const bont_history_rule_t *bont_kb_history_rule(const bont_kb_t *kb, const char *id);

/* Iteration over everything of one kind. */
size_t bont_kb_n_products(const bont_kb_t *kb);
const bont_product_t *bont_kb_product_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_muscles(const bont_kb_t *kb);
const bont_muscle_t *bont_kb_muscle_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_indications(const bont_kb_t *kb);
const bont_indication_t *bont_kb_indication_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_rules(const bont_kb_t *kb);
const bont_rule_t *bont_kb_rule_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_contras(const bont_kb_t *kb);
const bont_contra_t *bont_kb_contra_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_sources(const bont_kb_t *kb);
const bont_source_t *bont_kb_source_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_jurisdictions(const bont_kb_t *kb);
const bont_jurisdiction_t *bont_kb_jurisdiction_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_guidance_methods(const bont_kb_t *kb);
const bont_guidance_method_t *bont_kb_guidance_method_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_guidance_rules(const bont_kb_t *kb);
const bont_guidance_rule_t *bont_kb_guidance_rule_at(const bont_kb_t *kb, size_t i);
size_t bont_kb_n_adverse_effects(const bont_kb_t *kb);
const bont_adverse_effect_t *bont_kb_adverse_effect_at(const bont_kb_t *kb, size_t i);
/* Every adverse reaction, sorted by product, indication, then rate (highest first). */
size_t bont_kb_n_adverse_reactions(const bont_kb_t *kb);
const bont_adverse_reaction_t *bont_kb_adverse_reaction_at(const bont_kb_t *kb, size_t i);

/* Up to max names (ids) closest to name among the kind "product", "muscle", "indication",
 * "term", "guidance" or "effect", best first, for "did you mean" messages. Returns how many were
 * written. */
size_t bont_kb_suggest(const bont_kb_t *kb, const char *kind, const char *name, const char **out,
                       size_t max);

/* The rule type's data name ("units_per_site") and back. */
const char *bont_rule_type_name(bont_rule_type_t type);
int bont_rule_type_parse(const char *name, bont_rule_type_t *out);
const char *bont_severity_name(bont_severity_t sev);

#endif
