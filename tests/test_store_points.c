/* test_store_points.c: where injection sites were marked on the body charts (schema version 4):
 * written with the visit, read back exactly, refused when impossible, kept by the schema, and a
 * store of version 3 migrated to them; on SQLite and PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/store.h"
#include "store/pg.h"
#include "store/schema.h"
#include "test.h"
#include "test_store.h"

/* Gives injection in n points on chart, spread over the picture (owned by the visit). */
static void give_points(bont_store_injection_t *in, const char *chart, size_t n)
{
    in->points = calloc(n, sizeof *in->points);
    in->n_points = in->points ? n : 0;
    for (size_t k = 0; k < in->n_points; k++) {
        snprintf(in->points[k].chart, sizeof in->points[k].chart, "%s", chart);
        /* Values a decimal cannot write exactly: they must still come back bit for bit. */
        in->points[k].x = (double)(k + 1) / 3.0;
        in->points[k].y = 0.1 + (double)k / 7.0;
    }
}

/* The schema holds the store's rules against plain SQL and keeps the points for good; the
 * consistency check finds more points than sites. In t, visit 1 has five points, two of them on
 * injection 2, which has two sites. */
static void schema_keeps_points(const store_test_db_t *t, bont_store_t *s)
{
    bont_error_t err;
    bool pg = t->pg;
    static const char *const refused[] = {
        "INSERT INTO injection_points (visit_id, injection_seq, seq, chart, x, y) "
        "VALUES (1, 1, 1, 'hand', 0.5, 0.5)",
        "INSERT INTO injection_points (visit_id, injection_seq, seq, chart, x, y) "
        "VALUES (1, 1, 1, 'face', 1.01, 0.5)",
        "INSERT INTO injection_points (visit_id, injection_seq, seq, chart, x, y) "
        "VALUES (1, 1, 1, 'face', 0.5, -0.01)",
        "INSERT INTO injection_points (visit_id, injection_seq, seq, chart, x, y) "
        "VALUES (1, 9, 1, 'face', 0.5, 0.5)", /* no injection 9 */
        "INSERT INTO injection_points (visit_id, injection_seq, seq, chart, x, y) "
        "VALUES (1, 2, 1, 'face', 0.5, 0.5)", /* that point is taken */
        "DELETE FROM injection_points",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char sql[512]; /* SQLite checks references only where a connection asks it to */
        snprintf(sql, sizeof sql, "%s%s", pg ? "" : "PRAGMA foreign_keys = ON; ", refused[i]);
        CHECK_MSG(store_test_sql_exec(t->db, sql) != 0, "accepted: %s", refused[i]);
    }
    if (pg)
        CHECK(store_test_sql_exec(t->db, "TRUNCATE injection_points") != 0);
    CHECK_INT(store_test_sql_int(t->db, "SELECT count(*) FROM injection_points"), 5);
    /* The same statement with a possible point goes in (the refusals were the rules'). */
    CHECK_INT(store_test_sql_exec(t->db, pg ? "INSERT INTO injection_points (visit_id, "
                                              "injection_seq, seq, chart, x, y) VALUES (1, 1, 1, "
                                              "'face', 1, 0)"
                                            : "PRAGMA foreign_keys = ON; INSERT INTO "
                                              "injection_points (visit_id, injection_seq, seq, "
                                              "chart, x, y) VALUES (1, 1, 1, 'face', 1, 0)"),
              0);
    CHECK_INT(store_test_sql_int(t->db, "SELECT count(*) FROM injection_points"), 6);

    /* The consistency check finds more points than sites, however they got there. */
    CHECK_INT(bont_store_verify(s, &err), 0);
    CHECK_INT(store_test_sql_exec(t->db, "INSERT INTO injection_points (visit_id, injection_seq, "
                                         "seq, chart, x, y) VALUES (1, 2, 3, 'neck', 0.5, 0.5)"),
              0);
    CHECK_INT(bont_store_verify(s, &err), BONT_ESTORE);
    CHECK_STR(err.message, "injection 2 of visit 1 has 3 chart points for 2 sites");
}

STORE_TEST(store_keeps_chart_points, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    if (!s)
        return;
    bont_store_patient_t p = store_test_patient("Ana");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);

    /* Injections of 1, 2 and 3 sites: the first with none, the others with 2 and 3 points. */
    bont_store_visit_t v;
    store_test_visit(&v, p.id, "2026-01-10", "P1", 3);
    give_points(&v.injections[1], "neck", 2);
    give_points(&v.injections[2], "arm", 3);
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    CHECK_INT(bont_store_record_load(s, p.id, &rec, &err), 0);
    if (rec && rec->n_visits == 1) {
        const bont_store_visit_t *r = &rec->visits[0];
        CHECK_INT(r->injections[0].n_points, 0);
        CHECK(r->injections[0].points == NULL);
        for (size_t i = 1; i < 3; i++) {
            CHECK_INT(r->injections[i].n_points, v.injections[i].n_points);
            for (size_t k = 0; k < r->injections[i].n_points; k++) {
                const bont_chart_point_t *a = &r->injections[i].points[k];
                const bont_chart_point_t *b = &v.injections[i].points[k];
                CHECK_STR(a->chart, b->chart);
                CHECK_MSG(a->x == b->x && a->y == b->y,
                          "point %zu.%zu: %.17g, %.17g for %.17g, %.17g", i, k, a->x, a->y, b->x,
                          b->y);
            }
        }
    }
    bont_store_record_free(&rec);
    bont_store_visit_clear(&v);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM injection_points"), 5);

    /* What cannot be a point is refused before anything is written, naming the point. */
    static const struct {
        const char *chart;
        double x, y;
        size_t n;
        int rc;
        const char *field;
    } bad[] = {
        {"hand", 0.5, 0.5, 1, BONT_EINVAL, "injections[1].points[0]"},
        {"", 0.5, 0.5, 1, BONT_EINVAL, "injections[1].points[0]"},
        {"face", 1.5, 0.5, 1, BONT_ERANGE, "injections[1].points[0]"},
        {"face", 0.5, -0.25, 1, BONT_ERANGE, "injections[1].points[0]"},
        {"face", 0.5, 0.5, 3, BONT_ERANGE, "injections[1]"}, /* 3 points for 2 sites */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        store_test_visit(&v, p.id, "2026-04-10", "P2", 2);
        give_points(&v.injections[1], "face", bad[i].n);
        snprintf(v.injections[1].points[0].chart, sizeof v.injections[1].points[0].chart, "%s",
                 bad[i].chart);
        v.injections[1].points[0].x = bad[i].x;
        v.injections[1].points[0].y = bad[i].y;
        bont_error_clear(&err);
        CHECK_INT(bont_store_visit_add(s, &v, &err), bad[i].rc);
        CHECK_STR(err.field, bad[i].field);
        bont_store_visit_clear(&v);
    }
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits"), 1);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM injection_points"), 5);

    schema_keeps_points(&t, s);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

/* Recording a plan writes the points the plan gives, under the same transaction. */
STORE_TEST(store_visit_record_writes_plan_points, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_kb_t *kb = NULL;
    bont_plan_t *plan = NULL;
    bont_visit_result_t *res = NULL;
    bont_store_record_t *rec = NULL;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(bont_plan_load(kb, "tests/golden/store/cd-visit1.json", &plan, &err), 0);
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    if (!kb || !plan || !s)
        return;
    bont_store_patient_t p = store_test_patient("Ana Souza");
    snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_visit_opts_t o = {
        .patient_id = p.id, .lot = "C3518AB", .expiry = "2027-06-30", .now = "2026-01-10T10:30"};
    CHECK_INT(bont_visit_record(s, kb, plan, &o, &res, &err), 0);
    CHECK(res && res->written);
    CHECK_INT(bont_store_record_load(s, p.id, &rec, &err), 0);
    size_t n = 0;
    if (rec && rec->n_visits == 1 && rec->visits[0].n_injections == plan->n_injections) {
        for (size_t i = 0; i < plan->n_injections; i++) {
            const bont_store_injection_t *in = &rec->visits[0].injections[i];
            CHECK_INT(in->n_points, plan->injections[i].n_points);
            for (size_t k = 0; k < in->n_points && k < plan->injections[i].n_points; k++, n++) {
                CHECK_STR(in->points[k].chart, plan->injections[i].points[k].chart);
                CHECK(in->points[k].x == plan->injections[i].points[k].x);
                CHECK(in->points[k].y == plan->injections[i].points[k].y);
            }
        }
    }
    CHECK_INT(n, 9);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM injection_points"), 9);
    bont_store_record_free(&rec);
    bont_visit_result_free(&res);
    bont_plan_free(&plan);
    bont_kb_free(&kb);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

/* Appends the statements of text to the buffer *sql (of *size bytes, grown as needed). */
static void add_sql(char **sql, size_t *size, const char *text)
{
    size_t have = *sql ? strlen(*sql) : 0, need = have + strlen(text) + 1;
    if (need > *size) {
        char *grown = realloc(*sql, need * 2);
        if (!grown)
            return;
        grown[have] = '\0';
        *sql = grown;
        *size = need * 2;
    }
    memcpy(*sql + have, text, strlen(text) + 1);
}

/* A store as bont at schema version 3 (before chart points) left it, with one visit of two
 * injections: the migrations 1 to 3 of this build, which are never edited once released. */
static int make_v3_store(const store_test_db_t *t)
{
    char *sql = NULL, line[96];
    size_t size = 0;
    if (t->pg) {
        add_sql(&sql, &size, bont__pg_schema_table);
    } else {
        snprintf(line, sizeof line, "PRAGMA application_id = %d;", BONT_STORE_APPLICATION_ID);
        add_sql(&sql, &size, line);
    }
    add_sql(&sql, &size, "BEGIN;");
    for (size_t v = 0; v < 3; v++)
        add_sql(&sql, &size, t->pg ? bont__pg_migrations[v] : bont__store_migrations[v]);
    add_sql(&sql, &size,
            "INSERT INTO patients (name, birth_date, sex, weight_kg, created_at) VALUES "
            "('Version Three', '1970-01-01', 'female', 60, '2025-03-01T10:00:00Z');"
            "INSERT INTO vials (product, lot, expiry) VALUES ('onabotulinumtoxinA', 'V3', "
            "'2026-01-01');"
            "INSERT INTO visits (patient_id, vial_id, date, indication, total_units, "
            "n_injections, recorded_at) VALUES (1, 1, '2025-03-01', 'cervical_dystonia', 30, 2, "
            "'2025-03-01T10:00:00Z');"
            "INSERT INTO injections (visit_id, seq, muscle, side, units, sites) VALUES "
            "(1, 1, 'trapezius', 'left', 10, 1), (1, 2, 'splenius_capitis', 'right', 20, 2);"
            "COMMIT;");
    add_sql(&sql, &size,
            t->pg ? "UPDATE bont_schema SET version = 3;" : "PRAGMA user_version = 3;");
    int rc = sql ? store_test_sql_exec(t->db, sql) : -1;
    free(sql);
    return rc;
}

static long long schema_version(const store_test_db_t *t)
{
    return store_test_sql_int(t->db,
                              t->pg ? "SELECT version FROM bont_schema" : "PRAGMA user_version");
}

/* A version 3 store opens as version 4 with its visits whole and no points, takes visits with
 * points from then on; one version newer than this bont is refused and left as it is. */
STORE_TEST(store_migrates_v3_to_chart_points, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    if (!store_test_db_new(&t, pg, "v3.db"))
        return;
    CHECK_INT(make_v3_store(&t), 0);
    CHECK_INT(schema_version(&t), 3);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM injection_points"), -1);
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    if (!s)
        return;
    CHECK(!bont_store_created(s));
    CHECK_INT(bont_store_schema_version(s), 4);
    CHECK_INT(schema_version(&t), 4);
    CHECK_INT(bont_store_record_load(s, 1, &rec, &err), 0);
    if (rec && rec->n_visits == 1 && rec->visits[0].n_injections == 2) {
        CHECK_STR(rec->patient.name, "Version Three");
        CHECK_STR(rec->visits[0].injections[1].muscle, "splenius_capitis");
        CHECK_INT(rec->visits[0].injections[0].n_points + rec->visits[0].injections[1].n_points, 0);
    } else {
        CHECK_MSG(0, "the version 3 visit did not come back whole");
    }
    bont_store_record_free(&rec);
    bont_store_visit_t v;
    store_test_visit(&v, 1, "2025-09-01", "V4", 2);
    give_points(&v.injections[1], "neck", 2);
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    bont_store_visit_clear(&v);
    CHECK_INT(bont_store_record_load(s, 1, &rec, &err), 0);
    if (rec && rec->n_visits == 2)
        CHECK_INT(rec->visits[1].injections[1].n_points, 2);
    bont_store_record_free(&rec);
    CHECK_INT(bont_store_verify(s, &err), 0);
    bont_store_close(&s);

    /* As the next schema version would leave it: refused, and nothing changed. */
    char newer[96];
    snprintf(newer, sizeof newer,
             pg ? "UPDATE bont_schema SET version = %d" : "PRAGMA user_version = %d",
             BONT_STORE_SCHEMA_VERSION + 1);
    CHECK_INT(store_test_sql_exec(t.db, newer), 0);
    bont_error_clear(&err);
    CHECK_INT(store_test_open(&s, t.db, &err), BONT_ESCHEMA);
    CHECK(s == NULL);
    CHECK_MSG(strstr(err.message, "newer bont (schema version 5; this bont reads up to 4)") != NULL,
              "%s", err.message);
    CHECK_INT(schema_version(&t), BONT_STORE_SCHEMA_VERSION + 1);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM injection_points"), 2);
    store_test_db_drop(&t);
}
