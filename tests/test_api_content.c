/* test_api_content.c: GET and POST /api/v1/handout and GET /api/v1/pathway answer as `bont
 * handout` and `bont pathway` do, in the request's language: a stored visit's handout in Korean
 * names the patient as text (a name of markup stays text), its page's own styles and nothing
 * else inline are allowed, every read is audited with the patient, and bad queries get the
 * documented errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_server.h"
#include "test_store.h"

#define JSON_TYPE "application/json"
#define MARKUP    "<script>alert(1)</script>"

typedef struct session_t {
    fixture_t f;
    char cookie[128], token[64];
    long long patient, visit;
    char plan[2048];
} session_t;

static void get(session_t *s, const char *path, bont__resp_t *r)
{
    request(&s->f, "GET", path, s->cookie, NULL, NULL, NULL, NULL, r);
}

static void post(session_t *s, const char *path, const char *body, bont__resp_t *r)
{
    request(&s->f, "POST", path, s->cookie, ORIGIN_OK, s->token, JSON_TYPE, body, r);
}

/* A patient named with markup and a recorded glabellar visit (20 U at five sites, today). */
static bool session_open(session_t *s)
{
    memset(s, 0, sizeof *s);
    if (!fixture_open(&s->f, NULL))
        return false;
    bont_error_t err;
    bont_store_t *st = NULL;
    CHECK_INT(bont_store_open(&st, s->f.db, BONT_STORE_EXISTING, &err), 0);
    CHECK_INT(bont_store_set_today(st, "2026-01-01", &err), 0);
    bont_store_patient_t p = store_test_patient(MARKUP);
    CHECK_INT(bont_store_patient_add(st, &p, &err), 0);
    bont_store_close(&st);
    s->patient = p.id;
    CHECK_INT(login(&s->f, "carl", SECRET_PW, NULL, s->cookie, sizeof s->cookie), 303);
    csrf_of(&s->f, s->cookie, s->token, sizeof s->token);
    char today[11], body[4096];
    bont__server_today(today);
    int age = atoi(today) - 1980 - (strcmp(today + 5, "05-17") < 0);
    snprintf(s->plan, sizeof s->plan,
             "{\"date\": \"%s\", \"indication\": \"glabellar_lines\", \"product\": "
             "\"onabotulinumtoxinA\", \"vial\": {\"units\": 100, \"diluent_ml\": 2.5, \"lot\": "
             "\"LOT-H1\", \"expiry\": \"2099-01-31\"}, \"patient\": {\"age_years\": %d, \"sex\": "
             "\"female\"}, \"injections\": [{\"muscle\": \"procerus\", \"units\": 4, \"sites\": "
             "1}, {\"muscle\": \"corrugator_supercilii\", \"side\": \"left\", \"units\": 8, "
             "\"sites\": 2}, {\"muscle\": \"corrugator_supercilii\", \"side\": \"right\", "
             "\"units\": 8, \"sites\": 2}]}",
             today, age);
    snprintf(body, sizeof body,
             "{\"patient\": %lld, \"plan\": %s, \"lot\": \"LOT-H1\", \"expiry\": \"2099-01-31\"}",
             s->patient, s->plan);
    bont__resp_t r;
    post(s, "/api/v1/visits", body, &r);
    CHECK_MSG(r.status == 201, "visit: %d %s", r.status, body_of(&r));
    json_t *j = json_loads(body_of(&r), 0, NULL);
    s->visit = json_integer_value(json_object_get(j, "visit_id"));
    json_decref(j);
    bont__resp_clear(&r);
    return s->visit > 0;
}

/* Whether text holds a Hangul syllable (UTF-8 lead bytes EA-ED). */
static bool has_hangul(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p >= 0xEA && *p <= 0xED && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
            return true;
    return false;
}

/* An English word of five letters or more in the page's text (tags, styles, the inline SVG's
 * and addresses aside; acronyms, source ids and the brand and product names are no prose), as
 * the command's own test judges its sheets (tests/test_handout.c); ignore is skipped. */
static bool has_english_word(const char *html, const char *ignore, char *word, size_t size)
{
    static const char *const allowed[] = {"botox", "onabotulinumtoxina", NULL};
    const char *p = strstr(html, "<body");
    while (p && *p) {
        if (!strncmp(p, "<style", 6) || !strncmp(p, "<svg", 4)) {
            p = strstr(p, !strncmp(p, "<style", 6) ? "</style>" : "</svg>");
            continue;
        }
        if (*p == '<') {
            p = strchr(p, '>');
            continue;
        }
        if (ignore && !strncmp(p, ignore, strlen(ignore))) {
            p += strlen(ignore);
            continue;
        }
        if (!strncmp(p, "http", 4)) {
            while (*p && *p != ' ' && *p != '<')
                p++;
            continue;
        }
        size_t n = 0, upper = 0;
        while (((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z') && n < size - 1) {
            upper += p[n] >= 'A' && p[n] <= 'Z';
            word[n] = (char)(p[n] | 0x20), n++;
        }
        word[n] = '\0';
        bool ok = n < 5 || upper == n;
        for (size_t k = 0; allowed[k] && !ok; k++)
            ok = strcmp(word, allowed[k]) == 0;
        if (!ok)
            return true;
        p += n ? n : 1;
    }
    return false;
}

TEST_TIMEOUT(api_handout_of_a_stored_visit_in_korean, 180)
{
    session_t s;
    if (!session_open(&s))
        return;
    char path[256], word[40];
    bont__resp_t r;
    snprintf(path, sizeof path, "/api/v1/handout?visit=%lld&lang=ko&patients=50", s.visit);
    get(&s, path, &r);
    const char *html = body_of(&r);
    CHECK_MSG(r.status == 200, "%d %.300s", r.status, html);
    CHECK_STR(r.type, "text/html; charset=utf-8");
    CHECK_STR(r.content_lang, "ko");
    CHECK(strstr(html, "<html lang=\"ko\">") != NULL);
    CHECK(strstr(html, "미간 주름") != NULL); /* the glossary's glabellar lines */
    CHECK(has_hangul(html));
    CHECK_MSG(!has_english_word(html, "&lt;script&gt;alert(1)&lt;/script&gt;", word, sizeof word),
              "English in the handout: %s", word);
    /* The patient's name is text, never markup. */
    CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(html, "<script") == NULL);
    /* The page's own two style elements are allowed by hash, nothing else inline. */
    CHECK_MSG(strstr(r.csp, "style-src 'self' 'sha256-") && !strstr(r.csp, "unsafe-inline") &&
                  strstr(r.csp, "script-src 'self'") && strstr(r.csp, "frame-ancestors 'none'"),
              "CSP: %s", r.csp);
    const char *first = strstr(r.csp, "'sha256-");
    CHECK(first && strstr(first + 1, "'sha256-") != NULL);
    bont__resp_clear(&r);
    /* The read is in the audit log, naming the patient. */
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit WHERE kind = 'handout' AND patient_id = %lld AND "
             "status = 200",
             s.patient);
    CHECK_INT(store_test_sql_int(s.f.db, sql), 1);
    /* patient=ID gives the last visit's: the same sheet. */
    snprintf(path, sizeof path, "/api/v1/handout?visit=%lld&lang=zh&patients=50&format=text",
             s.visit);
    get(&s, path, &r);
    char *by_visit = strdup(body_of(&r));
    CHECK_INT(r.status, 200);
    CHECK_STR(r.type, "text/plain; charset=utf-8");
    CHECK(strstr(by_visit, "眉间纹") || strstr(by_visit, "皱眉纹"));
    bont__resp_clear(&r);
    snprintf(path, sizeof path, "/api/v1/handout?patient=%lld&lang=zh&patients=50&format=text",
             s.patient);
    get(&s, path, &r);
    CHECK_STR(body_of(&r), by_visit);
    free(by_visit);
    bont__resp_clear(&r);
    /* The clinic's name is text too. */
    snprintf(path, sizeof path,
             "/api/v1/handout?visit=%lld&patients=50&clinic=%%3Cb%%3EX%%3C%%2Fb%%3E&phone=1",
             s.visit);
    get(&s, path, &r);
    CHECK(strstr(body_of(&r), "&lt;b&gt;X&lt;/b&gt;") && !strstr(body_of(&r), "<b>X"));
    bont__resp_clear(&r);
    fixture_close(&s.f);
}

/* The command's output for a plan file, and the route's for the same plan, are the same facts. */
TEST_TIMEOUT(api_handout_is_bont_handout, 180)
{
    session_t s;
    if (!session_open(&s))
        return;
    char file[128], cmd[512], out[1 << 16], err[2048];
    snprintf(file, sizeof file, "%s/plan.json", s.f.dir);
    FILE *f = fopen(file, "w");
    fputs(s.plan, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s handout %s --lang ko --format json --patients 50",
             bont_test_bin(), file);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    json_t *want = json_loads(out, 0, NULL);
    bont__resp_t r;
    post(&s, "/api/v1/handout?format=json&lang=ko&patients=50", s.plan, &r);
    CHECK_MSG(r.status == 200, "%d %.300s", r.status, body_of(&r));
    json_t *got = json_loads(body_of(&r), 0, NULL);
    CHECK(want && got);
    json_object_set_new(json_object_get(want, "plan"), "file", json_string("<request>"));
    CHECK_MSG(json_equal(want, got), "the route's JSON differs from the command's:\n%.600s",
              body_of(&r));
    CHECK_STR(json_string_value(json_object_get(got, "lang")), "ko");
    json_decref(want);
    json_decref(got);
    bont__resp_clear(&r);
    /* The stored visit's handout states the same course (the same plan, recorded). */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/handout?visit=%lld&format=json&patients=50", s.visit);
    get(&s, path, &r);
    got = json_loads(body_of(&r), 0, NULL);
    CHECK_STR(json_string_value(json_object_get(got, "patient")), MARKUP);
    CHECK_STR(json_string_value(json_object_get(got, "lang")), "en");
    json_t *course = json_object_get(got, "course");
    want = json_loads(out, 0, NULL);
    CHECK_MSG(json_equal(course, json_object_get(want, "course")), "course differs: %.400s",
              body_of(&r));
    json_decref(want);
    json_decref(got);
    bont__resp_clear(&r);
    fixture_close(&s.f);
}

TEST_TIMEOUT(api_handout_refusals, 120)
{
    session_t s;
    if (!session_open(&s))
        return;
    static const struct {
        const char *path;
        int status;
        const char *code;
    } cases[] = {
        {"/api/v1/handout", 400, "bad_request"},
        {"/api/v1/handout?visit=abc", 400, "bad_request"},
        {"/api/v1/handout?visit=-3", 400, "bad_request"},
        {"/api/v1/handout?patient=1e3", 400, "bad_request"},
        {"/api/v1/handout?visit=999999", 404, "not_found"},
        {"/api/v1/handout?patient=999999", 404, "not_found"},
        {"/api/v1/handout?visit=%lld&format=pdf", 400, "bad_request"},
        {"/api/v1/handout?visit=%lld&patients=10", 400, "bad_request"},
        {"/api/v1/handout?visit=%lld&patients=1000000", 400, "bad_request"},
        {"/api/v1/handout?visit=%lld&force=maybe", 400, "bad_request"},
        {"/api/v1/pathway", 400, "bad_request"},
        {"/api/v1/pathway?condition=hemifacial_spasm&age=abc", 400, "bad_request"},
        {"/api/v1/pathway?condition=hemifacial_spasm&age=200", 400, "bad_request"},
        {"/api/v1/pathway?condition=hemifacial_spasm&format=pdf", 400, "bad_request"},
        {"/api/v1/pathway?condition=hemifacial_spasm&patient=999999", 404, "not_found"},
        {"/api/v1/pathway?condition=%%3Cscript%%3E", 404, "not_found"},
    };
    char path[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(path, sizeof path, cases[i].path, s.visit);
        bont__resp_t r;
        get(&s, path, &r);
        json_t *j = json_loads(body_of(&r), 0, NULL);
        CHECK_MSG(r.status == cases[i].status &&
                      !strcmp(json_string_value(json_object_get(j, "error")) ?: "", cases[i].code),
                  "%s: %d %.200s", path, r.status, body_of(&r));
        json_decref(j);
        bont__resp_clear(&r);
    }
    /* The seeded patient has no visit; another patient's visit is not theirs. */
    snprintf(path, sizeof path, "/api/v1/handout?patient=%lld", s.f.patient_id);
    bont__resp_t r;
    get(&s, path, &r);
    CHECK_INT(r.status, 404);
    bont__resp_clear(&r);
    snprintf(path, sizeof path, "/api/v1/handout?patient=%lld&visit=%lld", s.f.patient_id, s.visit);
    get(&s, path, &r);
    CHECK_INT(r.status, 404);
    CHECK(!strstr(body_of(&r), "alert"));
    bont__resp_clear(&r);
    /* An unknown condition lists the known ones. */
    get(&s, "/api/v1/pathway?condition=gout&lang=ko", &r);
    CHECK_INT(r.status, 404);
    CHECK(strstr(body_of(&r), "\"hemifacial_spasm\"") && has_hangul(body_of(&r)));
    bont__resp_clear(&r);
    /* A plan that breaks a rule gets no handout unless forced, as on the command line. */
    char plan[2200];
    snprintf(plan, sizeof plan, "%s", s.plan);
    char *units = strstr(plan, "\"units\": 4,");
    memcpy(units, "\"units\": 9,", 11); /* 25 U: over the label's 20 U */
    post(&s, "/api/v1/handout?patients=50", plan, &r);
    CHECK_MSG(r.status == 422 && strstr(body_of(&r), "plan_breaks_rule") &&
                  strstr(body_of(&r), "\"findings\""),
              "%d %.300s", r.status, body_of(&r));
    bont__resp_clear(&r);
    post(&s, "/api/v1/handout?patients=50&force=1&format=text", plan, &r);
    CHECK_INT(r.status, 200);
    bont__resp_clear(&r);
    /* POST needs the CSRF token, as every state-changing route. */
    request(&s.f, "POST", "/api/v1/handout", s.cookie, ORIGIN_OK, NULL, JSON_TYPE, s.plan, &r);
    CHECK_INT(r.status, 403);
    bont__resp_clear(&r);
    fixture_close(&s.f);
}

TEST_TIMEOUT(api_pathway_is_bont_pathway, 120)
{
    session_t s;
    if (!session_open(&s))
        return;
    char cmd[256], out[1 << 17], err[2048];
    snprintf(cmd, sizeof cmd, "%s pathway hemifacial_spasm --lang ko --age 72 --format json",
             bont_test_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    bont__resp_t r;
    get(&s, "/api/v1/pathway?condition=hemifacial_spasm&lang=ko&age=72", &r);
    CHECK_MSG(r.status == 200, "%d %.300s", r.status, body_of(&r));
    CHECK_STR(r.type, "application/json");
    CHECK_STR(body_of(&r), out);
    bont__resp_clear(&r);
    /* The age changes the advice on surgery. */
    get(&s, "/api/v1/pathway?condition=hemifacial_spasm&lang=ko&age=40", &r);
    CHECK(r.status == 200 && strcmp(body_of(&r), out) != 0);
    bont__resp_clear(&r);
    /* A name of the condition in the patient's language finds it, as on the command line. */
    get(&s, "/api/v1/pathway?condition=%EB%B0%98%EC%B8%A1%EC%95%88%EB%A9%B4%EA%B2%BD%EB%A0%A8", &r);
    CHECK_MSG(r.status == 200 && strstr(body_of(&r), "\"condition\": \"hemifacial_spasm\""),
              "%d %.200s", r.status, body_of(&r));
    bont__resp_clear(&r);
    /* HTML: the page's styles by hash; with the record, the patient's name as text. */
    char path[160];
    snprintf(path, sizeof path,
             "/api/v1/pathway?condition=hemifacial_spasm&format=html&lang=zh&patient=%lld",
             s.patient);
    get(&s, path, &r);
    CHECK_INT(r.status, 200);
    CHECK(strstr(r.csp, "'sha256-") && !strstr(r.csp, "unsafe-inline"));
    CHECK(strstr(body_of(&r), "&lt;script&gt;alert(1)&lt;/script&gt;") &&
          !strstr(body_of(&r), "<script"));
    CHECK_STR(r.content_lang, "zh-Hans");
    bont__resp_clear(&r);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit WHERE kind = 'pathway' AND patient_id = %lld", s.patient);
    CHECK_INT(store_test_sql_int(s.f.db, sql), 1);
    fixture_close(&s.f);
}
