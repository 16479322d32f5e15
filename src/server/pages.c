/* pages.c: the HTML pages of the web app, rendered from the embedded templates (web/templates)
 * through the escaping template helper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bont/kb.h"
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

static json_t *patient_json(const bont_store_patient_t *p)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)p->id, "name", p->name,
                          "birth_date", p->birth_date, "sex", p->sex);
    if (o && p->weight_kg > 0)
        json_object_set_new(o, "weight_kg", json_real(p->weight_kg));
    return o;
}

/* Case-insensitive substring test for ASCII; other bytes must match exactly. */
static bool name_has(const char *name, const char *q)
{
    size_t n = strlen(q);
    if (n == 0)
        return true;
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, q, n) == 0)
            return true;
    return false;
}

/* The patient list, those whose name holds q, with an error of the add form when there is one. */
static int patients_page(bont__ctx_t *c, const char *q, const char *add_error)
{
    bont_error_t err;
    bont_store_patient_t *list = NULL;
    size_t n = 0;
    if (bont_store_patient_list(c->store, &list, &n, &err) != 0)
        return BONT_ESTORE;
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++)
        if (name_has(list[i].name, q ? q : ""))
            json_array_append_new(rows, patient_json(&list[i]));
    free(list);
    json_t *ctx =
        json_pack("{s:o, s:s, s:I}", "patients", rows, "q", q ? q : "", "total", (json_int_t)n);
    if (add_error)
        json_object_set_new(ctx, "add_error", json_string(add_error));
    int rc = bont__page(c, "patients", "Patients", ctx);
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

static json_t *visit_json(const bont_store_visit_t *v)
{
    json_t *inj = json_array();
    for (size_t i = 0; i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        json_array_append_new(inj, json_pack("{s:s, s:s, s:f, s:i}", "muscle", in->muscle, "side",
                                             in->side, "units", in->units, "sites", in->sites));
    }
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:f, s:s, s:o}", "id", (json_int_t)v->id,
                     "date", v->date, "indication", v->indication, "product", v->vial.product,
                     "lot", v->vial.lot, "expiry", v->vial.expiry, "total_units", v->total_units,
                     "override_reason", v->override_reason, "injections", inj);
}

int bont__h_page_patient(bont__ctx_t *c)
{
    bont_error_t err;
    bont_store_record_t *rec = NULL;
    char *end = NULL;
    long long id = strtoll(c->params[0], &end, 10);
    if (*end || id <= 0 || bont_store_record_load(c->store, id, &rec, &err) != 0) {
        bont__resp_text(c->resp, 404, "text/plain; charset=utf-8", "404 no such patient\n");
        return 0;
    }
    c->resp->audit_patient_id = id;
    json_t *visits = json_array(), *outcomes = json_array(), *aes = json_array();
    for (size_t i = rec->n_visits; i-- > 0;) /* newest first */
        json_array_append_new(visits, visit_json(&rec->visits[i]));
    for (size_t i = 0; i < rec->n_outcomes; i++)
        json_array_append_new(outcomes,
                              json_pack("{s:s, s:s, s:f, s:s}", "date", rec->outcomes[i].date,
                                        "scale", rec->outcomes[i].scale, "score",
                                        rec->outcomes[i].score, "note", rec->outcomes[i].note));
    for (size_t i = 0; i < rec->n_aes; i++)
        json_array_append_new(aes, json_pack("{s:s, s:s, s:i, s:s}", "what", rec->aes[i].what,
                                             "severity", rec->aes[i].severity, "onset_day",
                                             rec->aes[i].onset_day, "resolved_date",
                                             rec->aes[i].resolved_date));
    json_t *ctx = json_pack("{s:o, s:o, s:o, s:o}", "patient", patient_json(&rec->patient),
                            "visits", visits, "outcomes", outcomes, "aes", aes);
    bont_duration_prior_t prior;
    bont_due_t due;
    char today[11];
    bont__server_today(today);
    if (rec->n_visits > 0 && bont_duration_prior_load(&prior, &err) == 0 &&
        bont_store_predict(rec, NULL, NULL, &prior, today, &due, &err) == 0)
        json_object_set_new(ctx, "due",
                            json_pack("{s:s, s:I, s:s, s:I}", "wear_off_date", due.wear_off_date,
                                      "days_left", (json_int_t)due.days_left, "basis", due.basis,
                                      "n_obs", (json_int_t)due.post.n_obs));
    int rc = bont__page(c, "patient", rec->patient.name, ctx);
    bont_store_record_free(&rec);
    return rc;
}

/* The plan builder: charts, products and every atlas structure (for those no chart shows and
 * for keyboard use). */
int bont__h_page_plan(bont__ctx_t *c)
{
    const bont_kb_t *kb = c->srv->kb;
    json_t *products = json_array(), *muscles = json_array();
    for (size_t i = 0; i < bont_kb_n_products(kb); i++) {
        const bont_product_t *p = bont_kb_product_at(kb, i);
        json_array_append_new(products, json_pack("{s:s, s:s}", "id", p->id, "display",
                                                  p->display ? p->display : p->id));
    }
    for (size_t i = 0; i < bont_kb_n_muscles(kb); i++) {
        const bont_muscle_t *m = bont_kb_muscle_at(kb, i);
        const char *name = strcmp(c->lang, "zh") == 0   ? m->name_zh
                           : strcmp(c->lang, "ko") == 0 ? m->name_ko
                                                        : m->name_en;
        json_array_append_new(muscles, json_pack("{s:s, s:s, s:s, s:b}", "id", m->id, "name",
                                                 name ? name : m->id, "region", m->region, "sided",
                                                 m->sided));
    }
    json_t *indications = json_array();
    for (size_t i = 0; i < bont_kb_n_indications(kb); i++) {
        const bont_indication_t *in = bont_kb_indication_at(kb, i);
        const char *name = strcmp(c->lang, "zh") == 0   ? in->name_zh
                           : strcmp(c->lang, "ko") == 0 ? in->name_ko
                                                        : in->name_en;
        json_array_append_new(indications,
                              json_pack("{s:s, s:s}", "id", in->id, "name", name ? name : in->id));
    }
    json_t *ctx = json_pack("{s:o, s:o, s:o, s:b}", "products", products, "muscles", muscles,
                            "indications", indications, "uplot", 1);
    const char *pid = bont__kv_get(c->req->query, c->req->n_query, "patient");
    bont_store_patient_t p;
    bont_error_t err;
    char *end = NULL;
    long long id = pid ? strtoll(pid, &end, 10) : 0;
    if (pid && !*end && id > 0 && bont_store_patient_get(c->store, id, &p, &err) == 0) {
        json_object_set_new(ctx, "patient", patient_json(&p));
        c->resp->audit_patient_id = id;
    }
    return bont__page(c, "plan", "Plan builder", ctx);
}

int bont__h_page_due(bont__ctx_t *c)
{
    bont_error_t err;
    bont_duration_prior_t prior;
    bont_due_t *list = NULL;
    size_t n = 0;
    char today[11];
    bont__server_today(today);
    const char *w = bont__kv_get(c->req->query, c->req->n_query, "within");
    long within = w ? strtol(w, NULL, 10) : 14;
    within = within < 0 ? 0 : within > 365 ? 365 : within;
    if (bont_duration_prior_load(&prior, &err) != 0 ||
        bont_store_due(c->store, NULL, NULL, &prior, today, (int)within, &list, &n, &err) != 0)
        return BONT_ESTORE;
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(
            rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "patient_id",
                            (json_int_t)list[i].patient_id, "name", list[i].name, "visit_date",
                            list[i].visit_date, "indication", list[i].indication, "wear_off_date",
                            list[i].wear_off_date, "days_left", (json_int_t)list[i].days_left));
    free(list);
    return bont__page(c, "due", "Due for treatment",
                      json_pack("{s:o, s:I}", "due", rows, "within", (json_int_t)within));
}

int bont__h_page_recall(bont__ctx_t *c)
{
    bont_error_t err;
    const char *lot = bont__kv_get(c->req->query, c->req->n_query, "lot");
    json_t *ctx = json_pack("{s:s}", "lot", lot ? lot : "");
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%.200s", lot ? lot : "");
    if (lot && *lot) {
        bont_store_recall_t *hits = NULL;
        size_t n = 0;
        if (bont_store_recall(c->store, lot, &hits, &n, &err) != 0) {
            json_decref(ctx);
            return BONT_ESTORE;
        }
        json_t *rows = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                rows, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:f}", "patient_id",
                                (json_int_t)hits[i].patient_id, "patient_name",
                                hits[i].patient_name, "birth_date", hits[i].birth_date, "date",
                                hits[i].date, "product", hits[i].product, "lot", hits[i].lot,
                                "expiry", hits[i].expiry, "total_units", hits[i].total_units));
        free(hits);
        json_object_set_new(ctx, "hits", rows);
    }
    return bont__page(c, "recall", "Recall", ctx);
}

int bont__h_page_vials(bont__ctx_t *c)
{
    return bont__page(c, "vials", "Vials in stock", json_object());
}

static int users_page(bont__ctx_t *c, const char *message, const char *error)
{
    bont_error_t err;
    bont_user_t *users = NULL;
    size_t n = 0;
    if (bont_store_user_list(c->store, &users, &n, &err) != 0)
        return BONT_ESTORE;
    json_t *rows = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows, json_pack("{s:s, s:s, s:b, s:s, s:b}", "name", users[i].name,
                                              "role", bont_role_name(users[i].role), "disabled",
                                              users[i].disabled, "created_at", users[i].created_at,
                                              "self", users[i].id == c->user.id));
    free(users);
    json_t *ctx = json_pack("{s:o}", "users", rows);
    if (message)
        json_object_set_new(ctx, "message", json_string(message));
    if (error)
        json_object_set_new(ctx, "error", json_string(error));
    return bont__page(c, "users", "Users", ctx);
}

int bont__h_page_users(bont__ctx_t *c)
{
    return users_page(c, NULL, NULL);
}

int bont__h_users_add(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_user_t u;
    memset(&u, 0, sizeof u);
    const char *name = bont__kv_get(c->form, c->n_form, "name");
    const char *role = bont__kv_get(c->form, c->n_form, "role");
    const char *password = bont__kv_get(c->form, c->n_form, "password");
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%.64s as %.16s",
             name ? name : "", role ? role : "");
    int rc = bont_user_name_check(name, &err);
    if (rc == 0 && bont_role_parse(role, &u.role) != 0) {
        bont_error_setf(&err, "role", "the role must be admin or clinician");
        rc = BONT_EINVAL;
    }
    if (rc == 0)
        rc = bont_password_hash(password, u.password_hash, sizeof u.password_hash, &err);
    if (rc == 0) {
        snprintf(u.name, sizeof u.name, "%s", name);
        rc = bont_store_user_add(c->store, &u, &err);
    }
    if (rc != 0 && rc != BONT_EINVAL && rc != BONT_ECONFLICT)
        return rc;
    int page = users_page(c, rc == 0 ? "User added." : NULL, rc == 0 ? NULL : err.message);
    if (page == 0 && rc != 0)
        c->resp->status = rc == BONT_ECONFLICT ? 409 : 400;
    return page;
}

int bont__h_users_disable(bont__ctx_t *c)
{
    bont_error_t err;
    bont_error_clear(&err);
    snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "%.64s", c->params[0]);
    if (strcasecmp(c->params[0], c->user.name) == 0) {
        int page = users_page(c, NULL, "You cannot disable your own login.");
        if (page == 0)
            c->resp->status = 409;
        return page;
    }
    int rc = bont_store_user_set_disabled(c->store, c->params[0], true, &err);
    if (rc == BONT_ENOTFOUND) {
        bont__resp_text(c->resp, 404, "text/plain; charset=utf-8", "404 no such user\n");
        return 0;
    }
    if (rc != 0)
        return rc;
    bont__resp_redirect(c->resp, "/users");
    return 0;
}

int bont__h_page_audit(bont__ctx_t *c)
{
    bont_error_t err;
    bont_audit_t *list = NULL;
    size_t n = 0;
    const char *pid = bont__kv_get(c->req->query, c->req->n_query, "patient");
    long long patient = pid ? strtoll(pid, NULL, 10) : 0;
    if (bont_store_audit_list(c->store, patient, &list, &n, &err) != 0)
        return BONT_ESTORE;
    json_t *rows = json_array();
    /* Newest first, the last 500: the full log is `bont audit`. */
    for (size_t k = 0; k < n && k < 500; k++) {
        const bont_audit_t *e = &list[n - 1 - k];
        json_t *row =
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "id", (json_int_t)e->id,
                      "at", e->at, "user", e->user, "remote", e->remote, "kind", e->kind, "method",
                      e->method, "path", e->path, "status", e->status, "detail", e->detail);
        if (row && e->patient_id > 0)
            json_object_set_new(row, "patient_id", json_integer(e->patient_id));
        json_array_append_new(rows, row);
    }
    free(list);
    return bont__page(c, "audit", "Audit log",
                      json_pack("{s:o, s:I, s:s}", "entries", rows, "total", (json_int_t)n,
                                "patient", pid ? pid : ""));
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
        rc = bont_store_patient_add(c->store, &p, &err);
    if (rc == BONT_ENOMEM || rc == BONT_EIO || rc == BONT_ESTORE)
        return rc;
    if (rc != 0)
        return patients_page(c, NULL, err.message);
    c->resp->audit_patient_id = p.id;
    char where[64];
    snprintf(where, sizeof where, "/patients/%lld", p.id);
    bont__resp_redirect(c->resp, where);
    return 0;
}
