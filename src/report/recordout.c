/* recordout.c: the record store's answers: patients, stored visits, the outcome of recording a
 * visit, outcomes, adverse events, wear-off dates and backups, as text and JSON. */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/table.h"

/* ---- Patients ------------------------------------------------------------------------------ */

json_t *bont_report_patient_json(const bont_store_patient_t *p)
{
    json_t *terms = json_array();
    bool failed = false;
    for (size_t i = 0; terms && i < p->n_terms; i++)
        bont__jappend(terms,
                      json_pack("{s:o, s:o}", "kind", bont__jstr(p->terms[i].kind), "name",
                                bont__jstr(p->terms[i].name)),
                      &failed);
    if (failed) {
        json_decref(terms);
        return NULL;
    }
    return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)p->id, "name",
                     bont__jstr(p->name), "birth_date", bont__jstr(p->birth_date), "sex",
                     bont__jstr(p->sex), "weight_kg", bont__jnum_unless_negative(p->weight_kg),
                     "created_at", bont__jstr(p->created_at), "recorded_terms", terms);
}

json_t *bont_report_patients_json(const bont_store_patient_t *list, size_t n)
{
    json_t *arr = json_array();
    bool failed = false;
    for (size_t i = 0; arr && i < n; i++)
        bont__jappend(arr, bont_report_patient_json(&list[i]), &failed);
    if (failed) {
        json_decref(arr);
        return NULL;
    }
    return json_pack("{s:o}", "patients", arr);
}

int bont_report_patient_text(FILE *f, const bont_store_patient_t *p)
{
    bont__scratch_t sc = {0};
    fprintf(f, BONT_TR("Patient     %lld\n"), p->id);
    fprintf(f, BONT_TR("Name        %s\n"), bont__tx(&sc, p->name));
    fprintf(f, BONT_TR("Born        %s\n"), bont__tx(&sc, p->birth_date));
    fprintf(f, BONT_TR("Sex         %s\n"), bont__tx(&sc, p->sex));
    if (p->weight_kg > 0)
        fprintf(f, BONT_TR("Weight      %g kg\n"), p->weight_kg);
    else
        fputs(BONT_TR("Weight      not recorded\n"), f);
    static const char *const kinds[] = {"condition", "medication", "allergy"};
    const char *const labels[] = {BONT_TR("Conditions"), BONT_TR("Medications"),
                                  BONT_TR("Allergies")};
    for (size_t k = 0; k < 3; k++) {
        fprintf(f, "%-11s ", labels[k]);
        int any = 0;
        for (size_t i = 0; i < p->n_terms; i++)
            if (strcmp(p->terms[i].kind, kinds[k]) == 0)
                fprintf(f, "%s%s", any++ ? ", " : "", bont__tx(&sc, p->terms[i].name));
        fprintf(f, "%s\n", any ? "" : BONT_TR("none recorded"));
    }
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

int bont_report_patients_text(FILE *f, const bont_store_patient_t *list, size_t n)
{
    if (n == 0) {
        fputs(BONT_TR("no patients recorded yet (bont patient add)\n"), f);
        return bont__stream_rc(f, 0);
    }
    bont__table_t *t = bont__table_new(5, "rlllr");
    if (!t)
        return BONT_ENOMEM;
    bont__scratch_t sc = {0};
    bont__table_rowf(t, BONT_TR("Id\tName\tBorn\tSex\tWeight (kg)"));
    for (size_t i = 0; i < n; i++) {
        char w[32] = "";
        if (list[i].weight_kg > 0)
            snprintf(w, sizeof w, "%g", list[i].weight_kg);
        bont__table_rowf(t, "%lld\t%s\t%s\t%s\t%s", list[i].id, bont__tx(&sc, list[i].name),
                         bont__tx(&sc, list[i].birth_date), bont__tx(&sc, list[i].sex), w);
    }
    bont__table_print(t, f, 0);
    bont__table_free(&t);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

/* ---- Visits -------------------------------------------------------------------------------- */

static json_t *injection_json(const bont_store_injection_t *in)
{
    return json_pack("{s:o, s:o, s:f, s:o, s:i, s:o}", "muscle", bont__jstr(in->muscle), "side",
                     bont__jstr_or_null(in->side), "units", in->units, "volume_ml",
                     bont__jnum_unless_negative(in->volume_ml), "sites", in->sites, "guidance",
                     bont__jstr_or_null(in->guidance));
}

json_t *bont_report_visit_json(const bont_store_visit_t *v)
{
    json_t *inj = json_array();
    bool failed = false;
    for (size_t i = 0; inj && i < v->n_injections; i++)
        bont__jappend(inj, injection_json(&v->injections[i]), &failed);
    /* The findings as the store kept them (their own, shorter form). */
    json_t *findings = v->findings_json ? json_loads(v->findings_json, 0, NULL) : NULL;
    if (failed) {
        json_decref(inj);
        json_decref(findings);
        return NULL;
    }
    return json_pack(
        "{s:I, s:o, s:o, s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o}, s:f, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)v->id, "date", bont__jstr(v->date), "injected_at",
        bont__jstr_or_null(v->injected_at), "indication", bont__jstr(v->indication), "vial",
        "product", bont__jstr(v->vial.product), "lot", bont__jstr(v->vial.lot), "expiry",
        bont__jstr(v->vial.expiry), "vial_units", bont__jnum_unless_negative(v->vial.vial_units),
        "diluent_ml", bont__jnum_unless_negative(v->vial.diluent_ml), "reconstituted_at",
        bont__jstr_or_null(v->vial.reconstituted_at), "total_units", v->total_units,
        "override_reason", bont__jstr_or_null(v->override_reason), "wore_off_date",
        bont__jstr_or_null(v->wore_off_date), "injections", inj, "findings",
        findings ? findings : json_array());
}

json_t *bont_report_visit_result_json(const bont_visit_result_t *r, const bont_visit_opts_t *opts,
                                      const char *plan_file)
{
    return json_pack(
        "{s:b, s:o, s:b, s:o, s:I, s:o, s:o, s:b, s:s, s:{s:I, s:I, s:I}, s:o}", "written",
        r->written, "visit_id", r->written ? json_integer(r->visit_id) : json_null(), "overridden",
        r->overridden, "override_reason",
        r->overridden ? bont__jstr(opts->override_reason) : json_null(), "patient",
        (json_int_t)opts->patient_id, "plan", bont__jstr(plan_file), "injected_at",
        bont__jstr(r->injected_at), "injected_at_assumed", r->injected_assumed, "verdict",
        r->n_errors ? "violations" : "ok", "counts", "error", (json_int_t)r->n_errors, "warning",
        (json_int_t)r->n_warnings, "note", (json_int_t)r->n_notes, "findings",
        bont_report_findings_json(r->findings, r->n_findings));
}

int bont_report_visit_result_text(FILE *f, const bont_visit_result_t *r,
                                  const bont_visit_opts_t *opts, const char *plan_file)
{
    bont__scratch_t sc = {0};
    char errors[64];
    snprintf(errors, sizeof errors, BONT_TRN("%zu error", "%zu errors", r->n_errors), r->n_errors);
    if (r->n_findings) {
        fprintf(f,
                r->injected_assumed
                    ? BONT_TR("Findings for %s (patient %lld, injected %s, assumed):\n")
                    : BONT_TR("Findings for %s (patient %lld, injected %s):\n"),
                bont__tx(&sc, plan_file), opts->patient_id, bont__tx(&sc, r->injected_at));
        bont_report_findings_text(f, r->findings, r->n_findings);
    }
    if (r->written && r->overridden)
        fprintf(f, BONT_TR("bont visit record: recorded despite %s, with the reason \"%s\"\n"),
                errors, bont__tx(&sc, opts->override_reason));
    else if (!r->written)
        fprintf(f,
                BONT_TR("bont visit record: refused: %s; nothing was written. Fix the plan, or "
                        "record a conscious exception with --override REASON.\n"),
                errors);
    bont__scratch_free(&sc);
    return bont__stream_rc(f, 0);
}

/* ---- Outcomes, adverse events, wear-off, backup ---------------------------------------------- */

/* {id, [patient_id,] ...rest}: the record's own fields after its ids; takes rest. */
static json_t *with_ids(long long id, long long patient_id, bool with_patient, json_t *rest)
{
    json_t *j = json_pack("{s:I}", "id", (json_int_t)id);
    if (!j || !rest ||
        (with_patient && json_object_set_new(j, "patient_id", json_integer(patient_id))) ||
        json_object_update(j, rest) != 0) {
        json_decref(j);
        j = NULL;
    }
    json_decref(rest);
    return j;
}

json_t *bont_report_outcome_json(const bont_store_outcome_t *o, bool with_patient)
{
    return with_ids(o->id, o->patient_id, with_patient,
                    json_pack("{s:o, s:o, s:f, s:o, s:o}", "visit_id",
                              o->visit_id ? json_integer(o->visit_id) : json_null(), "scale",
                              bont__jstr(o->scale), "score", o->score, "date", bont__jstr(o->date),
                              "note", bont__jstr_or_null(o->note)));
}

json_t *bont_report_ae_json(const bont_store_ae_t *ae, bool with_patient)
{
    return with_ids(ae->id, ae->patient_id, with_patient,
                    json_pack("{s:I, s:o, s:i, s:o, s:o, s:o}", "visit_id",
                              (json_int_t)ae->visit_id, "what", bont__jstr(ae->what), "onset_day",
                              ae->onset_day, "severity", bont__jstr(ae->severity), "resolved_date",
                              bont__jstr_or_null(ae->resolved_date), "note",
                              bont__jstr_or_null(ae->note)));
}

json_t *bont_report_wore_off_json(long long visit_id, const char *wore_off_date)
{
    return json_pack("{s:I, s:o}", "visit_id", (json_int_t)visit_id, "wore_off_date",
                     bont__jstr(wore_off_date));
}

json_t *bont_report_backup_json(const char *path, int schema_version)
{
    return json_pack("{s:o, s:i}", "backup", bont__jstr(path), "schema_version", schema_version);
}
