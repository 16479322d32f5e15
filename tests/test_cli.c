/* test_cli.c: the bont command's exit codes, outputs and error messages. */
#include <jansson.h>
#include <string.h>

#include "test.h"
#include "test_output.h"

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

/* ---- Hostile strings: shown as data, never as terminal commands or markup -------------------
 */

/* Runs a shell command line (with `bont` standing for the binary under test). */
static int sh(const char *fmt, const char *dir)
{
    char cmd[4096], line[4096];
    snprintf(line, sizeof line, fmt, dir, dir, dir, dir);
    snprintf(cmd, sizeof cmd, "B=%s; %s", bont_test_bin(), line);
    return bont_test_run(cmd, out, sizeof out, err, sizeof err);
}

/* No byte below 0x20 but newline, and no DEL: nothing a terminal would act on. */
static int terminal_safe(const char *s)
{
    for (; *s; s++)
        if (((unsigned char)*s < 0x20 && *s != '\n') || *s == 0x7f)
            return 0;
    return 1;
}

/* Lines in s. */
static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

int test_svg_valid(const char *files)
{
    char cmd[4096], o[4096], e[4096];
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, xml.dom.minidom as m; [m.parse(p) for p in sys.argv[1:]]' "
             "%s && for f in %s; do rsvg-convert \"$f\" > /dev/null || exit 1; done",
             files, files);
    int rc = bont_test_run(cmd, o, sizeof o, e, sizeof e);
    if (rc != 0)
        printf("    not a valid SVG (%s): %s\n", files, e);
    return rc == 0;
}

TEST(cli_names_with_escapes_print_as_text)
{
    char dir[] = "/tmp/bont-test-esc-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    /* ESC [31m would turn the terminal red; the newline would break the table. */
    CHECK_INT(sh("$B patient add --name \"$(printf '\\033[31mRed\\nNew')\" --birth 1970-01-01 "
                 "--sex f --db %s/s.db",
                 dir),
              0);
    CHECK_INT(sh("$B patient add --name 'Ana Souza' --birth 1974-03-02 --sex f --db %s/s.db", dir),
              0);
    CHECK_INT(sh("$B patient list --db %s/s.db", dir), 0);
    CHECK_MSG(terminal_safe(out), "patient list printed a control character:\n%s", out);
    CHECK(strstr(out, " \\x1b[31mRed\\nNew  ") != NULL);
    CHECK_INT(lines(out), 4); /* header, rule, two patients: the newline stayed in its cell */
    CHECK_INT(sh("$B patient show 1 --db %s/s.db", dir), 0);
    CHECK(terminal_safe(out) && strstr(out, "Name        \\x1b[31mRed\\nNew\n"));
    CHECK_INT(sh("$B history 1 --today 2026-03-10 --db %s/s.db", dir), 0);
    CHECK(terminal_safe(out) && strstr(out, "\\x1b[31mRed\\nNew"));
    /* An operating-system command (ESC ] ... BEL) in a lot number echoed by recall. */
    CHECK_INT(sh("$B recall \"$(printf '\\033]0;owned\\007')\" --db %s/s.db", dir), 0);
    CHECK_MSG(terminal_safe(out) && strstr(out, "lot \\x1b]0;owned\\x07"), "recall: %s", out);
    /* In JSON the same name is a JSON string with its escapes. */
    CHECK_INT(sh("$B patient list --format json --db %s/s.db", dir), 0);
    json_t *j = json_loads(out, 0, NULL);
    CHECK_STR(json_string_value(
                  json_object_get(json_array_get(json_object_get(j, "patients"), 0), "name")),
              "\x1b[31mRed\nNew");
    json_decref(j);
    sh("rm -rf %s", dir);
}

TEST(cli_json_is_valid_utf8)
{
    char dir[] = "/tmp/bont-test-utf8-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    /* A byte that is not UTF-8 used to make the patient vanish from the JSON list. */
    CHECK_INT(sh("$B patient add --name \"$(printf 'bad\\377byte')\" --birth 1970-01-01 --sex f "
                 "--db %s/s.db",
                 dir),
              0);
    CHECK_INT(sh("$B patient list --format json --db %s/s.db", dir), 0);
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    CHECK_MSG(j != NULL, "not JSON: %s\n%s", je.text, out);
    json_t *ps = json_object_get(j, "patients");
    CHECK_INT(json_array_size(ps), 1);
    CHECK_STR(json_string_value(json_object_get(json_array_get(ps, 0), "name")), "bad\xEF\xBF\xBD"
                                                                                 "byte");
    json_decref(j);
    CHECK_INT(sh("$B patient list --db %s/s.db", dir), 0);
    CHECK(strstr(out, "bad\\xffbyte") != NULL);
    for (const char *c = "history 1 --format json --today 2026-01-01 --db %s/s.db"; c; c = NULL) {
        char line[512];
        snprintf(line, sizeof line, "$B %s", c);
        CHECK_INT(sh(line, dir), 0);
        CHECK_MSG(json_loads(out, 0, &je) != NULL, "history JSON: %s", je.text);
    }
    /* A plan file whose name is not UTF-8 (and holds an ESC). */
    CHECK_INT(sh("cp examples/glabellar_lines.json \"%s/$(printf 'p\\033\\377.json')\" && $B "
                 "check \"%s/$(printf 'p\\033\\377.json')\" --format json",
                 dir),
              0);
    j = json_loads(out, 0, &je);
    CHECK_MSG(j != NULL, "check JSON: %s\n%s", je.text, out);
    const char *file = json_string_value(json_object_get(json_object_get(j, "plan"), "file"));
    CHECK(file && strstr(file, "p\x1b\xEF\xBF\xBD.json"));
    json_decref(j);
    CHECK_INT(sh("$B check \"%s/$(printf 'p\\033\\377.json')\"", dir), 0);
    CHECK(terminal_safe(out) && strstr(out, "p\\x1b\\xff.json"));
    sh("rm -rf %s", dir);
}

TEST_TIMEOUT(cli_hostile_plan_title_makes_valid_svg, 120)
{
    char dir[] = "/tmp/bont-test-svg-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    /* U+0001 is not allowed in XML 1.0 even as &#1;; <&> and quotes are markup; U+202E would
     * reverse what follows on screen. */
    CHECK_INT(
        sh("python3 -c 'import json,sys; p=json.load(open(\"examples/glabellar_lines.json\"));"
           " p[\"title\"]=\"Evil \\u0001 <&> \\\"q\\\" \\x27a\\x27 \\u001b[31m \\u202e end\";"
           " json.dump(p, open(sys.argv[1], \"w\"))' %s/evil.json",
           dir),
        0);
    CHECK_INT(sh("$B simulate %s/evil.json --svg %s/one.svg --days 30", dir), 0);
    CHECK(terminal_safe(out) && strstr(out, "Evil \\x01 <&> \"q\" 'a' \\x1b[31m \\u202e end"));
    CHECK_INT(
        sh("$B simulate %s/evil.json --patients 20 --threads 1 --days 30 --svg %s/pop.svg", dir),
        0);
    CHECK(terminal_safe(out));
    char files[512];
    snprintf(files, sizeof files, "%s/one.svg %s/pop.svg", dir, dir);
    CHECK(test_svg_valid(files));
    CHECK_INT(sh("grep -c 'Evil \\\\x01 &lt;&amp;&gt; &quot;q&quot; &#39;a&#39;' %s/one.svg", dir),
              0);
    CHECK_INT(sh("$B check %s/evil.json", dir), 0);
    CHECK(terminal_safe(out) && strstr(out, "(Evil \\x01 <&> \"q\" 'a' \\x1b[31m \\u202e end)"));
    CHECK_INT(sh("$B check %s/evil.json --format json", dir), 0);
    CHECK(json_loads(out, 0, NULL) != NULL);
    /* An error message quoting the plan (an unknown muscle) quotes it as text. */
    CHECK_INT(
        sh("python3 -c 'import json,sys; p=json.load(open(\"examples/glabellar_lines.json\"));"
           " p[\"injections\"][0][\"muscle\"]=\"\\u001b]0;owned\\u0007x\";"
           " json.dump(p, open(sys.argv[1], \"w\"))' %s/bad.json && $B check %s/bad.json",
           dir),
        2);
    CHECK_MSG(terminal_safe(err) && strstr(err, "\\x1b]0;owned\\x07x"), "stderr: %s", err);
    sh("rm -rf %s", dir);
}
