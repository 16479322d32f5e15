/* api_content.c: what the server gives patients to read, in the request's language:
 * GET /api/v1/handout (a stored visit, or the patient's last one) and POST /api/v1/handout (a
 * plan) as `bont handout` makes them, and GET /api/v1/pathway as `bont pathway` does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/report.h"
#include "i18n/tr.h"
#include "server/internal.h"

/* As the command: 500 virtual patients over 240 days, seed 1 (src/cli/cmd_handout.c); a
 * request may ask for 50 to 2,000 (the simulate route's ceiling: a request is one thread). */
enum {
    HANDOUT_PATIENTS = 500,
    HANDOUT_MIN_PATIENTS = 50,
    HANDOUT_MAX_PATIENTS = 2000,
    HANDOUT_DAYS = 240,
    CLINIC_MAX = 120, /* bytes of the clinic's name or phone */
};

enum { FORMAT_HTML, FORMAT_TEXT, FORMAT_JSON };

static const char *const format_names[] = {"html", "text", "json"};

/* The query's format (html, text or json; def when absent); false when it is another. */
static bool query_format(const bont__ctx_t *c, int def, int *out)
{
    const char *v = bont__kv_get(c->req->query, c->req->n_query, "format");
    *out = def;
    for (int i = 0; v && i < 3; i++)
        if (strcmp(v, format_names[i]) == 0)
            *out = i;
    return !v || strcmp(v, format_names[*out]) == 0;
}

static const char *query(const bont__ctx_t *c, const char *name)
{
    return bont__kv_get(c->req->query, c->req->n_query, name);
}

/* A query value that is a positive record id: 1, 0 when absent, -1 when malformed. */
static int query_id(const bont__ctx_t *c, const char *name, long long *id)
{
    const char *v = query(c, name);
    char *end = NULL;
    *id = 0;
    if (!v)
        return 0;
    *id = strtoll(v, &end, 10);
    return *v >= '1' && *v <= '9' && !*end && *id > 0 ? 1 : -1;
}

/* A writer of one document into f in a format. */
typedef int (*doc_writer_t)(FILE *f, const void *doc, int format);

/* Answers 200 with what write makes: an HTML page whose own styles the CSP allows, plain
 * text, or JSON printed as the command prints it. */
static int answer_doc(bont__ctx_t *c, doc_writer_t write, const void *doc, int format)
{
    static const char *const types[] = {"text/html; charset=utf-8", "text/plain; charset=utf-8",
                                        "application/json"};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    int rc = f ? write(f, doc, format) : BONT_ENOMEM;
    if (f && fclose(f) != 0 && rc == 0)
        rc = BONT_ENOMEM;
    if (rc == 0) {
        bont__resp_text(c->resp, 200, types[format], text);
        if (format == FORMAT_HTML)
            bont__resp_allow_own_styles(c->resp);
    }
    free(text);
    return rc;
}

/* ---- handouts ---- */

static int write_handout(FILE *f, const void *doc, int format)
{
    const bont_handout_t *h = doc;
    return format == FORMAT_TEXT   ? bont_report_handout_text(f, h)
           : format == FORMAT_JSON ? bont_report_json_write(f, bont_report_handout_json(h))
                                   : bont_report_handout_html(f, h);
}

/* Completed years from birth to date (both YYYY-MM-DD); -1 when either is not a date. */
static int years_on(const char *birth, const char *date)
{
    int by, bm, bd, y, m, d;
    if (sscanf(birth, "%d-%d-%d", &by, &bm, &bd) != 3 || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
        return -1;
    return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

/* The vial of a stored visit as a plan states it. A visit recorded without its vial size or
 * dilution takes the product's first labelled vial and its smallest labelled dilution: the
 * handout speaks of units, which the record holds, not of volumes. */
static json_t *visit_vial(const bont_kb_t *kb, const bont_store_vial_t *v)
{
    const bont_product_t *p = bont_kb_product(kb, v->product);
    const bont_vial_t *label = p && p->n_vials ? &p->vials[0] : NULL;
    json_t *o = json_object();
    double units = v->vial_units > 0 ? v->vial_units : label ? label->units : 100;
    json_object_set_new(o, "units", json_real(units));
    if (v->diluent_ml > 0)
        json_object_set_new(o, "diluent_ml", json_real(v->diluent_ml));
    else if (label && label->solution_ml <= 0 && label->diluent_ml_min > 0)
        json_object_set_new(o, "diluent_ml", json_real(label->diluent_ml_min));
    if (v->lot[0])
        json_object_set_new(o, "lot", json_string(v->lot));
    if (v->expiry[0])
        json_object_set_new(o, "expiry", json_string(v->expiry));
    return o;
}

/* A stored visit as the plan it carried out (docs/plan-format.md): the same product, vial,
 * indication, date and injections, and the patient as recorded, of the age on that day. */
static json_t *visit_plan(const bont_kb_t *kb, const bont_store_record_t *rec,
                          const bont_store_visit_t *v)
{
    const bont_store_patient_t *p = &rec->patient;
    json_t *patient =
        json_pack("{s:i, s:s, s:[], s:[], s:[]}", "age_years", years_on(p->birth_date, v->date),
                  "sex", p->sex, "conditions", "medications", "allergies");
    if (p->weight_kg > 0)
        json_object_set_new(patient, "weight_kg", json_real(p->weight_kg));
    for (size_t i = 0; i < p->n_terms; i++) {
        const char *k = p->terms[i].kind;
        const char *key = !strcmp(k, "condition")    ? "conditions"
                          : !strcmp(k, "medication") ? "medications"
                                                     : "allergies";
        json_array_append_new(json_object_get(patient, key), json_string(p->terms[i].name));
    }
    json_t *injections = json_array();
    for (size_t i = 0; i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        json_t *o = json_pack("{s:s, s:f, s:i}", "muscle", in->muscle, "units", in->units, "sites",
                              in->sites > 0 ? in->sites : 1);
        if (in->side[0])
            json_object_set_new(o, "side", json_string(in->side));
        if (in->guidance[0])
            json_object_set_new(o, "guidance", json_string(in->guidance));
        json_array_append_new(injections, o);
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "date", v->date, "indication", v->indication,
                     "product", v->vial.product, "vial", visit_vial(kb, &v->vial), "patient",
                     patient, "injections", injections);
}

/* The plan of the visit the query names (visit=ID, or patient=ID for the last one), and the
 * patient's name; 0, or the status of an answer already made. */
static int stored_plan(bont__ctx_t *c, bont_plan_t **plan, char *name, size_t name_size,
                       char patient[128])
{
    bont_error_t err;
    bont_error_clear(&err);
    long long visit_id = 0, patient_id = 0;
    int has_visit = query_id(c, "visit", &visit_id),
        has_patient = query_id(c, "patient", &patient_id);
    if (has_visit < 0 || has_patient < 0 || (has_visit == 0 && has_patient == 0)) {
        bont__resp_error(c->resp, 400, "bad_request",
                         "give visit=ID (a stored visit) or patient=ID (the patient's last visit)");
        return 400;
    }
    long long owner = 0;
    int rc = has_visit ? bont_store_visit_patient(c->store, visit_id, &owner, &err) : 0;
    if (rc == BONT_ENOTFOUND || (has_visit && has_patient && owner != patient_id)) {
        bont__resp_error(c->resp, 404, "not_found", "no such visit");
        return 404;
    }
    if (rc != 0)
        return rc;
    if (has_visit)
        patient_id = owner;
    c->resp->audit_patient_id = patient_id;
    bont_store_record_t *rec = NULL;
    rc = bont_store_record_load(c->store, patient_id, &rec, &err);
    if (rc == BONT_ENOTFOUND) {
        bont__resp_error(c->resp, 404, "not_found", "no such patient");
        return 404;
    }
    if (rc != 0)
        return rc;
    const bont_store_visit_t *v = NULL;
    for (size_t i = 0; i < rec->n_visits; i++)
        if (!has_visit || rec->visits[i].id == visit_id)
            v = &rec->visits[i];
    int status = 0;
    if (!v) {
        bont__resp_error(c->resp, 404, "not_found", "the patient has no recorded visit");
        status = 404;
    } else {
        snprintf(name, name_size, "visit %lld", v->id);
        snprintf(patient, 128, "%s", rec->patient.name);
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "handout of visit %lld",
                 v->id);
        json_t *j = visit_plan(c->srv->kb, rec, v);
        char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
        json_decref(j);
        rc = text ? bont_plan_parse(c->srv->kb, text, strlen(text), name, plan, &err) : BONT_ENOMEM;
        free(text);
        /* A stored visit that no longer reads as a plan (a knowledge base changed since) is
         * this server's fault, not the request's. */
        if (rc != 0 && rc != BONT_ENOMEM) {
            char msg[600];
            bont_error_format(&err, msg, sizeof msg);
            bont__resp_error(c->resp, 500, "internal", msg);
            status = 500;
        } else if (rc != 0)
            status = rc;
    }
    bont_store_record_free(&rec);
    return status;
}

/* The options the command takes on its command line, from the query: format, patients, force,
 * clinic and phone. false, after answering 400, when one is malformed. */
typedef struct handout_opts_t {
    int format;
    long patients;
    bool force;
    const char *clinic, *phone;
} handout_opts_t;

static bool handout_opts(bont__ctx_t *c, handout_opts_t *o)
{
    const char *force = query(c, "force");
    o->clinic = query(c, "clinic");
    o->phone = query(c, "phone");
    o->force = force && (!strcmp(force, "1") || !strcmp(force, "true"));
    if (query_format(c, FORMAT_HTML, &o->format) &&
        bont__query_int(c, "patients", HANDOUT_MIN_PATIENTS, HANDOUT_MAX_PATIENTS, HANDOUT_PATIENTS,
                        &o->patients) &&
        (!force || o->force || !strcmp(force, "0") || !strcmp(force, "false")) &&
        (!o->clinic || strlen(o->clinic) <= CLINIC_MAX) &&
        (!o->phone || strlen(o->phone) <= CLINIC_MAX))
        return true;
    char msg[300];
    snprintf(msg, sizeof msg,
             "format must be html, text or json; patients %d-%d; force 1 or 0; clinic and "
             "phone at most %d bytes (query string)",
             HANDOUT_MIN_PATIENTS, HANDOUT_MAX_PATIENTS, CLINIC_MAX);
    bont__resp_error(c->resp, 400, "bad_request", msg);
    return false;
}

/* The handout of a plan, as `bont handout`: a plan that breaks a rule gets none unless forced
 * (422 with the findings, as a refused visit); otherwise the model's virtual patients for it. */
static int handout_of(bont__ctx_t *c, const bont_plan_t *plan, const handout_opts_t *o,
                      const char *patient)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_check_t *chk = NULL;
    bont_pop_t *pop = NULL;
    int rc = bont_check_run(c->srv->kb, plan, NULL, &chk, &err);
    if (rc == 0 && chk->n_errors && !o->force) {
        json_t *findings = bont_report_findings_json(chk->findings, chk->n_findings);
        bont__resp_json(c->resp, 422,
                        json_pack("{s:s, s:s, s:o, s:s}", "error", "plan_breaks_rule", "message",
                                  BONT_TR("the plan breaks a rule, so no handout is made "
                                          "(force=1 makes it anyway, with a warning at "
                                          "the top)"),
                                  "findings", findings, "lang", c->lang));
        bont_check_free(&chk);
        return 0;
    }
    bont_pop_opts_t opts = {.n_patients = (size_t)o->patients,
                            .seed = 1,
                            .threads = 1,
                            .days = HANDOUT_DAYS,
                            .params = &c->srv->params,
                            .spread = c->srv->spread};
    if (rc == 0)
        rc = bont_pop_run(c->srv->kb, plan, &opts, &pop, &err);
    if (rc == 0) {
        bont_handout_t h = {.kb = c->srv->kb,
                            .content = c->srv->content,
                            .plan = plan,
                            .check = chk,
                            .pop = pop,
                            .clinic = o->clinic && *o->clinic ? o->clinic : NULL,
                            .phone = o->phone && *o->phone ? o->phone : NULL,
                            .patient = patient};
        rc = answer_doc(c, write_handout, &h, o->format);
    } else
        bont__resp_plan_error(c->resp, rc, &err);
    bont_pop_free(&pop);
    bont_check_free(&chk);
    return rc == BONT_ENOMEM ? rc : 0;
}

int bont__h_handout(bont__ctx_t *c)
{
    handout_opts_t o;
    bont_plan_t *plan = NULL;
    char name[64], patient[128];
    if (!handout_opts(c, &o))
        return 0;
    int status = stored_plan(c, &plan, name, sizeof name, patient);
    if (status < 0)
        return status;
    int rc = status == 0 ? handout_of(c, plan, &o, patient) : 0;
    bont_plan_free(&plan);
    return rc;
}

int bont__h_handout_plan(bont__ctx_t *c)
{
    handout_opts_t o;
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    if (!handout_opts(c, &o))
        return 0;
    int rc = bont_plan_parse(c->srv->kb, c->req->body, c->req->body_len, "<request>", &plan, &err);
    if (rc != 0) {
        bont__resp_plan_error(c->resp, rc, &err);
        return 0;
    }
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "handout of a plan");
    rc = handout_of(c, plan, &o, NULL);
    bont_plan_free(&plan);
    return rc;
}

/* ---- treatment pathways ---- */

static int write_pathway(FILE *f, const void *doc, int format)
{
    const bont_pathway_report_t *r = doc;
    return format == FORMAT_TEXT   ? bont_report_pathway_text(f, r)
           : format == FORMAT_JSON ? bont_report_json_write(f, bont_report_pathway_json(r))
                                   : bont_report_pathway_html(f, r);
}

/* The condition's pathway id: the id, or an indication's of that name (any alias, any
 * language), as the command finds it; NULL when neither has a pathway. */
static const char *find_condition(const bont__ctx_t *c, const char *name)
{
    const bont_content_t *content = c->srv->content;
    if (!name || strlen(name) > 200)
        return NULL;
    if (bont_content_has_condition(content, name))
        return name;
    const bont_indication_t *ind = bont_kb_indication(c->srv->kb, name);
    return ind && bont_content_has_condition(content, ind->id) ? ind->id : NULL;
}

static void unknown_condition(bont__ctx_t *c)
{
    const bont_content_t *content = c->srv->content;
    json_t *known = json_array();
    for (size_t i = 0; i < bont_content_n_conditions(content); i++)
        json_array_append_new(known, json_string(bont_content_condition_id(content, i)));
    bont__resp_json(c->resp, 404,
                    json_pack("{s:s, s:s, s:o, s:s}", "error", "not_found", "message",
                              BONT_TR("no pathway for this condition; these have one"),
                              "conditions", known, "lang", c->lang));
}

/* What the record adds to a pathway: the age today, the recorded conditions as knowledge-base
 * terms, and how long the patient's own toxin effects lasted. 0, or an answered status. */
static int pathway_record(bont__ctx_t *c, long long id, bont_pathway_report_t *r,
                          const bont_term_t **terms, char *label, size_t label_size)
{
    bont_error_t err;
    bont_store_record_t *rec = NULL;
    bont_due_t due;
    const bont_due_t *pred = NULL;
    c->resp->audit_patient_id = id;
    int rc = bont__history_load(c, id, &rec, &due, &pred, &err);
    if (rc == BONT_ENOTFOUND) {
        bont__resp_error(c->resp, 404, "not_found", "no such patient");
        return 404;
    }
    if (rc != 0)
        return rc;
    char today[11];
    bont__server_today(today);
    const bont_store_patient_t *p = &rec->patient;
    snprintf(label, label_size, "%lld (%s)", p->id, p->name);
    r->patient = label;
    r->age_years = years_on(p->birth_date, today);
    for (size_t i = 0; i < p->n_terms; i++) {
        const bont_term_t *t = bont_kb_term(c->srv->kb, p->terms[i].name);
        if (t)
            terms[r->n_terms++] = t;
    }
    r->terms = terms;
    if (pred && pred->post.n_obs > 0) {
        r->own_days = pred->personal_days;
        r->own_n_obs = pred->post.n_obs;
    }
    bont_store_record_free(&rec);
    return 0;
}

int bont__h_pathway(bont__ctx_t *c)
{
    int format;
    long long patient_id = 0;
    const char *age = query(c, "age");
    char *end = NULL;
    double age_years = age ? strtod(age, &end) : -1;
    int has_patient = query_id(c, "patient", &patient_id);
    if (!query_format(c, FORMAT_JSON, &format) || has_patient < 0 ||
        (age && (!*age || *end || !(age_years >= 0 && age_years <= 130)))) {
        bont__resp_error(c->resp, 400, "bad_request",
                         "format must be json, text or html; age years from 0 to 130; patient a "
                         "patient id (query string)");
        return 0;
    }
    if (!query(c, "condition")) {
        bont__resp_error(c->resp, 400, "bad_request",
                         "give condition=ID, e.g. condition=hemifacial_spasm (query string)");
        return 0;
    }
    const char *condition = find_condition(c, query(c, "condition"));
    if (!condition) {
        unknown_condition(c);
        return 0;
    }
    const bont_term_t *terms[BONT_STORE_MAX_TERMS];
    char label[200];
    bont_pathway_report_t r = {.content = c->srv->content,
                               .kb = c->srv->kb,
                               .condition = condition,
                               .age_years = -1,
                               .own_days = -1};
    if (has_patient) {
        int status = pathway_record(c, patient_id, &r, terms, label, sizeof label);
        if (status != 0)
            return status < 0 ? status : 0;
    }
    if (age) /* the age asked for wins over the birth date, as on the command line */
        r.age_years = age_years;
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "pathway %s", condition);
    return answer_doc(c, write_pathway, &r, format);
}
