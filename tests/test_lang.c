/* test_lang.c: every command in English, Chinese and Korean: --lang and the environment on a
 * machine with no generated locale, findings and reasons in the chosen language, JSON that keeps
 * its ids and keys, one language per thread, the catalogues current against the sources, and
 * numbers, dates and rates in each language's form. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/i18n.h"
#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "test.h"

static char out[1 << 17], err[1 << 14];

/* Runs the bont binary under test with exactly the environment env (env -i: no locale leaks
 * in from the machine, and none is generated on it). */
static int bont_env(const char *env, const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "env -i %s %s %s", env, bont_test_bin(), args);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

#define TOO_SOON "examples/glabellar_too_soon.json"

TEST(lang_check_findings_in_korean_and_chinese)
{
    /* The rule's own note, the finding's sentence and the headings, not only the headings. */
    const struct {
        const char *env, *args, *want[4];
    } cases[] = {
        {"",
         "check " TOO_SOON " --lang ko",
         {"검토 결과", "이후 간격", "치료 사이 최소 90일", "판정"}},
        {"LANG=ko_KR.UTF-8",
         "check " TOO_SOON,
         {"검토 결과", "이후 간격", "치료 사이 최소 90일", "판정"}},
        {"LC_ALL=ko_KR.UTF-8 LANG=ko_KR.UTF-8",
         "check " TOO_SOON,
         {"검토 결과", "규칙", "오류", "바이알"}},
        {"",
         "check " TOO_SOON " --lang zh",
         {"检查结果", "以来的间隔", "两次治疗至少间隔 90 天", "结论"}},
        {"LANGUAGE=zh_CN:en LANG=C.UTF-8",
         "check " TOO_SOON,
         {"检查结果", "以来的间隔", "错误", "药瓶"}},
        {"", "--lang ko check " TOO_SOON, {"검토 결과", "이후 간격", "판정", "환자"}},
        {"LANG=ko_KR.UTF-8",
         "check " TOO_SOON " --lang en",
         {"Findings", "is below 90 days", "Verdict", "Patient"}},
        {"LANG=ko_KR.UTF-8 LC_ALL=C",
         "check " TOO_SOON,
         {"Findings", "is below 90 days", "Verdict", "Patient"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK_INT(bont_env(cases[i].env, cases[i].args), 1);
        for (size_t k = 0; k < 4; k++)
            CHECK_MSG(strstr(out, cases[i].want[k]) != NULL, "[%s] %s: no \"%s\" in\n%s",
                      cases[i].env, cases[i].args, cases[i].want[k], out);
    }
    /* Korean and Chinese output hold no English sentence of the report layer. */
    CHECK_INT(bont_env("", "check " TOO_SOON " --lang ko"), 1);
    CHECK(strstr(out, "Findings") == NULL && strstr(out, "is below") == NULL);
    CHECK(strstr(out, "between treatments") == NULL);
}

TEST(lang_unknown_language_falls_back_to_english_with_a_warning)
{
    CHECK_INT(bont_env("LANG=ko_KR.UTF-8", "check " TOO_SOON " --lang fr"), 1);
    CHECK(strstr(err, "unknown language \"fr\": using English") != NULL);
    CHECK(strstr(out, "Findings") != NULL);
    /* A locale bont has no catalogue for is English without a word. */
    CHECK_INT(bont_env("LANG=fr_FR.UTF-8", "check " TOO_SOON), 1);
    CHECK(strstr(out, "Findings") != NULL);
    CHECK(strstr(err, "unknown language") == NULL);
    CHECK_INT(bont_env("", "check " TOO_SOON " --lang"), 2);
    CHECK(strstr(err, "--lang needs a value") != NULL);
    /* Markup and escapes in the value are shown as text. */
    CHECK_INT(bont_env("", "check " TOO_SOON " '--lang=\x1b[31mx'"), 1);
    CHECK(strstr(err, "\\x1b[31mx") != NULL && strchr(err, '\x1b') == NULL);
}

/* JSON keeps its keys, ids, units and numbers; message-like fields change, and "lang" says
 * which language they are in. */
TEST(lang_json_keeps_ids_and_keys)
{
    json_t *doc[2] = {NULL, NULL};
    const char *langs[2] = {"en", "ko"};
    for (int l = 0; l < 2; l++) {
        char args[256];
        snprintf(args, sizeof args, "check " TOO_SOON " --format json --lang %s", langs[l]);
        CHECK_INT(bont_env("", args), 1);
        doc[l] = json_loads(out, 0, NULL);
        CHECK(doc[l] != NULL);
    }
    if (!doc[0] || !doc[1])
        goto done;
    CHECK_STR(json_string_value(json_object_get(doc[0], "lang")), "en");
    CHECK_STR(json_string_value(json_object_get(doc[1], "lang")), "ko");
    CHECK_STR(json_string_value(json_object_get(doc[1], "verdict")), "violations");
    const char *key;
    json_t *v;
    json_object_foreach(doc[0], key, v) CHECK_MSG(json_object_get(doc[1], key), "no %s", key);
    json_t *f0 = json_array_get(json_object_get(doc[0], "findings"), 0);
    json_t *f1 = json_array_get(json_object_get(doc[1], "findings"), 0);
    static const char *const same[] = {"severity", "rule", "source", "evidence", "unit"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        CHECK_STR(json_string_value(json_object_get(f1, same[i])),
                  json_string_value(json_object_get(f0, same[i])));
    CHECK(json_equal(json_object_get(f0, "value"), json_object_get(f1, "value")));
    CHECK(json_equal(json_object_get(f0, "limit"), json_object_get(f1, "limit")));
    const char *m1 = json_string_value(json_object_get(f1, "message"));
    CHECK(m1 && strstr(m1, "간격") && !strstr(m1, "between"));
done:
    json_decref(doc[0]);
    json_decref(doc[1]);
}

TEST(lang_every_command_speaks_the_language)
{
    static const char *const commands[] = {"check",    "dilute",  "convert", "kb",      "simulate",
                                           "validate", "patient", "visit",   "outcome", "ae",
                                           "history",  "recall",  "due",     "export",  "backup",
                                           "serve",    "user",    "audit",   "handout", "pathway"};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char args[128];
        snprintf(args, sizeof args, "%s --help --lang ko", commands[i]);
        CHECK_INT(bont_env("", args), 0);
        CHECK_MSG(strstr(out, "사용법") != NULL, "%s --help in Korean:\n%s", commands[i], out);
        snprintf(args, sizeof args, "help %s --lang zh", commands[i]);
        CHECK_INT(bont_env("", args), 0);
        CHECK_MSG(strstr(out, "用法") != NULL, "help %s in Chinese:\n%s", commands[i], out);
    }
    CHECK_INT(bont_env("LANG=ko_KR.UTF-8", "--help"), 0);
    CHECK(strstr(out, "명령:") != NULL && strstr(out, "환자용 인쇄 안내문") != NULL);
    CHECK_INT(bont_env("", "dilute --units 100 --diluent-ml 2.5 --lang zh"), 0);
    CHECK(strstr(out, "每 0.1 mL") != NULL);
}

/* The catalogues hold every message of the sources, each translated (po/LANG.po against a
 * template made now with xgettext and scripts/po-data.py). */
TEST_TIMEOUT(lang_catalogues_current, 120)
{
    int rc = bont_test_run("bash scripts/po-update.sh --check", out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 0, "po-update.sh --check exit %d:\n%s%s", rc, out, err);
    CHECK(strstr(out, "every one translated") != NULL);
}

/* ---- The library: one language per thread ----------------------------------------------------
 */

typedef struct lang_job_t {
    const bont_kb_t *kb;
    const bont_plan_t *plan;
    bont_lang_t lang;
    int wrong; /* messages not in the job's language */
} lang_job_t;

static void *check_in_language(void *arg)
{
    lang_job_t *job = arg;
    bont_i18n_set_thread_lang(job->lang);
    for (int round = 0; round < 50; round++) {
        bont_check_t *chk = NULL;
        bont_error_t e;
        if (bont_check_run(job->kb, job->plan, NULL, &chk, &e) != 0 || chk->n_findings == 0) {
            job->wrong++;
            continue;
        }
        const char *m = chk->findings[0].message;
        const char *want = job->lang == BONT_LANG_KO   ? "간격"
                           : job->lang == BONT_LANG_ZH ? "间隔"
                                                       : "is below";
        job->wrong += strstr(m, want) == NULL;
        bont_check_free(&chk);
    }
    return NULL;
}

TEST(lang_each_thread_its_own_language)
{
    bont_kb_t *kb = NULL;
    bont_plan_t *plan = NULL;
    bont_error_t e;
    CHECK_INT(bont_kb_load(&kb, &e), 0);
    CHECK_INT(bont_plan_load(kb, TOO_SOON, &plan, &e), 0);
    if (!kb || !plan)
        goto done;
    lang_job_t jobs[3] = {
        {kb, plan, BONT_LANG_KO, 0}, {kb, plan, BONT_LANG_ZH, 0}, {kb, plan, BONT_LANG_EN, 0}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        CHECK_INT(pthread_create(&th[i], NULL, check_in_language, &jobs[i]), 0);
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        CHECK_MSG(jobs[i].wrong == 0, "thread %d: %d findings in another language", i,
                  jobs[i].wrong);
    }
    /* This thread never chose: English. */
    CHECK_INT(bont_i18n_thread_lang(), BONT_LANG_EN);
done:
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}

/* The population's worker threads word the side-effect reasons in the caller's language. */
TEST(lang_workers_speak_the_callers_language)
{
    bont_kb_t *kb = NULL;
    bont_plan_t *plan = NULL;
    bont_spread_t *sp = NULL;
    bont_pop_t *pop = NULL;
    bont_error_t e;
    CHECK_INT(bont_kb_load(&kb, &e), 0);
    CHECK_INT(bont_plan_load(kb, "examples/cervical_dystonia.json", &plan, &e), 0);
    CHECK_INT(bont_spread_load(&sp, &e), 0);
    if (!kb || !plan || !sp)
        goto done;
    bont_i18n_set_thread_lang(BONT_LANG_KO);
    bont_pop_opts_t o = {.n_patients = 64, .seed = 1, .threads = 2, .days = 120, .spread = sp};
    CHECK_INT(bont_pop_run(kb, plan, &o, &pop, &e), 0);
    size_t with_reason = 0;
    for (size_t i = 0; pop && i < bont_pop_n_results(pop); i++) {
        const bont_pop_result_t *r = bont_pop_result(pop, i);
        if (!r->has_risk || !r->risk.reason[0])
            continue;
        with_reason++;
        CHECK_MSG(strstr(r->risk.reason, "떨어짐") || strstr(r->risk.reason, "곳에"),
                  "reason not in Korean: %s", r->risk.reason);
        CHECK(strstr(r->risk.reason, "away") == NULL);
    }
    CHECK(with_reason > 0);
    bont_i18n_set_thread_lang(BONT_LANG_EN);
done:
    bont_pop_free(&pop);
    bont_spread_free(&sp);
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}

TEST(lang_parse_and_environment)
{
    const struct {
        const char *tag;
        int rc;
        bont_lang_t lang;
    } tags[] = {{"en", 0, BONT_LANG_EN},
                {"zh", 0, BONT_LANG_ZH},
                {"ko", 0, BONT_LANG_KO},
                {"ko_KR.UTF-8", 0, BONT_LANG_KO},
                {"zh-Hant", 0, BONT_LANG_ZH},
                {"zh_TW", 0, BONT_LANG_ZH},
                {"EN_gb@euro", 0, BONT_LANG_EN},
                {"C", 0, BONT_LANG_EN},
                {"kok", BONT_EINVAL, BONT_LANG_EN},
                {"", BONT_EINVAL, BONT_LANG_EN},
                {"fr", BONT_EINVAL, BONT_LANG_EN},
                {NULL, BONT_EINVAL, BONT_LANG_EN}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        bont_lang_t l = BONT_LANG_KO;
        CHECK_INT(bont_lang_parse(tags[i].tag, &l), tags[i].rc);
        CHECK_INT(l, tags[i].lang);
    }
    bont_lang_env_t env = {"fr:ko", NULL, NULL, "de_DE.UTF-8"};
    CHECK_INT(bont_lang_from_env(&env), BONT_LANG_KO);
    env = (bont_lang_env_t){"ko", "C", NULL, NULL};
    CHECK_INT(bont_lang_from_env(&env), BONT_LANG_EN);
    env = (bont_lang_env_t){NULL, NULL, "zh_CN.UTF-8", "ko_KR.UTF-8"};
    CHECK_INT(bont_lang_from_env(&env), BONT_LANG_ZH);
    CHECK_INT(bont_lang_from_env(NULL), BONT_LANG_EN);
    CHECK_STR(bont_lang_html(BONT_LANG_ZH), "zh-Hans");
    for (bont_lang_t l = BONT_LANG_ZH; l < BONT_LANG_COUNT; l++) {
        size_t n = 0;
        char why[160];
        CHECK_INT(bont_i18n_catalogue_status(l, &n, why, sizeof why), 0);
        CHECK_MSG(n > 500, "%s catalogue holds %zu messages", bont_lang_code(l), n);
    }
}

/* Numbers, dates and natural frequencies in each language (docs/i18n.md). */
TEST(lang_numbers_dates_and_rates)
{
    const struct {
        bont_lang_t lang;
        double pct;
        const char *want;
    } rates[] = {
        {BONT_LANG_EN, 2.4, "about 2 in 100 people"},
        {BONT_LANG_EN, 0.97, "about 1 in 100 people"},
        {BONT_LANG_EN, 0.5, "about 5 in 1,000 people"},
        {BONT_LANG_EN, 0.04, "fewer than 1 in 1,000 people"},
        {BONT_LANG_EN, -1, "how often is not known"},
        {BONT_LANG_ZH, 2.4, "每 100 人中约有 2 人"},
        {BONT_LANG_ZH, 0.04, "每 1,000 人中不到 1 人"},
        {BONT_LANG_KO, 2.4, "100명 중 약 2명"},
        {BONT_LANG_KO, 0.5, "1,000명 중 약 5명"},
        {BONT_LANG_KO, 0.04, "1,000명 중 1명 미만"},
    };
    char buf[128];
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        bont_i18n_set_thread_lang(rates[i].lang);
        bont_i18n_fmt_frequency(buf, sizeof buf, rates[i].pct);
        CHECK_STR(buf, rates[i].want);
    }
    const char *dates[BONT_LANG_COUNT] = {"21 November 2026", "2026年11月21日", "2026년 11월 21일"};
    for (bont_lang_t l = 0; l < BONT_LANG_COUNT; l++) {
        bont_i18n_set_thread_lang(l);
        bont_i18n_fmt_date(buf, sizeof buf, "2026-11-21");
        CHECK_STR(buf, dates[l]);
        bont_i18n_fmt_date(buf, sizeof buf, "not a date");
        CHECK_STR(buf, "not a date");
    }
    bont_i18n_fmt_int(buf, sizeof buf, 1234567);
    CHECK_STR(buf, "1,234,567");
    bont_i18n_fmt_int(buf, sizeof buf, -1000);
    CHECK_STR(buf, "-1,000");
    bont_i18n_set_thread_lang(BONT_LANG_EN);
}
