/* bont/report.h: every output bont shows a person or hands a program: text tables, JSON, CSV
 * and SVG for check findings, simulations, populations, patient records, recall, the due list,
 * validation and the knowledge base. The command-line tool and the web server call the same
 * writers, so what one shows the other shows.
 *
 * Where output goes. Every writer writes to a caller's stdio stream (FILE *), never to a path
 * and never to stdout on its own. A program that wants the bytes in memory (a web server
 * answering a request) opens the stream with open_memstream(3) (POSIX 2008):
 *
 *     char *body = NULL; size_t len = 0;
 *     FILE *f = open_memstream(&body, &len);
 *     int rc = bont_report_check_text(f, &report);
 *     fclose(f);                 // body now holds len bytes, NUL-terminated; free(body)
 *
 * and fopencookie(3) streams into any other sink. Writers return 0, BONT_ENOMEM, or BONT_EIO
 * when the stream failed; a failed writer may have written part of its output.
 *
 * JSON. Every JSON output is also a json_t builder (bont_report_*_json, a new reference the
 * caller drops with json_decref, NULL when out of memory), so a server can embed it in a larger
 * answer; bont_report_json_write prints one the way the bont command does. The long
 * day-by-day series (simulations, populations, validation) have a compact hand-laid form,
 * bont_report_*_json_write; their builder parses that form, so both come from one writer.
 *
 * Safety. Strings are shown as data, never as markup or terminal commands: text output escapes
 * control characters (ESC shows as \x1b, a newline in a name as \n), SVG and HTML escape
 * markup and replace what XML 1.0 cannot hold, and JSON is always valid UTF-8 (invalid bytes
 * become U+FFFD). */
#ifndef BONT_REPORT_H
#define BONT_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bont/access.h"
#include "bont/check.h"
#include "bont/content.h"
#include "bont/error.h"
#include "bont/kb.h"
#include "bont/model.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "bont/store.h"

/* ---- Safe strings ---------------------------------------------------------------------------
 */

/* Writes s for a terminal or a text file: C0 and C1 control characters, DEL, line and
 * paragraph separators and bidirectional overrides are escaped (\n, \t, \r, \xNN, \uNNNN),
 * invalid UTF-8 bytes show as \xNN; everything else is copied. NULL writes nothing. */
void bont_report_put_text(FILE *f, const char *s);

/* Writes s as XML/HTML character data or attribute value: & < > " ' as entities, and what
 * XML 1.0 cannot hold even escaped (control characters, invalid UTF-8, U+FFFE/U+FFFF) replaced
 * by the visible escape bont_report_put_text uses. */
void bont_report_put_xml(FILE *f, const char *s);

/* A JSON string for s with invalid UTF-8 bytes replaced by U+FFFD (jansson refuses them);
 * NULL when out of memory. */
json_t *bont_report_json_string(const char *s);

/* Prints root the way every bont JSON output looks (two-space indent, keys in order, ten
 * significant digits) and a newline; drops the reference. NULL root (a builder that ran out of
 * memory) is BONT_ENOMEM. */
int bont_report_json_write(FILE *f, json_t *root);

/* An error for people: "file:line:column: field: message", escaped as text, after prefix
 * ("bont" or "bont patient add") and a colon, with a newline. */
void bont_report_error(FILE *f, const char *prefix, const bont_error_t *err);

/* ---- bont check ---------------------------------------------------------------------------- */

/* What `bont check` shows: the plan, the rule findings and the side-effect risks (which never
 * change the verdict). Everything is borrowed. */
typedef struct bont_check_report_t {
    const bont_kb_t *kb;             /* sources of the findings */
    const bont_plan_t *plan;         /* the plan checked */
    const bont_check_t *check;       /* its findings */
    const bont_effect_risk_t *risks; /* bont_risk_check's, n_risks of them (may be NULL) */
    size_t n_risks;
    size_t n_risk_patients;         /* virtual patients the risks rest on */
    const char *risks_not_computed; /* why there are no risks, or NULL / "" */
    bool all_reactions; /* list every adverse reaction of the plan's product and indication, not
                           only the common ones (BONT_REPORT_REACTION_MIN_PCT and more) */
} bont_check_report_t;

/* The rate from which `bont check` lists an adverse reaction without all_reactions: the
 * common ones, as the issue asks for; a display choice, not a clinical limit. */
#define BONT_REPORT_REACTION_MIN_PCT 2.0

/* The plan and the label applied, its injections, the findings, the side-effect risk, the
 * adverse reactions of the product in the indication, the sources and the verdict. */
int bont_report_check_text(FILE *f, const bont_check_report_t *r);
/* {verdict, jurisdiction, jurisdiction_asked, plan, counts, findings, risks,
 * [risks_not_computed], adverse_reactions, adverse_reactions_min_pct, sources}. */
json_t *bont_report_check_json(const bont_check_report_t *r);

/* Findings as lines "  severity  rule\n           message [evidence; sources]" (check and
 * visit record). */
int bont_report_findings_text(FILE *f, const bont_finding_t *findings, size_t n);
/* Findings as a JSON array of {severity, rule, message, source, evidence, subject, unit,
 * value, limit}. */
json_t *bont_report_findings_json(const bont_finding_t *findings, size_t n);

/* ---- bont simulate: one typical patient -------------------------------------------------------
 * plan (may be NULL) names the output: its file and title head the text and the SVG. */

/* Readouts per structure and the effect at landmark days. */
int bont_report_sim_text(FILE *f, const bont_sim_t *sim, const bont_plan_t *plan);
/* The JSON contract of `bont simulate --format json` (docs/model.md section 8). */
int bont_report_sim_json_write(FILE *f, const bont_sim_t *sim);
json_t *bont_report_sim_json(const bont_sim_t *sim);
/* One row per structure and day. */
int bont_report_sim_csv(FILE *f, const bont_sim_t *sim);
/* Effect against days, one line per structure. */
int bont_report_sim_svg(FILE *f, const bont_sim_t *sim, const bont_plan_t *plan);

/* ---- bont simulate --patients N: virtual patients -------------------------------------------- */

/* Median and 5-95 % range of each readout, the course at landmark days, side-effect risks. */
int bont_report_pop_text(FILE *f, const bont_pop_t *pop, const bont_plan_t *plan);
/* The single-patient contract plus p5/p50/p95 series and readout quantiles. */
int bont_report_pop_json_write(FILE *f, const bont_pop_t *pop);
json_t *bont_report_pop_json(const bont_pop_t *pop);
int bont_report_pop_csv(FILE *f, const bont_pop_t *pop);
/* Median lines with the 5-95 % band of each injected muscle. */
int bont_report_pop_svg(FILE *f, const bont_pop_t *pop, const bont_plan_t *plan);

/* ---- bont validate -----------------------------------------------------------------------------
 */

/* Per dataset its checks (observed, predicted, error, tolerance), then a summary. */
int bont_report_validation_text(FILE *f, const bont_validation_t *v);
int bont_report_validation_json_write(FILE *f, const bont_validation_t *v);
json_t *bont_report_validation_json(const bont_validation_t *v);
/* Dataset i's plot: the model's curves, the observed points with their tolerance, the checks
 * as notes. BONT_EINVAL when i is out of range. */
int bont_report_validation_svg(FILE *f, const bont_validation_t *v, size_t i, bont_error_t *err);

/* ---- Patient records (bont patient, visit, outcome, ae, history, recall, due, backup) ------- */

/* {id, name, birth_date, sex, weight_kg, created_at, recorded_terms}. */
json_t *bont_report_patient_json(const bont_store_patient_t *p);
/* {patients: [...]} */
json_t *bont_report_patients_json(const bont_store_patient_t *list, size_t n);
/* One patient as labelled lines (name, birth, sex, weight, conditions, medications,
 * allergies). */
int bont_report_patient_text(FILE *f, const bont_store_patient_t *p);
/* The patient list as a table, or a line saying there is none yet. */
int bont_report_patients_text(FILE *f, const bont_store_patient_t *list, size_t n);

/* A stored visit with its vial, injections and findings; each injection lists the chart points
 * of its sites ("points": [{chart, x, y}], empty when none was marked), so that a page can draw
 * them again where they were clicked. */
json_t *bont_report_visit_json(const bont_store_visit_t *v);
/* The outcome of `bont visit record`: written or refused, the findings, the injection time.
 * plan_file names the plan, opts are the options it was recorded with. */
json_t *bont_report_visit_result_json(const bont_visit_result_t *r, const bont_visit_opts_t *opts,
                                      const char *plan_file);
/* The same for people, meant for standard error (standard output carries only the new id):
 * the findings, then whether the visit was recorded, overridden or refused. */
int bont_report_visit_result_text(FILE *f, const bont_visit_result_t *r,
                                  const bont_visit_opts_t *opts, const char *plan_file);

/* An outcome or adverse event; with_patient adds patient_id (as `outcome add` answers; the
 * history lists them under their patient). */
json_t *bont_report_outcome_json(const bont_store_outcome_t *o, bool with_patient);
json_t *bont_report_ae_json(const bont_store_ae_t *ae, bool with_patient);
/* {visit_id, wore_off_date} */
json_t *bont_report_wore_off_json(long long visit_id, const char *wore_off_date);
/* {backup, schema_version} */
json_t *bont_report_backup_json(const char *path, int schema_version);

/* A patient's history: the patient, a timeline of visits, outcomes and adverse events, the
 * units per muscle over the last visits, and the predicted wear-off (pred may be NULL). */
int bont_report_history_text(FILE *f, const bont_store_record_t *rec, const bont_due_t *pred);
json_t *bont_report_history_json(const bont_store_record_t *rec, const bont_due_t *pred);

/* Every patient and visit that received lot. */
int bont_report_recall_text(FILE *f, const char *lot, const bont_store_recall_t *r, size_t n);
json_t *bont_report_recall_json(const char *lot, const bont_store_recall_t *r, size_t n);

/* Patients whose effect is predicted to wear off within within_days of today. */
int bont_report_due_text(FILE *f, const char *today, int within_days, const bont_due_t *list,
                         size_t n);
json_t *bont_report_due_json(const char *today, int within_days, const bont_due_t *list, size_t n);
/* One prediction: {patient_id, name, visit_id, ..., wear_off_date, observed, days_left}. */
json_t *bont_report_due_entry_json(const bont_due_t *d);

/* ---- The knowledge base (bont kb, dilute, convert) ------------------------------------------ */

int bont_report_kb_products_text(FILE *f, const bont_kb_t *kb);
int bont_report_kb_muscles_text(FILE *f, const bont_kb_t *kb);
int bont_report_kb_indications_text(FILE *f, const bont_kb_t *kb);
/* The rules for a product and/or indication (either may be NULL for all). */
int bont_report_kb_rules_text(FILE *f, const bont_kb_t *kb, const bont_product_t *product,
                              const bont_indication_t *indication);
/* Whatever the knowledge base calls id: a product, muscle, indication, rule, contraindication,
 * guidance rule, term, guidance method, adverse effect, source or jurisdiction, by id or any
 * alias. BONT_ENOTFOUND, with nothing written, when nothing is called id. */
int bont_report_kb_show_text(FILE *f, const bont_kb_t *kb, const char *id);

/* The adverse reactions of product in indication (bont_kb_adverse_reactions), most frequent
 * first: an aligned table with natural frequencies, then where each row comes from; a line
 * saying so when no table is held. */
int bont_report_adverse_reactions_text(FILE *f, const bont_kb_t *kb, const bont_product_t *product,
                                       const bont_indication_t *indication);
/* rows as a JSON list of {effect, name, rate_pct, placebo_pct (null when not given), source,
 * dose, design, where, n, n_placebo, jurisdiction, note} (`bont kb adverse-reactions --format
 * json`). */
json_t *bont_report_adverse_reactions_json(const bont_adverse_reaction_t *rows, size_t n);

/* A reconstitution: units in the vial, diluent added, an optional dose (<= 0 for none) and an
 * optional product (NULL) whose vial sizes and labelled diluent range are checked. */
typedef struct bont_report_dilution_t {
    double units;
    double diluent_ml;
    double dose_u;
    const bont_product_t *product;
} bont_report_dilution_t;

/* Concentration, the volume for the dose and a table of common doses. */
int bont_report_dilution_text(FILE *f, const bont_report_dilution_t *d);
json_t *bont_report_dilution_json(const bont_report_dilution_t *d);

/* The clinical-literature dose ratio between two products as a range with its basis, for
 * units of from (<= 0 for none). Never a bare number: units are not interchangeable. */
int bont_report_conversion_text(FILE *f, const bont_product_t *from, const bont_product_t *to,
                                double units);
json_t *bont_report_conversion_json(const bont_product_t *from, const bont_product_t *to,
                                    double units);

/* ---- Users of the web app and the audit log (bont user list, bont audit) ------------------- */

/* The users, one row each (name, role, active or disabled, created); a hint when there are
 * none. */
int bont_report_users_text(FILE *f, const bont_user_t *users, size_t n);
json_t *bont_report_users_json(const bont_user_t *users, size_t n);

/* Audit entries, oldest first, one row each; one_patient words the empty case for a
 * --patient query. */
int bont_report_audit_text(FILE *f, const bont_audit_t *entries, size_t n, bool one_patient);
json_t *bont_report_audit_json(const bont_audit_t *entries, size_t n);

/* ---- Patient handout (bont handout) ---------------------------------------------------------
 * A printable sheet for the patient, in the calling thread's language (bont/i18n.h), from the
 * plan, its check and the model's virtual patients for this very plan: the warning signs that
 * need urgent care at the top, what the treatment is for, the plan in lay words, what to expect
 * (when most people notice it, when it is strongest, when it wears off, the earliest date for
 * the next treatment by the label's interval) with a timeline, aftercare with its sources, the
 * common side effects with the label's rates as natural frequencies and the plan's own
 * side-effect risk from the spread model, the clinic, and a line that it is information, not a
 * diagnosis. The common side effects are the knowledge base's adverse reactions of the product
 * in the indication (bont_kb_adverse_reactions) from 1 % up. The three languages carry the same
 * numbers. Everything is borrowed. */

typedef struct bont_handout_t {
    const bont_kb_t *kb;
    const bont_content_t *content;
    const bont_plan_t *plan;
    const bont_check_t *check; /* the plan's findings: errors are said at the top */
    const bont_pop_t *pop;     /* virtual patients for this plan (bont_pop_run with spread) */
    const char *clinic;        /* the clinic's name, or NULL */
    const char *phone;         /* its phone number, or NULL */
    const char *patient;       /* the patient's name as recorded, under the title; or NULL */
} bont_handout_t;

/* Plain text, one section after another. */
int bont_report_handout_text(FILE *f, const bont_handout_t *h);
/* A self-contained HTML page for A4 (print stylesheet, CJK fonts named, inline SVG timeline);
 * every string from the plan or the data is escaped. */
int bont_report_handout_html(FILE *f, const bont_handout_t *h);
/* The handout's facts: {lang, plan, errors, course: {notice_min_day, notice_max_day, peak_day,
 * wear_off_min_week, wear_off_max_week, patients}, next_treatment_date, side_effects,
 * plan_risks, aftercare, warning_signs}. */
json_t *bont_report_handout_json(const bont_handout_t *h);

/* ---- Treatment pathways (bont pathway) -----------------------------------------------------
 * The options for a condition side by side (data/pathways.json): what each involves, how well it
 * works, how long it lasts, its risks with rates, who it suits, what must be checked first, and
 * the sources, in the calling thread's language. With the patient's age, the advice that
 * depends on age is the one for that age; with a record, its conditions and the patient's own
 * duration of effect are shown next to the options. */
typedef struct bont_pathway_report_t {
    const bont_content_t *content;
    const bont_kb_t *kb;             /* titles of the knowledge base's sources; may be NULL */
    const char *condition;           /* condition id */
    double age_years;                /* the patient's age; < 0 when not known */
    const char *patient;             /* e.g. "3 (Kim Minji)" when from the record, or NULL */
    const bont_term_t *const *terms; /* the record's conditions, medications, allergies */
    size_t n_terms;
    double own_days;  /* the patient's own duration of toxin effect (personal model), days;
                         < 0 when not known */
    size_t own_n_obs; /* recorded wear-offs it rests on */
} bont_pathway_report_t;

/* BONT_ENOTFOUND, with nothing written, when the condition has no pathway. */
int bont_report_pathway_text(FILE *f, const bont_pathway_report_t *r);
int bont_report_pathway_html(FILE *f, const bont_pathway_report_t *r);
/* {condition, lang, name, about, age_years, options: [{id, kind, name, involves, works,
 * works_rate, lasts, risks: [{id, text, rate}], suits, check_first, age_advice, sources}],
 * patient, sources: {id: {title, url}}}; NULL when out of memory or the condition is unknown. */
json_t *bont_report_pathway_json(const bont_pathway_report_t *r);

#endif
