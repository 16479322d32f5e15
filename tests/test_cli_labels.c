/* test_cli_labels.c: the commands of the label facts: `bont kb adverse-reactions`, `bont kb
 * show` on every source and on the seeds' names, `bont kb indications` with the off-label
 * ones, and `bont check --jurisdiction` and `--all-reactions`. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "test.h"
#include "test_output.h"

static char out[1 << 17], err[1 << 14];

static int bont(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

/* The rate of effect in a `kb adverse-reactions --format json` list, or -1. */
static double rate_of(const json_t *rows, const char *effect, const char **source)
{
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "effect")), effect) == 0) {
            *source = json_string_value(json_object_get(r, "source"));
            return json_number_value(json_object_get(r, "rate_pct"));
        }
    }
    return -1;
}

TEST(cli_kb_adverse_reactions)
{
    CHECK_INT(bont("kb adverse-reactions --product onabotulinumtoxinA --indication "
                   "glabellar_lines --format json"),
              0);
    json_error_t jerr;
    json_t *rows = json_loads(out, 0, &jerr);
    CHECK_MSG(json_is_array(rows), "not a JSON list: %s", out);
    const char *source = NULL;
    CHECK_REL(rate_of(rows, "ptosis", &source), 2.4, 1e-9);
    CHECK_STR(source, "JAADINT2023");
    json_t *first = json_array_get(rows, 0);
    CHECK(json_is_number(json_object_get(first, "placebo_pct")));
    json_decref(rows);
    /* Aliases in any language; the label's dysphagia in cervical dystonia. */
    CHECK_INT(bont("kb adverse-reactions --product 保妥适 --indication 경부 --format json"), 2);
    CHECK_INT(bont("kb adverse-reactions --product 保妥适 --indication '경부 근긴장이상' "
                   "--format json"),
              0);
    rows = json_loads(out, 0, &jerr);
    CHECK_REL(rate_of(rows, "dysphagia", &source), 19, 0);
    CHECK_STR(source, "S9");
    CHECK(json_is_null(json_object_get(json_array_get(rows, 0), "placebo_pct")));
    json_decref(rows);
    CHECK_INT(bont("kb adverse-reactions --product Botox --indication cervical_dystonia"), 0);
    CHECK_MSG(strstr(out, "dysphagia") && strstr(out, "19 %") &&
                  strstr(out, "about 19 in 100 people") && strstr(out, "S9"),
              "%s", out);
    /* No table held: said in words, an empty list in JSON. */
    CHECK_INT(bont("kb adverse-reactions --product Hengli --indication glabellar_lines"), 0);
    CHECK(strstr(out, "no adverse-reaction table") != NULL);
    CHECK_INT(bont("kb adverse-reactions --product Hengli --indication glabellar_lines "
                   "--format json"),
              0);
    CHECK(strncmp(out, "[]", 2) == 0);
    CHECK_INT(bont("kb adverse-reactions --product Botox"), 2);
    CHECK_INT(bont("kb adverse-reactions --product Botax --indication glabellar_lines"), 2);
    CHECK(strstr(err, "did you mean") != NULL);
    CHECK_INT(bont("kb adverse-reactions --product Botox --indication glabellar_lines --frob"), 2);
}

/* Every source id shows its title, issuer and URL; the seeds' names are found. */
TEST(cli_kb_show_every_source_and_seed_name)
{
    bont_kb_t *kb = NULL;
    bont_error_t e;
    CHECK_INT(bont_kb_load(&kb, &e), 0);
    for (size_t i = 0; kb && i < bont_kb_n_sources(kb); i++) {
        const bont_source_t *s = bont_kb_source_at(kb, i);
        char args[256];
        snprintf(args, sizeof args, "kb show '%s'", s->id);
        CHECK_MSG(bont(args) == 0, "kb show %s: %s", s->id, err);
        CHECK_MSG(strstr(out, "Source      ") == out, "kb show %s: %.80s", s->id, out);
        CHECK_MSG(strstr(out, s->kind), "kb show %s: no kind", s->id);
        if (s->url && *s->url)
            CHECK_MSG(strstr(out, s->url), "kb show %s: no URL", s->id);
        if (s->issuer)
            CHECK_MSG(strstr(out, "Issuer      "), "kb show %s: no issuer", s->id);
    }
    CHECK_MSG(kb && bont_kb_n_sources(kb) >= 230, "%zu sources", kb ? bont_kb_n_sources(kb) : 0);
    bont_kb_free(&kb);
    static const struct {
        const char *name, *starts;
    } seeds[] = {{"麦保克", "Product     rimabotulinumtoxinB"},
                 {"偏头痛", "Indication  chronic_migraine"},
                 {"多汗症", "Indication  axillary_hyperhidrosis"},
                 {"초음파", "Guidance    ultrasound"},
                 {"明胶", "Term        gelatin"},
                 {"眼睑下垂", "Effect      ptosis"},
                 {"contra.excipient", "Contraindication contra.excipient"},
                 {"ona.strab.guidance", "Rule        ona.strab.guidance (guidance)"},
                 {"uk", "Jurisdiction uk"}};
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        char args[128];
        snprintf(args, sizeof args, "kb show '%s'", seeds[i].name);
        CHECK_MSG(bont(args) == 0, "kb show %s: %s", seeds[i].name, err);
        CHECK_MSG(strncmp(out, seeds[i].starts, strlen(seeds[i].starts)) == 0, "kb show %s: %.80s",
                  seeds[i].name, out);
    }
    CHECK_INT(bont("kb show Xeomin"), 0);
    CHECK(strstr(out, "Excipient   human_albumin") && strstr(out, "Excipient   sucrose"));
    CHECK(strstr(out, "Label       UK SmPC") != NULL);
    CHECK_INT(bont("kb indications"), 0);
    CHECK(strstr(out, "low_back_pain") && strstr(out, "off-label, evidence B [SJ2018]"));
    CHECK(strstr(out, "plantar_hyperhidrosis") != NULL);
}

TEST(cli_check_jurisdiction_and_reactions)
{
    CHECK_INT(bont("check tests/check/p2_letybo_80_us.json --format json"), 0);
    CHECK(strstr(out, "\"jurisdiction\": \"us\"") != NULL);
    CHECK_INT(bont("check tests/check/p2_letybo_80_us.json --jurisdiction uk --format json"), 1);
    CHECK(strstr(out, "\"jurisdiction\": \"uk\"") && strstr(out, "leti.age"));
    CHECK_INT(bont("check tests/check/p2_letybo_80_us.json --jurisdiction=eu"), 1);
    CHECK_MSG(strstr(out, "Label       UK SmPC (uk; eu was asked for)"), "%s", out);
    CHECK_INT(bont("check tests/check/p2_letybo_80_us.json --jurisdiction xx"), 2);
    CHECK_MSG(strstr(err, "unknown jurisdiction \"xx\"; expected one of us, eu"), "%s", err);
    /* The plan's own jurisdiction, and the option over it. */
    CHECK_INT(bont("check tests/check/p2_letybo_80_eu.json"), 1);
    CHECK_INT(bont("check tests/check/p2_letybo_80_eu.json --jurisdiction us"), 0);
    /* Adverse reactions: the common ones by default, every one with --all-reactions. */
    CHECK_INT(bont("check examples/glabellar_lines.json"), 0);
    CHECK_MSG(strstr(out, "\nAdverse reactions\n") && strstr(out, "eyelid ptosis") &&
                  strstr(out, "about 2 in 100 people"),
              "%s", out);
    CHECK_INT(bont("check examples/forehead_lines.json --format json"), 0);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    size_t common = json_array_size(json_object_get(root, "adverse_reactions"));
    CHECK(common > 0);
    CHECK_REL(json_number_value(json_object_get(root, "adverse_reactions_min_pct")), 2.0, 0);
    json_decref(root);
    CHECK_INT(bont("check examples/forehead_lines.json --format json --all-reactions"), 0);
    root = json_loads(out, 0, &jerr);
    CHECK(json_array_size(json_object_get(root, "adverse_reactions")) > common);
    json_decref(root);
    /* A dilution outside the label: checked, a warning, exit 0 (it was exit 2). */
    CHECK_INT(bont("check tests/check/p2_nabota_masseter_2ml.json"), 0);
    CHECK(strstr(out, "vial.dilution_outside_label") != NULL);
}
