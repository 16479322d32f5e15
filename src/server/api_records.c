/* api_records.c: the record routes of the JSON API (patients, history, FHIR, visits, recall,
 * due), each answering with the report builder of the matching `bont ... --format json`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bont/plan.h"
#include "bont/report.h"
#include "server/internal.h"

/* Store failures are the server's; anything else a store call refuses is the request's. */
static bool server_fault(int rc)
{
    return rc == BONT_ENOMEM || rc == BONT_EIO || rc == BONT_ESTORE || rc == BONT_ESCHEMA;
}

/* {"error", "message", "field"} for a refused request. */
static void refuse(bont__ctx_t *c, int status, const char *code, const bont_error_t *err)
{
    json_t *body = json_pack("{s:s, s:s}", "error", code, "message", err->message);
    if (body && err->field[0])
        json_object_set_new(body, "field", json_string(err->field));
    bont__resp_json(c->resp, status, body);
}

static void not_found(bont__ctx_t *c, const char *what)
{
    bont__resp_error(c->resp, 404, "not_found", what);
}

/* ---- patients ---- */

int bont__h_patients_list(bont__ctx_t *c)
{
    bont_error_t err;
    bont_store_patient_t *list = NULL;
    size_t n = 0;
    const char *q = bont__kv_get(c->req->query, c->req->n_query, "q");
    int rc = bont_store_patient_list(c->store, &list, &n, &err);
    if (rc != 0) {
        free(list);
        return rc;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (bont__name_matches(list[i].name, q))
            list[kept++] = list[i];
    bont__resp_report(c->resp, 200, bont_report_patients_json(list, kept));
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%zu patient(s)%s%.200s", kept,
             q ? ", search: " : "", q ? q : "");
    free(list);
    return 0;
}

/* The store names its fields as the command's options; the API names them as its body. */
static void api_field(bont_error_t *err)
{
    static const char *const names[][2] = {
        {"--name", "name"}, {"--birth", "birth"}, {"--sex", "sex"}, {"--weight", "weight_kg"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(err->field, names[i][0]) == 0)
            snprintf(err->field, sizeof err->field, "%s", names[i][1]);
}

int bont__patient_add(bont__ctx_t *c, bont_store_patient_t *p, bont_error_t *err)
{
    int rc = bont_store_patient_add(c->store, p, err);
    api_field(err);
    if (rc == 0)
        c->resp->audit_patient_id = p->id;
    return rc;
}

/* Takes the conditions, medications or allergies of the body (an array of names) through the
 * knowledge base, as `bont patient add --condition ...` does. */
static int add_terms(bont__ctx_t *c, json_t *body, const char *key, const char *kind,
                     bont_store_patient_t *p, bont_error_t *err)
{
    json_t *arr = json_object_get(body, key), *v;
    size_t i;
    if (!arr)
        return 0;
    if (!json_is_array(arr)) {
        bont_error_setf(err, key, "must be an array of names");
        return BONT_EINVAL;
    }
    json_array_foreach(arr, i, v)
    {
        const char *name = json_string_value(v);
        if (!name || !*name || strlen(name) >= sizeof p->terms[0].name) {
            bont_error_setf(err, key, "each entry is a name of 1 to %zu bytes",
                            sizeof p->terms[0].name - 1);
            return BONT_EINVAL;
        }
        if (p->n_terms == BONT_STORE_MAX_TERMS) {
            bont_error_setf(err, key, "at most %d conditions, medications and allergies",
                            BONT_STORE_MAX_TERMS);
            return BONT_ERANGE;
        }
        const bont_term_t *t = bont_kb_term(c->srv->kb, name);
        bont_store_term_t *out = &p->terms[p->n_terms++];
        snprintf(out->kind, sizeof out->kind, "%s", kind);
        snprintf(out->name, sizeof out->name, "%s", t ? t->id : name);
    }
    return 0;
}

/* A string member of at most size - 1 bytes into out; absent is "" unless required. */
static int body_string(json_t *body, const char *key, bool required, char *out, size_t size,
                       bont_error_t *err)
{
    json_t *v = json_object_get(body, key);
    out[0] = '\0';
    if (!v && !required)
        return 0;
    if (!json_is_string(v)) {
        bont_error_setf(err, key, "%s", v ? "must be a string" : "is required");
        return v ? BONT_EINVAL : BONT_EMISSING;
    }
    if (json_string_length(v) >= size) {
        bont_error_setf(err, key, "is longer than %zu bytes", size - 1);
        return BONT_ERANGE;
    }
    snprintf(out, size, "%s", json_string_value(v));
    return 0;
}

/* The body's members must all be known: a misspelt one is an error, not silently dropped. */
static int known_keys(json_t *body, const char *const *keys, bont_error_t *err)
{
    const char *key;
    json_t *v;
    if (!json_is_object(body)) {
        bont_error_setf(err, NULL, "the body must be a JSON object");
        return BONT_EINVAL;
    }
    json_object_foreach(body, key, v)
    {
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(key, keys[i]) == 0;
        if (!known) {
            bont_error_setf(err, key, "is not a member of this body (expected one of: %s%s%s...)",
                            keys[0], keys[1] ? ", " : "", keys[1] ? keys[1] : "");
            return BONT_EUNKNOWN;
        }
    }
    return 0;
}

int bont__h_patients_create(bont__ctx_t *c)
{
    static const char *const keys[] = {"name",       "birth",       "sex",       "weight_kg",
                                       "conditions", "medications", "allergies", NULL};
    bont_error_t err;
    bont_error_clear(&err);
    bont_store_patient_t p;
    memset(&p, 0, sizeof p);
    p.weight_kg = -1;
    json_t *w = json_object_get(c->json, "weight_kg");
    int rc = known_keys(c->json, keys, &err);
    if (rc == 0)
        rc = body_string(c->json, "name", true, p.name, sizeof p.name, &err);
    if (rc == 0)
        rc = body_string(c->json, "birth", true, p.birth_date, sizeof p.birth_date, &err);
    if (rc == 0)
        rc = body_string(c->json, "sex", true, p.sex, sizeof p.sex, &err);
    if (rc == 0 && w && !json_is_null(w)) {
        if (json_is_number(w))
            p.weight_kg = json_number_value(w);
        else {
            bont_error_setf(&err, "weight_kg", "must be a number of kg, or null");
            rc = BONT_EINVAL;
        }
    }
    if (rc == 0)
        rc = add_terms(c, c->json, "conditions", "condition", &p, &err);
    if (rc == 0)
        rc = add_terms(c, c->json, "medications", "medication", &p, &err);
    if (rc == 0)
        rc = add_terms(c, c->json, "allergies", "allergy", &p, &err);
    if (rc == 0)
        rc = bont__patient_add(c, &p, &err);
    if (server_fault(rc))
        return rc;
    if (rc != 0) {
        refuse(c, 400, "bad_request", &err);
        return 0;
    }
    snprintf(c->resp->location, sizeof c->resp->location, "/api/v1/patients/%lld", p.id);
    bont__resp_report(c->resp, 201, bont_report_patient_json(&p));
    return 0;
}

int bont__h_patient_history(bont__ctx_t *c)
{
    long long id;
    bont_error_t err;
    bont_store_record_t *rec = NULL;
    bont_due_t due;
    const bont_due_t *pred = NULL;
    if (!bont__param_id(c, 0, &id)) {
        not_found(c, "a patient id is a positive number");
        return 0;
    }
    c->resp->audit_patient_id = id;
    int rc = bont__history_load(c, id, &rec, &due, &pred, &err);
    if (rc == BONT_ENOTFOUND) {
        not_found(c, "no such patient");
        return 0;
    }
    if (rc != 0)
        return rc;
    bont__resp_report(c->resp, 200, bont_report_history_json(rec, pred));
    bont_store_record_free(&rec);
    return 0;
}

int bont__h_patient_fhir(bont__ctx_t *c)
{
    long long id;
    bont_error_t err;
    bont_store_record_t *rec = NULL;
    char *text = NULL;
    if (!bont__param_id(c, 0, &id)) {
        not_found(c, "a patient id is a positive number");
        return 0;
    }
    c->resp->audit_patient_id = id;
    int rc = bont_store_record_load(c->store, id, &rec, &err);
    if (rc == BONT_ENOTFOUND) {
        not_found(c, "no such patient");
        return 0;
    }
    if (rc == 0)
        rc = bont_store_fhir_export(c->srv->kb, rec, &text, &err);
    if (rc == 0) {
        bont__resp_text(c->resp, 200, "application/fhir+json", text);
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "FHIR R4 bundle");
    }
    free(text);
    bont_store_record_free(&rec);
    return rc;
}

/* ---- visits ---- */

/* An optional string member as a C string (NULL when absent, null or ""). */
static int optional_string(json_t *body, const char *key, size_t max, const char **out,
                           bont_error_t *err)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v) || json_string_length(v) > max) {
        bont_error_setf(err, key, "must be a string of at most %zu bytes, or null", max);
        return BONT_EINVAL;
    }
    *out = json_string_length(v) ? json_string_value(v) : NULL;
    return 0;
}

/* Reads the visit body: the patient, the plan (parsed as `bont visit record` reads its file)
 * and the vial and time options. */
static int visit_body(bont__ctx_t *c, bont_visit_opts_t *o, bont_plan_t **plan, bont_error_t *err)
{
    static const char *const keys[] = {
        "patient",         "plan", "lot", "expiry", "reconstituted_at", "injected_at",
        "override_reason", NULL};
    json_t *body = c->json, *pid, *pj;
    int rc = known_keys(body, keys, err);
    if (rc != 0)
        return rc;
    pid = json_object_get(body, "patient");
    if (!json_is_integer(pid) || json_integer_value(pid) <= 0) {
        bont_error_setf(err, "patient", "must be the patient's id (a positive number)");
        return BONT_EINVAL;
    }
    o->patient_id = (long long)json_integer_value(pid);
    c->resp->audit_patient_id = o->patient_id;
    if ((rc = optional_string(body, "lot", 63, &o->lot, err)) != 0 ||
        (rc = optional_string(body, "expiry", 10, &o->expiry, err)) != 0 ||
        (rc = optional_string(body, "reconstituted_at", 16, &o->reconstituted_at, err)) != 0 ||
        (rc = optional_string(body, "injected_at", 16, &o->injected_at, err)) != 0 ||
        (rc = optional_string(body, "override_reason", 500, &o->override_reason, err)) != 0)
        return rc;
    pj = json_object_get(body, "plan");
    if (!json_is_object(pj)) {
        bont_error_setf(err, "plan", "must be a plan (a JSON object, docs/plan-format.md)");
        return BONT_EMISSING;
    }
    char *text = json_dumps(pj, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (!text)
        return BONT_ENOMEM;
    rc = bont_plan_parse(c->srv->kb, text, strlen(text), "plan", plan, err);
    free(text);
    return rc;
}

int bont__h_visit_record(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_visit_opts_t o;
    memset(&o, 0, sizeof o);
    bont_plan_t *plan = NULL;
    bont_visit_result_t *r = NULL;
    int rc = visit_body(c, &o, &plan, &err);
    if (rc == BONT_ENOMEM)
        return rc;
    if (rc != 0) {
        bont__resp_plan_error(c->resp, rc, &err);
        rc = 0;
        goto cleanup;
    }
    /* The check and the write are one transaction in the library: the findings are those of the
     * record the visit joins. */
    rc = bont_visit_record(c->store, c->srv->kb, plan, &o, &r, &err);
    if (rc == BONT_ENOTFOUND) {
        not_found(c, err.message);
        rc = 0;
        goto cleanup;
    }
    if (server_fault(rc))
        goto cleanup;
    if (rc != 0) {
        refuse(c, 400, "bad_request", &err);
        rc = 0;
        goto cleanup;
    }
    if (r->written) {
        snprintf(c->resp->location, sizeof c->resp->location, "/patients/%lld", o.patient_id);
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "visit %lld%s", r->visit_id,
                 r->overridden ? " recorded despite errors (override)" : "");
    } else
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail,
                 "refused: %zu error finding(s)", r->n_errors);
    /* Refused: 422, the findings say which rules the visit breaks. */
    bont__resp_report(c->resp, r->written ? 201 : 422,
                      bont_report_visit_result_json(r, &o, "<request>"));
cleanup:
    bont_visit_result_free(&r);
    bont_plan_free(&plan);
    return rc;
}

/* ---- recall, due ---- */

int bont__h_recall(bont__ctx_t *c)
{
    json_t *report = NULL;
    int rc = bont__recall_report(c, c->params[0], &report);
    if (rc == 0)
        bont__resp_report(c->resp, 200, report);
    return rc;
}

int bont__h_due(bont__ctx_t *c)
{
    long within;
    json_t *report = NULL;
    if (!bont__query_int(c, "within", 0, 3650, 14, &within)) {
        bont__resp_error(c->resp, 400, "bad_request", "within must be days, 0 to 3650");
        return 0;
    }
    int rc = bont__due_report(c, (int)within, &report);
    if (rc == 0)
        bont__resp_report(c->resp, 200, report);
    return rc;
}
