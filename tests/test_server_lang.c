/* test_server_lang.c: every request of the web server in its own language: the query's lang,
 * the language switch's cookie, Accept-Language with its q-values, English otherwise; the
 * answer says which (Content-Language, JSON "lang"), and two requests in different languages
 * at once do not take each other's words. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n/tr.h"
#include "test.h"
#include "test_server.h"

#define JSON_TYPE "application/json"

TEST(server_accept_language_parsing)
{
    static const struct {
        const char *header;
        bool found;
        bont_lang_t lang;
    } cases[] = {
        {"ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", true, BONT_LANG_KO},
        {"en-US,en;q=0.9,zh-CN;q=0.8", true, BONT_LANG_EN},
        {"fr-FR, de;q=0.9, zh-TW;q=0.5, ko;q=0.4", true, BONT_LANG_ZH},
        {"ko;q=0.2, zh;q=0.7", true, BONT_LANG_ZH},   /* the higher q wins, not the first */
        {"zh;q=0.5, ko;q=0.500", true, BONT_LANG_ZH}, /* equals: the first */
        {"ko;q=0, en;q=0.1", true, BONT_LANG_EN},     /* q=0 means "not this one" */
        {"zh-Hans-CN", true, BONT_LANG_ZH},
        {"  ko  ;  q=1  ", true, BONT_LANG_KO},
        {"fr, de;q=0.5, *;q=0.1", false, BONT_LANG_EN}, /* none bont speaks */
        {"ko;q=2", false, BONT_LANG_EN},                /* a q-value over 1 is malformed */
        {"ko;q=abc, zh;foo=1", false, BONT_LANG_EN},
        {"C, POSIX", false, BONT_LANG_EN},
        {"", false, BONT_LANG_EN},
        {",,,;;;q=", false, BONT_LANG_EN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bont_lang_t got = BONT_LANG_COUNT;
        bool found = bont__accept_language(cases[i].header, &got);
        CHECK_MSG(found == cases[i].found && got == cases[i].lang,
                  "Accept-Language \"%s\": found %d lang %d, expected %d %d", cases[i].header,
                  found, (int)got, cases[i].found, (int)cases[i].lang);
    }
    bont_lang_t got;
    CHECK(!bont__accept_language(NULL, &got) && got == BONT_LANG_EN);
    /* A header of thousands of entries is not read to its end. */
    char *long_header = malloc(200001);
    for (size_t i = 0; i < 200000; i += 2)
        memcpy(long_header + i, "x,", 2);
    strcpy(long_header + 199990, "ko");
    CHECK(!bont__accept_language(long_header, &got));
    free(long_header);
}

/* The lang of a JSON answer and its Content-Language. */
static void check_lang(fixture_t *f, const char *path, const char *cookie, const char *accept,
                       const char *want_json, const char *want_header)
{
    bont__resp_t r;
    request_lang(f, "GET", path, cookie, NULL, NULL, NULL, NULL, accept, &r);
    json_t *j = json_loads(body_of(&r), 0, NULL);
    CHECK_MSG(r.status == 200 && j, "%s: %d %.200s", path, r.status, body_of(&r));
    const char *lang = json_string_value(json_object_get(j, "lang"));
    CHECK_MSG(lang && strcmp(lang, want_json) == 0, "%s cookie %s accept %s: lang %s, want %s",
              path, cookie, accept ? accept : "-", lang ? lang : "-", want_json);
    CHECK_MSG(r.content_lang && strcmp(r.content_lang, want_header) == 0,
              "%s: Content-Language %s, want %s", path, r.content_lang ? r.content_lang : "-",
              want_header);
    json_decref(j);
    bont__resp_clear(&r);
}

TEST(server_request_language_order)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char cookie[128], with_ko[200], with_bad[200];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    snprintf(with_ko, sizeof with_ko, "%s; bont_lang=ko", cookie);
    snprintf(with_bad, sizeof with_bad, "bont_lang=fr; %s", cookie);
    check_lang(&f, "/api/v1/session", cookie, NULL, "en", "en");
    check_lang(&f, "/api/v1/session", cookie, "zh-CN,zh;q=0.9", "zh", "zh-Hans");
    check_lang(&f, "/api/v1/session", with_ko, "zh-CN,zh;q=0.9", "ko", "ko");
    check_lang(&f, "/api/v1/session?lang=zh", with_ko, "en", "zh", "zh-Hans");
    check_lang(&f, "/api/v1/session?lang=fr", with_ko, "zh", "ko", "ko");
    check_lang(&f, "/api/v1/session", with_bad, "ko;q=0.3, en;q=0.2", "ko", "ko");
    /* An error answer is in the language too, its code unchanged. */
    bont__resp_t r;
    request_lang(&f, "GET", "/api/v1/patients/999999", cookie, NULL, NULL, NULL, NULL, "ko", &r);
    CHECK_INT(r.status, 404);
    json_t *j = json_loads(body_of(&r), 0, NULL);
    CHECK_STR(json_string_value(json_object_get(j, "error")), "not_found");
    CHECK_STR(json_string_value(json_object_get(j, "lang")), "ko");
    json_decref(j);
    bont__resp_clear(&r);
    /* The page says its language to the browser. */
    request_lang(&f, "GET", "/", cookie, NULL, NULL, NULL, NULL, "ko", &r);
    CHECK_INT(r.status, 200);
    CHECK_MSG(strstr(body_of(&r), "<html lang=\"ko\">"), "%.300s", body_of(&r));
    bont__resp_clear(&r);
    request_lang(&f, "GET", "/?lang=zh", cookie, NULL, NULL, NULL, NULL, "ko", &r);
    CHECK_MSG(strstr(body_of(&r), "<html lang=\"zh-Hans\">"), "%.300s", body_of(&r));
    bont__resp_clear(&r);
    /* The thread speaks English again once the request is answered. */
    CHECK_INT(bont_i18n_thread_lang(), BONT_LANG_EN);
    fixture_close(&f);
}

/* ---- two languages at once ---- */

typedef struct lang_worker_t {
    fixture_t *f;
    const char *cookie, *token, *accept, *plan;
    const char *want; /* "ko" or "zh" */
    int rounds, wrong;
    char first_wrong[300];
} lang_worker_t;

/* Whether text holds a Hangul syllable (U+AC00-U+D7A3: UTF-8 lead bytes EA-ED) or a CJK
 * ideograph (U+4E00-U+9FFF: lead bytes E4-E9). */
static bool has_script(const char *text, unsigned char lo, unsigned char hi)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p >= lo && *p <= hi && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
            return true;
    return false;
}

static void *lang_worker(void *arg)
{
    lang_worker_t *w = arg;
    for (int i = 0; i < w->rounds; i++) {
        bont__resp_t r;
        request_lang(w->f, "POST", "/api/v1/check", w->cookie, ORIGIN_OK, w->token, JSON_TYPE,
                     w->plan, w->accept, &r);
        json_t *j = json_loads(body_of(&r), 0, NULL);
        const char *lang = json_string_value(json_object_get(j, "lang"));
        const char *msg = json_string_value(
            json_object_get(json_array_get(json_object_get(j, "findings"), 0), "message"));
        bool ko = strcmp(w->want, "ko") == 0;
        bool ok = r.status == 200 && lang && strcmp(lang, w->want) == 0 && msg &&
                  (ko ? has_script(msg, 0xEA, 0xED)
                      : (has_script(msg, 0xE4, 0xE9) && !has_script(msg, 0xEA, 0xED))) &&
                  r.content_lang && strcmp(r.content_lang, ko ? "ko" : "zh-Hans") == 0;
        if (!ok && w->wrong++ == 0)
            snprintf(w->first_wrong, sizeof w->first_wrong, "%d %s: %.200s", r.status,
                     lang ? lang : "-", msg ? msg : body_of(&r));
        json_decref(j);
        bont__resp_clear(&r);
    }
    return NULL;
}

TEST_TIMEOUT(server_languages_do_not_bleed_between_requests, 240)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char cookie[128], token[64], ko_cookie[200];
    CHECK_INT(login(&f, "carl", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    csrf_of(&f, cookie, token, sizeof token);
    snprintf(ko_cookie, sizeof ko_cookie, "%s; bont_lang=ko", cookie);
    FILE *pf = fopen("examples/glabellar_too_soon.json", "r");
    char plan[1 << 14];
    size_t n = pf ? fread(plan, 1, sizeof plan - 1, pf) : 0;
    plan[n] = '\0';
    if (pf)
        fclose(pf);
    CHECK(n > 0);
    /* One asks in Korean by the switch's cookie, the other in Chinese by Accept-Language; the
     * dispatcher sets each request's language on the thread that runs it. */
    lang_worker_t w[2] = {
        {&f, ko_cookie, token, "zh-CN", plan, "ko", 12, 0, ""},
        {&f, cookie, token, "zh-CN,zh;q=0.9,ko;q=0.5", plan, "zh", 12, 0, ""},
    };
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        CHECK_INT(pthread_create(&t[i], NULL, lang_worker, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++)
        CHECK_MSG(w[i].wrong == 0, "%s: %d of %d answers in another language; first: %s", w[i].want,
                  w[i].wrong, w[i].rounds, w[i].first_wrong);
    fixture_close(&f);
}

/* ---- page words ---- */

TEST(server_pages_in_the_request_language)
{
    fixture_t f;
    if (!fixture_open(&f, NULL))
        return;
    char cookie[128], path[96];
    CHECK_INT(login(&f, "ada", SECRET_PW, NULL, cookie, sizeof cookie), 303);
    static const struct {
        const char *path, *lang, *has, *not_has;
    } cases[] = {
        {"/", "ko", ">환자 추가<", "Add a patient"},
        {"/", "zh", ">添加患者<", "Add a patient"},
        {"/", "en", ">Add a patient<", "환자"},
        {"/patients/%lld", "ko", ">치료 기록<", ">History<"},
        {"/plan", "zh", ">面部<", ">Face<"}, /* a tab; the charts' labels too: */
        {"/plan", "zh", ">额肌<", ">frontalis<"},
        {"/plan", "ko", "aria-label=\"이마근, 오른쪽\"", "aria-label=\"frontalis"},
        {"/due", "ko", ">재시술 예정<", "Due for treatment"},
        {"/recall", "zh", ">批号<", "Lot number"},
        {"/vials", "ko", ">보유 바이알<", "Vials in stock"},
        {"/users", "zh", ">管理员<", ">admin<"},
        {"/audit", "ko", ">감사 기록<", "Audit log"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char url[160];
        snprintf(path, sizeof path, cases[i].path, f.patient_id);
        snprintf(url, sizeof url, "%s%slang=%s", path, strchr(path, '?') ? "&" : "?",
                 cases[i].lang);
        bont__resp_t r;
        request(&f, "GET", url, cookie, NULL, NULL, NULL, NULL, &r);
        CHECK_MSG(r.status == 200 && strstr(body_of(&r), cases[i].has) &&
                      !strstr(body_of(&r), cases[i].not_has),
                  "%s: %d, want \"%s\" and no \"%s\"", url, r.status, cases[i].has,
                  cases[i].not_has);
        /* No mark of the template language is left in the page. */
        CHECK_MSG(!strstr(body_of(&r), "{{"), "%s holds a template tag", url);
        bont__resp_clear(&r);
    }
    /* The scripts' words travel with the page: a JSON object in a meta element, empty in
     * English. */
    bont__resp_t r;
    request(&f, "GET", "/plan?lang=ko", cookie, NULL, NULL, NULL, NULL, &r);
    const char *meta = strstr(body_of(&r), "<meta name=\"bont-words\" content=\"{");
    CHECK(meta && strstr(meta, "아직 주사점이 없습니다.") &&
          strstr(meta, "&quot;No points yet.&quot;"));
    bont__resp_clear(&r);
    request(&f, "GET", "/plan?lang=en", cookie, NULL, NULL, NULL, NULL, &r);
    CHECK(strstr(body_of(&r), "<meta name=\"bont-words\" content=\"{}\">") != NULL);
    bont__resp_clear(&r);
    fixture_close(&f);
}

TEST(server_template_words)
{
    static const char *const texts[] = {
        "<p>{{#_}}Patients{{/_}}: {{#_}}{{total}} in the record store{{/_}}</p>",
        "{{#_}}a {{#_}}b{{/_}}{{/_}}", /* words do not nest */
        "{{^_}}x{{/_}}",               /* nor are they a condition */
    };
    json_t *ctx = json_pack("{s:s}", "total", "<3>");
    bont_error_t err;
    bont__buf_t out = {0};
    bont_i18n_set_thread_lang(BONT_LANG_ZH);
    CHECK_INT(bont__tpl_render_text(texts[0], strlen(texts[0]), ctx, &out, &err), 0);
    CHECK_MSG(out.data && !strcmp(out.data, "<p>患者: 记录库中共 &lt;3&gt; 位</p>"), "%s",
              out.data ? out.data : "");
    bont__buf_free(&out);
    bont_i18n_set_thread_lang(BONT_LANG_EN);
    CHECK_INT(bont__tpl_render_text(texts[0], strlen(texts[0]), ctx, &out, &err), 0);
    CHECK_STR(out.data, "<p>Patients: &lt;3&gt; in the record store</p>");
    bont__buf_free(&out);
    for (size_t i = 1; i < 3; i++) {
        CHECK_INT(bont__tpl_render_text(texts[i], strlen(texts[i]), ctx, &out, &err), BONT_EPARSE);
        bont__buf_free(&out);
    }
    json_decref(ctx);
}

/* A page's words are template text: a translation must keep its msgid's tags (the same ones, in
 * any order) and markup (the same number of <, > and "), else it would break the page. */
typedef struct words_check_t {
    int bad;
    char first[400];
} words_check_t;

static int tag_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The tags of a template text, sorted and joined, into out. */
static void tags_of(const char *text, char *out, size_t size)
{
    char tags[64][96];
    size_t n = 0;
    for (const char *p = strstr(text, "{{"); p && n < 64; p = strstr(p + 2, "{{")) {
        const char *end = strstr(p, "}}");
        if (!end)
            break;
        snprintf(tags[n++], sizeof tags[0], "%.*s", (int)(end - p + 2), p);
    }
    qsort(tags, n, sizeof tags[0], tag_cmp);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        strncat(out, tags[i], size - strlen(out) - 1);
}

static int count_of(const char *s, const char *chars)
{
    int n = 0;
    for (; *s; s++)
        n += strchr(chars, *s) != NULL;
    return n;
}

static void check_words(void *ud, const char *msgid, const char *translation)
{
    words_check_t *w = ud;
    char a[2048], b[2048];
    tags_of(msgid, a, sizeof a);
    tags_of(translation, b, sizeof b);
    if (strcmp(a, b) != 0 || count_of(msgid, "<>\"") != count_of(translation, "<>\"")) {
        if (w->bad++ == 0)
            snprintf(w->first, sizeof w->first, "%.180s -> %.180s", msgid, translation);
    }
}

TEST(server_page_words_keep_their_tags)
{
    for (bont_lang_t l = BONT_LANG_ZH; l <= BONT_LANG_KO; l++) {
        words_check_t w = {0, ""};
        size_t n = bont__i18n_each(l, "page", check_words, &w);
        CHECK_MSG(n > 200, "%s: %zu page words", bont_lang_code(l), n);
        CHECK_MSG(w.bad == 0, "%s: %d translations change tags or markup; first: %s",
                  bont_lang_code(l), w.bad, w.first);
    }
}
