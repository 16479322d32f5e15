/* bont/check.h: checks a plan against the knowledge base's rules, contraindications and the
 * patient's history, and returns findings. */
#ifndef BONT_CHECK_H
#define BONT_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/error.h"
#include "bont/kb.h"
#include "bont/plan.h"

typedef struct bont_finding_t {
    bont_severity_t severity;
    char rule[96];     /* rule id, e.g. "ona.cumulative.12w" or "contra.milk_protein" */
    char message[512]; /* one plain sentence */
    char source[256];  /* source ids, e.g. "S1 S21" */
    char evidence[32]; /* "label", "practice-guide", ... */
    char subject[96];  /* what was measured, e.g. "procerus" or "session" */
    double value;      /* the number compared (NAN when none) */
    double limit;      /* the limit it was compared with (NAN when none) */
    char unit[16];     /* unit of value and limit: "U", "mL", "U/kg", "days", "years" */
} bont_finding_t;

typedef struct bont_check_t {
    bont_finding_t *findings; /* owned; sorted errors first */
    size_t n_findings;
    size_t n_errors, n_warnings, n_notes;
    char jurisdiction[8];       /* the label whose rules were applied: "us", "eu", "cn", ... */
    char jurisdiction_asked[8]; /* the one asked for (option, plan, or "us"); differs from
                                   jurisdiction when the product has no label there */
} bont_check_t;

/* Extra history to consider beyond plan->history (e.g. from the record store). May be NULL. */
typedef struct bont_check_opts_t {
    const bont_history_t *extra_history;
    size_t n_extra_history;
    bool has_session_time;    /* session_min below is set (the exact injection time is known) */
    long long session_min;    /* injection time, minutes since 1970-01-01 00:00; makes the
                                 in-use check exact instead of within a day */
    const char *jurisdiction; /* label to apply ("us", "eu", "uk", "ca", "sa", "kr", "cn"); NULL
                                 for the plan's "jurisdiction", else "us" (docs/knowledge-base.md)
                                 */
} bont_check_opts_t;

/* Runs every check. *out is owned by the caller (bont_check_free). An unknown
 * opts->jurisdiction is BONT_EINVAL with err saying which are known. */
int bont_check_run(const bont_kb_t *kb, const bont_plan_t *plan, const bont_check_opts_t *opts,
                   bont_check_t **out, bont_error_t *err);

void bont_check_free(bont_check_t **check);

#endif
