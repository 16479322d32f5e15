/* internal.h: what the report writers share and nobody else sees: the translation hook, safe
 * strings, one formatter per quantity, JSON helpers and the SVG chart writer. */
#ifndef BONT_REPORT_INTERNAL_H
#define BONT_REPORT_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bont/i18n.h"
#include "bont/report.h"
#include "i18n/names.h"
#include "i18n/tr.h"

/* ---- Words people read --------------------------------------------------------------------
 * BONT_TR, BONT_TRN, BONT_TRC (i18n/tr.h) around every sentence, label and heading. JSON keys
 * and the values machines read (ids, "ok", "violations") stay English and do not go through
 * them. */

/* ---- Safe strings (safe.c) -----------------------------------------------------------------
 * Escaped copies for text output, valid until bont__scratch_free. */
typedef struct bont__scratch_t {
    void *head; /* owned list of copies */
} bont__scratch_t;

/* s escaped for a terminal (bont_report_put_text's rules): s itself when nothing needs escaping,
 * else a copy owned by sc ("?" when out of memory). NULL reads as "". */
const char *bont__tx(bont__scratch_t *sc, const char *s);
void bont__scratch_free(bont__scratch_t *sc);

/* JSON string of s with invalid UTF-8 replaced by U+FFFD (NULL when out of memory);
 * bont__jstr_or_null gives JSON null for NULL or "". */
json_t *bont__jstr(const char *s);
json_t *bont__jstr_or_null(const char *s);
/* A number, or null when v is not finite; the second also for v < 0 (the store's "not
 * recorded"). */
json_t *bont__jnum_or_null(double v);
json_t *bont__jnum_unless_negative(double v);
/* v rounded to sig significant digits, so the number printed is the one meant. */
json_t *bont__jreal_sig(double v, int sig);

/* Appends value to arr, taking the reference; a NULL value or array (out of memory) marks
 * *failed, so a builder returns NULL rather than a record with an entry missing. */
void bont__jappend(json_t *arr, json_t *value, bool *failed);

/* ---- One formatter per quantity (format.c) --------------------------------------------------
 * Every writer shows a quantity through the same function, so text, CSV and JSON agree. */

/* One decimal ("12.3"), or undefined when v is not finite; -0.0 shows as 0.0 (effects,
 * onset and duration in days, percent). */
void bont__fmt1(char *buf, size_t size, double v, const char *undefined);
/* The same as a JSON number, or null. */
void bont__put_num1(FILE *f, double v);
/* A JSON number with six significant digits (concentrations, shares), or null. */
void bont__put_sig6(FILE *f, double v);
/* The day axis of a daily series as JSON array items: "0, 1, ..., days". */
void bont__put_day_axis(FILE *f, int days);
/* A day as a whole number, halves rounded up (peak day), or undefined when not finite. */
void bont__fmt_day(char *buf, size_t size, double v, const char *undefined);
void bont__put_day(FILE *f, double v);
/* Units of toxin ("12.5"), four significant digits, whole numbers in full ("1000"). */
void bont__fmt_units(char *buf, size_t size, double u);
/* Millilitres ("0.125"), three significant digits, whole numbers in full. */
void bont__fmt_ml(char *buf, size_t size, double ml);
/* A share 0..1 as a percent with one decimal and its sign: "2.5 %". */
void bont__fmt_share_pct(char *buf, size_t size, double share);
/* A risk's 95 % interval for people ("(95 % CI 1.2-2.4 %)", in the thread's language; JSON:
 * bont__risk_json). */
void bont__fmt_ci95_pct(char *buf, size_t size, double lo, double hi);
/* "left", "right" or "midline" (JSON, ids); bont__side_tr (i18n/names.h) for people. */
const char *bont__side(bont_side_t s);
/* s, then spaces up to width terminal columns (CJK characters count 2). */
void bont__put_padded(FILE *f, const char *s, size_t width);
/* The JSON "lang" value: the code of the language message-like fields are written in. */
json_t *bont__jlang(void);
/* A target for people: "corrugator_supercilii (left)", "procerus"; side is the English word
 * ("left", "right", "midline" or ""), shown in the thread's language. */
void bont__target_label(char *buf, size_t size, const char *muscle, const char *side);
/* Appends item to the list in buf ("a, b, c"), with the language's separator, so a line of
 * optional attributes is built from whole items rather than from fragments with commas. */
void bont__list_add(char *buf, size_t size, const char *item);
/* Adds each id of the space-separated list ids ("S1 S21") to set, a space-padded list (" S1 S21 ";
 * an empty buffer starts one), unless it is there already, calling fn (may be NULL) for each new
 * one in order: the sources a report cites, each once, in order of first citation. */
void bont__ids_add(char *set, size_t size, const char *ids, void (*fn)(const char *id, void *user),
                   void *user);
/* "FILE (TITLE)" or "FILE" for a plan. */
void bont__plan_label(char *buf, size_t size, const bont_plan_t *plan);

/* ---- Adverse reactions (reactionout.c) ------------------------------------------------------ */

/* A rate as a natural frequency: "about 2 in 100 people", "about 1 in 250 people". */
void bont__fmt_people(char *buf, size_t size, double rate_pct);
/* The rows as an aligned table indented by two (effect, treated, placebo, in people, dose,
 * [design,] source). */
int bont__reactions_table(FILE *f, const bont_adverse_reaction_t *rows, size_t n, bool design,
                          bont__scratch_t *sc);

/* ---- JSON written by hand (the long day-by-day series) --------------------------------------
 * s as a JSON string literal: controls escaped, invalid UTF-8 replaced by U+FFFD. */
void bont__put_json_str(FILE *f, const char *s);
/* Runs a streaming JSON writer into memory and parses what it wrote: the json_t form of a
 * contract that is written by hand, so both forms come from one writer. */
json_t *bont__json_from_writer(int (*write)(FILE *f, const void *ctx), const void *ctx);

/* A writer's result: rc when it is an error already, else BONT_EIO when the stream failed,
 * else 0. */
int bont__stream_rc(FILE *f, int rc);

/* ---- SVG line charts (svg.c) ---------------------------------------------------------------- */

/* One line (or set of markers) of a chart; arrays are borrowed. */
typedef struct bont__svg_series_t {
    const char *label; /* shown at the line's end (lines) or in the legend (markers) */
    const double *x;
    const double *y;
    size_t n;
    bool markers;       /* draw points with their own symbol instead of a line */
    const double *y_lo; /* optional error bars for markers (NULL for none) */
    const double *y_hi;
    const double *band_lo; /* optional shaded band around a line, e.g. 5-95 % */
    const double *band_hi;
} bont__svg_series_t;

typedef struct bont__svg_chart_t {
    const char *title;
    const char *subtitle; /* may be NULL */
    const char *x_label;  /* with unit, e.g. "days after injection" */
    const char *y_label;  /* with unit, e.g. "effect (% loss of function)" */
    double x_min, x_max, y_min, y_max;
    bool x_days; /* ticks at weeks/months rather than round decimals */
    const bont__svg_series_t *series;
    size_t n_series;
    const char *const *notes; /* lines of text under the chart (may be NULL) */
    size_t n_notes;
} bont__svg_chart_t;

/* Writes a self-contained SVG (white background, black axes, grey grid, each line its own colour
 * and dash pattern so it stays readable when printed in black and white). Every string is
 * escaped for XML. Returns 0, BONT_EINVAL for an empty range, or BONT_EIO. */
int bont__svg_write(FILE *f, const bont__svg_chart_t *chart);

/* ---- What the one-patient and population writers share (effectout.c) ---------------------- */

/* "Plan        FILE (TITLE)" (when plan is not NULL) and "Model       NAME: TITLE". */
void bont__model_heading(FILE *f, const bont_plan_t *plan, const bont_model_t *m,
                         bont__scratch_t *sc);

/* The effect of each structure at landmark days (those of marks up to days, and days). */
typedef struct bont__course_t {
    const char *heading; /* of the first column */
    const int *marks;
    size_t n_marks;
    int days;
    size_t n_rows;
    const bont_target_t *(*target)(const void *ctx, size_t row);
    void (*cell)(char *buf, size_t size, const void *ctx, size_t row, int day);
    const void *ctx;
} bont__course_t;
int bont__course_table(FILE *f, const bont__course_t *c, bont__scratch_t *sc);

/* The chart of effect (percent) against days 0..days, titled by the plan's title or file; sets
 * each series' x and n. */
int bont__effect_svg(FILE *f, const bont_plan_t *plan, int days, const char *subtitle,
                     bont__svg_series_t *series, size_t n, const char *const *notes,
                     size_t n_notes);

/* ---- Side-effect risks (riskout.c) --------------------------------------------------------- */

/* One side effect's entry: {effect, probability, ci95_pct, calibrated, threshold_pct, muscle,
 * side, reason, structures: [{muscle, side, probability, ci95_pct, threshold_pct, reason}]};
 * NULL when out of memory. The second: the array of n. */
json_t *bont__risk_json(const bont_effect_risk_t *e);
json_t *bont__risks_json(const bont_effect_risk_t *risks, size_t n);
/* A table of risks with its header (NULL when out of memory); bont__risk_rows adds an effect's
 * per-person line ("*" when not calibrated) and its structures indented below it. */
struct bont__table_t;
struct bont__table_t *bont__risk_table_new(void);
int bont__risk_rows(struct bont__table_t *t, const bont_effect_risk_t *e, bont__scratch_t *sc);

#endif
