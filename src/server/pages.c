/* pages.c: the clinic's pages (patients, a patient's history, the plan builder, due list,
 * recall, vials), rendered from the embedded templates through the escaping template helper,
 * from the same report builders as the JSON API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bont/kb.h"
#include "bont/report.h"
#include "server/internal.h"

typedef struct nav_item_t {
    const char *href;
    const char *label;
    bool admin;
} nav_item_t;

static const nav_item_t nav_items[] = {
    {"/", "Patients", false},     {"/plan", "Plan", false},   {"/due", "Due", false},
    {"/recall", "Recall", false}, {"/vials", "Vials", false}, {"/users", "Users", true},
    {"/audit", "Audit", true},
};

int bont__page(bont__ctx_t *c, const char *name, const char *title, json_t *ctx)
{
    bont_error_t err;
    bont_error_clear(&err);
    if (!ctx)
        return BONT_ENOMEM;
    json_t *nav = json_array();
    for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0]; i++) {
        if (nav_items[i].admin && c->user.role != BONT_ROLE_ADMIN)
            continue;
        bool current = strcmp(nav_items[i].href, c->req->path) == 0;
        json_array_append_new(nav, json_pack("{s:s, s:s, s:b}", "href", nav_items[i].href, "label",
                                             nav_items[i].label, "current", current));
    }
    json_object_set_new(ctx, "nav", nav);
    json_object_set_new(ctx, "title", json_string(title));
    json_object_set_new(ctx, "page", json_string(name));
    json_object_set_new(ctx, "path", json_string(c->req->path));
    json_object_set_new(ctx, "lang", json_string(c->lang));
    json_object_set_new(ctx, "lang_en", json_boolean(strcmp(c->lang, "en") == 0));
    json_object_set_new(ctx, "lang_zh", json_boolean(strcmp(c->lang, "zh") == 0));
    json_object_set_new(ctx, "lang_ko", json_boolean(strcmp(c->lang, "ko") == 0));
    if (c->has_session) {
        json_object_set_new(ctx, "user", json_string(c->user.name));
        json_object_set_new(ctx, "role", json_string(bont_role_name(c->user.role)));
        json_object_set_new(ctx, "csrf_token", json_string(c->csrf_token));
    }
    int rc = bont__tpl_render(name, ctx, &c->resp->body, &err);
    json_decref(ctx);
    if (rc != 0)
        return rc;
    c->resp->status = 200;
    c->resp->type = "text/html; charset=utf-8";
    return 0;
}

int bont__h_page_login(bont__ctx_t *c)
{
    if (c->has_session) {
        bont__resp_redirect(c->resp, "/");
        return 0;
    }
    return bont__page(c, "login", "Log in", json_object());
}

/* ---- names for people ---- */

static const char *pick_lang(const bont__ctx_t *c, const char *en, const char *zh, const char *ko,
                             const char *id)
{
    const char *name = strcmp(c->lang, "zh") == 0 ? zh : strcmp(c->lang, "ko") == 0 ? ko : en;
    return name ? name : id;
}

static const char *muscle_name(const bont__ctx_t *c, const char *id)
{
    const bont_muscle_t *m = bont_kb_muscle(c->srv->kb, id);
    return m ? pick_lang(c, m->name_en, m->name_zh, m->name_ko, m->id) : id;
}

static const char *indication_name(const bont__ctx_t *c, const char *id)
{
    const bont_indication_t *in = bont_kb_indication(c->srv->kb, id);
    return in ? pick_lang(c, in->name_en, in->name_zh, in->name_ko, in->id) : id;
}

static const char *product_name(const bont__ctx_t *c, const char *id)
{
    const bont_product_t *p = bont_kb_product(c->srv->kb, id);
    return p && p->display ? p->display : id;
}

/* Adds display names beside the knowledge-base ids of a report's objects: for each key of obj
 * that names a product, an indication or a muscle, KEY_name. */
static void add_names(const bont__ctx_t *c, json_t *obj)
{
    static const char *const keys[] = {"product", "indication", "muscle"};
    for (size_t k = 0; k < 3; k++) {
        const char *id = json_string_value(json_object_get(obj, keys[k]));
        if (!id)
            continue;
        char key[32];
        snprintf(key, sizeof key, "%s_name", keys[k]);
        const char *name = k == 0   ? product_name(c, id)
                           : k == 1 ? indication_name(c, id)
                                    : muscle_name(c, id);
        json_object_set_new(obj, key, json_string(name));
    }
}

static void add_names_each(const bont__ctx_t *c, json_t *arr)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) add_names(c, v);
}

/* ---- patients ---- */

/* The patient list, those whose name holds q, with an error of the add form when there is one. */
static int patients_page(bont__ctx_t *c, const char *q, const char *add_error)
{
    bont_error_t err;
    bont_store_patient_t *list = NULL;
    size_t n = 0, kept = 0;
    int rc = bont_store_patient_list(c->store, &list, &n, &err);
    if (rc != 0) {
        free(list);
        return rc;
    }
    for (size_t i = 0; i < n; i++)
        if (bont__name_matches(list[i].name, q))
            list[kept++] = list[i];
    json_t *ctx = bont_report_patients_json(list, kept);
    free(list);
    if (!ctx)
        return BONT_ENOMEM;
    json_object_set_new(ctx, "q", json_string(q ? q : ""));
    json_object_set_new(ctx, "total", json_integer((json_int_t)n));
    if (add_error)
        json_object_set_new(ctx, "add_error", json_string(add_error));
    rc = bont__page(c, "patients", "Patients", ctx);
    if (rc == 0 && add_error)
        c->resp->status = 400;
    return rc;
}

int bont__h_page_patients(bont__ctx_t *c)
{
    const char *q = bont__kv_get(c->req->query, c->req->n_query, "q");
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%s%.200s", q ? "search: " : "",
             q ? q : "");
    return patients_page(c, q, NULL);
}

int bont__h_patients_add(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_store_patient_t p;
    memset(&p, 0, sizeof p);
    const char *name = bont__kv_get(c->form, c->n_form, "name");
    const char *birth = bont__kv_get(c->form, c->n_form, "birth");
    const char *sex = bont__kv_get(c->form, c->n_form, "sex");
    const char *weight = bont__kv_get(c->form, c->n_form, "weight_kg");
    snprintf(p.name, sizeof p.name, "%s", name ? name : "");
    snprintf(p.birth_date, sizeof p.birth_date, "%s", birth ? birth : "");
    snprintf(p.sex, sizeof p.sex, "%s", sex ? sex : "");
    p.weight_kg = -1;
    int rc = 0;
    if (weight && *weight) {
        char *end = NULL;
        p.weight_kg = strtod(weight, &end);
        if (*end) {
            bont_error_setf(&err, "weight_kg", "the weight is a number of kg (got \"%.40s\")",
                            weight);
            rc = BONT_EINVAL;
        }
    }
    if (rc == 0 && name && strlen(name) >= sizeof p.name) {
        bont_error_setf(&err, "name", "the name is longer than %zu bytes", sizeof p.name - 1);
        rc = BONT_EINVAL;
    }
    if (rc == 0)
        rc = bont__patient_add(c, &p, &err);
    if (rc == BONT_ENOMEM || rc == BONT_EIO || rc == BONT_ESTORE)
        return rc;
    if (rc != 0)
        return patients_page(c, NULL, err.message);
    char where[64];
    snprintf(where, sizeof where, "/patients/%lld", p.id);
    bont__resp_redirect(c->resp, where);
    return 0;
}

/* The history report as a page: visits newest first, names beside ids. */
static json_t *history_context(const bont__ctx_t *c, json_t *h)
{
    json_t *visits = json_object_get(h, "visits"), *newest = json_array(), *v;
    size_t i;
    for (i = json_array_size(visits); i-- > 0;) {
        v = json_array_get(visits, i);
        json_t *vial = json_object_get(v, "vial");
        add_names(c, vial);
        /* "2026-11-30T08:30" reads as "2026-11-30 08:30". */
        const char *rt = json_string_value(json_object_get(vial, "reconstituted_at"));
        if (rt && strlen(rt) == 16) {
            char shown[17];
            snprintf(shown, sizeof shown, "%.10s %s", rt, rt + 11);
            json_object_set_new(vial, "reconstituted_shown", json_string(shown));
        }
        add_names(c, v);
        add_names_each(c, json_object_get(v, "injections"));
        json_array_append(newest, v);
    }
    json_object_set_new(h, "visits", newest);
    json_t *pred = json_object_get(h, "prediction");
    add_names(c, pred);
    if (pred)
        json_object_set_new(
            pred, "personal_days_whole",
            json_integer(
                (json_int_t)(json_number_value(json_object_get(pred, "personal_days")) + 0.5)));
    return h;
}

int bont__h_page_patient(bont__ctx_t *c)
{
    bont_error_t err;
    bont_store_record_t *rec = NULL;
    bont_due_t due;
    const bont_due_t *pred = NULL;
    long long id;
    int rc = bont__param_id(c, 0, &id) ? bont__history_load(c, id, &rec, &due, &pred, &err)
                                       : BONT_ENOTFOUND;
    if (rc == BONT_ENOTFOUND) {
        bont__resp_text(c->resp, 404, "text/plain; charset=utf-8", "404 no such patient\n");
        return 0;
    }
    if (rc != 0)
        return rc;
    c->resp->audit_patient_id = id;
    json_t *ctx = bont_report_history_json(rec, pred);
    char title[160];
    snprintf(title, sizeof title, "%s", rec->patient.name);
    bont_store_record_free(&rec);
    if (!ctx)
        return BONT_ENOMEM;
    return bont__page(c, "patient", title, history_context(c, ctx));
}

/* ---- the plan builder ---- */

/* What the plan builder needs of a patient's record to check a plan as recording it would: the
 * stored conditions, medications and allergies, and the earlier visits as the plan's history
 * (docs/plan-format.md). As JSON text, for a data attribute. */
static char *record_for_plan(const bont_store_record_t *rec)
{
    const bont_store_patient_t *p = &rec->patient;
    json_t *o = json_pack("{s:s, s:s, s:[], s:[], s:[], s:[]}", "birth_date", p->birth_date, "sex",
                          p->sex, "conditions", "medications", "allergies", "history");
    if (!o)
        return NULL;
    if (p->weight_kg > 0)
        json_object_set_new(o, "weight_kg", json_real(p->weight_kg));
    for (size_t i = 0; i < p->n_terms; i++) {
        const char *k = p->terms[i].kind;
        const char *key = strcmp(k, "condition") == 0    ? "conditions"
                          : strcmp(k, "medication") == 0 ? "medications"
                                                         : "allergies";
        json_array_append_new(json_object_get(o, key), json_string(p->terms[i].name));
    }
    json_t *hist = json_object_get(o, "history");
    for (size_t i = 0; i < rec->n_visits; i++) {
        const bont_store_visit_t *v = &rec->visits[i];
        json_array_append_new(hist, json_pack("{s:s, s:s, s:s, s:f}", "date", v->date, "product",
                                              v->vial.product, "indication", v->indication, "units",
                                              v->total_units));
    }
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

/* Lots that have not expired, for the plan builder's vial choice. */
static json_t *lots_in_date(const bont__ctx_t *c, const bont_store_lot_t *lots, size_t n,
                            const char *today)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        if (strcmp(lots[i].expiry, today) < 0)
            continue;
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "product", lots[i].product, "product_name",
                              product_name(c, lots[i].product), "lot", lots[i].lot, "expiry",
                              lots[i].expiry);
        if (lots[i].vial_units > 0)
            json_object_set_new(o, "vial_units", json_real(lots[i].vial_units));
        if (lots[i].diluent_ml >= 0)
            json_object_set_new(o, "diluent_ml", json_real(lots[i].diluent_ml));
        /* A vial reconstituted today may still be in use; an older one is another vial. */
        if (strncmp(lots[i].reconstituted_at, today, 10) == 0)
            json_object_set_new(o, "reconstituted_at", json_string(lots[i].reconstituted_at));
        json_array_append_new(arr, o);
    }
    return arr;
}

static json_t *plan_choices(const bont__ctx_t *c)
{
    const bont_kb_t *kb = c->srv->kb;
    json_t *products = json_array(), *muscles = json_array(), *indications = json_array();
    for (size_t i = 0; i < bont_kb_n_products(kb); i++) {
        const bont_product_t *p = bont_kb_product_at(kb, i);
        char vials[128] = "";
        size_t len = 0;
        for (size_t v = 0; v < p->n_vials && len + 16 < sizeof vials; v++)
            len += (size_t)snprintf(vials + len, sizeof vials - len, "%s%g", v ? " " : "",
                                    p->vials[v].units);
        json_array_append_new(products, json_pack("{s:s, s:s, s:s}", "id", p->id, "display",
                                                  p->display ? p->display : p->id, "vials", vials));
    }
    for (size_t i = 0; i < bont_kb_n_muscles(kb); i++) {
        const bont_muscle_t *m = bont_kb_muscle_at(kb, i);
        json_array_append_new(muscles, json_pack("{s:s, s:s, s:s, s:b}", "id", m->id, "name",
                                                 muscle_name(c, m->id), "region", m->region,
                                                 "sided", m->sided));
    }
    for (size_t i = 0; i < bont_kb_n_indications(kb); i++) {
        const bont_indication_t *in = bont_kb_indication_at(kb, i);
        json_array_append_new(
            indications, json_pack("{s:s, s:s}", "id", in->id, "name", indication_name(c, in->id)));
    }
    return json_pack("{s:o, s:o, s:o, s:b}", "products", products, "muscles", muscles,
                     "indications", indications, "uplot", 1);
}

/* The plan builder: charts, products, the vials in stock, and the patient's record when the
 * plan is for one. */
int bont__h_page_plan(bont__ctx_t *c)
{
    bont_error_t err;
    bont_store_lot_t *lots = NULL;
    size_t n_lots = 0;
    char today[11];
    bont__server_today(today);
    int rc = bont_store_lots(c->store, &lots, &n_lots, &err);
    if (rc != 0)
        return rc;
    json_t *ctx = plan_choices(c);
    json_object_set_new(ctx, "lots", lots_in_date(c, lots, n_lots, today));
    json_object_set_new(ctx, "today", json_string(today));
    free(lots);
    const char *pid = bont__kv_get(c->req->query, c->req->n_query, "patient");
    char *end = NULL;
    long long id = pid ? strtoll(pid, &end, 10) : 0;
    bont_store_record_t *rec = NULL;
    if (pid && !*end && id > 0 && bont_store_record_load(c->store, id, &rec, &err) == 0) {
        char *record = record_for_plan(rec);
        json_object_set_new(ctx, "patient", bont_report_patient_json(&rec->patient));
        json_object_set_new(ctx, "record", json_string(record ? record : "{}"));
        free(record);
        bont_store_record_free(&rec);
        c->resp->audit_patient_id = id;
    }
    return bont__page(c, "plan", "Plan builder", ctx);
}

/* ---- due, recall, vials ---- */

int bont__h_page_due(bont__ctx_t *c)
{
    long within;
    json_t *ctx = NULL;
    if (!bont__query_int(c, "within", 0, 3650, 14, &within))
        within = 14;
    int rc = bont__due_report(c, (int)within, &ctx);
    if (rc != 0)
        return rc;
    add_names_each(c, json_object_get(ctx, "due"));
    return bont__page(c, "due", "Due for treatment", ctx);
}

int bont__h_page_recall(bont__ctx_t *c)
{
    const char *lot = bont__kv_get(c->req->query, c->req->n_query, "lot");
    json_t *ctx = NULL;
    if (!lot || !*lot)
        return bont__page(c, "recall", "Recall", json_pack("{s:s}", "lot", ""));
    int rc = bont__recall_report(c, lot, &ctx);
    if (rc != 0)
        return rc;
    add_names_each(c, json_object_get(ctx, "records"));
    size_t patients = (size_t)json_integer_value(json_object_get(ctx, "patients"));
    size_t visits = (size_t)json_integer_value(json_object_get(ctx, "visits"));
    char summary[96];
    snprintf(summary, sizeof summary, "%zu patient%s, %zu visit%s", patients,
             patients == 1 ? "" : "s", visits, visits == 1 ? "" : "s");
    json_object_set_new(ctx, "summary", json_string(summary));
    return bont__page(c, "recall", "Recall", ctx);
}

/* Days from today to date (both valid YYYY-MM-DD), by the calendar. */
static long days_until(const char *today, const char *date)
{
    struct tm a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    if (sscanf(today, "%d-%d-%d", &a.tm_year, &a.tm_mon, &a.tm_mday) != 3 ||
        sscanf(date, "%d-%d-%d", &b.tm_year, &b.tm_mon, &b.tm_mday) != 3)
        return 0;
    a.tm_year -= 1900, b.tm_year -= 1900, a.tm_mon--, b.tm_mon--;
    a.tm_hour = b.tm_hour = 12;
    return (long)((timegm(&b) - timegm(&a)) / 86400);
}

int bont__h_page_vials(bont__ctx_t *c)
{
    bont_error_t err;
    bont_store_lot_t *lots = NULL;
    size_t n = 0;
    char today[11];
    bont__server_today(today);
    int rc = bont_store_lots(c->store, &lots, &n, &err);
    if (rc != 0)
        return rc;
    json_t *in_date = json_array(), *expired = json_array();
    for (size_t i = 0; i < n; i++) {
        const bont_store_lot_t *l = &lots[i];
        long left = days_until(today, l->expiry);
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:f, s:s, s:s, s:b}", "product",
                              l->product, "product_name", product_name(c, l->product), "lot",
                              l->lot, "expiry", l->expiry, "days_left", (json_int_t)left, "vials",
                              (json_int_t)l->n_vials, "units_used", l->units_used, "first_used",
                              l->first_used, "last_used", l->last_used, "soon", left <= 30);
        if (l->vial_units > 0)
            json_object_set_new(o, "vial_units", json_real(l->vial_units));
        json_array_append_new(left >= 0 ? in_date : expired, o);
    }
    free(lots);
    return bont__page(
        c, "vials", "Vials in stock",
        json_pack("{s:o, s:o, s:s}", "lots", in_date, "expired", expired, "today", today));
}
