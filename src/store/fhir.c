/* fhir.c: a patient's record as a FHIR R4 JSON Bundle (validated against the official R4 JSON
 * schema in tests/fhir/). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* Routes as SNOMED CT codes from the FHIR R4 route-codes value set
 * (http://hl7.org/fhir/R4/valueset-route-codes.html). Glands and organs have no code there, so
 * they go as text only rather than with a code that says something else. */
#define SNOMED "http://snomed.info/sct"

enum { T_PATIENT = 1, T_MEDICATION, T_PROCEDURE, T_ADMIN, T_OBS, T_WEAROFF, T_WEIGHT, T_AE };

typedef struct fhir_ctx_t {
    const bont_kb_t *kb;
    const bont_store_record_t *rec;
    json_t *entries; /* the Bundle's entry array (borrowed) */
    uint64_t hash;   /* FNV-1a of the patient's identity, seeds the identifiers */
    char patient_ref[64];
} fhir_ctx_t;

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* A UUID in RFC 9562 version-8 (custom) layout, derived from the patient, the resource type
 * and the record ids, so that the same record always exports the same identifiers and two
 * patients' exports do not collide. */
static void make_urn(const fhir_ctx_t *c, int type, long long id, long long sub, char out[64])
{
    snprintf(out, 64, "urn:uuid:%08x-%04x-8%03x-8%03x-%012llx", (unsigned)(c->hash >> 32),
             (unsigned)(c->hash >> 16) & 0xffffu, (unsigned)type & 0xfffu, (unsigned)sub & 0xfffu,
             (unsigned long long)id & 0xffffffffffffULL);
}

/* Appends {fullUrl, resource} and writes the reference to it into ref. Steals resource. */
static int add_entry(fhir_ctx_t *c, int type, long long id, long long sub, json_t *resource,
                     char ref[64])
{
    static const char *const prefix[] = {"",        "patient",  "medication", "procedure", "admin",
                                         "outcome", "wear-off", "weight",     "adverse"};
    char rid[64];
    if (!resource)
        return BONT_ENOMEM;
    if (sub > 0)
        snprintf(rid, sizeof rid, "%s-%lld-%lld", prefix[type], id, sub);
    else
        snprintf(rid, sizeof rid, "%s-%lld", prefix[type], id);
    make_urn(c, type, id, sub, ref);
    json_object_set_new(resource, "id", json_string(rid));
    json_t *entry = json_pack("{s:s, s:o}", "fullUrl", ref, "resource", resource);
    if (!entry || json_array_append_new(c->entries, entry) != 0)
        return BONT_ENOMEM;
    return 0;
}

static json_t *reference(const char *ref)
{
    return json_pack("{s:s}", "reference", ref);
}

static json_t *text_concept(const char *text)
{
    return json_pack("{s:s}", "text", text);
}

static json_t *coded(const char *system, const char *code, const char *display)
{
    return json_pack("{s:[{s:s, s:s, s:s}], s:s}", "coding", "system", system, "code", code,
                     "display", display, "text", display);
}

static const char *gender(const char *sex)
{
    /* FHIR administrative-gender: male | female | other | unknown, the same words we store. */
    return sex[0] ? sex : "unknown";
}

static int add_patient(fhir_ctx_t *c)
{
    const bont_store_patient_t *p = &c->rec->patient;
    json_t *res = json_pack("{s:s, s:[{s:s}], s:s, s:s}", "resourceType", "Patient", "name", "text",
                            p->name, "gender", gender(p->sex), "birthDate", p->birth_date);
    int rc = add_entry(c, T_PATIENT, p->id, 0, res, c->patient_ref);
    if (rc != 0 || !(p->weight_kg > 0))
        return rc;
    /* LOINC 29463-7 is "Body weight", the code FHIR's vital-signs profile uses. */
    char ref[64];
    json_t *w = json_pack(
        "{s:s, s:s, s:[{s:[{s:s, s:s, s:s}]}], s:{s:[{s:s, s:s, s:s}], s:s}, s:o, s:s, "
        "s:{s:f, s:s, s:s, s:s}}",
        "resourceType", "Observation", "status", "final", "category", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/observation-category", "code", "vital-signs",
        "display", "Vital Signs", "code", "coding", "system", "http://loinc.org", "code", "29463-7",
        "display", "Body weight", "text", "Body weight", "subject", reference(c->patient_ref),
        "effectiveDateTime", p->created_at[0] ? p->created_at : "", "valueQuantity", "value",
        p->weight_kg, "unit", "kg", "system", "http://unitsofmeasure.org", "code", "kg");
    if (w && !p->created_at[0])
        json_object_del(w, "effectiveDateTime");
    return add_entry(c, T_WEIGHT, p->id, 0, w, ref);
}

static json_t *medication(const fhir_ctx_t *c, const bont_store_vial_t *vial)
{
    const bont_product_t *prod = c->kb ? bont_kb_product(c->kb, vial->product) : NULL;
    char name[160];
    if (prod && prod->display)
        snprintf(name, sizeof name, "%s (%s)", prod->display, vial->product);
    else
        snprintf(name, sizeof name, "%s", vial->product);
    json_t *res = json_pack("{s:s, s:o, s:{s:s, s:s}}", "resourceType", "Medication", "code",
                            text_concept(name), "batch", "lotNumber", vial->lot, "expirationDate",
                            vial->expiry);
    if (res && vial->vial_units > 0) {
        /* Units of one product are not units of another: the unit stays plain text. */
        json_object_set_new(res, "amount",
                            json_pack("{s:{s:f, s:s}, s:{s:i, s:s}}", "numerator", "value",
                                      vial->vial_units, "unit", "U", "denominator", "value", 1,
                                      "unit", "vial"));
    }
    return res;
}

static json_t *route(const fhir_ctx_t *c, const char *muscle)
{
    const bont_muscle_t *m = c->kb ? bont_kb_muscle(c->kb, muscle) : NULL;
    const char *kind = m && m->kind ? m->kind : "muscle";
    if (strcmp(kind, "muscle") == 0)
        return coded(SNOMED, "78421000", "Intramuscular route");
    if (strcmp(kind, "skin") == 0)
        return coded(SNOMED, "372464004", "Intradermal route");
    if (strcmp(kind, "gland") == 0)
        return text_concept("Intraglandular injection");
    return text_concept("Injection into the organ wall");
}

static int add_administration(fhir_ctx_t *c, const bont_store_visit_t *v, size_t k,
                              const char *med_ref, const char *proc_ref)
{
    const bont_store_injection_t *in = &v->injections[k];
    const bont_muscle_t *m = c->kb ? bont_kb_muscle(c->kb, in->muscle) : NULL;
    char site[160], text[320], method[96] = "";
    snprintf(site, sizeof site, "%s%s%s", in->side, in->side[0] ? " " : "",
             m && m->name_en ? m->name_en : in->muscle);
    if (in->guidance[0])
        snprintf(method, sizeof method, "%s guidance", in->guidance);
    int n = snprintf(text, sizeof text, "%g U into %s at %d site%s", in->units, site, in->sites,
                     in->sites == 1 ? "" : "s");
    if (in->volume_ml >= 0 && n > 0 && (size_t)n < sizeof text)
        snprintf(text + n, sizeof text - (size_t)n, " in %g mL", in->volume_ml);
    json_t *dosage =
        json_pack("{s:s, s:o, s:o, s:{s:f, s:s}}", "text", text, "site", text_concept(site),
                  "route", route(c, in->muscle), "dose", "value", in->units, "unit", "U");
    if (dosage && method[0])
        json_object_set_new(dosage, "method", text_concept(method));
    json_t *res =
        json_pack("{s:s, s:s, s:[o], s:{s:s}, s:o, s:s, s:o}", "resourceType",
                  "MedicationAdministration", "status", "completed", "partOf", reference(proc_ref),
                  "medicationReference", "reference", med_ref, "subject", reference(c->patient_ref),
                  "effectiveDateTime", v->date, "dosage", dosage);
    char ref[64];
    return add_entry(c, T_ADMIN, v->id, (long long)k + 1, res, ref);
}

static int add_visit(fhir_ctx_t *c, const bont_store_visit_t *v)
{
    char med_ref[64], proc_ref[64];
    int rc = add_entry(c, T_MEDICATION, v->vial.id, 0, medication(c, &v->vial), med_ref);
    if (rc != 0)
        return rc;
    const bont_indication_t *ind = c->kb ? bont_kb_indication(c->kb, v->indication) : NULL;
    json_t *proc =
        json_pack("{s:s, s:s, s:o, s:o, s:s, s:[o]}", "resourceType", "Procedure", "status",
                  "completed", "code", text_concept("Botulinum toxin injection"), "subject",
                  reference(c->patient_ref), "performedDateTime", v->date, "reasonCode",
                  text_concept(ind && ind->name_en ? ind->name_en : v->indication));
    if (proc) {
        json_t *notes = json_array();
        if (v->override_reason[0]) {
            char note[640];
            snprintf(note, sizeof note, "Recorded against a failed safety check; reason: %s",
                     v->override_reason);
            json_array_append_new(notes, json_pack("{s:s}", "text", note));
        }
        if (json_array_size(notes))
            json_object_set_new(proc, "note", notes);
        else
            json_decref(notes);
        json_object_set_new(proc, "usedReference", json_pack("[o]", reference(med_ref)));
    }
    if ((rc = add_entry(c, T_PROCEDURE, v->id, 0, proc, proc_ref)) != 0)
        return rc;
    for (size_t k = 0; k < v->n_injections; k++)
        if ((rc = add_administration(c, v, k, med_ref, proc_ref)) != 0)
            return rc;
    if (v->wore_off_date[0]) {
        char ref[64];
        json_t *obs = json_pack("{s:s, s:s, s:[o], s:o, s:o, s:s, s:s}", "resourceType",
                                "Observation", "status", "final", "partOf", reference(proc_ref),
                                "code", text_concept("Date the treatment effect wore off"),
                                "subject", reference(c->patient_ref), "effectiveDateTime",
                                v->wore_off_date, "valueDateTime", v->wore_off_date);
        rc = add_entry(c, T_WEAROFF, v->id, 0, obs, ref);
    }
    return rc;
}

static int add_outcome(fhir_ctx_t *c, const bont_store_outcome_t *o)
{
    char ref[64], proc_ref[64];
    json_t *res = json_pack("{s:s, s:s, s:{s:[{s:s, s:s}], s:s}, s:o, s:s, s:{s:f}}",
                            "resourceType", "Observation", "status", "final", "code", "coding",
                            "system", "urn:bont:outcome-scale", "code", o->scale, "text", o->scale,
                            "subject", reference(c->patient_ref), "effectiveDateTime", o->date,
                            "valueQuantity", "value", o->score);
    if (res && o->visit_id > 0) {
        make_urn(c, T_PROCEDURE, o->visit_id, 0, proc_ref);
        json_object_set_new(res, "partOf", json_pack("[o]", reference(proc_ref)));
    }
    if (res && o->note[0])
        json_object_set_new(res, "note", json_pack("[{s:s}]", "text", o->note));
    return add_entry(c, T_OBS, o->id, 0, res, ref);
}

static int add_ae(fhir_ctx_t *c, const bont_store_ae_t *a)
{
    const bont_store_visit_t *v = NULL;
    for (size_t i = 0; i < c->rec->n_visits; i++)
        if (c->rec->visits[i].id == a->visit_id)
            v = &c->rec->visits[i];
    if (!v)
        return BONT_ESTORE;
    char onset[11], ref[64], med_ref[64], proc_ref[64];
    long day = 0;
    bont__store_day(v->date, &day);
    bont__store_format_day(day + a->onset_day, onset);
    make_urn(c, T_MEDICATION, v->vial.id, 0, med_ref);
    make_urn(c, T_PROCEDURE, v->id, 0, proc_ref);
    const char *outcome = a->resolved_date[0] ? "resolved" : "ongoing";
    const char *outcome_display = a->resolved_date[0] ? "Resolved" : "Ongoing";
    char severity_display[16];
    snprintf(severity_display, sizeof severity_display, "%s", a->severity);
    severity_display[0] = (char)(severity_display[0] - 'a' + 'A');
    json_t *res = json_pack(
        "{s:s, s:s, s:o, s:o, s:s, s:{s:[{s:s, s:s, s:s}]}, s:{s:[{s:s, s:s, s:s}]}, "
        "s:[{s:o}, {s:o}]}",
        "resourceType", "AdverseEvent", "actuality", "actual", "event", text_concept(a->what),
        "subject", reference(c->patient_ref), "date", onset, "severity", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/adverse-event-severity", "code", a->severity,
        "display", severity_display, "outcome", "coding", "system",
        "http://terminology.hl7.org/CodeSystem/adverse-event-outcome", "code", outcome, "display",
        outcome_display, "suspectEntity", "instance", reference(med_ref), "instance",
        reference(proc_ref));
    if (res && a->resolved_date[0]) {
        /* R4 AdverseEvent has no field for when it ended; an extension carries the date. */
        json_object_set_new(res, "extension",
                            json_pack("[{s:s, s:s}]", "url", "urn:bont:adverse-event-resolved",
                                      "valueDate", a->resolved_date));
    }
    return add_entry(c, T_AE, a->id, 0, res, ref);
}

int bont_store_fhir_export(const bont_kb_t *kb, const bont_store_record_t *rec, char **json,
                           bont_error_t *err)
{
    int ret = 0;
    *json = NULL;
    char key[256];
    snprintf(key, sizeof key, "%s|%s|%lld", rec->patient.name, rec->patient.birth_date,
             rec->patient.id);
    fhir_ctx_t c = {kb, rec, json_array(), fnv1a(14695981039346656037ULL, key), ""};
    char bundle_id[32];
    snprintf(bundle_id, sizeof bundle_id, "bont-patient-%lld", rec->patient.id);
    json_t *bundle = json_pack("{s:s, s:s, s:s, s:O}", "resourceType", "Bundle", "id", bundle_id,
                               "type", "collection", "entry", c.entries);
    if (!c.entries || !bundle) {
        ret = BONT_ENOMEM;
        goto cleanup;
    }
    if ((ret = add_patient(&c)) != 0)
        goto cleanup;
    for (size_t i = 0; i < rec->n_visits && !ret; i++)
        ret = add_visit(&c, &rec->visits[i]);
    for (size_t i = 0; i < rec->n_outcomes && !ret; i++)
        ret = add_outcome(&c, &rec->outcomes[i]);
    for (size_t i = 0; i < rec->n_aes && !ret; i++)
        ret = add_ae(&c, &rec->aes[i]);
    if (ret != 0) {
        bont_error_setf(err, NULL, "building the FHIR bundle failed: %s", bont_strerror(ret));
        goto cleanup;
    }
    *json = json_dumps(bundle, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!*json)
        ret = BONT_ENOMEM;
cleanup:
    json_decref(c.entries);
    json_decref(bundle);
    return ret;
}
