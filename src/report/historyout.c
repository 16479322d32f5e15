/* historyout.c: reading the records back: a patient's history (timeline, units per muscle,
 * predicted wear-off), the patients who received a lot, and the patients due soon. */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

enum { MAX_DOSE_COLUMNS = 6 }; /* visits shown side by side in the units-per-muscle table */

/* Continuation lines under a timeline entry start here. */
#define INDENT "              "

/* ---- History as text ----------------------------------------------------------------------- */

static void patient_line(FILE *f, const bont_store_patient_t *p, bont__scratch_t *sc)
{
    char about[1024] = "", item[600];
    bont__list_add(about, sizeof about, bont__tx(sc, p->name));
    bont__list_add(about, sizeof about, bont__tx(sc, p->sex));
    snprintf(item, sizeof item, BONT_TR("born %s"), bont__tx(sc, p->birth_date));
    bont__list_add(about, sizeof about, item);
    if (p->weight_kg > 0) {
        snprintf(item, sizeof item, BONT_TR("%g kg"), p->weight_kg);
        bont__list_add(about, sizeof about, item);
    }
    fprintf(f, BONT_TR("Patient %lld: %s\n"), p->id, about);
    if (!p->n_terms)
        return;
    char terms[BONT_STORE_MAX_TERMS * 500] = "";
    for (size_t i = 0; i < p->n_terms; i++) {
        snprintf(item, sizeof item, "%s %s", bont__tx(sc, p->terms[i].kind),
                 bont__tx(sc, p->terms[i].name));
        bont__list_add(terms, sizeof terms, item);
    }
    fprintf(f, BONT_TR("Recorded: %s\n"), terms);
}

static void injection_line(FILE *f, const bont_store_injection_t *in, bont__scratch_t *sc)
{
    char target[160], num[32], item[400], line[1024] = "";
    bont__target_label(target, sizeof target, in->muscle, in->side);
    bont__fmt_units(num, sizeof num, in->units);
    snprintf(item, sizeof item, BONT_TR("%s %s U"), bont__tx(sc, target), num);
    bont__list_add(line, sizeof line, item);
    if (in->sites > 1) {
        snprintf(item, sizeof item, BONT_TR("%d sites"), in->sites);
        bont__list_add(line, sizeof line, item);
    }
    if (in->volume_ml >= 0) {
        bont__fmt_ml(num, sizeof num, in->volume_ml);
        snprintf(item, sizeof item, BONT_TR("%s mL"), num);
        bont__list_add(line, sizeof line, item);
    }
    if (in->guidance[0])
        bont__list_add(line, sizeof line, bont__tx(sc, in->guidance));
    fprintf(f, INDENT "%s\n", line);
}

/* A visit, its injections, what followed it (wear-off, adverse events). */
static void visit_entry(FILE *f, const bont_store_record_t *rec, const bont_store_visit_t *v,
                        bont__scratch_t *sc)
{
    char u[32];
    bont__fmt_units(u, sizeof u, v->total_units);
    fprintf(f, BONT_TR("  %s  visit %lld: %s, %s lot %s (expires %s), %s U\n"),
            bont__tx(sc, v->date), v->id, bont__tx(sc, v->indication),
            bont__tx(sc, v->vial.product), bont__tx(sc, v->vial.lot), bont__tx(sc, v->vial.expiry),
            u);
    for (size_t k = 0; k < v->n_injections; k++)
        injection_line(f, &v->injections[k], sc);
    if (v->vial.reconstituted_at[0])
        fprintf(f, BONT_TR(INDENT "vial reconstituted %s\n"),
                bont__tx(sc, v->vial.reconstituted_at));
    if (v->override_reason[0])
        fprintf(f, BONT_TR(INDENT "recorded despite a failed check: %s\n"),
                bont__tx(sc, v->override_reason));
    if (v->wore_off_date[0])
        fprintf(f, BONT_TR(INDENT "effect wore off %s\n"), bont__tx(sc, v->wore_off_date));
    for (size_t k = 0; k < rec->n_aes; k++) {
        const bont_store_ae_t *ae = &rec->aes[k];
        if (ae->visit_id != v->id)
            continue;
        if (ae->resolved_date[0])
            fprintf(f, BONT_TR(INDENT "adverse event: %s, %s, from day %d, resolved %s\n"),
                    bont__tx(sc, ae->what), bont__tx(sc, ae->severity), ae->onset_day,
                    bont__tx(sc, ae->resolved_date));
        else
            fprintf(f, BONT_TR(INDENT "adverse event: %s, %s, from day %d, not resolved\n"),
                    bont__tx(sc, ae->what), bont__tx(sc, ae->severity), ae->onset_day);
    }
}

static void outcome_entry(FILE *f, const bont_store_outcome_t *o, bont__scratch_t *sc)
{
    const char *date = bont__tx(sc, o->date), *scale = bont__tx(sc, o->scale);
    const char *note = bont__tx(sc, o->note);
    if (o->visit_id && o->note[0])
        fprintf(f, BONT_TR("  %s  outcome: %s %g (after visit %lld): %s\n"), date, scale, o->score,
                o->visit_id, note);
    else if (o->visit_id)
        fprintf(f, BONT_TR("  %s  outcome: %s %g (after visit %lld)\n"), date, scale, o->score,
                o->visit_id);
    else if (o->note[0])
        fprintf(f, BONT_TR("  %s  outcome: %s %g: %s\n"), date, scale, o->score, note);
    else
        fprintf(f, BONT_TR("  %s  outcome: %s %g\n"), date, scale, o->score);
}

/* Visits and outcomes merged by date; a visit comes before what followed it on the same day. */
static void timeline(FILE *f, const bont_store_record_t *rec, bont__scratch_t *sc)
{
    fputs(BONT_TR("\nTimeline\n"), f);
    if (!rec->n_visits && !rec->n_outcomes)
        fputs(BONT_TR("  nothing recorded yet\n"), f);
    size_t vi = 0, oi = 0;
    while (vi < rec->n_visits || oi < rec->n_outcomes) {
        const bont_store_visit_t *v = vi < rec->n_visits ? &rec->visits[vi] : NULL;
        const bont_store_outcome_t *o = oi < rec->n_outcomes ? &rec->outcomes[oi] : NULL;
        if (v && (!o || strcmp(v->date, o->date) <= 0)) {
            visit_entry(f, rec, v, sc);
            vi++;
        } else {
            outcome_entry(f, o, sc);
            oi++;
        }
    }
}

/* Units of one muscle and side in a visit, all its injections together. */
static double units_in(const bont_store_visit_t *v, const bont_store_injection_t *like)
{
    double u = 0;
    for (size_t j = 0; j < v->n_injections; j++)
        if (!strcmp(v->injections[j].muscle, like->muscle) &&
            !strcmp(v->injections[j].side, like->side))
            u += v->injections[j].units;
    return u;
}

/* Whether (muscle, side) of injection k of visit vi appeared earlier, from visit first on. */
static bool seen_before(const bont_store_record_t *rec, size_t first, size_t vi, size_t k)
{
    const bont_store_injection_t *in = &rec->visits[vi].injections[k];
    for (size_t pv = first; pv <= vi; pv++)
        for (size_t pk = 0; pk < rec->visits[pv].n_injections && (pv < vi || pk < k); pk++) {
            const bont_store_injection_t *q = &rec->visits[pv].injections[pk];
            if (!strcmp(q->muscle, in->muscle) && !strcmp(q->side, in->side))
                return true;
        }
    return false;
}

/* One row per muscle and side, in order of first appearance, one column per recent visit. */
static int dose_table(FILE *f, const bont_store_record_t *rec, bont__scratch_t *sc)
{
    size_t first = rec->n_visits > MAX_DOSE_COLUMNS ? rec->n_visits - MAX_DOSE_COLUMNS : 0;
    size_t cols = rec->n_visits - first;
    char align[MAX_DOSE_COLUMNS + 2] = "l";
    memset(align + 1, 'r', cols);
    align[cols + 1] = '\0';
    bont__table_t *t = bont__table_new((int)cols + 1, align);
    if (!t)
        return BONT_ENOMEM;
    const char *cells[MAX_DOSE_COLUMNS + 1];
    char text[MAX_DOSE_COLUMNS + 1][200];
    snprintf(text[0], sizeof text[0], "%s", BONT_TR("Units per muscle"));
    for (size_t c = 0; c < cols; c++)
        snprintf(text[c + 1], sizeof text[c + 1], "%s", bont__tx(sc, rec->visits[first + c].date));
    for (size_t c = 0; c <= cols; c++)
        cells[c] = text[c];
    bont__table_row(t, cells);
    for (size_t vi = first; vi < rec->n_visits; vi++)
        for (size_t k = 0; k < rec->visits[vi].n_injections; k++) {
            const bont_store_injection_t *in = &rec->visits[vi].injections[k];
            if (seen_before(rec, first, vi, k))
                continue;
            char target[160];
            bont__target_label(target, sizeof target, in->muscle, in->side);
            snprintf(text[0], sizeof text[0], "%s", bont__tx(sc, target));
            for (size_t c = 0; c < cols; c++) {
                double u = units_in(&rec->visits[first + c], in);
                if (u > 0)
                    bont__fmt_units(text[c + 1], sizeof text[c + 1], u);
                else
                    snprintf(text[c + 1], sizeof text[c + 1], "-");
            }
            bont__table_row(t, cells);
        }
    fputc('\n', f);
    bont__table_print(t, f, 2);
    bont__table_free(&t);
    return 0;
}

static void prediction(FILE *f, const bont_due_t *d, bont__scratch_t *sc)
{
    fputs(BONT_TR("\nNext wear-off\n"), f);
    if (d->observed) {
        fprintf(f, BONT_TR("  the effect of the last visit (%s) wore off on %s\n"),
                bont__tx(sc, d->visit_date), bont__tx(sc, d->wear_off_date));
        return;
    }
    fprintf(f,
            BONT_TRN("  predicted %s: %.0f days after %s (%s %.0f days for this visit x %.2f "
                     "personal factor from %zu recorded wear-off)\n",
                     "  predicted %s: %.0f days after %s (%s %.0f days for this visit x %.2f "
                     "personal factor from %zu recorded wear-offs)\n",
                     d->post.n_obs),
            bont__tx(sc, d->wear_off_date), d->personal_days, bont__tx(sc, d->visit_date),
            !strcmp(d->basis, "model") ? BONT_TR("model") : BONT_TR("population table"),
            d->expected_days, d->post.factor, d->post.n_obs);
}

int bont_report_history_text(FILE *f, const bont_store_record_t *rec, const bont_due_t *pred)
{
    bont__scratch_t sc = {0};
    int rc = 0;
    patient_line(f, &rec->patient, &sc);
    timeline(f, rec, &sc);
    if (rec->n_visits)
        rc = dose_table(f, rec, &sc);
    if (rc == 0 && pred)
        prediction(f, pred, &sc);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, rc);
}

/* ---- History as JSON ----------------------------------------------------------------------- */

json_t *bont_report_due_entry_json(const bont_due_t *d)
{
    return json_pack("{s:I, s:o, s:I, s:o, s:o, s:o, s:f, s:o, s:f, s:{s:f, s:f, s:f, s:I}, "
                     "s:o, s:b, s:I}",
                     "patient_id", (json_int_t)d->patient_id, "name", bont__jstr(d->name),
                     "visit_id", (json_int_t)d->visit_id, "visit_date", bont__jstr(d->visit_date),
                     "indication", bont__jstr(d->indication), "product", bont__jstr(d->product),
                     "expected_days", d->expected_days, "expected_basis", bont__jstr(d->basis),
                     "personal_days", d->personal_days, "personal_factor", "log_mean", d->post.mean,
                     "log_sd", d->post.sd, "factor", d->post.factor, "n_wear_offs",
                     (json_int_t)d->post.n_obs, "wear_off_date", bont__jstr(d->wear_off_date),
                     "observed", d->observed, "days_left", (json_int_t)d->days_left);
}

json_t *bont_report_history_json(const bont_store_record_t *rec, const bont_due_t *pred)
{
    json_t *visits = json_array(), *outcomes = json_array(), *aes = json_array();
    bool failed = false;
    for (size_t i = 0; visits && i < rec->n_visits; i++)
        bont__jappend(visits, bont_report_visit_json(&rec->visits[i]), &failed);
    for (size_t i = 0; outcomes && i < rec->n_outcomes; i++)
        bont__jappend(outcomes, bont_report_outcome_json(&rec->outcomes[i], false), &failed);
    for (size_t i = 0; aes && i < rec->n_aes; i++)
        bont__jappend(aes, bont_report_ae_json(&rec->aes[i], false), &failed);
    if (failed) {
        json_decref(visits);
        json_decref(outcomes);
        json_decref(aes);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:o, s:o, s:o}", "patient",
                     bont_report_patient_json(&rec->patient), "visits", visits, "outcomes",
                     outcomes, "adverse_events", aes, "prediction",
                     pred ? bont_report_due_entry_json(pred) : json_null());
}

/* ---- Recall -------------------------------------------------------------------------------- */

static size_t distinct_patients(const bont_store_recall_t *r, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += i == 0 || r[i].patient_id != r[i - 1].patient_id;
    return k;
}

int bont_report_recall_text(FILE *f, const char *lot, const bont_store_recall_t *r, size_t n)
{
    bont__scratch_t sc = {0};
    if (n == 0) {
        fprintf(f, BONT_TR("no visit recorded lot %s\n"), bont__tx(&sc, lot));
        bont__scratch_free(&sc);
        return bont__stream_rc(f, 0);
    }
    bont__table_t *t = bont__table_new(8, "rllrlllr");
    if (!t)
        return BONT_ENOMEM;
    size_t n_patients = distinct_patients(r, n);
    char pats[64], visits[64];
    snprintf(pats, sizeof pats, BONT_TRN("%zu patient", "%zu patients", n_patients), n_patients);
    snprintf(visits, sizeof visits, BONT_TRN("%zu visit", "%zu visits", n), n);
    fprintf(f, BONT_TR("Lot %s: %s, %s\n\n"), bont__tx(&sc, lot), pats, visits);
    bont__table_rowf(t, BONT_TR("Patient\tName\tBorn\tVisit\tDate\tProduct\tExpiry\tUnits"));
    for (size_t i = 0; i < n; i++) {
        char u[32];
        bont__fmt_units(u, sizeof u, r[i].total_units);
        bont__table_rowf(t, "%lld\t%s\t%s\t%lld\t%s\t%s\t%s\t%s", r[i].patient_id,
                         bont__tx(&sc, r[i].patient_name), bont__tx(&sc, r[i].birth_date),
                         r[i].visit_id, bont__tx(&sc, r[i].date), bont__tx(&sc, r[i].product),
                         bont__tx(&sc, r[i].expiry), u);
    }
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

json_t *bont_report_recall_json(const char *lot, const bont_store_recall_t *r, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++)
        bont__jappend(arr,
                      json_pack("{s:I, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:f}", "patient_id",
                                (json_int_t)r[i].patient_id, "name", bont__jstr(r[i].patient_name),
                                "birth_date", bont__jstr(r[i].birth_date), "visit_id",
                                (json_int_t)r[i].visit_id, "date", bont__jstr(r[i].date), "product",
                                bont__jstr(r[i].product), "lot", bont__jstr(r[i].lot), "expiry",
                                bont__jstr(r[i].expiry), "total_units", r[i].total_units),
                      &failed);
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return json_pack("{s:o, s:I, s:I, s:o}", "lot", bont__jstr(lot), "patients",
                     (json_int_t)distinct_patients(r, n), "visits", (json_int_t)n, "records", arr);
}

/* ---- Due ----------------------------------------------------------------------------------- */

int bont_report_due_text(FILE *f, const char *today, int within_days, const bont_due_t *list,
                         size_t n)
{
    bont__scratch_t sc = {0};
    if (n == 0) {
        fprintf(f, BONT_TR("no patient's effect is predicted to wear off by %d days after %s\n"),
                within_days, bont__tx(&sc, today));
        bont__scratch_free(&sc);
        return bont__stream_rc(f, 0);
    }
    bont__table_t *t = bont__table_new(8, "rlllrrlr");
    if (!t)
        return BONT_ENOMEM;
    fprintf(f, BONT_TR("Effect predicted to wear off within %d days of %s\n\n"), within_days,
            bont__tx(&sc, today));
    bont__table_rowf(t, BONT_TR("Patient\tName\tLast visit\tIndication\tDays (pop.)\tFactor\t"
                                "Wears off\tDays left"));
    for (size_t i = 0; i < n; i++) {
        const bont_due_t *d = &list[i];
        bont__table_rowf(t, "%lld\t%s\t%s\t%s\t%.0f\t%.2f (%zu)\t%s%s\t%ld", d->patient_id,
                         bont__tx(&sc, d->name), bont__tx(&sc, d->visit_date),
                         bont__tx(&sc, d->indication), d->expected_days, d->post.factor,
                         d->post.n_obs, bont__tx(&sc, d->wear_off_date),
                         d->observed ? BONT_TR(" (seen)") : "", d->days_left);
    }
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    fputs(BONT_TR("\nFactor: how much longer than average this patient's effect lasts, from the\n"
                  "number of recorded wear-off dates in brackets (docs/store.md).\n"),
          f);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

json_t *bont_report_due_json(const char *today, int within_days, const bont_due_t *list, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++)
        bont__jappend(arr, bont_report_due_entry_json(&list[i]), &failed);
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return json_pack("{s:o, s:i, s:o}", "today", bont__jstr(today), "within_days", within_days,
                     "due", arr);
}
