/* test_report.c: the report API as a server would call it: writers into memory, JSON builders,
 * escaping rules, one formatter per quantity, and failing streams. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/model.h"
#include "bont/plan.h"
#include "bont/report.h"
#include "report/internal.h"
#include "test.h"

/* What a writer call leaves in memory: open_memstream, as the header says a server does. */
typedef struct mem_t {
    char *text;
    size_t len;
    FILE *f;
} mem_t;

static FILE *mem_open(mem_t *m)
{
    memset(m, 0, sizeof *m);
    m->f = open_memstream(&m->text, &m->len);
    CHECK(m->f != NULL);
    return m->f;
}

static const char *mem_close(mem_t *m)
{
    fclose(m->f);
    return m->text;
}

static void put_text_is(const char *in, const char *want)
{
    mem_t m;
    bont_report_put_text(mem_open(&m), in);
    CHECK_STR(mem_close(&m), want);
    free(m.text);
}

static void put_xml_is(const char *in, const char *want)
{
    mem_t m;
    bont_report_put_xml(mem_open(&m), in);
    CHECK_STR(mem_close(&m), want);
    free(m.text);
}

TEST(report_text_escapes_what_a_terminal_obeys)
{
    put_text_is("plain ASCII", "plain ASCII");
    put_text_is("王芳 김민준 Zoë", "王芳 김민준 Zoë"); /* wide and accented letters stay */
    put_text_is("\x1b[31mred", "\\x1b[31mred");
    put_text_is("two\nlines\tand\rback", "two\\nlines\\tand\\rback");
    put_text_is("del\x7f bell\a", "del\\x7f bell\\x07");
    put_text_is("c1 \xC2\x9B"
                "31m",
                "c1 \\u009b31m");                                 /* CSI as one character */
    put_text_is("rtl \xE2\x80\xAEtxt.exe", "rtl \\u202etxt.exe"); /* right-to-left override */
    put_text_is("line\xE2\x80\xA8sep", "line\\u2028sep");
    put_text_is("bad \xff byte \xC3", "bad \\xff byte \\xc3"); /* invalid and truncated */
    put_text_is("overlong \xC0\xAF", "overlong \\xc0\\xaf");
    put_text_is("surrogate \xED\xA0\x80", "surrogate \\xed\\xa0\\x80");
    put_text_is("", "");
    put_text_is(NULL, "");
    /* The scratch form is the same rule, and costs nothing when nothing needs escaping. */
    bont__scratch_t sc = {0};
    const char *clean = "procerus";
    CHECK(bont__tx(&sc, clean) == clean);
    CHECK_STR(bont__tx(&sc, "a\x1b"), "a\\x1b");
    CHECK_STR(bont__tx(&sc, NULL), "");
    bont__scratch_free(&sc);
}

TEST(report_xml_escapes_markup_and_replaces_what_xml_cannot_hold)
{
    put_xml_is("a < b & c > d \"q\" 'a'", "a &lt; b &amp; c &gt; d &quot;q&quot; &#39;a&#39;");
    put_xml_is("ctl \x01\x1b\n", "ctl \\x01\\x1b\\n");
    put_xml_is("bad \xff", "bad \\xff");
    put_xml_is("nonchar \xEF\xBF\xBE", "nonchar \\ufffe");
    put_xml_is("眉间纹 & 미간", "眉间纹 &amp; 미간");
}

TEST(report_json_strings_are_valid_utf8)
{
    json_t *s = bont_report_json_string("ok \xff\xfe end \xE2\x82");
    CHECK(s != NULL);
    CHECK_STR(json_string_value(s), "ok \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD\xEF\xBF\xBD");
    json_decref(s);
    s = bont_report_json_string("王芳 \x1b");
    CHECK_STR(json_string_value(s), "王芳 \x1b"); /* valid input is kept as it is */
    json_decref(s);
    mem_t m;
    bont__put_json_str(mem_open(&m), "q\"\\\n\xff");
    CHECK_STR(mem_close(&m), "\"q\\\"\\\\\\u000a\xEF\xBF\xBD\"");
    free(m.text);
}

TEST(report_one_formatter_per_quantity)
{
    char buf[32];
    /* Peak days: halves go up in every writer (printf alone would give 30 for 30.5). */
    bont__fmt_day(buf, sizeof buf, 30.5, "-");
    CHECK_STR(buf, "31");
    bont__fmt_day(buf, sizeof buf, 29.5, "-");
    CHECK_STR(buf, "30");
    bont__fmt_day(buf, sizeof buf, NAN, "-");
    CHECK_STR(buf, "-");
    mem_t m;
    bont__put_day(mem_open(&m), 12.5);
    CHECK_STR(mem_close(&m), "13");
    free(m.text);
    bont__fmt1(buf, sizeof buf, -0.04, "-");
    CHECK_STR(buf, "0.0");
    bont__fmt_units(buf, sizeof buf, 1000);
    CHECK_STR(buf, "1000"); /* never 1e+03 */
    bont__fmt_units(buf, sizeof buf, 12.5);
    CHECK_STR(buf, "12.5");
    bont__fmt_units(buf, sizeof buf, 10.0 / 3);
    CHECK_STR(buf, "3.333");
    bont__fmt_ml(buf, sizeof buf, 0.125);
    CHECK_STR(buf, "0.125");
    bont__fmt_share_pct(buf, sizeof buf, 0.025);
    CHECK_STR(buf, "2.5 %");
    CHECK_STR(bont__side(BONT_SIDE_NONE), "midline");
    bont__target_label(buf, sizeof buf, "procerus", "midline");
    CHECK_STR(buf, "procerus");
    bont__target_label(buf, sizeof buf, "frontalis", "left");
    CHECK_STR(buf, "frontalis (left)");
    /* A label cut to fit its buffer loses whole characters, never half of one. */
    char small[8];
    bont__target_label(small, sizeof small, "眉间纹", NULL); /* 9 bytes into 7 */
    CHECK_STR(small, "眉间");
}

/* A typical plan, checked and simulated, for the writers below. */
typedef struct fixture_t {
    bont_kb_t *kb;
    bont_plan_t *plan;
    bont_check_t *chk;
    bont_params_t params;
    bont_sim_t *sim;
} fixture_t;

static int fixture(fixture_t *x, const char *path)
{
    bont_error_t err;
    bont_error_clear(&err);
    memset(x, 0, sizeof *x);
    int rc = bont_kb_load(&x->kb, &err);
    if (!rc)
        rc = bont_plan_load(x->kb, path, &x->plan, &err);
    if (!rc)
        rc = bont_check_run(x->kb, x->plan, NULL, &x->chk, &err);
    if (!rc)
        rc = bont_params_load(&x->params, &err);
    if (!rc)
        rc = bont_sim_new(&x->sim, bont_model_bont, &x->params, &err);
    if (!rc)
        rc = bont_sim_add_plan(x->sim, x->plan, false, &err);
    if (!rc)
        rc = bont_sim_run(x->sim, 60, 10, &err);
    CHECK_MSG(rc == 0, "%s: %s", path, err.message);
    return rc;
}

static void fixture_free(fixture_t *x)
{
    bont_sim_free(&x->sim);
    bont_check_free(&x->chk);
    bont_plan_free(&x->plan);
    bont_kb_free(&x->kb);
}

TEST(report_writers_into_memory_and_builders_agree)
{
    fixture_t x;
    if (fixture(&x, "examples/glabellar_too_soon.json"))
        return;
    bont_check_report_t r = {.kb = x.kb,
                             .plan = x.plan,
                             .check = x.chk,
                             .n_risk_patients = 0,
                             .risks_not_computed = "not asked for"};
    mem_t m;
    CHECK_INT(bont_report_check_text(mem_open(&m), &r), 0);
    const char *text = mem_close(&m);
    CHECK(strstr(text, "Findings\n  error    ona.interval.cosmetic") != NULL);
    CHECK(strstr(text, "Side-effect risk\n  not computed: not asked for\n") != NULL);
    CHECK(strstr(text, "Verdict: violations (1 error, ") != NULL);
    free(m.text);

    json_t *j = bont_report_check_json(&r);
    CHECK(j != NULL);
    CHECK_STR(json_string_value(json_object_get(j, "verdict")), "violations");
    CHECK_STR(json_string_value(json_object_get(j, "risks_not_computed")), "not asked for");
    json_t *f0 = json_array_get(json_object_get(j, "findings"), 0);
    CHECK_STR(json_string_value(json_object_get(f0, "rule")), "ona.interval.cosmetic");
    CHECK(json_object_size(json_object_get(j, "sources")) > 0);
    /* bont_report_json_write takes the reference and prints the bont layout. */
    CHECK_INT(bont_report_json_write(mem_open(&m), j), 0);
    CHECK(strncmp(mem_close(&m), "{\n  \"verdict\": \"violations\",\n", 29) == 0);
    free(m.text);

    /* The simulation's builder is its writer's output, parsed. */
    CHECK_INT(bont_report_sim_json_write(mem_open(&m), x.sim), 0);
    json_t *parsed = json_loads(mem_close(&m), 0, NULL);
    json_t *built = bont_report_sim_json(x.sim);
    CHECK(parsed && built && json_equal(parsed, built));
    CHECK_INT(json_integer_value(json_object_get(built, "days")), 60);
    json_decref(parsed);
    json_decref(built);
    free(m.text);

    CHECK_INT(bont_report_sim_svg(mem_open(&m), x.sim, x.plan), 0);
    const char *svg = mem_close(&m);
    CHECK(strncmp(svg, "<svg xmlns=", 11) == 0 && strstr(svg, "</svg>\n"));
    free(m.text);
    fixture_free(&x);
}

TEST(report_failing_stream_is_an_error)
{
    /* A stream opened for reading cannot be written: the writer says so instead of 0. */
    FILE *f = fopen("/dev/null", "r");
    CHECK(f != NULL);
    bont_store_patient_t p = {.id = 1, .name = "A", .weight_kg = -1};
    CHECK_INT(bont_report_patient_text(f, &p), BONT_EIO);
    fclose(f);
    /* A builder that ran out of memory hands NULL on; writing it is BONT_ENOMEM. */
    mem_t m;
    CHECK_INT(bont_report_json_write(mem_open(&m), NULL), BONT_ENOMEM);
    mem_close(&m);
    free(m.text);
}

TEST(report_kb_show_unknown_writes_nothing)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    mem_t m;
    CHECK_INT(bont_report_kb_show_text(mem_open(&m), kb, "nothing_like_this"), BONT_ENOTFOUND);
    CHECK_STR(mem_close(&m), "");
    free(m.text);
    CHECK_INT(bont_report_kb_show_text(mem_open(&m), kb, "Botox"), 0);
    CHECK(strstr(mem_close(&m), "Product     onabotulinumtoxinA (Botox)") != NULL);
    free(m.text);
    bont_kb_free(&kb);
}

TEST(report_validation_svg_out_of_range)
{
    bont_validation_t v = {0};
    bont_error_t err;
    bont_error_clear(&err);
    mem_t m;
    CHECK_INT(bont_report_validation_svg(mem_open(&m), &v, 0, &err), BONT_EINVAL);
    CHECK(err.message[0] != '\0');
    mem_close(&m);
    free(m.text);
}
