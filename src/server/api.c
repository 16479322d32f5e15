/* api.c: the server's non-page handlers: health, login and logout, the session, the language
 * choice, embedded static files and the JSON API. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "bont/report.h"
#include "server/internal.h"

enum { SIM_MAX_DAYS = 730, SIM_MAX_PATIENTS = 2000, SIM_DEFAULT_PATIENTS = 200 };

int bont__h_healthz(bont__ctx_t *c)
{
    bont__resp_text(c->resp, 200, "text/plain; charset=utf-8", "ok\n");
    return 0;
}

/* The login page again, with a message and the status (401 or 429). */
static int login_refused(bont__ctx_t *c, int status, const char *message)
{
    int rc = bont__page(c, "login", "Log in", json_pack("{s:s}", "error", message));
    c->resp->status = status;
    return rc;
}

int bont__h_login(bont__ctx_t *c)
{
    const char *name = bont__kv_get(c->form, c->n_form, "user");
    const char *password = bont__kv_get(c->form, c->n_form, "password");
    const char *remote = c->req->remote ? c->req->remote : "";
    bont_error_t err;
    bont_user_t user;
    if (!name || !password || !*name || !*password) {
        bont__resp_text(c->resp, 400, "text/plain; charset=utf-8",
                        "400 the form needs the fields user and password\n");
        return 0;
    }
    snprintf(c->resp->audit_user, sizeof c->resp->audit_user, "%s", name);
    bool found = bont_store_user_get(c->store, name, &user, &err) == 0;
    long long wait = bont__login_wait(c->srv, found ? &user : NULL, remote);
    if (wait > 0) {
        c->resp->retry_after_s = (int)(wait > 86400 ? 86400 : wait);
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail,
                 "refused: too many failed logins");
        char msg[160];
        snprintf(msg, sizeof msg,
                 "Too many failed logins. Try again in %lld minute%s, or ask an admin.",
                 (wait + 59) / 60, (wait + 59) / 60 == 1 ? "" : "s");
        return login_refused(c, 429, msg);
    }
    /* An unknown name costs the same Argon2id work as a known one. */
    bool good =
        bont_password_verify(found ? user.password_hash : c->srv->dummy_hash, password) == 0 &&
        found && !user.disabled && user.role != BONT_ROLE_NONE;
    if (!good) {
        long long locked_until = bont__login_failed(c->srv, found ? &user : NULL, remote);
        if (found && bont_store_user_login_result(c->store, user.id, false, locked_until, &err))
            return BONT_ESTORE;
        snprintf(c->resp->audit_detail, sizeof c->resp->audit_detail, "failed");
        return login_refused(c, 401, "Wrong user name or password.");
    }
    if (bont_store_user_login_result(c->store, user.id, true, 0, &err) != 0)
        return BONT_ESTORE;
    /* A session id the browser brought is never kept: a new one at every login. */
    if (c->has_session)
        bont_store_session_delete(c->store, c->session.id_hash, &err);
    char id[BONT__SESSION_ID_B64];
    bont_session_t ses;
    if (bont__session_create(c->srv, c->store, user.id, id, &ses, &err) != 0)
        return BONT_ESTORE;
    bont__session_cookie_set(c->srv, id, c->resp->set_cookie[0], sizeof c->resp->set_cookie[0]);
    snprintf(c->resp->audit_user, sizeof c->resp->audit_user, "%s", user.name);
    bont__resp_redirect(c->resp, "/");
    return 0;
}

int bont__h_logout(bont__ctx_t *c)
{
    bont_error_t err;
    if (bont_store_session_delete(c->store, c->session.id_hash, &err) != 0)
        return BONT_ESTORE;
    bont__session_cookie_clear(c->srv, c->resp->set_cookie[0], sizeof c->resp->set_cookie[0]);
    bont__resp_redirect(c->resp, "/login");
    return 0;
}

int bont__h_session(bont__ctx_t *c)
{
    bont__resp_json(c->resp, 200,
                    json_pack("{s:s, s:s, s:s, s:s}", "user", c->user.name, "role",
                              bont_role_name(c->user.role), "csrf_token", c->csrf_token, "lang",
                              c->lang));
    return 0;
}

int bont__h_lang(bont__ctx_t *c)
{
    const char *lang = bont__kv_get(c->form, c->n_form, "lang");
    if (!lang || (strcmp(lang, "en") && strcmp(lang, "zh") && strcmp(lang, "ko"))) {
        bont__resp_text(c->resp, 400, "text/plain; charset=utf-8",
                        "400 lang must be en, zh or ko\n");
        return 0;
    }
    snprintf(c->resp->set_cookie[0], sizeof c->resp->set_cookie[0],
             "bont_lang=%s; Path=/; SameSite=Strict; Max-Age=31536000%s", lang,
             c->srv->tls ? "; Secure" : "");
    /* Back to the page the switch was on, when it names one of ours. */
    const char *back = bont__kv_get(c->form, c->n_form, "back");
    bool local = back && back[0] == '/' && back[1] != '/' && back[1] != '\\' &&
                 !strpbrk(back, "\r\n") && strlen(back) < 200;
    bont__resp_redirect(c->resp, local ? back : "/");
    return 0;
}

static const char *mime_type(const char *name)
{
    static const char *const types[][2] = {
        {".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},           {".png", "image/png"},
        {".json", "application/json"},       {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return "application/octet-stream";
}

int bont__h_static(bont__ctx_t *c)
{
    /* Only files under web/static/ and the vendored libraries are served; templates are not. */
    char name[300];
    snprintf(name, sizeof name, "%s", c->req->path + 1);
    const bont__asset_t *a =
        strncmp(name, "static/", 7) == 0 && !strstr(name, "..") ? bont__asset_find(name) : NULL;
    if (!a) {
        bont__resp_text(c->resp, 404, "text/plain; charset=utf-8", "404 no such file\n");
        return 0;
    }
    c->resp->status = 200;
    c->resp->type = mime_type(name);
    c->resp->static_body = a->data;
    c->resp->static_len = a->size;
    c->resp->cacheable = true;
    return 0;
}

int bont__h_later(bont__ctx_t *c)
{
    bont__resp_error(c->resp, 501, "not_implemented",
                     "this part of the API is documented (docs/api.md) but not served by this "
                     "version yet");
    return 0;
}

int bont__h_check(bont__ctx_t *c)
{
    /* The check's JSON writer is the command's today (src/cli/cmd_check.c); the API answers
     * with it once it is in the report library, so both give the same bytes. */
    return bont__h_later(c);
}

/* An integer query parameter in [lo, hi], def when absent; false when malformed. */
static bool query_int(const bont__ctx_t *c, const char *name, long lo, long hi, long def, long *out)
{
    const char *v = bont__kv_get(c->req->query, c->req->n_query, name);
    *out = def;
    if (!v)
        return true;
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (!*v || *end || x < lo || x > hi)
        return false;
    *out = x;
    return true;
}

static void plan_error(bont__ctx_t *c, int rc, const bont_error_t *err)
{
    char msg[1400];
    bont_error_format(err, msg, sizeof msg);
    json_t *body = json_pack("{s:s, s:s, s:s, s:i, s:i}", "error", "bad_plan", "message", msg,
                             "field", err->field, "line", err->line, "column", err->column);
    /* The plan's faults are the client's (400); a knowledge base or model that fails is ours. */
    bool ours = rc == BONT_ENOMEM || rc == BONT_EKB || rc == BONT_EIO || rc == BONT_ENUMERIC;
    bont__resp_json(c->resp, ours ? 500 : 400, body);
}

int bont__h_simulate(bont__ctx_t *c)
{
    long days = 0, patients = 0, seed = 0;
    if (!query_int(c, "days", 1, SIM_MAX_DAYS, 180, &days) ||
        !query_int(c, "patients", 0, SIM_MAX_PATIENTS, SIM_DEFAULT_PATIENTS, &patients) ||
        !query_int(c, "seed", 0, 2147483647L, 1, &seed)) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "days must be 1-%d, patients 0-%d and seed a number >= 0 (query string)",
                 SIM_MAX_DAYS, SIM_MAX_PATIENTS);
        bont__resp_error(c->resp, 400, "bad_request", msg);
        return 0;
    }
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    bont_params_t params;
    bont_spread_t *sp = NULL;
    bont_pop_t *pop = NULL;
    bont_sim_t *sim = NULL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = NULL;
    int rc = bont_plan_parse(c->srv->kb, c->req->body, c->req->body_len, "plan", &plan, &err);
    if (rc != 0) {
        plan_error(c, rc, &err);
        return 0;
    }
    if ((rc = bont_params_load(&params, &err)) != 0)
        goto cleanup;
    f = open_memstream(&text, &len);
    if (!f) {
        rc = BONT_ENOMEM;
        goto cleanup;
    }
    if (patients > 0) {
        bont_pop_opts_t opts = {.n_patients = (size_t)patients,
                                .seed = (uint64_t)seed,
                                .threads = 1, /* the server's workers are the parallelism */
                                .days = (int)days,
                                .params = &params};
        if ((rc = bont_spread_load(&sp, &err)) == 0) {
            opts.spread = sp;
            rc = bont_pop_run(c->srv->kb, plan, &opts, &pop, &err);
        }
        if (rc == 0)
            bont_report_pop_json_write(f, pop);
    } else {
        if ((rc = bont_sim_new(&sim, bont_model_bont, &params, &err)) == 0 &&
            (rc = bont_sim_add_plan(sim, plan, false, &err)) == 0 &&
            (rc = bont_sim_run(sim, (int)days, 10, &err)) == 0)
            bont_report_sim_json_write(f, sim);
    }
    if (fclose(f) != 0 && rc == 0)
        rc = BONT_ENOMEM;
    f = NULL;
    if (rc == 0)
        bont__resp_text(c->resp, 200, "application/json", text);
cleanup:
    if (f)
        fclose(f);
    if (rc != 0)
        plan_error(c, rc, &err);
    free(text);
    bont_sim_free(&sim);
    bont_pop_free(&pop);
    bont_spread_free(&sp);
    bont_plan_free(&plan);
    return 0;
}
