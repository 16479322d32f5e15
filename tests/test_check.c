/* test_check.c: the table-driven plan cases (tests/check/cases.tsv) and the example plans. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/kb.h"
#include "bont/plan.h"
#include "test.h"
#include "util/file.h"

static int has_rule(const bont_check_t *chk, const char *rule)
{
    for (size_t i = 0; chk && i < chk->n_findings; i++)
        if (strcmp(chk->findings[i].rule, rule) == 0)
            return 1;
    return 0;
}

/* Parses and checks one plan text as `bont check` would; returns the exit code it would give
 * and leaves the findings or the error message for the caller. */
static int run_plan(const bont_kb_t *kb, const char *text, size_t len, bont_check_t **chk,
                    char *msg, size_t msg_size)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    *chk = NULL;
    msg[0] = '\0';
    int rc = bont_plan_parse(kb, text, len, "plan", &plan, &err);
    if (!rc)
        rc = bont_check_run(kb, plan, NULL, chk, &err);
    bont_plan_free(&plan);
    if (rc) {
        bont_error_format(&err, msg, msg_size);
        return 2;
    }
    return (*chk)->n_errors ? 1 : 0;
}

TEST(check_table_driven_cases)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    FILE *f = fopen("tests/check/cases.tsv", "r");
    CHECK(f != NULL);
    if (!f || !kb)
        return;
    char line[1024];
    int n_cases = 0, seen_exit[3] = {0, 0, 0};
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *file = strtok(line, "\t"), *exit_s = strtok(NULL, "\t"), *expect = strtok(NULL, "\t");
        CHECK_MSG(file && exit_s && expect, "bad line in cases.tsv");
        if (!file || !exit_s || !expect)
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/check/%s", file);
        char *text = NULL;
        size_t len = 0;
        CHECK_MSG(bont__read_file(path, BONT_PLAN_MAX_BYTES, &text, &len, NULL) == 0,
                  "cannot read %s", path);
        if (!text)
            continue;
        bont_check_t *chk = NULL;
        char msg[1400];
        int got = run_plan(kb, text, len, &chk, msg, sizeof msg);
        int want = atoi(exit_s);
        CHECK_MSG(got == want, "%s: exit %d, expected %d (%s)", file, got, want, msg);
        if (want == 2 && got == 2)
            CHECK_MSG(strstr(msg, expect) != NULL, "%s: error \"%s\" lacks \"%s\"", file, msg,
                      expect);
        else if (strcmp(expect, "-") == 0 && got == want && want == 0)
            CHECK_MSG(chk->n_errors == 0 && chk->n_warnings == 0,
                      "%s: expected no warnings, got %zu (first: %s)", file, chk->n_warnings,
                      chk->n_findings ? chk->findings[0].rule : "");
        else if (expect[0] == '!' && want != 2)
            CHECK_MSG(!has_rule(chk, expect + 1), "%s: finding %s should not be there", file,
                      expect + 1);
        else if (strcmp(expect, "-") != 0 && want != 2)
            CHECK_MSG(has_rule(chk, expect), "%s: finding %s is missing", file, expect);
        seen_exit[want >= 0 && want <= 2 ? want : 0]++;
        n_cases++;
        bont_check_free(&chk);
        free(text);
    }
    fclose(f);
    CHECK_MSG(n_cases >= 40, "only %d cases", n_cases);
    CHECK(seen_exit[0] > 0 && seen_exit[1] > 0 && seen_exit[2] > 0);
    bont_kb_free(&kb);
}

TEST(check_examples_as_their_files_say)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    DIR *d = opendir("examples");
    CHECK(d != NULL);
    if (!d || !kb)
        return;
    struct dirent *de;
    int n = 0;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        char path[512];
        snprintf(path, sizeof path, "examples/%s", de->d_name);
        bont_plan_t *plan = NULL;
        bont_check_t *chk = NULL;
        bont_error_clear(&err);
        int rc = bont_plan_load(kb, path, &plan, &err);
        char msg[1400];
        CHECK_MSG(rc == 0, "%s: %s", path, bont_error_format(&err, msg, sizeof msg));
        if (rc)
            continue;
        CHECK_MSG(plan->expect_verdict[0], "%s: no expect.verdict", path);
        rc = bont_check_run(kb, plan, NULL, &chk, &err);
        CHECK_INT(rc, 0);
        if (!rc) {
            const char *verdict = chk->n_errors ? "violations" : "ok";
            CHECK_MSG(strcmp(verdict, plan->expect_verdict) == 0, "%s: verdict %s, expected %s",
                      path, verdict, plan->expect_verdict);
            for (size_t i = 0; i < plan->n_expect_rules; i++)
                CHECK_MSG(has_rule(chk, plan->expect_rules[i]), "%s: finding %s is missing", path,
                          plan->expect_rules[i]);
            /* An "ok" example may carry notes, but no warning it does not name. */
            for (size_t i = 0; i < chk->n_findings; i++) {
                int named = 0;
                for (size_t k = 0; k < plan->n_expect_rules; k++)
                    named |= !strcmp(plan->expect_rules[k], chk->findings[i].rule);
                CHECK_MSG(chk->findings[i].severity == BONT_SEV_NOTE || named,
                          "%s: unexpected %s %s: %s", path,
                          bont_severity_name(chk->findings[i].severity), chk->findings[i].rule,
                          chk->findings[i].message);
            }
        }
        bont_check_free(&chk);
        bont_plan_free(&plan);
        n++;
    }
    closedir(d);
    CHECK_MSG(n >= 12, "only %d examples", n);
    bont_kb_free(&kb);
}

/* Units per muscle are totalled over every injection of the muscle and side, however many and in
 * whatever order, and each muscle is reported once (the grouping is an index, not a scan). */
TEST(check_totals_many_injections_once_per_muscle)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    if (!kb)
        return;
    char *text = malloc(200000);
    CHECK(text != NULL);
    if (!text)
        return;
    size_t n = (size_t)snprintf(
        text, 200000,
        "{\"patient\": {\"age_years\": 50, \"weight_kg\": 70}, \"date\": \"2026-11-21\", "
        "\"indication\": \"cervical_dystonia\", \"product\": \"onabotulinumtoxinA\", "
        "\"vial\": {\"units\": 200, \"diluent_ml\": 4}, \"injections\": [");
    /* 150 x 1 U into each sternocleidomastoid, 150 x 1 U into the left trapezius, and one
     * masseter (not a usual target), interleaved. */
    for (int i = 0; i < 450; i++) {
        const char *m = i % 3 == 2 ? "trapezius" : "sternocleidomastoid";
        const char *side = i % 3 == 1 ? "right" : "left";
        n += (size_t)snprintf(text + n, 200000 - n,
                              "{\"muscle\": \"%s\", \"side\": \"%s\", \"units\": 1},", m, side);
    }
    n += (size_t)snprintf(text + n, 200000 - n,
                          "{\"muscle\": \"masseter\", \"side\": \"left\", \"units\": 1}]}");
    bont_check_t *chk = NULL;
    char msg[1400];
    CHECK_INT(run_plan(kb, text, n, &chk, msg, sizeof msg), 1); /* 451 U: over 400 U */
    CHECK(has_rule(chk, "ona.cumulative.adult"));
    int scm_left = 0, scm_right = 0, unusual = 0;
    for (size_t i = 0; chk && i < chk->n_findings; i++) {
        const bont_finding_t *f = &chk->findings[i];
        if (strcmp(f->rule, "ona.cd.scm") == 0) {
            CHECK_REL(f->value, 150.0, 1e-12);
            scm_left += strstr(f->subject, "left") != NULL;
            scm_right += strstr(f->subject, "right") != NULL;
        }
        unusual += strcmp(f->rule, "plan.unusual_target") == 0;
    }
    CHECK_INT(scm_left, 1);
    CHECK_INT(scm_right, 1);
    CHECK_INT(unusual, 1);
    /* Errors, then warnings, then notes. */
    for (size_t i = 1; chk && i < chk->n_findings; i++)
        CHECK(chk->findings[i - 1].severity >= chk->findings[i].severity);
    bont_check_free(&chk);
    free(text);
    bont_kb_free(&kb);
}
