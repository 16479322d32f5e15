/* routes.c: the one route table of the server and the dispatcher that enforces, for every
 * route, login, role, body type, Origin and CSRF token, and the audit entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>

#include "server/internal.h"

#define PUBLIC    BONT_ROLE_NONE
#define CLINICIAN BONT_ROLE_CLINICIAN
#define ADMIN     BONT_ROLE_ADMIN
#define NO_CSRF   BONT__CSRF_NONE
#define ORIGIN    BONT__CSRF_ORIGIN
#define TOKEN     BONT__CSRF_TOKEN
#define NO_BODY   BONT__BODY_NONE
#define JSON      BONT__BODY_JSON
#define FORM      BONT__BODY_FORM
#define API       true
#define PAGE      false

/* Every route the server answers. A request that matches none gets 404; docs/api.md lists the
 * API part with the same roles. Audit kinds name what was read or written. */
const bont__route_t bont__routes[] = {
    /* public */
    {"GET", "/healthz", PUBLIC, NO_CSRF, NO_BODY, API, NULL, bont__h_healthz},
    {"GET", "/static/*", PUBLIC, NO_CSRF, NO_BODY, PAGE, NULL, bont__h_static},
    {"GET", "/login", PUBLIC, NO_CSRF, NO_BODY, PAGE, NULL, bont__h_page_login},
    {"POST", "/login", PUBLIC, ORIGIN, FORM, PAGE, "login", bont__h_login},
    {"POST", "/lang", PUBLIC, ORIGIN, FORM, PAGE, NULL, bont__h_lang},
    /* session */
    {"POST", "/logout", CLINICIAN, TOKEN, FORM, PAGE, "logout", bont__h_logout},
    {"GET", "/api/v1/session", CLINICIAN, NO_CSRF, NO_BODY, API, NULL, bont__h_session},
    /* JSON API (docs/api.md, docs/openapi.yaml) */
    {"POST", "/api/v1/check", CLINICIAN, TOKEN, JSON, API, "check", bont__h_check},
    {"POST", "/api/v1/simulate", CLINICIAN, TOKEN, JSON, API, "simulate", bont__h_simulate},
    {"GET", "/api/v1/patients", CLINICIAN, NO_CSRF, NO_BODY, API, "patient.list",
     bont__h_patients_list},
    {"POST", "/api/v1/patients", CLINICIAN, TOKEN, JSON, API, "patient.add",
     bont__h_patients_create},
    {"GET", "/api/v1/patients/{id}", CLINICIAN, NO_CSRF, NO_BODY, API, "patient.read",
     bont__h_patient_history},
    {"GET", "/api/v1/patients/{id}/fhir", CLINICIAN, NO_CSRF, NO_BODY, API, "patient.export",
     bont__h_patient_fhir},
    {"POST", "/api/v1/visits", CLINICIAN, TOKEN, JSON, API, "visit.add", bont__h_visit_record},
    {"GET", "/api/v1/recall/{lot}", CLINICIAN, NO_CSRF, NO_BODY, API, "recall", bont__h_recall},
    {"GET", "/api/v1/due", CLINICIAN, NO_CSRF, NO_BODY, API, "due", bont__h_due},
    {"GET", "/api/v1/handout", CLINICIAN, NO_CSRF, NO_BODY, API, "handout", bont__h_later},
    {"GET", "/api/v1/pathway", CLINICIAN, NO_CSRF, NO_BODY, API, NULL, bont__h_later},
    /* pages */
    {"GET", "/", CLINICIAN, NO_CSRF, NO_BODY, PAGE, "patient.list", bont__h_page_patients},
    {"POST", "/patients", CLINICIAN, TOKEN, FORM, PAGE, "patient.add", bont__h_patients_add},
    {"GET", "/patients/{id}", CLINICIAN, NO_CSRF, NO_BODY, PAGE, "patient.read",
     bont__h_page_patient},
    {"GET", "/plan", CLINICIAN, NO_CSRF, NO_BODY, PAGE, "plan.open", bont__h_page_plan},
    {"GET", "/due", CLINICIAN, NO_CSRF, NO_BODY, PAGE, "due", bont__h_page_due},
    {"GET", "/recall", CLINICIAN, NO_CSRF, NO_BODY, PAGE, "recall", bont__h_page_recall},
    {"GET", "/vials", CLINICIAN, NO_CSRF, NO_BODY, PAGE, NULL, bont__h_page_vials},
    {"GET", "/users", ADMIN, NO_CSRF, NO_BODY, PAGE, "user.list", bont__h_page_users},
    {"POST", "/users", ADMIN, TOKEN, FORM, PAGE, "user.add", bont__h_users_add},
    {"POST", "/users/{name}/disable", ADMIN, TOKEN, FORM, PAGE, "user.disable",
     bont__h_users_disable},
    {"GET", "/audit", ADMIN, NO_CSRF, NO_BODY, PAGE, "audit.read", bont__h_page_audit},
};
const size_t bont__n_routes = sizeof bont__routes / sizeof bont__routes[0];

bool bont__route_match(const char *pattern, const char *path, char params[4][128], size_t *n)
{
    *n = 0;
    const char *p = pattern, *s = path;
    while (*p) {
        if (p[0] == '/' && p[1] == '*' && p[2] == '\0')
            return *s == '/' && s[1] != '\0';
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t len = strcspn(s, "/");
            if (!close || len == 0 || len >= 128 || *n >= 4)
                return false;
            memcpy(params[*n], s, len);
            params[(*n)++][len] = '\0';
            p = close + 1;
            s += len;
            continue;
        }
        if (*p != *s)
            return false;
        p++;
        s++;
    }
    return *s == '\0';
}

/* ---- the store connection pool ---- */

static bont_store_t *pool_take(bont_server_t *srv, size_t *slot)
{
    pthread_mutex_lock(&srv->pool_mu);
    for (;;) {
        for (size_t i = 0; i < srv->n_pool; i++)
            if (!srv->pool_busy[i]) {
                srv->pool_busy[i] = true;
                *slot = i;
                pthread_mutex_unlock(&srv->pool_mu);
                return srv->pool[i];
            }
        pthread_cond_wait(&srv->pool_cv, &srv->pool_mu);
    }
}

static void pool_give(bont_server_t *srv, size_t slot)
{
    pthread_mutex_lock(&srv->pool_mu);
    srv->pool_busy[slot] = false;
    pthread_cond_signal(&srv->pool_cv);
    pthread_mutex_unlock(&srv->pool_mu);
}

/* ---- checks ---- */

static void deny(bont__ctx_t *c, int status, const char *code, const char *message)
{
    if (c->route && c->route->api)
        bont__resp_error(c->resp, status, code, message);
    else {
        char text[300];
        snprintf(text, sizeof text, "%d %s\n", status, message);
        bont__resp_text(c->resp, status, "text/plain; charset=utf-8", text);
    }
}

/* The browser's Origin must be this server's own (scheme, host and port as the Host header
 * says); a cross-site page cannot forge it. Sec-Fetch-Site is checked too where sent. */
static bool origin_ok(const bont__ctx_t *c)
{
    const bont__req_t *r = c->req;
    if (!r->origin || !r->host || !*r->host)
        return false;
    if (r->fetch_site && strcmp(r->fetch_site, "same-origin") != 0 &&
        strcmp(r->fetch_site, "none") != 0)
        return false;
    const char *scheme = r->tls ? "https://" : "http://";
    size_t sl = strlen(scheme);
    return strncmp(r->origin, scheme, sl) == 0 && strcmp(r->origin + sl, r->host) == 0;
}

static bool type_is(const char *content_type, const char *want)
{
    size_t n = strlen(want);
    return content_type && strncasecmp(content_type, want, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* Parses the body a route takes; 0, or an HTTP status after answering. */
static int read_body(bont__ctx_t *c)
{
    const bont__req_t *r = c->req;
    if (c->route->body == BONT__BODY_NONE)
        return 0;
    if (c->route->body == BONT__BODY_JSON) {
        if (!type_is(r->content_type, "application/json")) {
            deny(c, 415, "unsupported_media_type", "the body must be application/json");
            return 415;
        }
        json_error_t jerr;
        c->json = r->body ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
        if (!c->json) {
            char msg[300];
            snprintf(msg, sizeof msg, "the body is not JSON: %s (line %d, column %d)",
                     r->body ? jerr.text : "empty body", r->body ? jerr.line : 0,
                     r->body ? jerr.column : 0);
            deny(c, 400, "bad_request", msg);
            return 400;
        }
        return 0;
    }
    if (r->body_len == 0)
        return 0;
    if (!type_is(r->content_type, "application/x-www-form-urlencoded")) {
        deny(c, 415, "unsupported_media_type",
             "the body must be application/x-www-form-urlencoded");
        return 415;
    }
    c->form_buf = malloc(r->body_len + 1);
    if (!c->form_buf) {
        deny(c, 500, "internal", "out of memory");
        return 500;
    }
    memcpy(c->form_buf, r->body, r->body_len);
    c->form_buf[r->body_len] = '\0';
    int n = strlen(c->form_buf) == r->body_len
                ? bont__parse_urlencoded(c->form_buf, c->form, BONT__MAX_PARAMS)
                : -1;
    if (n < 0) {
        deny(c, 400, "bad_request", "the form cannot be decoded");
        return 400;
    }
    c->n_form = (size_t)n;
    return 0;
}

static const char *choose_lang(const bont__req_t *r)
{
    char lang[8];
    if (r->cookie && bont__cookie_get(r->cookie, "bont_lang", lang, sizeof lang)) {
        if (strcmp(lang, "zh") == 0)
            return "zh";
        if (strcmp(lang, "ko") == 0)
            return "ko";
    }
    return "en";
}

static void write_audit(bont__ctx_t *c)
{
    bont_audit_t e;
    bont_error_t err;
    memset(&e, 0, sizeof e);
    snprintf(e.user, sizeof e.user, "%s", c->user.role ? c->user.name : c->resp->audit_user);
    snprintf(e.remote, sizeof e.remote, "%s", c->req->remote ? c->req->remote : "");
    snprintf(e.kind, sizeof e.kind, "%s", c->route->audit);
    snprintf(e.method, sizeof e.method, "%s", c->req->method);
    snprintf(e.path, sizeof e.path, "%s", c->req->path);
    e.status = c->resp->status;
    e.patient_id = c->resp->audit_patient_id;
    snprintf(e.detail, sizeof e.detail, "%s", c->resp->audit_detail);
    /* The audit writer batches the entries of concurrent requests into one transaction. */
    if ((c->srv->audit_running ? bont__audit_write(c->srv, &e)
                               : bont_store_audit_add(c->store, &e, &err)) != 0) {
        /* No answer leaves without its audit entry: drop what the handler made. */
        bont__resp_clear(c->resp);
        deny(c, 500, "internal", "the audit log cannot be written; nothing was sent");
    }
}

void bont__server_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void run_route(bont__ctx_t *c)
{
    const bont__route_t *rt = c->route;
    const bont__req_t *r = c->req;
    /* The store refuses records dated after the clinic's today: the server's local date. */
    char today[11];
    bont_error_t today_err;
    bont__server_today(today);
    bont_store_set_today(c->store, today, &today_err);
    c->has_session = bont__session_load(c->srv, c->store, r->cookie, &c->session, &c->user);
    if (!c->has_session)
        memset(&c->user, 0, sizeof c->user);
    else
        bont__csrf_token(&c->session, c->csrf_token);
    if (rt->role != BONT_ROLE_NONE && !c->has_session) {
        if (!rt->api && strcmp(rt->method, "GET") == 0) {
            bont__resp_redirect(c->resp, "/login");
            return;
        }
        deny(c, 401, "unauthorized", "log in first");
        return;
    }
    bool ran = false;
    if (rt->role == BONT_ROLE_ADMIN && c->user.role != BONT_ROLE_ADMIN)
        deny(c, 403, "forbidden", "this needs an admin login");
    else if (read_body(c) != 0)
        ;
    else if (rt->csrf != BONT__CSRF_NONE && !origin_ok(c))
        deny(c, 403, "forbidden", "the request's Origin is not this server");
    else if (rt->csrf == BONT__CSRF_TOKEN &&
             !bont__csrf_valid(&c->session, r->csrf_header
                                                ? r->csrf_header
                                                : bont__kv_get(c->form, c->n_form, "csrf_token")))
        deny(c, 403, "forbidden", "the CSRF token is missing or wrong; reload the page");
    else {
        ran = true;
        int rc = rt->fn(c);
        if (rc != 0 || c->resp->status == 0) {
            bont__resp_clear(c->resp);
            deny(c, 500, "internal", "the server failed to answer");
        }
    }
    /* Answers of a handler, and refusals of a logged-in user, are audited. */
    if (rt->audit && (ran || c->has_session))
        write_audit(c);
}

void bont__dispatch(bont_server_t *srv, const bont__req_t *req, bont__resp_t *resp)
{
    bont__ctx_t c;
    memset(&c, 0, sizeof c);
    memset(resp, 0, sizeof *resp);
    c.srv = srv;
    c.req = req;
    c.resp = resp;
    const char *method = req->method ? req->method : "";
    if (strcmp(method, "HEAD") == 0)
        method = "GET";
    if (!req->path || req->path[0] != '/' || strlen(req->path) > 1024) {
        bont__resp_error(resp, 400, "bad_request", "the path is not valid");
        return;
    }
    bool path_known = false;
    for (size_t i = 0; i < bont__n_routes && !c.route; i++) {
        if (!bont__route_match(bont__routes[i].pattern, req->path, c.params, &c.n_params))
            continue;
        path_known = true;
        if (strcmp(bont__routes[i].method, method) == 0)
            c.route = &bont__routes[i];
    }
    if (!c.route) {
        if (path_known)
            bont__resp_error(resp, 405, "method_not_allowed", "this path takes another method");
        else
            bont__resp_error(resp, 404, "not_found", "no such page");
        return;
    }
    c.lang = choose_lang(req);
    size_t slot = 0;
    c.store = pool_take(srv, &slot);
    run_route(&c);
    pool_give(srv, slot);
    json_decref(c.json);
    free(c.form_buf);
}
