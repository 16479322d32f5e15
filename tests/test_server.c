/* test_server.c: the web server's guarantees: every route refuses a request without a session,
 * CSRF token and Origin checks, escaping, body limits, login lock-out, TLS refusal off
 * loopback, passwords and session renewal (through the dispatcher and over real sockets). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bont/access.h"
#include "bont/server.h"
#include "server/internal.h"
#include "test.h"
#include "test_server.h"
#include "test_store.h"

/* A concrete path for a route pattern. */
static void concrete_path(const char *pattern, long long patient_id, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = pattern; *p && o + 32 < size;) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            o += (size_t)snprintf(out + o, size - o, "%lld", patient_id);
            p = close + 1;
        } else if (p[0] == '*' && p[1] == '\0') {
            o += (size_t)snprintf(out + o, size - o, "app.css");
            p++;
        } else
            out[o++] = *p++;
    }
    out[o] = '\0';
}

TEST(server_route_table_is_safe_by_construction)
{
    for (size_t i = 0; i < bont__n_routes; i++) {
        const bont__route_t *r = &bont__routes[i];
        bool changes = strcmp(r->method, "GET") != 0;
        CHECK_MSG(!changes || r->csrf != BONT__CSRF_NONE, "%s %s changes state without CSRF",
                  r->method, r->pattern);
        CHECK_MSG(r->csrf != BONT__CSRF_TOKEN || r->role != BONT_ROLE_NONE,
                  "%s %s wants a token but no login", r->method, r->pattern);
        CHECK_MSG(!changes || r->role == BONT_ROLE_NONE || r->audit, "%s %s writes unaudited",
                  r->method, r->pattern);
        bool patient = strstr(r->pattern, "patient") || strstr(r->pattern, "recall") ||
                       strstr(r->pattern, "visits") || strcmp(r->pattern, "/") == 0;
        CHECK_MSG(!patient || (r->audit && r->role != BONT_ROLE_NONE),
                  "%s %s touches patient data without login and audit", r->method, r->pattern);
        for (size_t j = 0; j < i; j++)
            CHECK_MSG(strcmp(r->method, bont__routes[j].method) ||
                          strcmp(r->pattern, bont__routes[j].pattern),
                      "%s %s is in the table twice", r->method, r->pattern);
    }
}

/* Every route that needs a login, asked without one (and with a forged or stale cookie),
 * answers 401 or a redirect to /login, and nothing of the patient's data. */
TEST(server_every_route_refuses_without_session)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    const char *cookies[] = {NULL, "bont_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                             "bont_session=../../etc/passwd", "other=1"};
    size_t checked = 0;
    for (size_t i = 0; i < bont__n_routes; i++) {
        const bont__route_t *rt = &bont__routes[i];
        if (rt->role == BONT_ROLE_NONE)
            continue;
        char path[256];
        concrete_path(rt->pattern, f.patient_id, path, sizeof path);
        bool post = strcmp(rt->method, "POST") == 0;
        const char *type = rt->body == BONT__BODY_JSON   ? "application/json"
                           : rt->body == BONT__BODY_FORM ? "application/x-www-form-urlencoded"
                                                         : NULL;
        const char *body = rt->body == BONT__BODY_JSON   ? "{\"patient\": 1}"
                           : rt->body == BONT__BODY_FORM ? "name=x&csrf_token=x"
                                                         : NULL;
        for (size_t c = 0; c < sizeof cookies / sizeof cookies[0]; c++) {
            bont__resp_t r;
            request(&f, rt->method, path, cookies[c], ORIGIN_OK, post ? "forged" : NULL, type, body,
                    &r);
            bool redirect = r.status == 303 && strcmp(r.location, "/login") == 0;
            CHECK_MSG(r.status == 401 || redirect, "%s %s without a session: %d", rt->method, path,
                      r.status);
            CHECK_MSG(!strstr(body_of(&r), "Seeded") && !strstr(body_of(&r), "1980-05-17"),
                      "%s %s leaked patient data", rt->method, path);
            CHECK_MSG(r.set_cookie[0][0] == '\0', "%s %s set a cookie", rt->method, path);
            bont__resp_clear(&r);
            checked++;
        }
    }
    CHECK(checked >= 4 * 20);
    /* An admin route with a clinician's session: 403 and nothing else. */
    char cookie[128];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    bont__resp_t r;
    request(&f, "GET", "/audit", cookie, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 403);
    CHECK(!strstr(body_of(&r), "<html") && !strstr(body_of(&r), "Seeded"));
    bont__resp_clear(&r);
    fixture_close(&f);
}

TEST(server_public_routes_answer)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    bont__resp_t r;
    request(&f, "GET", "/healthz", NULL, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(body_of(&r), "ok\n");
    bont__resp_clear(&r);
    request(&f, "GET", "/static/vendor/htmx.min.js", NULL, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(r.static_len > 10000);
    bont__resp_clear(&r);
    const char *hidden[] = {"/static/../templates/login.html", "/static/templates/login.html",
                            "/templates/login.html", "/static/"};
    for (size_t i = 0; i < 4; i++) {
        request(&f, "GET", hidden[i], NULL, NULL, NULL, NULL, NULL, &r);
        CHECK_MSG(r.status == 404, "%s: %d", hidden[i], r.status);
        bont__resp_clear(&r);
    }
    request(&f, "DELETE", "/healthz", NULL, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 405);
    bont__resp_clear(&r);
    fixture_close(&f);
}

TEST(server_csrf_token_and_origin_are_required)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char cookie[128], other[128], token[64], other_token[64];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    CHECK_INT(login(&f, "ada", SECRET_PW, NULL, other, sizeof other), 303);
    csrf_of(&f, cookie, token, sizeof token);
    csrf_of(&f, other, other_token, sizeof other_token);
    CHECK(strlen(token) == 43 && strcmp(token, other_token) != 0);
    const char *form = "application/x-www-form-urlencoded";
    char body[256];
    struct {
        const char *origin, *header_token;
        bool form_token;
        int status;
    } cases[] = {
        {ORIGIN_OK, NULL, false, 403},                 /* no token */
        {ORIGIN_OK, "AAAA", false, 403},               /* malformed token */
        {ORIGIN_OK, other_token, false, 403},          /* another session's token */
        {NULL, token, false, 403},                     /* no Origin */
        {"http://evil.example", token, false, 403},    /* foreign Origin */
        {"https://127.0.0.1:8080", token, false, 403}, /* another scheme */
        {"null", token, false, 403},
        {ORIGIN_OK, token, false, 303}, /* header token */
        {ORIGIN_OK, NULL, true, 303},   /* form field token */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body, "name=CSRF+%zu&birth=1980-02-03&sex=female%s%s", i,
                 cases[i].form_token ? "&csrf_token=" : "", cases[i].form_token ? token : "");
        bont__resp_t r;
        request(&f, "POST", "/patients", cookie, cases[i].origin, cases[i].header_token, form, body,
                &r);
        CHECK_MSG(r.status == cases[i].status, "case %zu: %d, expected %d", i, r.status,
                  cases[i].status);
        bont__resp_clear(&r);
    }
    /* Only the last two got in. */
    bont__resp_t r;
    request(&f, "GET", "/?q=CSRF", cookie, NULL, NULL, NULL, NULL, &r);
    CHECK(strstr(body_of(&r), "CSRF 7") && strstr(body_of(&r), "CSRF 8"));
    CHECK(!strstr(body_of(&r), "CSRF 0") && !strstr(body_of(&r), "CSRF 4"));
    bont__resp_clear(&r);
    /* A cross-site fetch is refused even with the right Origin text. */
    bont__req_t req;
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = "/logout";
    req.host = HOST_OK;
    req.origin = ORIGIN_OK;
    req.fetch_site = "cross-site";
    req.cookie = cookie;
    req.csrf_header = token;
    req.remote = "127.0.0.1";
    bont__dispatch(f.srv, &req, &r);
    CHECK_INT(r.status, 403);
    bont__resp_clear(&r);
    /* Login needs a matching Origin too (login CSRF). */
    request(&f, "POST", "/login", NULL, "http://evil.example", NULL, form,
            "user=carl&password=correct+horse+battery+staple", &r);
    CHECK_INT(r.status, 403);
    CHECK(r.set_cookie[0][0] == '\0');
    bont__resp_clear(&r);
    /* JSON routes want JSON: 415 otherwise, 400 for a broken body. */
    request(&f, "POST", "/api/v1/simulate", cookie, ORIGIN_OK, token, "text/plain", "{}", &r);
    CHECK_INT(r.status, 415);
    bont__resp_clear(&r);
    request(&f, "POST", "/api/v1/simulate", cookie, ORIGIN_OK, token, "application/json",
            "{\"a\": ", &r);
    CHECK_INT(r.status, 400);
    bont__resp_clear(&r);
    fixture_close(&f);
}

TEST(server_escapes_every_string)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    bont_error_t err;
    bont_store_t *s = NULL;
    CHECK_INT(bont_store_open(&s, f.db, BONT_STORE_EXISTING, &err), 0);
    CHECK_INT(bont_store_set_today(s, "2026-01-01", &err), 0);
    bont_store_patient_t p = store_test_patient("<script>alert(1)</script>");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_patient_t q = store_test_patient("O'Brien \"Bob\" & <b>Co</b>");
    CHECK_INT(bont_store_patient_add(s, &q, &err), 0);
    bont_store_close(&s);
    char cookie[128], path[64];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    const char *pages[] = {"/", "/patients/%lld", "/plan?patient=%lld"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, pages[i], p.id);
        bont__resp_t r;
        request(&f, "GET", path, cookie, NULL, NULL, NULL, NULL, &r);
        CHECK_INT(r.status, 200);
        CHECK_MSG(strstr(body_of(&r), "&lt;script&gt;alert(1)&lt;/script&gt;"), "%s", path);
        CHECK_MSG(!strstr(body_of(&r), "<script>alert"), "%s shows the name as markup", path);
        bont__resp_clear(&r);
    }
    bont__resp_t r;
    request(&f, "GET", "/?q=%3Cimg+src%3Dx+onerror%3Dalert(1)%3E", cookie, NULL, NULL, NULL, NULL,
            &r);
    CHECK(strstr(body_of(&r), "&lt;img src=x onerror=alert(1)&gt;"));
    CHECK(!strstr(body_of(&r), "<img src=x"));
    bont__resp_clear(&r);
    request(&f, "GET", "/", cookie, NULL, NULL, NULL, NULL, &r);
    CHECK(strstr(body_of(&r), "O&#39;Brien &quot;Bob&quot; &amp; &lt;b&gt;Co&lt;/b&gt;"));
    bont__resp_clear(&r);
    fixture_close(&f);
}

/* A template value in an unquoted attribute (name={{x}}), where escaping cannot protect. */
static bool has_unquoted_value(const char *html)
{
    for (const char *p = strstr(html, "={{"); p; p = strstr(p + 1, "={{")) {
        const char *q = p;
        while (q > html && ((q[-1] >= 'a' && q[-1] <= 'z') || q[-1] == '-'))
            q--;
        if (q < p && q > html && (q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\t'))
            return true;
    }
    return false;
}

/* An inline event handler (onclick=...), which the CSP would block anyway. */
static bool has_event_attribute(const char *html)
{
    for (const char *p = strstr(html, " on"); p; p = strstr(p + 1, " on")) {
        const char *q = p + 3;
        while (*q >= 'a' && *q <= 'z')
            q++;
        if (q > p + 3 && *q == '=')
            return true;
    }
    return false;
}

TEST(server_template_helper_has_no_raw_output)
{
    bont_error_t err;
    bont__buf_t out = {0};
    json_t *ctx = json_pack("{s:s, s:[{s:s}, {s:s}], s:b, s:[]}", "x", "<a href=\"'\">&</a>",
                            "items", "n", "1<", "n", "2>", "flag", 0, "empty");
    const char *tpl = "[{{x}}]{{#items}}({{n}}){{/items}}{{^flag}}off{{/flag}}"
                      "{{#empty}}never{{/empty}}{{! note }}{{missing}}";
    CHECK_INT(bont__tpl_render_text(tpl, strlen(tpl), ctx, &out, &err), 0);
    CHECK_STR(out.data, "[&lt;a href=&quot;&#39;&quot;&gt;&amp;&lt;/a&gt;](1&lt;)(2&gt;)off");
    bont__buf_free(&out);
    const char *bad[] = {"{{{x}}}", "{{&x}}",    "{{#x}}open", "{{/x}}",
                         "{{x",     "{{>nope}}", "{{x y}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bont__buf_t o = {0};
        CHECK_MSG(bont__tpl_render_text(bad[i], strlen(bad[i]), ctx, &o, &err) != 0,
                  "\"%s\" rendered", bad[i]);
        bont__buf_free(&o);
    }
    json_decref(ctx);
    /* Every template renders, and never puts a value into an unquoted attribute. */
    size_t n = 0;
    for (const bont__asset_t *a = bont__web_assets; a->name; a++) {
        if (strncmp(a->name, "templates/", 10) != 0)
            continue;
        n++;
        CHECK_MSG(!has_unquoted_value(a->data), "%s: a value in an unquoted attribute", a->name);
        CHECK_MSG(!strstr(a->data, "<script>") && !has_event_attribute(a->data),
                  "%s: inline script", a->name);
        bont__buf_t o = {0};
        json_t *empty = json_object();
        CHECK_MSG(bont__tpl_render_text(a->data, a->size, empty, &o, &err) == 0, "%s: %s", a->name,
                  err.message);
        json_decref(empty);
        bont__buf_free(&o);
    }
    CHECK(n >= 10);
}

TEST(server_login_slows_then_locks_out)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    f.srv->fake_now = 1800000000;
    char cookie[128];
    /* Two free failures, then each waits longer; the fifth locks for 15 minutes. */
    CHECK_INT(login(&f, "carl", "wrong1", NULL, NULL, 0), 401);
    CHECK_INT(login(&f, "carl", "wrong2", NULL, NULL, 0), 401);
    CHECK_INT(login(&f, "carl", "wrong3", NULL, NULL, 0), 401);
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, NULL, 0), 429); /* waits 2 s */
    f.srv->fake_now += 3;
    CHECK_INT(login(&f, "carl", "wrong4", NULL, NULL, 0), 401);
    f.srv->fake_now += 5;
    CHECK_INT(login(&f, "carl", "wrong5", NULL, NULL, 0), 401);
    f.srv->fake_now += 60;
    bont__resp_t r;
    request(&f, "POST", "/login", NULL, ORIGIN_OK, NULL, "application/x-www-form-urlencoded",
            "user=carl&password=correct+horse+battery+staple", &r);
    CHECK_INT(r.status, 429);
    CHECK(r.retry_after_s > 800 && r.retry_after_s <= 900);
    CHECK(r.set_cookie[0][0] == '\0');
    CHECK(strstr(body_of(&r), "Too many failed logins"));
    bont__resp_clear(&r);
    /* Another user is not locked by carl's failures. */
    CHECK_INT(login(&f, "ada", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    f.srv->fake_now += 15 * 60;
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    /* The lock is in the store: another server on the same store sees it. */
    for (int i = 0; i < 5; i++) {
        f.srv->fake_now += 20;
        CHECK_INT(login(&f, "carl", "wrong", NULL, NULL, 0), 401);
    }
    bont_server_t *second = NULL;
    bont_error_t err;
    bont_server_opts_t o = {.db_path = f.db};
    CHECK_INT(bont_server_new(&second, f.kb, &o, &err), 0);
    bont_server_t *first = f.srv;
    f.srv = second;
    second->fake_now = first->fake_now + 60;
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, NULL, 0), 429);
    f.srv = first;
    bont_server_free(&second);
    /* An address that fails with many names waits as well. */
    char form[64];
    f.srv->fake_now += 11 * 60;
    for (int i = 0; i < 20; i++) {
        snprintf(form, sizeof form, "nobody%d", i);
        CHECK_INT(login(&f, form, "x", NULL, NULL, 0), 401);
    }
    CHECK_INT(login(&f, "ada", SECRET_PW, NULL, NULL, 0), 429);
    fixture_close(&f);
}

TEST(server_new_session_id_at_every_login)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char first[128], second[128], token[64];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, first, sizeof first), 303);
    CHECK(strncmp(first, "bont_session=", 13) == 0 && strlen(first) == 13 + 43);
    /* Logging in again with the session cookie gives a new id and ends the old one. */
    CHECK_INT(login(&f, "carl", SECRET_PW, first, second, sizeof second), 303);
    CHECK(strcmp(first, second) != 0);
    bont__resp_t r;
    request(&f, "GET", "/api/v1/session", first, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    bont__resp_clear(&r);
    request(&f, "GET", "/api/v1/session", second, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(body_of(&r), "\"user\":\"carl\"") &&
          strstr(body_of(&r), "\"role\":\"clinician\""));
    bont__resp_clear(&r);
    /* The cookie's attributes. */
    request(&f, "POST", "/login", NULL, ORIGIN_OK, NULL, "application/x-www-form-urlencoded",
            "user=carl&password=correct+horse+battery+staple", &r);
    CHECK(strstr(r.set_cookie[0], "; HttpOnly") && strstr(r.set_cookie[0], "; SameSite=Strict") &&
          strstr(r.set_cookie[0], "; Path=/") && !strstr(r.set_cookie[0], "Secure"));
    bont__resp_clear(&r);
    /* Logout ends the session. */
    csrf_of(&f, second, token, sizeof token);
    request(&f, "POST", "/logout", second, ORIGIN_OK, token, NULL, NULL, &r);
    CHECK_INT(r.status, 303);
    CHECK(strstr(r.set_cookie[0], "Max-Age=0"));
    bont__resp_clear(&r);
    request(&f, "GET", "/api/v1/session", second, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    bont__resp_clear(&r);
    /* Idle sessions end; a disabled user's sessions end at once. */
    char third[128];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, third, sizeof third), 303);
    f.srv->fake_now = time(NULL) + 31 * 60;
    request(&f, "GET", "/api/v1/session", third, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    bont__resp_clear(&r);
    f.srv->fake_now = 0;
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, third, sizeof third), 303);
    bont_error_t err;
    bont_store_t *s = NULL;
    CHECK_INT(bont_store_open(&s, f.db, BONT_STORE_EXISTING, &err), 0);
    CHECK_INT(bont_store_user_set_disabled(s, "carl", true, &err), 0);
    bont_store_close(&s);
    request(&f, "GET", "/api/v1/session", third, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 401);
    bont__resp_clear(&r);
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, NULL, 0), 401);
    fixture_close(&f);
}

TEST(server_password_hash_round_trip)
{
    bont_error_t err;
    char a[160], b[160];
    CHECK_INT(bont_password_hash("s3cret pass", a, sizeof a, &err), 0);
    CHECK_INT(bont_password_hash("s3cret pass", b, sizeof b, &err), 0);
    CHECK(strncmp(a, "$argon2id$", 10) == 0);
    CHECK(strcmp(a, b) != 0); /* salted */
    CHECK_INT(bont_password_verify(a, "s3cret pass"), 0);
    CHECK_INT(bont_password_verify(b, "s3cret pass"), 0);
    CHECK(bont_password_verify(a, "s3cret pasS") != 0);
    CHECK(bont_password_verify(a, "") != 0);
    CHECK(bont_password_verify("$argon2id$garbage", "s3cret pass") != 0);
    CHECK_INT(bont_password_hash("", a, sizeof a, &err), BONT_EINVAL);
}

TEST(server_refuses_non_loopback_without_tls)
{
    bont_error_t err;
    char host[64];
    unsigned port = 0;
    const char *refused[] = {"0.0.0.0:8080", "192.168.1.10:8080", "[::]:8080", "10.0.0.1:443"};
    for (size_t i = 0; i < 4; i++) {
        bont_error_clear(&err);
        CHECK_INT(bont_server_listen_parse(refused[i], false, host, sizeof host, &port, &err),
                  BONT_EINVAL);
        CHECK_MSG(strstr(err.message, "TLS"), "%s: %s", refused[i], err.message);
        CHECK_INT(bont_server_listen_parse(refused[i], true, host, sizeof host, &port, &err), 0);
    }
    const char *ok[] = {"127.0.0.1:8080", "127.1.2.3:0", "[::1]:8443", "localhost:9000"};
    for (size_t i = 0; i < 4; i++)
        CHECK_INT(bont_server_listen_parse(ok[i], false, host, sizeof host, &port, &err), 0);
    CHECK_INT(bont_server_listen_parse(NULL, false, host, sizeof host, &port, &err), 0);
    CHECK_STR(host, "127.0.0.1");
    CHECK_INT(port, 8080);
    const char *bad[] = {"8080", "host:", ":80", "127.0.0.1:99999", "example.com:80", "[::1]80"};
    for (size_t i = 0; i < 6; i++)
        CHECK_INT(bont_server_listen_parse(bad[i], true, host, sizeof host, &port, &err),
                  BONT_EINVAL);
    /* The command says so and exits 2. */
    char cmd[512], out[256], errs[2048];
    snprintf(cmd, sizeof cmd, "%s serve --listen 0.0.0.0:8080 --db /tmp/bont-never.db",
             bont_test_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 2);
    CHECK_MSG(strstr(errs, "without TLS") && strstr(errs, "--tls-cert"), "%s", errs);
    /* The audit's durability is full or relaxed, nothing else (exit 2, naming both). */
    snprintf(cmd, sizeof cmd, "%s serve --audit-sync sometimes --db /tmp/bont-never.db",
             bont_test_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 2);
    CHECK_MSG(strstr(errs, "full or relaxed") && strstr(errs, "sometimes"), "%s", errs);
}

TEST(server_audit_is_append_only)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char cookie[128], path[64];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    snprintf(path, sizeof path, "/patients/%lld", f.patient_id);
    bont__resp_t r;
    request(&f, "GET", path, cookie, NULL, NULL, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    bont__resp_clear(&r);
    bont_server_free(&f.srv);
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_audit_t *list = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_open(&s, f.db, BONT_STORE_EXISTING, &err), 0);
    CHECK_INT(bont_store_audit_list(s, f.patient_id, &list, &n, &err), 0);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_STR(list[0].user, "carl");
        CHECK_STR(list[0].kind, "patient.read");
        CHECK_STR(list[0].remote, "127.0.0.1");
        CHECK_INT(list[0].status, 200);
    }
    free(list);
    bont_store_close(&s);
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(f.db, &db), SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE audit SET user_name = 'nobody'", NULL, NULL, NULL) != SQLITE_OK);
    CHECK(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL) != SQLITE_OK);
    CHECK(sqlite3_exec(db, "DELETE FROM users", NULL, NULL, NULL) != SQLITE_OK);
    sqlite3_close(db);
    fixture_close(&f);
}

/* ---- over a real socket ---- */

static int connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Reads what the server sends until it closes or timeout_ms passes; returns the bytes read. */
static size_t read_answer(int fd, char *buf, size_t size, int timeout_ms, bool *closed)
{
    size_t n = 0;
    *closed = false;
    while (n + 1 < size) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        ssize_t got = recv(fd, buf + n, size - 1 - n, 0);
        if (got <= 0) {
            *closed = true;
            break;
        }
        n += (size_t)got;
    }
    buf[n] = '\0';
    return n;
}

TEST_TIMEOUT(server_socket_limits_and_headers, 90)
{
    fixture_t f;
    bont_server_opts_t o = {.listen = "127.0.0.1:0", .body_limit_bytes = 4096, .timeout_s = 2};
    if (!fixture_open(&f, &o))
        return;
    bont_error_t err;
    CHECK_INT(bont_server_start(f.srv, &err), 0);
    unsigned port = bont_server_port(f.srv);
    CHECK(port > 0);
    char buf[8192];
    bool closed;
    /* Security headers on every answer. */
    int fd = connect_to(port);
    const char *get = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    CHECK(send(fd, get, strlen(get), 0) > 0);
    read_answer(fd, buf, sizeof buf, 5000, &closed);
    close(fd);
    CHECK(strncmp(buf, "HTTP/1.1 200", 12) == 0);
    CHECK(strstr(buf, "Content-Security-Policy: default-src 'none'; script-src 'self'"));
    CHECK(!strstr(buf, "unsafe-inline"));
    CHECK(strstr(buf, "frame-ancestors 'none'"));
    CHECK(strstr(buf, "X-Content-Type-Options: nosniff"));
    CHECK(strstr(buf, "Referrer-Policy: same-origin"));
    CHECK(strstr(buf, "\r\n\r\nok\n"));
    /* A declared body over the limit: 413 at once, without sending a byte of it. */
    fd = connect_to(port);
    const char *big = "POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n";
    CHECK(send(fd, big, strlen(big), 0) > 0);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    read_answer(fd, buf, sizeof buf, 1500, &closed);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(fd);
    CHECK_MSG(strncmp(buf, "HTTP/1.1 413", 12) == 0, "got: %.60s", buf);
    CHECK(strstr(buf, "X-Content-Type-Options: nosniff"));
    CHECK((t1.tv_sec - t0.tv_sec) < 2);
    /* A chunked body that passes the limit is cut off. */
    fd = connect_to(port);
    const char *chunked = "POST /api/v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    CHECK(send(fd, chunked, strlen(chunked), 0) > 0);
    char chunk[1100];
    memset(chunk, ' ', sizeof chunk);
    memcpy(chunk, "400\r\n", 5);
    memcpy(chunk + 5 + 1024, "\r\n", 2);
    for (int i = 0; i < 8; i++)
        if (send(fd, chunk, 5 + 1024 + 2, MSG_NOSIGNAL) <= 0)
            break;
    read_answer(fd, buf, sizeof buf, 3000, &closed);
    close(fd);
    CHECK_MSG(closed && !strstr(buf, "HTTP/1.1 401"), "a too-long chunked body was read: %.40s",
              buf);
    /* A client that stops sending is cut off after the timeout (2 s here). */
    fd = connect_to(port);
    const char *partial = "GET /healthz HTTP/1.1\r\nHost: 127.0";
    CHECK(send(fd, partial, strlen(partial), 0) > 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    read_answer(fd, buf, sizeof buf, 8000, &closed);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(fd);
    CHECK_MSG(closed, "a slow client kept its connection");
    CHECK((t1.tv_sec - t0.tv_sec) <= 6);
    /* Without a session, a page redirects to /login and the API says 401. */
    fd = connect_to(port);
    const char *page = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    CHECK(send(fd, page, strlen(page), 0) > 0);
    read_answer(fd, buf, sizeof buf, 5000, &closed);
    close(fd);
    CHECK(strncmp(buf, "HTTP/1.1 303", 12) == 0 && strstr(buf, "Location: /login"));
    fixture_close(&f);
}

TEST(server_user_and_audit_commands)
{
    char dir[64], cmd[1024], out[8192], errs[2048];
    store_test_tmpdir(dir, sizeof dir);
    snprintf(cmd, sizeof cmd,
             "printf 'first pass phrase\\n' | %s user add nurse1 --role clinician --db %s/u.db",
             bont_test_bin(), dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 0);
    CHECK(strstr(out, "user nurse1 added (clinician)"));
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 2); /* taken */
    CHECK(strstr(errs, "already a user named \"nurse1\""));
    snprintf(cmd, sizeof cmd, "%s user add x --role root --db %s/u.db </dev/null", bont_test_bin(),
             dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 2);
    CHECK(strstr(errs, "--role must be admin or clinician"));
    snprintf(cmd, sizeof cmd, "%s user add x --role admin --db %s/u.db </dev/null", bont_test_bin(),
             dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 2);
    CHECK(strstr(errs, "password on standard input"));
    snprintf(cmd, sizeof cmd, "%s user disable nurse1 --db %s/u.db && %s user list --db %s/u.db",
             bont_test_bin(), dir, bont_test_bin(), dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 0);
    CHECK(strstr(out, "nurse1  clinician  disabled"));
    snprintf(cmd, sizeof cmd, "%s audit --db %s/u.db --format json", bont_test_bin(), dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 0);
    json_t *j = json_loads(out, 0, NULL);
    CHECK(json_is_array(j) && json_array_size(j) == 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(j, 1), "kind")), "user.disable");
    json_decref(j);
    snprintf(cmd, sizeof cmd, "%s audit --db %s/u.db --patient abc", bont_test_bin(), dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 2);
    store_test_rmdir(dir);
}
