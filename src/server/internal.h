/* internal.h: what the server's source files share: requests, responses, the route table and
 * the dispatcher that enforces login, role, CSRF and audit for every route (internal). */
#ifndef BONT_SERVER_INTERNAL_H
#define BONT_SERVER_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "bont/access.h"
#include "bont/content.h"
#include "bont/i18n.h"
#include "bont/model.h"
#include "bont/personal.h"
#include "bont/server.h"
#include "bont/spread.h"
#include "bont/store.h"
#include "util/text.h"

enum {
    BONT__MAX_PARAMS = 32,     /* query or form fields read from one request */
    BONT__SESSION_ID_B64 = 44, /* 32 random bytes as unpadded base64url, with the NUL */
    BONT__TOKEN_B64 = 44,      /* an HMAC-SHA256 as unpadded base64url, with the NUL */
    BONT__LOGIN_SLOTS = 256,   /* client addresses the login limiter remembers */
};

/* One name=value pair, both decoded, pointing into a buffer the owner keeps. */
typedef struct bont__kv_t {
    const char *name;
    const char *value;
} bont__kv_t;

/* A request as the dispatcher sees it, whatever parsed it (libmicrohttpd, the fuzz target or a
 * test). Every string is borrowed and NUL-terminated; absent headers are NULL. */
typedef struct bont__req_t {
    const char *method; /* "GET", "POST", ... (HEAD is routed as GET) */
    const char *path;   /* decoded path without the query string, starts with '/' */
    bont__kv_t query[BONT__MAX_PARAMS];
    size_t n_query;
    const char *host;         /* Host header */
    const char *origin;       /* Origin header */
    const char *fetch_site;   /* Sec-Fetch-Site header */
    const char *cookie;       /* Cookie header, raw */
    const char *content_type; /* Content-Type header */
    const char *csrf_header;  /* X-CSRF-Token header */
    const char *accept;       /* Accept header */
    const char *accept_lang;  /* Accept-Language header */
    const char *body;         /* request body (NUL-terminated copy), or NULL */
    size_t body_len;
    const char *remote; /* client address, numeric */
    bool tls;           /* arrived over HTTPS */
} bont__req_t;

/* The answer a handler builds; the transport adds the security headers. */
typedef struct bont__resp_t {
    int status;              /* HTTP status; 0 until a handler sets one */
    const char *type;        /* Content-Type (static string) */
    bont__buf_t body;        /* owned */
    const char *static_body; /* an embedded asset instead of body (not owned), or NULL */
    size_t static_len;
    bool cacheable;          /* an embedded asset: may be cached; everything else is no-store */
    char location[512];      /* Location for redirects, or "" */
    char set_cookie[2][320]; /* Set-Cookie lines, or "" */
    int retry_after_s;       /* Retry-After for 429, or 0 */
    /* Filled by handlers for the audit entry the dispatcher writes. */
    long long audit_patient_id;
    char audit_detail[256];
    char audit_user[65];      /* the login name for routes without a session (login) */
    const char *content_lang; /* Content-Language ("en", "zh-Hans", "ko"; static), or NULL */
    char csp[1024]; /* a Content-Security-Policy of this answer instead of the usual, or "" */
} bont__resp_t;

struct bont__ctx_t;
typedef int (*bont__handler_t)(struct bont__ctx_t *c);

typedef enum bont__csrf_t {
    BONT__CSRF_NONE = 0, /* safe methods only (GET) */
    BONT__CSRF_ORIGIN,   /* no session yet (login): a matching Origin */
    BONT__CSRF_TOKEN,    /* a matching Origin and the session's token */
} bont__csrf_t;

typedef enum bont__body_t {
    BONT__BODY_NONE = 0, /* no body read */
    BONT__BODY_JSON,     /* application/json */
    BONT__BODY_FORM,     /* application/x-www-form-urlencoded */
} bont__body_t;

/* One route. The dispatcher, not the handler, enforces role, CSRF, body type and the audit
 * entry, so a handler cannot forget them. */
typedef struct bont__route_t {
    const char *method;  /* "GET" or "POST" */
    const char *pattern; /* "/api/v1/patients/{id}"; a final slash-star matches any rest */
    bont_role_t role;    /* NONE: public; CLINICIAN: any login; ADMIN: admins only */
    bont__csrf_t csrf;
    bont__body_t body;
    bool api;          /* JSON errors and 401; pages redirect to /login instead */
    const char *audit; /* audit kind written for every answered request, or NULL */
    bont__handler_t fn;
} bont__route_t;

extern const bont__route_t bont__routes[];
extern const size_t bont__n_routes;

typedef struct bont__audit_job_t bont__audit_job_t;
typedef struct bont__durations_t bont__durations_t;
/* A bounded, thread-safe map from a plan's risk key to its risks (LRU; riskcache.c). */
typedef struct bont__risk_cache_t bont__risk_cache_t;

/* Per-address memory of failed logins (in addition to the per-user count in the store). */
typedef struct bont__login_slot_t {
    char remote[64];
    int failures;
    long long window_start; /* Unix seconds */
} bont__login_slot_t;

struct bont_server_t {
    const bont_kb_t *kb; /* borrowed */
    /* The embedded data every request reads, loaded once: requests only read them. */
    bont_params_t params;           /* median model parameters */
    bont_spread_t *spread;          /* spread and risk parameters (owned) */
    bont_duration_prior_t prior;    /* duration prior of the wear-off prediction */
    bont__durations_t *durations;   /* each stored visit's expected duration (owned) */
    bont__risk_cache_t *risk_cache; /* POST /api/v1/check's risks by plan (owned) */
    bont_content_t *content;        /* handout texts, aftercare, pathways, glossary (owned) */
    /* The pages' scripts' words in each language, as the JSON object {msgid: translation}
     * their pages carry (owned; "{}" for English). */
    char *script_words[BONT_LANG_COUNT];
    char db_path[4096];
    char listen_host[64];
    unsigned port;
    bool tls;
    char *tls_cert, *tls_key; /* PEM texts (owned) */
    size_t body_limit_bytes;
    unsigned timeout_s, threads, session_idle_s, session_max_s;
    struct MHD_Daemon *daemon;
    /* One store connection per worker, lent out per request. */
    bont_store_t **pool; /* n_pool connections (owned) */
    bool *pool_busy;
    size_t n_pool;
    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    pthread_mutex_t login_mu;
    bont__login_slot_t login_slots[BONT__LOGIN_SLOTS];
    /* The audit writer (auditlog.c): a queue of entries and the thread that writes them. */
    bont_store_t *audit_store; /* the writer's own connection (owned) */
    pthread_t audit_thread;
    bool audit_running, audit_stop;
    bool audit_sync_full; /* bont_server_opts_t.audit_sync_full */
    pthread_mutex_t audit_mu;
    pthread_cond_t audit_cv;      /* entries queued, or stop */
    pthread_cond_t audit_done_cv; /* a batch is written */
    bont__audit_job_t *audit_head, *audit_tail;
    char dummy_hash[160]; /* verified for unknown users so that timing does not tell */
    long long fake_now;   /* tests: the clock, when > 0 */
};

/* Everything a handler gets. */
typedef struct bont__ctx_t {
    bont_server_t *srv;
    const bont__req_t *req;
    bont__resp_t *resp;
    const bont__route_t *route;
    bont_store_t *store; /* this request's connection (borrowed from the pool) */
    bont_user_t user;    /* the logged-in user; role NONE when there is none */
    bool has_session;
    bont_session_t session;
    char csrf_token[BONT__TOKEN_B64];
    char params[4][128]; /* path parameters, in pattern order */
    size_t n_params;
    bont__kv_t form[BONT__MAX_PARAMS]; /* form fields of a BODY_FORM route */
    size_t n_form;
    char *form_buf;   /* owned: decoded form text */
    json_t *json;     /* parsed body of a BODY_JSON route (owned) */
    const char *lang; /* "en", "zh" or "ko": the request's language, also the thread's */
} bont__ctx_t;

/* ---- dispatch (routes.c) ---- */

/* Answers one request: finds its route, enforces what the route needs, runs the handler and
 * writes the audit entry. Always fills resp (free with bont__resp_clear). */
void bont__dispatch(bont_server_t *srv, const bont__req_t *req, bont__resp_t *resp);

/* Matches path against a route pattern; fills up to 4 decoded parameters. */
bool bont__route_match(const char *pattern, const char *path, char params[4][128], size_t *n);

/* ---- the audit writer (auditlog.c) ---- */

/* Opens the writer's connection and starts its thread. */
int bont__audit_start(bont_server_t *srv, bont_error_t *err);
/* Writes what is queued, stops the thread and closes its connection. */
void bont__audit_stop(bont_server_t *srv);
/* Queues e and waits until it is written (sets e->id and e->at): 0, or the store's error. */
int bont__audit_write(bont_server_t *srv, bont_audit_t *e);

/* ---- expected durations of stored visits (durations.c) ---- */

int bont__durations_new(bont__durations_t **out);
void bont__durations_free(bont__durations_t **d);

/* The duration `bont history` and `bont due` predict with (the model's, the table's where the
 * model gives none), kept per stored visit in cache. */
typedef struct bont__duration_ctx_t {
    bont_duration_model_ctx_t model;
    bont__durations_t *cache;
} bont__duration_ctx_t;

/* A bont_duration_fn_t; ctx is a bont__duration_ctx_t. */
int bont__duration_cached(void *ctx, const bont_store_visit_t *visit, double *days,
                          bont_error_t *err);
/* "model" or "table": where the kept duration of the visit came from (NULL when not kept). */
const char *bont__duration_basis(bont__duration_ctx_t *c, long long visit_id);

/* ---- side-effect risks kept between checks (riskcache.c) ---- */

enum {
    BONT__RISK_KEY_BYTES = 32,      /* SHA-256 */
    BONT__RISK_CACHE_ENTRIES = 256, /* plans kept, least recently used out first: about 1.2 MB */
};

/* capacity 0 keeps nothing (every look-up misses). */
int bont__risk_cache_new(bont__risk_cache_t **out, size_t capacity);
void bont__risk_cache_free(bont__risk_cache_t **c);
/* The key of plan's risks: SHA-256 of the cache's parameter identity and of every field of the
 * plan the risk engine reads (not the patient, date, vial or history). */
void bont__risk_key(const bont__risk_cache_t *c, const bont_plan_t *plan,
                    unsigned char key[BONT__RISK_KEY_BYTES]);
/* A copy of the risks kept under key into out (the caller clears it): true on a hit. */
bool bont__risk_cache_get(bont__risk_cache_t *c, const unsigned char *key, bont_risk_list_t *out);
/* Keeps a copy of risks under key, evicting the least recently used entry when full. */
void bont__risk_cache_put(bont__risk_cache_t *c, const unsigned char *key,
                          const bont_risk_list_t *risks);
/* Look-ups that hit and missed so far, and entries held. */
void bont__risk_cache_stats(bont__risk_cache_t *c, unsigned long long *hits,
                            unsigned long long *misses, size_t *entries);
/* bont_risk_check of the server's kb and spread on one thread, through the server's cache: the
 * same list an uncached call gives. */
int bont__risk_check_cached(bont_server_t *srv, const bont_plan_t *plan, bont_risk_list_t *out,
                            bont_error_t *err);

/* ---- HTTP helpers (http.c) ---- */

void bont__resp_clear(bont__resp_t *r);
/* Sets status, type and a body. */
void bont__resp_text(bont__resp_t *r, int status, const char *type, const char *text);
/* {"error": code, "message": message} with the status. */
void bont__resp_error(bont__resp_t *r, int status, const char *code, const char *message);
/* A JSON body (takes the reference). */
void bont__resp_json(bont__resp_t *r, int status, json_t *value);
void bont__resp_redirect(bont__resp_t *r, const char *location);

/* An HTML answer with <style> elements of its own (the handout's and pathway's self-contained
 * pages): its Content-Security-Policy allows exactly those, by their SHA-256, and nothing else
 * inline. */
void bont__resp_allow_own_styles(bont__resp_t *r);

/* The security headers every response carries, as name/value pairs ending with NULL. */
extern const char *const bont__security_headers[][2];

/* Decodes %XX and (when plus_is_space) '+' in place; returns false for a bad escape or a
 * decoded control character other than tab, CR and LF. */
bool bont__url_decode(char *s, bool plus_is_space);

/* Splits "a=1&b=2" (decoded in place in text) into at most max pairs. Returns the count, or
 * -1 when a pair cannot be decoded or there are too many. */
int bont__parse_urlencoded(char *text, bont__kv_t *kv, size_t max);

/* The value of name in kv, or NULL. */
const char *bont__kv_get(const bont__kv_t *kv, size_t n, const char *name);

/* The language an Accept-Language header prefers among those bont speaks: the tag with the
 * highest q-value (first of equals) that is English, Chinese or Korean ("ko-KR", "zh-TW",
 * "en;q=0.5"); false when the header names none of them or is absent. */
bool bont__accept_language(const char *header, bont_lang_t *out);

/* The request's language: the query's `lang` (pages and the handout and pathway routes), else
 * the bont_lang cookie the language switch sets, else Accept-Language, else English. */
bont_lang_t bont__request_lang(const bont__req_t *req);

/* Copies the value of cookie name from a Cookie header into out; false when absent or too
 * long. */
bool bont__cookie_get(const char *header, const char *name, char *out, size_t size);

/* Parses one raw HTTP/1.1 request (request line, headers, body) as the fuzz target feeds it;
 * strings point into buf, which is modified. false when it is not a request. */
bool bont__http_parse(char *buf, size_t len, bont__req_t *req);

/* HTML-escapes s into b: & < > " ' become entities. */
void bont__html_escape(bont__buf_t *b, const char *s);

/* ---- templates (template.c) ---- */

/* Renders the embedded template web/templates/NAME.html with ctx. Every interpolated value is
 * HTML-escaped; there is no raw form. BONT_EPARSE for a broken template. */
int bont__tpl_render(const char *name, json_t *ctx, bont__buf_t *out, bont_error_t *err);
/* The same for template text (partials still come from the embedded set). */
int bont__tpl_render_text(const char *text, size_t len, json_t *ctx, bont__buf_t *out,
                          bont_error_t *err);

/* ---- embedded web assets (build/gen/web_assets.c) ---- */

typedef struct bont__asset_t {
    const char *name; /* path under web/, e.g. "static/app.css" */
    const char *data; /* contents, NUL-terminated */
    size_t size;
} bont__asset_t;
extern const bont__asset_t bont__web_assets[]; /* ends with name NULL */
const bont__asset_t *bont__asset_find(const char *name);

/* ---- authentication (auth.c) ---- */

long long bont__now(const bont_server_t *srv);

/* Creates a session for user (a new random id: never one the browser brought). Fills the
 * cookie value and the session. */
int bont__session_create(bont_server_t *srv, bont_store_t *store, long long user_id,
                         char id_out[BONT__SESSION_ID_B64], bont_session_t *out, bont_error_t *err);
/* Looks the session of a Cookie header up and loads its user; false when there is none, it
 * has ended, or the user is disabled. */
bool bont__session_load(bont_server_t *srv, bont_store_t *store, const char *cookie_header,
                        bont_session_t *ses, bont_user_t *user);
/* The session's CSRF token (HMAC-SHA256 of the session id hash under the session's key). */
void bont__csrf_token(const bont_session_t *ses, char out[BONT__TOKEN_B64]);
bool bont__csrf_valid(const bont_session_t *ses, const char *token);
/* The session cookie's name: "__Host-bont_session" under TLS, else "bont_session". */
const char *bont__session_cookie(const bont_server_t *srv);
/* Set-Cookie values that set or clear the session cookie. */
void bont__session_cookie_set(const bont_server_t *srv, const char *id, char *out, size_t size);
void bont__session_cookie_clear(const bont_server_t *srv, char *out, size_t size);

/* Login limiter. Returns 0 to go on, or the seconds to wait before the next attempt. */
long long bont__login_wait(bont_server_t *srv, const bont_user_t *user, const char *remote);
/* Records a failed attempt (for the address; the caller records the user's in the store) and
 * returns the user's new locked_until. */
long long bont__login_failed(bont_server_t *srv, const bont_user_t *user, const char *remote);

/* ---- handlers (api.c, pages.c) ---- */

/* api.c: health, login, session, language, static files */
int bont__h_healthz(bont__ctx_t *c);
int bont__h_login(bont__ctx_t *c);
int bont__h_logout(bont__ctx_t *c);
int bont__h_session(bont__ctx_t *c);
int bont__h_lang(bont__ctx_t *c);
int bont__h_static(bont__ctx_t *c);
int bont__h_favicon(bont__ctx_t *c);
/* api_plan.c: the plan's check and prediction */
int bont__h_check(bont__ctx_t *c);
int bont__h_simulate(bont__ctx_t *c);
/* api_records.c: patients, visits, recall, due */
int bont__h_patients_list(bont__ctx_t *c);
int bont__h_patients_create(bont__ctx_t *c);
int bont__h_patient_history(bont__ctx_t *c);
int bont__h_patient_fhir(bont__ctx_t *c);
int bont__h_visit_record(bont__ctx_t *c);
int bont__h_recall(bont__ctx_t *c);
int bont__h_due(bont__ctx_t *c);
/* api_content.c: what patients read: handouts and treatment pathways */
int bont__h_handout(bont__ctx_t *c);
int bont__h_handout_plan(bont__ctx_t *c);
int bont__h_pathway(bont__ctx_t *c);
/* pages.c: the clinic's pages */
int bont__h_page_login(bont__ctx_t *c);
int bont__h_page_patients(bont__ctx_t *c);
int bont__h_page_patient(bont__ctx_t *c);
int bont__h_patients_add(bont__ctx_t *c);
int bont__h_page_plan(bont__ctx_t *c);
int bont__h_page_due(bont__ctx_t *c);
int bont__h_page_recall(bont__ctx_t *c);
int bont__h_page_vials(bont__ctx_t *c);
/* pages_admin.c: users and the audit log */
int bont__h_page_users(bont__ctx_t *c);
int bont__h_users_add(bont__ctx_t *c);
int bont__h_users_disable(bont__ctx_t *c);
int bont__h_page_audit(bont__ctx_t *c);

/* ---- what handlers share (handlers.c) ---- */

/* Answers with a report builder's JSON printed as the bont command prints it (so the API and
 * `bont ... --format json` give the same text); takes the reference. */
void bont__resp_report(bont__resp_t *r, int status, json_t *value);
/* The answer for a plan that cannot be used: 400 with its position and field, or 500 when the
 * fault is the server's (memory, knowledge base, model). */
void bont__resp_plan_error(bont__resp_t *r, int rc, const bont_error_t *err);
/* An integer query parameter in [lo, hi], def when absent; false when malformed. */
bool bont__query_int(const bont__ctx_t *c, const char *name, long lo, long hi, long def, long *out);
/* Path parameter i as a positive record id; false when it is not one. */
bool bont__param_id(const bont__ctx_t *c, size_t i, long long *id);
/* A patient's record and predicted wear-off as `bont history` gives them (with the model's
 * duration, the table's where the model gives none). *pred is NULL before the first visit.
 * BONT_ENOTFOUND for no such patient. */
int bont__history_load(bont__ctx_t *c, long long id, bont_store_record_t **rec, bont_due_t *due,
                       const bont_due_t **pred, bont_error_t *err);
/* Whether a patient's name holds q (ASCII letters in any case; NULL or "" matches all). */
bool bont__name_matches(const char *name, const char *q);
/* Adds the patient (the store validates; err's field names the body's or form's member) and
 * notes the new id for the audit entry. */
int bont__patient_add(bont__ctx_t *c, bont_store_patient_t *p, bont_error_t *err);
/* The due list as `bont due --format json` gives it, for the server's today and within_days
 * (bont_report_due_json); notes the count for the audit entry. */
int bont__due_report(bont__ctx_t *c, int within_days, json_t **out);
/* Every visit of the lot as `bont recall LOT --format json` gives it (bont_report_recall_json);
 * notes the lot for the audit entry. */
int bont__recall_report(bont__ctx_t *c, const char *lot, json_t **out);

/* Makes srv->script_words: each language's translations of the pages' scripts' words (the
 * catalogue's msgctxt "script"), as JSON text. */
int bont__script_words(bont_server_t *srv);

/* Renders page template name inside the layout with ctx (which gains user, role, csrf_token,
 * lang, nav); status 200. Takes the reference to ctx. */
int bont__page(bont__ctx_t *c, const char *name, const char *title, json_t *ctx);

/* The clinic's today (the server's local date) as YYYY-MM-DD. */
void bont__server_today(char out[11]);

#endif
