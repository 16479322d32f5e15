/* test_cli.c: the bont command's exit codes, outputs and error messages. */
#include <jansson.h>
#include <string.h>

#include "test.h"

static char out[1 << 16], err[1 << 14];

static int bont(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

TEST(cli_check_exit_codes)
{
    CHECK_INT(bont("check examples/glabellar_lines.json"), 0);
    CHECK(strstr(out, "Verdict: ok") != NULL);
    CHECK(strstr(out, "Units (U)") != NULL);
    CHECK_INT(bont("check examples/glabellar_too_soon.json"), 1);
    CHECK(strstr(out, "ona.interval.cosmetic") != NULL);
    CHECK(strstr(out, "Verdict: violations") != NULL);
    CHECK_INT(bont("check tests/check/bad_json.json"), 2);
    CHECK(strstr(err, "tests/check/bad_json.json:3:32: malformed JSON") != NULL);
    CHECK_INT(bont("check /nonexistent.json"), 2);
    CHECK_INT(bont("check"), 2);
    CHECK_INT(bont("check examples/glabellar_lines.json --format yaml"), 2);
    CHECK_INT(bont("frobnicate"), 2);
    CHECK_INT(bont("check - < examples/glabellar_lines.json"), 0);
}

TEST(cli_check_json_contract)
{
    CHECK_INT(bont("check examples/dysport_milk_allergy.json --format json"), 1);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    CHECK_MSG(root != NULL, "not JSON: %s", jerr.text);
    if (!root)
        return;
    CHECK_STR(json_string_value(json_object_get(root, "verdict")), "violations");
    json_t *f = json_array_get(json_object_get(root, "findings"), 0);
    CHECK_STR(json_string_value(json_object_get(f, "severity")), "error");
    CHECK_STR(json_string_value(json_object_get(f, "rule")), "contra.milk_protein");
    CHECK(json_string_length(json_object_get(f, "message")) > 20);
    CHECK(json_string_length(json_object_get(f, "source")) > 0);
    CHECK(json_object_get(json_object_get(root, "sources"), "D9") != NULL);
    json_decref(root);
}

TEST(cli_unknown_muscle_suggests)
{
    CHECK_INT(bont("check tests/check/unknown_muscle.json"), 2);
    CHECK_MSG(strstr(err, "did you mean procerus") != NULL, "stderr: %s", err);
    CHECK_MSG(strstr(err, "unknown_muscle.json:21:17: injections[0].muscle") != NULL,
              "no position: %s", err);
}

TEST(cli_dilute)
{
    CHECK_INT(bont("dilute --units 100 --diluent-ml 2.5 --dose 4"), 0);
    CHECK(strstr(out, "= 4 U per 0.1 mL") != NULL);
    CHECK(strstr(out, "A dose of 4 U is 0.1 mL") != NULL);
    CHECK_INT(bont("dilute --units 100 --diluent-ml 12 --product Botox"), 0);
    CHECK(strstr(out, "outside the labelled range 1-10 mL") != NULL);
    CHECK_INT(bont("dilute --units -1 --diluent-ml 2"), 2);
    CHECK_INT(bont("dilute --units 100 --diluent-ml 2.5 --format json"), 0);
    CHECK(strstr(out, "\"units_per_0_1_ml\": 4") != NULL);
}

TEST(cli_convert_is_never_a_bare_number)
{
    CHECK_INT(bont("convert --from Botox --to Dysport --units 100"), 0);
    CHECK(strstr(out, "2.5 to 3 U of Dysport") != NULL);
    CHECK(strstr(out, "250 to 300 U") != NULL);
    CHECK(strstr(out, "not interchangeable") != NULL);
    CHECK(strstr(out, "C2") != NULL);
    CHECK_INT(bont("convert --from Botox --to Daxxify"), 0);
    CHECK(strstr(out, "No accepted conversion ratio") != NULL);
    CHECK_INT(bont("convert --from Botox --to Myobloc --format json"), 0);
    CHECK(strstr(out, "\"warning\"") != NULL);
    CHECK_INT(bont("convert --from Botax --to Dysport"), 2);
}

TEST(cli_kb)
{
    CHECK_INT(bont("kb products"), 0);
    CHECK(strstr(out, "rimabotulinumtoxinB") != NULL);
    CHECK_INT(bont("kb muscles"), 0);
    CHECK(strstr(out, "levator_palpebrae_superioris") != NULL);
    CHECK_INT(bont("kb indications"), 0);
    CHECK_INT(bont("kb show 보톡스"), 0);
    CHECK(strstr(out, "onabotulinumtoxinA") != NULL);
    CHECK_INT(bont("kb show SCM"), 0);
    CHECK(strstr(out, "Neighbour") != NULL);
    CHECK_INT(bont("kb show ona.cumulative.adult"), 0);
    CHECK_INT(bont("kb rules --product Dysport --indication cervical_dystonia"), 0);
    CHECK(strstr(out, "abo.cd.session") != NULL);
    CHECK_INT(bont("kb show nothing_like_this"), 2);
}
