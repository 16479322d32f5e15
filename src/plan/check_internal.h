/* check_internal.h: what the checker's files share: the checker's state, the finding writer and
 * the choice of the label whose rules apply (docs/knowledge-base.md, Jurisdictions). */
#ifndef BONT_PLAN_CHECK_INTERNAL_H
#define BONT_PLAN_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/check.h"

/* What a rule limits, for choosing whose rules apply: a label's own rules of a category are
 * used when it has any; otherwise those of the product's other labels stand in. */
typedef enum bont__category_t {
    BONT__CAT_AGE,
    BONT__CAT_DOSE, /* every rule that is not an age rule: units, volumes, sites, intervals */
    BONT__CAT_GUIDANCE,
    BONT__CAT_COUNT
} bont__category_t;

typedef struct bont__checker_t {
    const bont_kb_t *kb;
    const bont_plan_t *plan;
    const bont_check_opts_t *opts;  /* may be NULL */
    bont_check_t *out;              /* findings go here */
    size_t cap;                     /* findings allocated in out */
    int failed;                     /* out of memory */
    const bont_history_t **history; /* plan history + extra history (owned by bont_check_run) */
    size_t n_history;
    const bont_history_rule_t *other_product;    /* data/history-rules.json */
    const bont_history_rule_t *other_indication; /* data/history-rules.json */
    const char *used;                            /* jurisdiction whose label applies */
    const char *borrowed[BONT__CAT_COUNT];       /* label standing in for a category, or NULL */
    bool other_pass; /* running the rules of other labels: no exit-2 errors, no side notes */
} bont__checker_t;

/* Adds a finding (a printf-style sentence); marks C->failed when out of memory. */
void bont__check_add(bont__checker_t *C, bont_severity_t sev, const char *rule,
                     const char *evidence, const char *source, const char *subject, double value,
                     double limit, const char *unit, const char *fmt, ...)
    __attribute__((format(printf, 10, 11)));

/* Whether a rule's product, indications and population fit the plan (jurisdictions aside). */
int bont__check_rule_fits(const bont__checker_t *C, const bont_rule_t *r);
int bont__check_guidance_fits(const bont__checker_t *C, const bont_guidance_rule_t *g);
int bont__check_contra_fits(const bont__checker_t *C, const bont_contra_t *c);

/* The category of a rule. */
bont__category_t bont__check_category(const bont_rule_t *r);

/* Whether the rules of a category with these jurisdictions apply under the label chosen (its
 * own, "any", or the label standing in for the category); BONT__CAT_COUNT for
 * contraindications, for which no other label stands in. */
int bont__check_selected(const bont__checker_t *C, bont__category_t cat,
                         const char *const *jurisdictions, size_t n);

/* Chooses the label (C->used, the labels standing in) and gives the jurisdiction notes;
 * out->jurisdiction and out->jurisdiction_asked are set. */
void bont__check_choose_label(bont__checker_t *C);

/* What the labels held say: "EU SmPC" or "EU SmPC / UK SmPC" for a list of jurisdictions,
 * preferring the one applied. */
void bont__check_label_names(const bont__checker_t *C, const char *const *jurisdictions, size_t n,
                             char *buf, size_t size);

/* Contraindications, excipient allergies and unrecognised terms (check_contra.c); with
 * other_pass, those of the other labels only. */
void bont__check_contras(bont__checker_t *C);

/* The guidance rules (check_label.c). */
void bont__check_guidance(bont__checker_t *C, const bont_guidance_rule_t *g);

/* The findings the other labels would give that differ from those given: reruns the rules and
 * contraindications not applied and adds jurisdiction.other_label notes. apply_rule runs one
 * rule into a checker. */
void bont__check_other_labels(bont__checker_t *C,
                              void (*apply_rule)(bont__checker_t *C, const bont_rule_t *r));

/* The diluent volume against the vial's labelled range (vial.dilution_outside_label). */
void bont__check_dilution(bont__checker_t *C);

#endif
