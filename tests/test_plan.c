/* test_plan.c: plan parsing: dates, positions in errors, dilution and volumes. */
#include <string.h>

#include "bont/plan.h"
#include "plan/jsonpos.h"
#include "test.h"

TEST(plan_dates_round_trip)
{
    long d = 0;
    CHECK_INT(bont_date_parse("1970-01-01", &d), 0);
    CHECK_INT(d, 0);
    CHECK_INT(bont_date_parse("2026-11-21", &d), 0);
    char buf[11];
    bont_date_format(d, buf);
    CHECK_STR(buf, "2026-11-21");
    long a, b;
    bont_date_parse("2024-02-28", &a);
    bont_date_parse("2024-03-01", &b);
    CHECK_INT(b - a, 2); /* 2024 is a leap year */
    CHECK(bont_date_parse("2023-02-29", &d) != 0);
    CHECK(bont_date_parse("2026-13-01", &d) != 0);
    CHECK(bont_date_parse("2026-1-01", &d) != 0);
    CHECK(bont_date_parse("21/11/2026", &d) != 0);
    for (long k = -1000; k < 80000; k += 37) {
        bont_date_format(k, buf);
        CHECK_INT(bont_date_parse(buf, &d), 0);
        CHECK_INT(d, k);
    }
}

TEST(plan_json_positions)
{
    const char *t = "{\n  \"a\": 1,\n  \"list\": [\n    {\"x\": \"é\", \"y\": 2}\n  ]\n}";
    int line, col;
    CHECK_INT(bont__json_position(t, strlen(t), "list[0].y", &line, &col), 0);
    CHECK_INT(line, 4);
    CHECK_INT(col, 21); /* characters, not bytes: é counts once */
    CHECK_INT(bont__json_position(t, strlen(t), "a", &line, &col), 0);
    CHECK_INT(line, 2);
    CHECK_INT(col, 8);
    CHECK_INT(bont__json_position(t, strlen(t), "list[3]", &line, &col), -1);
    CHECK_INT(line, 3); /* the enclosing list */
}

TEST(plan_volumes_from_dilution)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    bont_plan_t *plan = NULL;
    CHECK_INT(bont_plan_load(kb, "examples/glabellar_lines.json", &plan, &err), 0);
    if (plan) {
        CHECK_REL(bont_plan_units_per_ml(plan), 40.0, 1e-12);
        CHECK_INT(plan->n_injections, 3);
        CHECK_REL(plan->injections[1].volume_ml, 0.2, 1e-12);
        CHECK_INT(plan->injections[1].side, BONT_SIDE_LEFT);
        CHECK_INT(plan->injections[1].sites, 2);
        CHECK_INT(plan->injections[1].guidance, BONT_GUIDE_PALPATION);
        CHECK_STR(plan->indication->id, "glabellar_lines");
        CHECK_INT(plan->n_history, 1);
    }
    bont_plan_free(&plan);
    CHECK(plan == NULL);
    /* A ready-made solution (type B) needs no diluent; its volume comes from the vial. */
    CHECK_INT(bont_plan_load(kb, "examples/cervical_dystonia_rima.json", &plan, &err), 0);
    if (plan)
        CHECK_REL(bont_plan_units_per_ml(plan), 5000.0, 1e-12);
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}

TEST(plan_reads_stdin_and_reports_missing_file)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    bont_plan_t *plan = NULL;
    bont_error_clear(&err);
    CHECK_INT(bont_plan_load(kb, "/nonexistent/plan.json", &plan, &err), BONT_EIO);
    CHECK(strstr(err.file, "/nonexistent/plan.json") != NULL);
    bont_kb_free(&kb);
}
