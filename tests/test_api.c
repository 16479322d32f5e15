/* test_api.c: the JSON API answers as the bont command does: POST check and simulate, patients,
 * history, visits (checked and written in one transaction, refused with the findings), recall,
 * due and FHIR, each compared with the command's JSON on the same store; and every answer about
 * a patient leaves an audit entry naming them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/access.h"
#include "test.h"
#include "test_server.h"
#include "test_store.h"

#define JSON_TYPE "application/json"

/* A logged-in clinician on a fresh fixture. */
typedef struct session_t {
    fixture_t f;
    char cookie[128], token[64];
} session_t;

static bool session_open(session_t *s)
{
    if (!fixture_open(&s->f, NULL))
        return false;
    CHECK_INT(login(&s->f, "carl", SECRET_PW, NULL, s->cookie, sizeof s->cookie), 303);
    csrf_of(&s->f, s->cookie, s->token, sizeof s->token);
    return true;
}

static void get(session_t *s, const char *path, bont__resp_t *r)
{
    request(&s->f, "GET", path, s->cookie, NULL, NULL, NULL, NULL, r);
}

static void post(session_t *s, const char *path, const char *body, bont__resp_t *r)
{
    request(&s->f, "POST", path, s->cookie, ORIGIN_OK, s->token, JSON_TYPE, body, r);
}

/* The answer as JSON (NULL, and a failed check, when it is not). */
static json_t *body_json(const bont__resp_t *r)
{
    json_error_t e;
    json_t *j = json_loads(body_of(r), 0, &e);
    CHECK_MSG(j, "not JSON (%s): %.300s", e.text, body_of(r));
    return j;
}

/* The command's JSON output (NULL when it printed none). */
static json_t *command_json(const char *args)
{
    char cmd[2048], out[1 << 16], err[4096];
    snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
    bont_test_run(cmd, out, sizeof out, err, sizeof err);
    json_t *j = json_loads(out, 0, NULL);
    CHECK_MSG(j, "%s printed no JSON: %.300s %.300s", cmd, out, err);
    return j;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = calloc(1, 1 << 16);
    if (f && buf)
        buf[fread(buf, 1, (1 << 16) - 1, f)] = '\0';
    if (f)
        fclose(f);
    return buf;
}

/* A glabellar plan (20 U at the label's five sites) for the seeded patient (born 1980-05-17,
 * female) on today's date, with a vial lot. */
static void glabellar_plan(char *out, size_t size, const char *extra)
{
    char today[11];
    bont__server_today(today);
    int age = atoi(today) - 1980 - (strcmp(today + 5, "05-17") < 0);
    snprintf(out, size,
             "{\"date\": \"%s\", \"indication\": \"glabellar_lines\", \"product\": "
             "\"onabotulinumtoxinA\", \"vial\": {\"units\": 100, \"diluent_ml\": 2.5}, "
             "\"patient\": {\"age_years\": %d, \"sex\": \"female\"}, \"injections\": ["
             "{\"muscle\": \"procerus\", \"units\": 4}, {\"muscle\": \"corrugator_supercilii\", "
             "\"side\": \"left\", \"units\": 8, \"sites\": 2}, {\"muscle\": "
             "\"corrugator_supercilii\", \"side\": \"right\", \"units\": 8, \"sites\": 2}]%s}",
             today, age, extra ? extra : "");
}

/* POST /api/v1/check answers exactly what `bont check --format json` prints, for a plan that
 * passes and for plans that break rules; only the plan's name differs. */
TEST(api_check_is_bont_check)
{
    session_t s;
    if (!session_open(&s))
        return;
    const char *plans[] = {"examples/glabellar_lines.json", "examples/glabellar_too_soon.json",
                           "examples/dysport_milk_allergy.json", "examples/cervical_dystonia.json"};
    for (size_t i = 0; i < sizeof plans / sizeof plans[0]; i++) {
        char *text = read_text(plans[i]), args[256];
        bont__resp_t r;
        post(&s, "/api/v1/check", text, &r);
        CHECK_MSG(r.status == 200, "%s: %d %s", plans[i], r.status, body_of(&r));
        json_t *api = body_json(&r);
        snprintf(args, sizeof args, "check %s --format json", plans[i]);
        json_t *cli = command_json(args);
        if (api && cli) {
            CHECK_STR(json_string_value(json_object_get(json_object_get(api, "plan"), "file")),
                      "<request>");
            json_object_set(json_object_get(api, "plan"), "file",
                            json_object_get(json_object_get(cli, "plan"), "file"));
            CHECK_MSG(json_equal(api, cli), "%s: the API's check differs from bont check",
                      plans[i]);
            CHECK(json_array_size(json_object_get(api, "risks")) > 0 ||
                  json_object_get(api, "risks_not_computed"));
        }
        /* The same text, as the command prints it. */
        if (i == 0)
            CHECK(strstr(body_of(&r), "{\n  \"verdict\": \"ok\",\n  \"jurisdiction\": \"us\",\n"));
        json_decref(api);
        json_decref(cli);
        bont__resp_clear(&r);
        free(text);
    }
    /* A plan that cannot be read: 400 with where and what. */
    bont__resp_t r;
    post(&s, "/api/v1/check", "{\"date\": \"2026-01-01\", \"injections\": []}", &r);
    CHECK_INT(r.status, 400);
    json_t *e = body_json(&r);
    CHECK_STR(json_string_value(json_object_get(e, "error")), "bad_plan");
    CHECK(strstr(json_string_value(json_object_get(e, "message")), "<request>"));
    json_decref(e);
    bont__resp_clear(&r);
    fixture_close(&s.f);
}

/* POST /api/v1/simulate answers what `bont simulate --format json` prints, for the typical
 * patient and for virtual patients. */
TEST_TIMEOUT(api_simulate_is_bont_simulate, 120)
{
    session_t s;
    if (!session_open(&s))
        return;
    char *text = read_text("examples/glabellar_lines.json");
    struct {
        const char *query, *args;
    } cases[] = {
        {"?days=30&patients=0", "--days 30"},
        {"?days=40&patients=60&seed=7", "--days 40 --patients 60 --seed 7"},
    };
    for (size_t i = 0; i < 2; i++) {
        char path[128], args[256];
        snprintf(path, sizeof path, "/api/v1/simulate%s", cases[i].query);
        snprintf(args, sizeof args, "simulate examples/glabellar_lines.json %s --format json",
                 cases[i].args);
        bont__resp_t r;
        post(&s, path, text, &r);
        CHECK_MSG(r.status == 200, "%s: %d", path, r.status);
        json_t *api = body_json(&r), *cli = command_json(args);
        CHECK_MSG(api && cli && json_equal(api, cli), "%s differs from bont %s", path, args);
        json_decref(api);
        json_decref(cli);
        bont__resp_clear(&r);
    }
    bont__resp_t r;
    post(&s, "/api/v1/simulate?days=9999", text, &r);
    CHECK_INT(r.status, 400);
    bont__resp_clear(&r);
    free(text);
    fixture_close(&s.f);
}

/* POST /api/v1/patients adds as `bont patient add --format json` answers; bad bodies say which
 * member is wrong; GET lists and searches. */
TEST(api_patients_add_and_list)
{
    session_t s;
    if (!session_open(&s))
        return;
    bont__resp_t r;
    post(&s, "/api/v1/patients",
         "{\"name\": \"Min-ji Park\", \"birth\": \"1992-06-25\", \"sex\": \"female\", "
         "\"weight_kg\": 52, \"allergies\": [\"cow's milk protein\"], \"conditions\": "
         "[\"something bont does not know\"]}",
         &r);
    CHECK_INT(r.status, 201);
    json_t *p = body_json(&r);
    long long id = (long long)json_integer_value(json_object_get(p, "id"));
    CHECK(id > s.f.patient_id);
    char where[64];
    snprintf(where, sizeof where, "/api/v1/patients/%lld", id);
    CHECK_STR(r.location, where);
    CHECK_STR(json_string_value(json_object_get(p, "birth_date")), "1992-06-25");
    CHECK_REL(json_real_value(json_object_get(p, "weight_kg")), 52, 1e-12);
    json_t *terms = json_object_get(p, "recorded_terms");
    CHECK_INT(json_array_size(terms), 2);
    /* A known allergy is kept as the knowledge base's id, an unknown condition as given. */
    CHECK(strstr(body_of(&r), "\"name\": \"something bont does not know\""));
    CHECK(!strstr(body_of(&r), "cow's milk protein"));
    json_decref(p);
    bont__resp_clear(&r);
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"birth\": \"1990-01-01\", \"sex\": \"male\"}", "name"},
        {"{\"name\": \"X\", \"birth\": \"1990-02-30\", \"sex\": \"male\"}", "birth"},
        {"{\"name\": \"X\", \"birth\": \"1990-01-01\", \"sex\": \"dog\"}", "sex"},
        {"{\"name\": \"X\", \"birth\": \"1990-01-01\", \"sex\": \"male\", \"weight_kg\": \"9\"}",
         "weight_kg"},
        {"{\"name\": \"X\", \"birth\": \"1990-01-01\", \"sex\": \"male\", \"nmae\": 1}", "nmae"},
        {"{\"name\": \"X\", \"birth\": \"2999-01-01\", \"sex\": \"male\"}", "birth"},
        {"[1]", ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        post(&s, "/api/v1/patients", bad[i].body, &r);
        CHECK_MSG(r.status == 400, "%s: %d", bad[i].body, r.status);
        json_t *e = body_json(&r);
        const char *field = json_string_value(json_object_get(e, "field"));
        CHECK_MSG(strcmp(field ? field : "", bad[i].field) == 0, "%s: field %s", bad[i].body,
                  field ? field : "(none)");
        json_decref(e);
        bont__resp_clear(&r);
    }
    get(&s, "/api/v1/patients", &r);
    CHECK_INT(r.status, 200);
    json_t *list = body_json(&r);
    CHECK_INT(json_array_size(json_object_get(list, "patients")), 2);
    json_decref(list);
    bont__resp_clear(&r);
    get(&s, "/api/v1/patients?q=min-JI", &r);
    list = body_json(&r);
    CHECK_INT(json_array_size(json_object_get(list, "patients")), 1);
    json_decref(list);
    bont__resp_clear(&r);
    /* As `bont patient list` prints them. */
    char args[256];
    snprintf(args, sizeof args, "patient list --db %s --format json", s.f.db);
    json_t *cli = command_json(args);
    get(&s, "/api/v1/patients", &r);
    list = body_json(&r);
    CHECK(cli && list && json_equal(cli, list));
    json_decref(cli);
    json_decref(list);
    bont__resp_clear(&r);
    fixture_close(&s.f);
}

/* Visit bodies that cannot be used: the status says why, and nothing is written. */
static void visit_bad_requests(session_t *s, const char *plan)
{
    char body[4096];
    long long pid = s->f.patient_id;
    bont__resp_t r;
    /* Unusable requests write nothing. */
    struct {
        const char *body;
        int status;
    } bad[] = {
        {"{\"patient\": 99999, \"plan\": %s, \"lot\": \"L\", \"expiry\": \"2099-01-01\"}", 404},
        {"{\"patient\": %lld, \"lot\": \"L\", \"expiry\": \"2099-01-01\"}", 400},
        {"{\"patient\": %lld, \"plan\": {\"date\": 1}, \"lot\": \"L\"}", 400},
        {"{\"patient\": %lld, \"plan\": %s, \"lot\": \"L\", \"expiry\": \"soon\"}", 400},
        {"{\"patient\": %lld, \"plan\": %s, \"lott\": \"L\"}", 400},
        {"{\"patient\": \"1\", \"plan\": %s}", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *fmt = bad[i].body;
        if (strstr(fmt, "%lld") && strstr(fmt, "%s"))
            snprintf(body, sizeof body, fmt, pid, plan);
        else if (strstr(fmt, "%lld"))
            snprintf(body, sizeof body, fmt, pid);
        else
            snprintf(body, sizeof body, fmt, plan);
        post(s, "/api/v1/visits", body, &r);
        CHECK_MSG(r.status == bad[i].status, "case %zu: %d, expected %d: %s", i, r.status,
                  bad[i].status, body_of(&r));
        bont__resp_clear(&r);
    }
}

/* History as `bont history`, recall as `bont recall`, due as `bont due`, on the same store. */
static void records_match_commands(session_t *s)
{
    char path[128], args[512], today[11];
    long long pid = s->f.patient_id;
    bont__resp_t r;
    bont__server_today(today);
    const char *same[] = {"/api/v1/patients/%lld", "/api/v1/recall/LOT-a1",
                          "/api/v1/due?within=3650"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        snprintf(path, sizeof path, same[i], pid);
        if (i == 0)
            snprintf(args, sizeof args, "history %lld --today %s --db %s --format json", pid, today,
                     s->f.db);
        else if (i == 1)
            snprintf(args, sizeof args, "recall lot-A1 --db %s --format json", s->f.db);
        else
            snprintf(args, sizeof args, "due --within 3650 --today %s --db %s --format json", today,
                     s->f.db);
        get(s, path, &r);
        CHECK_MSG(r.status == 200, "%s: %d", path, r.status);
        json_t *api = body_json(&r), *cli = command_json(args);
        if (i == 1) /* the lot as asked: the command was asked in another case */
            json_object_set_new(api, "lot", json_string("lot-A1"));
        CHECK_MSG(api && cli && json_equal(api, cli), "%s differs from bont %s", path, args);
        json_decref(api);
        json_decref(cli);
        bont__resp_clear(&r);
    }
}

/* POST /api/v1/visits checks with the stored history and writes in one transaction: 201 when
 * written, 422 with the findings when refused (nothing written), 201 with an override reason.
 * History, recall, due and FHIR then answer as the commands do. */
TEST_TIMEOUT(api_visits_history_recall_due_fhir, 120)
{
    session_t s;
    if (!session_open(&s))
        return;
    char plan[2048], body[4096], path[128], today[11];
    bont__server_today(today);
    glabellar_plan(plan, sizeof plan, NULL);
    long long pid = s.f.patient_id;
    bont__resp_t r;
    snprintf(body, sizeof body,
             "{\"patient\": %lld, \"plan\": %s, \"lot\": \"LOT-A1\", \"expiry\": \"2099-01-31\", "
             "\"reconstituted_at\": \"%sT08:00\"}",
             pid, plan, today);
    post(&s, "/api/v1/visits", body, &r);
    CHECK_MSG(r.status == 201, "first visit: %d %s", r.status, body_of(&r));
    json_t *v = body_json(&r);
    CHECK(json_is_true(json_object_get(v, "written")));
    CHECK_STR(json_string_value(json_object_get(v, "verdict")), "ok");
    CHECK_STR(json_string_value(json_object_get(v, "plan")), "<request>");
    json_decref(v);
    bont__resp_clear(&r);
    /* The same again: the stored visit makes it too soon. Refused, with the findings. */
    post(&s, "/api/v1/visits", body, &r);
    CHECK_INT(r.status, 422);
    v = body_json(&r);
    CHECK(json_is_false(json_object_get(v, "written")));
    CHECK(json_is_null(json_object_get(v, "visit_id")));
    CHECK(strstr(body_of(&r), "interval"));
    json_decref(v);
    bont__resp_clear(&r);
    CHECK_INT(store_test_sql_int(s.f.db, "SELECT count(*) FROM visits"), 1);
    /* With a reason it is written, and says so. */
    snprintf(body, sizeof body,
             "{\"patient\": %lld, \"plan\": %s, \"lot\": \"lot-a1\", \"expiry\": \"2099-01-31\", "
             "\"override_reason\": \"touch-up agreed with the patient\"}",
             pid, plan);
    post(&s, "/api/v1/visits", body, &r);
    CHECK_MSG(r.status == 201, "override: %d %s", r.status, body_of(&r));
    v = body_json(&r);
    CHECK(json_is_true(json_object_get(v, "overridden")));
    json_decref(v);
    bont__resp_clear(&r);
    visit_bad_requests(&s, plan);
    CHECK_INT(store_test_sql_int(s.f.db, "SELECT count(*) FROM visits"), 2);

    records_match_commands(&s);
    get(&s, "/api/v1/recall/LOT-A1", &r);
    CHECK(strstr(body_of(&r), "\"visits\": 2") && strstr(body_of(&r), SEEDED_PAT));
    bont__resp_clear(&r);
    snprintf(path, sizeof path, "/api/v1/patients/%lld/fhir", pid);
    get(&s, path, &r);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.type, "application/fhir+json");
    json_t *fhir = body_json(&r);
    CHECK_STR(json_string_value(json_object_get(fhir, "resourceType")), "Bundle");
    json_decref(fhir);
    bont__resp_clear(&r);
    const char *missing[] = {"/api/v1/patients/99999", "/api/v1/patients/abc",
                             "/api/v1/patients/0/fhir", "/api/v1/patients/-1"};
    for (size_t i = 0; i < 4; i++) {
        get(&s, missing[i], &r);
        CHECK_MSG(r.status == 404, "%s: %d", missing[i], r.status);
        bont__resp_clear(&r);
    }
    get(&s, "/api/v1/handout", &r);
    CHECK_INT(r.status, 501);
    CHECK(strstr(body_of(&r), "catalogues"));
    bont__resp_clear(&r);
    fixture_close(&s.f);
}

/* Every answer about a patient is in the audit log with who, what, which patient and from
 * where, written before the answer left. */
TEST(api_patient_reads_are_audited)
{
    session_t s;
    if (!session_open(&s))
        return;
    char path[128];
    const char *fmts[] = {"/api/v1/patients/%lld", "/api/v1/patients/%lld/fhir", "/patients/%lld",
                          "/plan?patient=%lld"};
    const char *kinds[] = {"patient.read", "patient.export", "patient.read", "plan.open"};
    for (size_t i = 0; i < 4; i++) {
        bont__resp_t r;
        snprintf(path, sizeof path, fmts[i], s.f.patient_id);
        get(&s, path, &r);
        CHECK_MSG(r.status == 200, "%s: %d", path, r.status);
        bont__resp_clear(&r);
    }
    bont_store_t *st = NULL;
    bont_error_t err;
    bont_audit_t *list = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_open(&st, s.f.db, BONT_STORE_EXISTING, &err), 0);
    CHECK_INT(bont_store_audit_list(st, s.f.patient_id, &list, &n, &err), 0);
    CHECK_INT(n, 4);
    for (size_t i = 0; i < n && i < 4; i++) {
        CHECK_STR(list[i].kind, kinds[i]);
        CHECK_STR(list[i].user, "carl");
        CHECK_STR(list[i].remote, "127.0.0.1");
        CHECK_INT(list[i].status, 200);
        CHECK(list[i].at[0] == '2' && list[i].id > 0);
    }
    free(list);
    bont_store_close(&st);
    fixture_close(&s.f);
}
