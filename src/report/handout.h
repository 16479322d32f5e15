/* handout.h: the facts of a patient handout, computed once and shown by the text, HTML and JSON
 * writers alike, so the three formats and the three languages carry the same numbers. */
#ifndef BONT_REPORT_HANDOUT_H
#define BONT_REPORT_HANDOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/report.h"

#define HANDOUT_MAX_AREAS 64
#define HANDOUT_MAX_RISKS 16
#define HANDOUT_MAX_AES   12
/* Side effects from this share of treated people up are "common" on the handout (the CIOMS
 * frequency bands: common is 1 in 100 or more). */
#define HANDOUT_COMMON_PCT 1.0

/* When most people notice the effect, when it is strongest and when it wears off, over the
 * virtual patients (handout_course in handout.c is the one place that reads them). */
typedef struct bont__course_window_t {
    bool known;                   /* the population gave readouts */
    long notice_min_day;          /* 10th percentile of the day a patient first notices it */
    long notice_max_day;          /* 90th percentile */
    long peak_day;                /* median day of the strongest effect */
    long off_min_week;            /* 10th percentile of the wear-off, weeks after the injection */
    long off_max_week;            /* 90th percentile (the horizon when later) */
    size_t n_patients;            /* virtual patients */
    const double *p5, *p50, *p95; /* effect percent per day of the main target (pop-owned) */
    int days;                     /* horizon: the series have days + 1 entries */
} bont__course_window_t;

typedef struct bont__handout_area_t {
    char label[192]; /* the area in lay words, with its side */
    double units;
} bont__handout_area_t;

/* A side effect of the product in the indication, as its source reports it. */
typedef struct bont__handout_ae_t {
    const char *effect; /* effect id */
    char name[128];     /* for patients, in the thread's language */
    double rate_pct;    /* treated group, percent */
    double placebo_pct; /* placebo group, percent; NAN when not given */
    const char *source; /* source ids */
} bont__handout_ae_t;

typedef struct bont__handout_risk_t {
    char effect[32]; /* effect id */
    char name[128];  /* for patients, in the thread's language */
    double pct;      /* share of virtual patients, percent */
} bont__handout_risk_t;

typedef struct bont__handout_facts_t {
    const bont_handout_t *h;
    bool errors; /* the plan breaks a rule */
    bool face;   /* an injection is in the face (aftercare "face" applies) */
    bont__handout_area_t areas[HANDOUT_MAX_AREAS];
    size_t n_areas;
    double total_units;
    char product[160]; /* "Botox (onabotulinumtoxinA)" */
    char date[64];     /* the session date written out */
    bont__course_window_t course;
    char next_date[64];   /* earliest next treatment written out, "" when unknown */
    char next_iso[11];    /* the same as YYYY-MM-DD */
    double interval_days; /* the label's interval it rests on (<0 when none) */
    bont__handout_risk_t risks[HANDOUT_MAX_RISKS];
    size_t n_risks;
    bont__handout_ae_t aes[HANDOUT_MAX_AES];
    size_t n_aes;
} bont__handout_facts_t;

/* Fills the facts; 0, or BONT_EINVAL when h lacks the plan, kb or content. */
int bont__handout_facts(const bont_handout_t *h, bont__handout_facts_t *x);

/* The handout sentence key filled with the facts' placeholders ({notice_min}, {next_date},
 * {clinic}, ...) and n more (names, values: {area}, {units}, ...) into buf. */
void bont__handout_sentence(const bont__handout_facts_t *x, const char *key,
                            const char *const *names, const char *const *values, size_t n,
                            char *buf, size_t size);

/* Whether aftercare item (from data/aftercare.json) applies to this plan. */
bool bont__handout_applies(const bont__handout_facts_t *x, const void *item);

/* The evidence of an aftercare item for people ("practice convention" -> its words). */
const char *bont__handout_evidence(const char *evidence);

/* ---- One walk over the sections, two forms (text, HTML) --------------------------------------
 * The walk decides what is said and in which order; an emitter only decides how it looks. */
typedef enum bont__handout_style_t {
    HANDOUT_PLAIN = 0, /* a sentence */
    HANDOUT_ALERT,     /* the plan's errors, said at the top */
    HANDOUT_NOTE,      /* a smaller line: the model's caveat, the disclaimer */
} bont__handout_style_t;

typedef struct bont__handout_emitter_t {
    void (*begin)(void *ctx, const bont__handout_facts_t *x, const char *title);
    /* A section: id names it for a stylesheet ("warning", "what", ...). */
    void (*section)(void *ctx, const char *id, const char *heading);
    void (*para)(void *ctx, const char *text, bont__handout_style_t style);
    /* A list item, with an optional second line in smaller type (detail may be NULL). */
    void (*item)(void *ctx, const char *text, const char *detail);
    void (*list_end)(void *ctx);
    void (*timeline)(void *ctx, const bont__handout_facts_t *x);
    void (*end)(void *ctx);
} bont__handout_emitter_t;

void bont__handout_walk(const bont__handout_facts_t *x, const bont__handout_emitter_t *e,
                        void *ctx);

/* The inline SVG timeline of the handout (handout_html.c). */
void bont__handout_svg(FILE *f, const bont__handout_facts_t *x);

#endif
