/* test_server_fixture.c: the web server tests' fixture (test_server.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/access.h"
#include "test.h"
#include "test_server.h"
#include "test_store.h"

static void add_user(bont_store_t *s, const char *name, bont_role_t role)
{
    bont_error_t err;
    bont_user_t u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    u.role = role;
    CHECK_INT(bont_password_hash(SECRET_PW, u.password_hash, sizeof u.password_hash, &err), 0);
    CHECK_INT(bont_store_user_add(s, &u, &err), 0);
}

/* A store with an admin "ada", a clinician "carl" and one patient; a server on it (not
 * listening unless started). */
bool fixture_open(fixture_t *f, const bont_server_opts_t *extra)
{
    bont_error_t err;
    memset(f, 0, sizeof *f);
    store_test_tmpdir(f->dir, sizeof f->dir);
    snprintf(f->db, sizeof f->db, "%s/web.db", f->dir);
    bont_store_t *s = NULL;
    if (bont_store_open(&s, f->db, BONT_STORE_CREATE, &err) != 0 ||
        bont_kb_load(&f->kb, &err) != 0 || bont_store_set_today(s, "2026-01-01", &err) != 0)
        return false;
    add_user(s, "ada", BONT_ROLE_ADMIN);
    add_user(s, "carl", BONT_ROLE_CLINICIAN);
    bont_store_patient_t p = store_test_patient(SEEDED_PAT);
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    f->patient_id = p.id;
    bont_store_close(&s);
    bont_server_opts_t o = extra ? *extra : (bont_server_opts_t){0};
    o.db_path = f->db;
    int rc = bont_server_new(&f->srv, f->kb, &o, &err);
    CHECK_MSG(rc == 0, "bont_server_new: %s", err.message);
    return rc == 0;
}

void fixture_close(fixture_t *f)
{
    bont_server_free(&f->srv);
    bont_kb_free(&f->kb);
    store_test_rmdir(f->dir);
}

/* One request through the dispatcher. */
void request(fixture_t *f, const char *method, const char *path_and_query, const char *cookie,
             const char *origin, const char *csrf, const char *type, const char *body,
             bont__resp_t *resp)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", path_and_query);
    bont__req_t req;
    memset(&req, 0, sizeof req);
    char *q = strchr(buf, '?');
    if (q) {
        *q = '\0';
        int n = bont__parse_urlencoded(q + 1, req.query, BONT__MAX_PARAMS);
        req.n_query = n > 0 ? (size_t)n : 0;
    }
    req.method = method;
    req.path = buf;
    req.host = HOST_OK;
    req.origin = origin;
    req.cookie = cookie;
    req.csrf_header = csrf;
    req.content_type = type;
    req.body = body;
    req.body_len = body ? strlen(body) : 0;
    req.remote = "127.0.0.1";
    bont__dispatch(f->srv, &req, resp);
}

const char *body_of(const bont__resp_t *r)
{
    return r->static_body ? r->static_body : (r->body.data ? r->body.data : "");
}

/* Logs in and returns the session cookie ("bont_session=...") in cookie. */
int login(fixture_t *f, const char *user, const char *pw, const char *old_cookie, char *cookie,
          size_t size)
{
    char form[256];
    bont__resp_t r;
    snprintf(form, sizeof form, "user=%s&password=%s", user, pw);
    request(f, "POST", "/login", old_cookie, ORIGIN_OK, NULL, "application/x-www-form-urlencoded",
            form, &r);
    int status = r.status;
    if (cookie) {
        cookie[0] = '\0';
        const char *semi = strchr(r.set_cookie[0], ';');
        if (status == 303 && semi)
            snprintf(cookie, size, "%.*s", (int)(semi - r.set_cookie[0]), r.set_cookie[0]);
    }
    bont__resp_clear(&r);
    return status;
}

/* The session's CSRF token, from GET /api/v1/session. */
void csrf_of(fixture_t *f, const char *cookie, char *token, size_t size)
{
    bont__resp_t r;
    request(f, "GET", "/api/v1/session", cookie, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *j = json_loads(body_of(&r), 0, NULL);
    const char *t = j ? json_string_value(json_object_get(j, "csrf_token")) : NULL;
    snprintf(token, size, "%s", t ? t : "");
    json_decref(j);
    bont__resp_clear(&r);
}
