/* api.c: the server's handlers around the records: health, login and logout, the session, the
 * language choice, embedded static files, and the routes still to come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/internal.h"

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

/* Handouts and care pathways come with the language catalogues (en, zh, ko); until then the
 * routes exist, with login, role and audit, and say so. */
int bont__h_later(bont__ctx_t *c)
{
    bont__resp_error(c->resp, 501, "not_implemented",
                     "handouts and care pathways are not served by this version: they come with "
                     "the translated catalogues (bont handout, bont pathway); docs/api.md");
    return 0;
}
