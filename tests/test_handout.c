/* test_handout.c: the patient handout (the same facts in every language, refused for a plan
 * with errors unless forced, warning signs first, every string escaped, rendered by Chromium
 * with CJK fonts) and the treatment pathways (options with sources, advice by age, the record). */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bont/store.h"
#include "test.h"
#include "test_store.h"

static char out[1 << 18], err[1 << 14];

static int bont(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

#define PLAN     "examples/glabellar_lines.json"
#define TOO_SOON "examples/glabellar_too_soon.json"

/* ---- The same numbers in every language ------------------------------------------------------
 * The numbers of a handout's text before its sources (source titles are shown in English
 * only), dates turned into their numbers, sorted, as one string: "1,000 11 14 ...". */

static const char *const months[] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void numbers_of(const char *text, char *buf, size_t size)
{
    char *t = strdup(text), *words[512];
    size_t n = 0;
    char *cut = t ? strrchr(t, '\n') : NULL;
    for (char *p = t; p && (p = strstr(p, "\n== ")); p++)
        cut = p; /* the last section is the sources */
    if (cut)
        *cut = '\0';
    /* An English month name is the month's number. */
    for (int m = 0; t && m < 12; m++)
        for (char *p = strstr(t, months[m]); p; p = strstr(p, months[m])) {
            int len = snprintf(p, strlen(months[m]) + 1, "%-*d", (int)strlen(months[m]), m + 1);
            p[len] = ' ';
        }
    for (char *p = t; p && *p && n < 512;) {
        if (!isdigit((unsigned char)*p)) {
            p++;
            continue;
        }
        char *s = p;
        while (isdigit((unsigned char)*p) ||
               ((*p == ',' || *p == '.') && isdigit((unsigned char)p[1])))
            p++;
        int end = *p == '\0';
        *p = '\0';
        words[n++] = s;
        if (end)
            break;
        p++;
    }
    qsort(words, n, sizeof words[0], cmp_str);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s ", words[i]);
    }
    free(t);
}

TEST_TIMEOUT(handout_same_numbers_in_every_language, 120)
{
    static char nums[3][8192];
    const char *langs[3] = {"en", "zh", "ko"};
    for (int l = 0; l < 3; l++) {
        char args[512];
        snprintf(args, sizeof args,
                 "handout " PLAN
                 " --format text --lang %s --clinic 'Clinic 7' --phone '02 555 0100'",
                 langs[l]);
        CHECK_INT(bont(args), 0);
        numbers_of(out, nums[l], sizeof nums[l]);
        CHECK_MSG(strlen(nums[l]) > 40, "%s: few numbers: %s", langs[l], nums[l]);
    }
    CHECK_MSG(strcmp(nums[0], nums[1]) == 0, "en and zh differ:\n%s\n%s", nums[0], nums[1]);
    CHECK_MSG(strcmp(nums[0], nums[2]) == 0, "en and ko differ:\n%s\n%s", nums[0], nums[2]);
    /* The facts as JSON: the same in every language but for the words. */
    json_t *facts[3];
    for (int l = 0; l < 3; l++) {
        char args[256];
        snprintf(args, sizeof args, "handout " PLAN " --format json --lang %s", langs[l]);
        CHECK_INT(bont(args), 0);
        facts[l] = json_loads(out, 0, NULL);
        CHECK(facts[l] != NULL);
    }
    for (int l = 0; l < 3 && facts[0] && facts[l]; l++) {
        CHECK_STR(json_string_value(json_object_get(facts[l], "lang")), langs[l]);
        CHECK(json_equal(json_object_get(facts[0], "course"), json_object_get(facts[l], "course")));
        CHECK(json_equal(json_object_get(facts[0], "next_treatment_date"),
                         json_object_get(facts[l], "next_treatment_date")));
        CHECK_INT(json_array_size(json_object_get(facts[l], "plan_risks")),
                  json_array_size(json_object_get(facts[0], "plan_risks")));
    }
    json_t *course = json_object_get(facts[0], "course");
    long nmin = (long)json_integer_value(json_object_get(course, "notice_min_day"));
    long nmax = (long)json_integer_value(json_object_get(course, "notice_max_day"));
    long peak = (long)json_integer_value(json_object_get(course, "peak_day"));
    long omin = (long)json_integer_value(json_object_get(course, "wear_off_min_week"));
    long omax = (long)json_integer_value(json_object_get(course, "wear_off_max_week"));
    CHECK_MSG(nmin >= 1 && nmin <= nmax && nmax < peak && peak < omin * 7 && omin <= omax,
              "course %ld-%ld, %ld, %ld-%ld weeks", nmin, nmax, peak, omin, omax);
    /* The label's interval for Botox Cosmetic is 90 days (data/rules.json). */
    CHECK_STR(json_string_value(json_object_get(facts[0], "next_treatment_date")), "2027-02-19");
    for (int l = 0; l < 3; l++)
        json_decref(facts[l]);
}

TEST(handout_refused_for_a_plan_with_errors_unless_forced)
{
    CHECK_INT(bont("handout " TOO_SOON " --lang ko"), 1);
    CHECK(out[0] == '\0');
    CHECK(strstr(err, "ona.interval.cosmetic") != NULL && strstr(err, "--force") != NULL);
    CHECK_INT(bont("handout " TOO_SOON " --lang ko --force --format text"), 0);
    /* Said at the top, before the warning signs, with the finding. */
    const char *alert = strstr(out, "이 치료 계획에 오류가 있습니다");
    const char *signs = strstr(out, "위험 신호");
    CHECK(alert && signs && alert < signs);
    CHECK(strstr(out, "이후 간격") != NULL);
}

TEST(handout_html_warning_signs_first_fonts_named_a4)
{
    CHECK_INT(bont("handout " PLAN " --lang ko"), 0);
    CHECK(strstr(out, "<html lang=\"ko\">") != NULL);
    CHECK(strstr(out, "\"Noto Sans CJK KR\"") != NULL);
    CHECK(strstr(out, "@page { size: A4") != NULL);
    CHECK(strstr(out, "word-break: keep-all") != NULL);
    const char *warning = strstr(out, "<section class=\"warning\">");
    const char *what = strstr(out, "<section class=\"what\">");
    CHECK(warning && what && warning < what);
    CHECK(strstr(out, "<svg") != NULL && strstr(out, "주사 후 주") != NULL);
    CHECK(strstr(out, "마사지") != NULL && strstr(out, "삼키") != NULL);
    CHECK_INT(bont("handout " PLAN " --lang zh"), 0);
    CHECK(strstr(out, "<html lang=\"zh-Hans\">") != NULL);
    CHECK(strstr(out, "\"Noto Sans CJK SC\"") != NULL);
    CHECK(strstr(out, "按摩") != NULL && strstr(out, "吞咽困难") != NULL);
}

/* Markup from the plan and the options is shown as text, in the page and in the SVG. */
TEST(handout_escapes_every_string)
{
    const char *plan = "/tmp/bont-handout-hostile.json";
    FILE *f = fopen(plan, "w");
    CHECK(f != NULL);
    if (!f)
        return;
    fputs("{\"patient\": {\"age_years\": 40, \"sex\": \"female\", \"weight_kg\": 60},\n"
          " \"date\": \"2026-11-21\", \"indication\": \"glabellar_lines\",\n"
          " \"product\": \"onabotulinumtoxinA\",\n"
          " \"vial\": {\"units\": 100, \"diluent_ml\": 2.5, \"lot\": \"<img src=x onerror=1>\"},\n"
          " \"injections\": [{\"muscle\": \"procerus\", \"units\": 4}]}\n",
          f);
    fclose(f);
    CHECK_INT(bont("handout /tmp/bont-handout-hostile.json --clinic '<script>alert(1)</script>' "
                   "--phone '\"&amp;'"),
              0);
    CHECK(strstr(out, "<script>") == NULL && strstr(out, "<img") == NULL);
    CHECK(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(out, "&lt;img src=x onerror=1&gt;") != NULL);
    CHECK(strstr(out, "&quot;&amp;amp;") != NULL);
    remove(plan);
}

/* The Chinese and Korean sheets hold no English prose (brand names, units and addresses
 * aside). */
TEST(handout_no_english_prose_in_zh_and_ko)
{
    static const char *const allowed[] = {"botox", "onabotulinumtoxina", "units", "bont", NULL};
    const char *langs[2] = {"zh", "ko"};
    for (int l = 0; l < 2; l++) {
        char args[256];
        snprintf(args, sizeof args, "handout " PLAN " --lang %s", langs[l]);
        CHECK_INT(bont(args), 0);
        char *body = strstr(out, "<body>");
        int english = 0;
        char word[64];
        for (char *p = body; p && *p;) {
            if (!strncmp(p, "<style", 6)) { /* a stylesheet is no prose */
                p = strstr(p, "</style>");
                continue;
            }
            if (*p == '<') { /* tags are markup, not prose */
                p = strchr(p, '>');
                continue;
            }
            if (!strncmp(p, "http", 4)) { /* addresses */
                while (*p && !isspace((unsigned char)*p) && *p != '<')
                    p++;
                continue;
            }
            size_t n = 0, upper = 0;
            while (isalpha((unsigned char)p[n]) && n < sizeof word - 1) {
                upper += isupper((unsigned char)p[n]) != 0;
                word[n] = (char)tolower((unsigned char)p[n]), n++;
            }
            word[n] = '\0';
            bool ok = n < 5 || upper == n; /* an acronym or a source id (JAADINT2023) */
            for (size_t k = 0; allowed[k] && !ok; k++)
                ok = strcmp(word, allowed[k]) == 0;
            if (!ok && english++ < 5)
                fprintf(stderr, "%s: English word \"%s\"\n", langs[l], word);
            p += n ? n : 1;
        }
        CHECK_MSG(english == 0, "%s handout: %d English words", langs[l], english);
    }
}

/* The rendering test: Debian's Chromium draws each handout with its CJK font on at most two A4
 * pages; the screenshots are kept under build/handout/ for people to look at. */
TEST_TIMEOUT(handout_renders_in_chromium, 240)
{
    const char *langs[3] = {"en", "zh", "ko"};
    const char *fonts[3] = {NULL, "NotoSansCJKsc", "NotoSansCJKkr"};
    CHECK_INT(bont_test_run("mkdir -p build/handout", NULL, 0, NULL, 0), 0);
    for (int l = 0; l < 3; l++) {
        char cmd[2048];
        snprintf(cmd, sizeof cmd,
                 "%s handout " PLAN " --lang %s --clinic 'Clinic' --phone '02 555 0100' "
                 "--out build/handout/glabellar.%s.html && cd build/handout && "
                 "timeout 100 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
                 "--window-size=794,1700 --screenshot=glabellar.%s.png "
                 "file://$PWD/glabellar.%s.html >/dev/null 2>&1 && "
                 "timeout 100 chromium --headless --no-sandbox --disable-gpu "
                 "--no-pdf-header-footer --print-to-pdf=glabellar.%s.pdf "
                 "file://$PWD/glabellar.%s.html >/dev/null 2>&1 && "
                 "stat -c %%s glabellar.%s.png && python3 ../../tests/handout/pdf_facts.py "
                 "glabellar.%s.pdf",
                 bont_test_bin(), langs[l], langs[l], langs[l], langs[l], langs[l], langs[l],
                 langs[l], langs[l]);
        int rc = bont_test_run(cmd, out, sizeof out, err, sizeof err);
        CHECK_MSG(rc == 0, "%s: exit %d: %s", langs[l], rc, err);
        long png_bytes = 0, pages = 0;
        CHECK(sscanf(out, "%ld %ld", &png_bytes, &pages) == 2);
        CHECK_MSG(png_bytes > 50000, "%s: screenshot of %ld bytes", langs[l], png_bytes);
        CHECK_MSG(pages >= 1 && pages <= 2, "%s: %ld pages", langs[l], pages);
        if (fonts[l])
            CHECK_MSG(strstr(out, fonts[l]) != NULL, "%s: the PDF does not use %s:\n%s", langs[l],
                      fonts[l], out);
    }
}

/* ---- Pathways ------------------------------------------------------------------------------ */

TEST(pathway_hemifacial_spasm_in_three_languages)
{
    const struct {
        const char *lang, *want[5];
    } cases[] = {
        {"en",
         {"carbamazepine", "HLA-B*15:02", "microvascular decompression", "botulinum toxin",
          "[F7]"}},
        {"zh", {"卡马西平", "HLA-B*15:02", "微血管减压", "肉毒毒素", "[F7]"}},
        {"ko", {"카르바마제핀", "HLA-B*15:02", "미세혈관감압", "보툴리눔", "[F7]"}},
    };
    for (size_t i = 0; i < 3; i++) {
        char args[128];
        snprintf(args, sizeof args, "pathway hemifacial_spasm --lang %s", cases[i].lang);
        CHECK_INT(bont(args), 0);
        for (size_t k = 0; k < 5; k++)
            CHECK_MSG(strstr(out, cases[i].want[k]) != NULL, "%s lacks %s", cases[i].lang,
                      cases[i].want[k]);
    }
    /* A name in any language finds the condition. */
    CHECK_INT(bont("pathway 面肌痉挛 --lang ko"), 0);
    CHECK(strstr(out, "카르바마제핀") != NULL);
}

TEST(pathway_age_changes_the_advice_on_surgery)
{
    static char young[1 << 16];
    CHECK_INT(bont("pathway hemifacial_spasm --age 40"), 0);
    snprintf(young, sizeof young, "%s", out);
    CHECK(strstr(young, "At age 40") && strstr(young, "Age does not limit surgery"));
    CHECK(strstr(young, "Being older") == NULL);
    CHECK_INT(bont("pathway hemifacial_spasm --age 72"), 0);
    CHECK(strstr(out, "At age 72") && strstr(out, "Being older is not by itself"));
    CHECK(strstr(out, "Age does not limit surgery") == NULL);
    CHECK_INT(bont("pathway hemifacial_spasm"), 0);
    CHECK(strstr(out, "Under 65") && strstr(out, "65 and over"));
    CHECK_INT(bont("pathway hemifacial_spasm --age 72 --format json"), 0);
    json_t *doc = json_loads(out, 0, NULL), *opt;
    size_t i;
    json_array_foreach(json_object_get(doc, "options"), i, opt)
    {
        if (strcmp(json_string_value(json_object_get(opt, "id")), "microvascular_decompression"))
            continue;
        json_t *advice = json_object_get(opt, "age_advice");
        CHECK_INT(json_array_size(advice), 1);
        CHECK_INT(json_integer_value(json_object_get(json_array_get(advice, 0), "min_age")), 65);
    }
    json_decref(doc);
    CHECK_INT(bont("pathway hemifacial_spasm --age old"), 2);
}

TEST(pathway_every_condition_with_options_and_sources)
{
    static const char *const conditions[] = {
        "hemifacial_spasm",       "blepharospasm", "cervical_dystonia",
        "axillary_hyperhidrosis", "strabismus",    "chronic_migraine",
        "masseter_hypertrophy",   "spasticity",    "glabellar_lines"};
    const char *formats[3] = {"text", "html", "json"}, *langs[3] = {"en", "zh", "ko"};
    for (size_t c = 0; c < sizeof conditions / sizeof conditions[0]; c++)
        for (int k = 0; k < 3; k++) {
            char args[256];
            snprintf(args, sizeof args, "pathway %s --format %s --lang %s", conditions[c],
                     formats[k], langs[k]);
            CHECK_MSG(bont(args) == 0, "%s: %s", args, err);
            if (k != 2)
                continue;
            json_t *doc = json_loads(out, 0, NULL), *opt;
            CHECK_STR(json_string_value(json_object_get(doc, "condition")), conditions[c]);
            CHECK(json_object_size(json_object_get(doc, "sources")) > 0);
            CHECK(json_array_size(json_object_get(doc, "options")) >= 2);
            size_t i;
            json_array_foreach(json_object_get(doc, "options"), i, opt)
            {
                CHECK(json_is_string(json_object_get(opt, "id")));
                CHECK(json_is_string(json_object_get(opt, "name")));
                /* An option without a source says what could not be confirmed. */
                CHECK(json_is_array(json_object_get(opt, "sources")));
                CHECK(json_array_size(json_object_get(opt, "sources")) > 0 ||
                      json_object_get(opt, "unconfirmed"));
            }
            json_decref(doc);
        }
    CHECK_INT(bont("pathway no_such_thing"), 2);
    for (size_t c = 0; c < sizeof conditions / sizeof conditions[0]; c++)
        CHECK_MSG(strstr(err, conditions[c]) != NULL, "the list lacks %s", conditions[c]);
}

/* With the record: age from the birth date, the conditions and the toxin option's warnings that
 * follow from them, and the patient's own duration from a recorded wear-off. */
TEST(pathway_uses_the_patients_record)
{
    char dir[256], db[320], args[512];
    store_test_tmpdir(dir, sizeof dir);
    snprintf(db, sizeof db, "%s/b.db", dir);
    bont_store_t *s = NULL;
    bont_error_t e;
    CHECK_INT(store_test_open(&s, db, &e), 0);
    bont_store_patient_t p = store_test_patient("Kim Minji");
    snprintf(p.birth_date, sizeof p.birth_date, "1950-03-02");
    snprintf(p.terms[0].kind, sizeof p.terms[0].kind, "condition");
    snprintf(p.terms[0].name, sizeof p.terms[0].name, "myasthenia_gravis");
    p.n_terms = 1;
    CHECK_INT(bont_store_patient_add(s, &p, &e), 0);
    bont_store_visit_t v;
    store_test_visit(&v, p.id, "2026-06-01", "L1", 2);
    CHECK_INT(bont_store_visit_add(s, &v, &e), 0);
    CHECK_INT(bont_store_visit_wore_off(s, v.id, "2026-09-14", &e), 0);
    bont_store_visit_clear(&v);
    bont_store_close(&s);
    snprintf(args, sizeof args,
             "pathway hemifacial_spasm --patient %lld --db %s --today 2026-12-01", p.id, db);
    CHECK_INT(bont(args), 0);
    CHECK(strstr(out, "Record 1 (Kim Minji)") && strstr(out, "Age 76"));
    CHECK(strstr(out, "myasthenia_gravis") != NULL);
    CHECK(strstr(out, "From the patient's record") != NULL);
    CHECK(strstr(out, "own toxin effect lasts about") != NULL);
    CHECK(strstr(out, "days (from 1 recorded wear-off)") != NULL);
    CHECK(strstr(out, "At age 76") && strstr(out, "Being older"));
    snprintf(args, sizeof args, "pathway hemifacial_spasm --patient 99 --db %s", db);
    CHECK_INT(bont(args), 2);
    store_test_rmdir(dir);
}
