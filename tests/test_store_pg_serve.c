/* test_store_pg_serve.c: several app servers and roles on one PostgreSQL store: the app role of
 * scripts/pg-app-role.sql does its work but cannot rewrite the audit or drop a table; two
 * `bont serve` share sessions, and of one visit recorded through both at once exactly one gets
 * in. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bont/access.h"
#include "bont/server.h"
#include "test.h"
#include "test_store.h"

#define PLAN      "tests/golden/store/cd-visit1.json"
#define SECRET_PW "correct horse battery staple"

/* A fresh login role of the test cluster with the app role's grants on t's store; its
 * connection string (with the password) into url. */
static bool app_role(const store_test_db_t *t, const char *role, char *url, size_t size)
{
    char sql[256], out[4096], err[4096];
    snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s", role);
    store_test_pg_admin(sql);
    snprintf(sql, sizeof sql, "CREATE ROLE %s LOGIN PASSWORD '%s'", role, SECRET_PW);
    CHECK_INT(store_test_pg_admin(sql), 0);
    int rc =
        store_test_shell(out, sizeof out, err, sizeof err,
                         "psql -X -q -v app=%s -d '%s' -f scripts/pg-app-role.sql", role, t->db);
    CHECK_MSG(rc == 0, "scripts/pg-app-role.sql: %s", err);
    store_test_pg_url(url, size, t->name, role, SECRET_PW);
    return rc == 0;
}

static void drop_role(const char *role)
{
    char sql[256];
    snprintf(sql, sizeof sql, "DROP ROLE IF EXISTS %s", role);
    store_test_pg_admin(sql);
}

/* A store made by its owner (the cluster's superuser) with a clinician "carl" and a patient
 * born 1974-03-02 (cd-visit1.json's age). */
static long long owner_store(const char *db)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_user_t u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "carl");
    u.role = BONT_ROLE_CLINICIAN;
    CHECK_INT(bont_password_hash(SECRET_PW, u.password_hash, sizeof u.password_hash, &err), 0);
    bont_store_patient_t p = store_test_patient("Serve Patient");
    snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
    CHECK_INT(store_test_open(&s, db, &err), 0);
    if (!s)
        return 0;
    CHECK_INT(bont_store_user_add(s, &u, &err), 0);
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_close(&s);
    return p.id;
}

/* Every command through the app role; and what it must not be able to do. */
TEST_TIMEOUT(pg_app_role_cannot_rewrite_the_audit_or_drop_tables, 180)
{
    char app[640], out[16384], err[8192];
    store_test_db_t t;
    const char *role = "bont_app_test";
    if (!store_test_db_new(&t, true, ""))
        return;
    long long id = owner_store(t.db);
    if (!app_role(&t, role, app, sizeof app))
        goto cleanup;
    const char *bin = bont_test_bin();
    static const struct {
        const char *args;
        int exit_code;
    } steps[] = {
        {"patient add --name Other --birth 1980-01-01 --sex male", 0},
        {"visit record " PLAN " --patient %lld --lot L1 --expiry 2027-01-01 --injected 10:00", 0},
        {"visit record " PLAN " --patient %lld --lot L1 --expiry 2027-01-01 --injected 10:00", 1},
        {"outcome add --visit 1 --wore-off 2026-03-20", 0},
        {"outcome add --patient %lld --scale twstrs --score 30 --date 2026-02-01", 0},
        {"ae add --visit 1 --what ptosis --onset-day 3 --severity mild", 0},
        {"history %lld --today 2026-05-10", 0},
        {"recall L1", 0},
        {"due --within 365 --today 2026-05-10", 0},
        {"export %lld --fhir", 0},
        {"user list", 0},
        {"user disable carl", 0},
        {"audit", 0},
        {"backup /tmp/never.db", 5},
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        char args[512];
        snprintf(args, sizeof args, steps[i].args, id);
        int rc =
            store_test_shell(out, sizeof out, err, sizeof err, "%s %s --db '%s'", bin, args, app);
        CHECK_MSG(rc == steps[i].exit_code, "as the app role: bont %s: exit %d, expected %d: %s",
                  args, rc, steps[i].exit_code, err);
    }
    CHECK_INT(
        store_test_shell(out, sizeof out, err, sizeof err,
                         "printf 'pass phrase\\n' | %s user add nurse --role clinician --db '%s'",
                         bin, app),
        0);
    /* Not for the app role: rewriting the audit or records, the schema, the triggers. */
    static const char *const refused[] = {
        "UPDATE audit SET user_name = 'nobody'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "ALTER TABLE audit DISABLE TRIGGER ALL",
        "DROP TABLE audit",
        "DROP TABLE visits",
        "DELETE FROM visits",
        "UPDATE visits SET total_units = 1",
        "UPDATE patients SET id = 999 WHERE id = 2",
        "UPDATE bont_schema SET version = 1",
        "CREATE TABLE extra (x int)",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        CHECK_MSG(store_test_sql_exec(app, refused[i]) != 0, "the app role may: %s", refused[i]);
    /* Not for the owner either: the audit log's triggers hold for every role. */
    CHECK(store_test_sql_exec(t.db, "UPDATE audit SET user_name = 'nobody'") != 0);
    CHECK(store_test_sql_exec(t.db, "DELETE FROM audit") != 0);
    CHECK(store_test_sql_exec(t.db, "TRUNCATE audit") != 0);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM audit"), 2);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits"), 1);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM patients"), 2);
cleanup:
    store_test_db_drop(&t);
    drop_role(role);
}

/* ---- two app servers ---- */

typedef struct served_t {
    pid_t pid;
    unsigned port;
    char log[128];
} served_t;

/* Starts `bont serve` on a free loopback port and waits until it listens. */
static bool serve(const store_test_db_t *t, const char *db, const char *tag, served_t *sv)
{
    char cmd[2048];
    snprintf(sv->log, sizeof sv->log, "%s/serve-%s.log", t->dir, tag);
    snprintf(cmd, sizeof cmd, "exec %s serve --listen 127.0.0.1:0 --db '%s' >%s 2>&1",
             bont_test_bin(), db, sv->log);
    sv->port = 0;
    sv->pid = fork();
    if (sv->pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600 && !sv->port; i++) {
        store_test_sleep_us(50000);
        FILE *f = fopen(sv->log, "r");
        char line[1024];
        while (f && fgets(line, sizeof line, f)) {
            const char *at = strstr(line, "http://127.0.0.1:");
            if (at)
                sv->port = (unsigned)atoi(at + 17);
        }
        if (f)
            fclose(f);
    }
    CHECK_MSG(sv->port > 0, "bont serve (%s) did not start; see %s", tag, sv->log);
    return sv->port > 0;
}

static void stop(served_t *sv)
{
    if (sv->pid > 0) {
        kill(sv->pid, SIGTERM);
        waitpid(sv->pid, NULL, 0);
        sv->pid = 0;
    }
}

/* One request with curl; the status, and the body into out. */
static int http(const served_t *sv, const char *method, const char *path, const char *cookie,
                const char *csrf, const char *json_file, char *out, size_t size)
{
    char cmd[4096], errs[4096];
    snprintf(cmd, sizeof cmd,
             "curl -s -m 60 -w '\\n%%{http_code}' -X %s -H 'Origin: http://127.0.0.1:%u' "
             "%s%s%s %s%s%s %s%s http://127.0.0.1:%u%s",
             method, sv->port, cookie ? "-H 'Cookie: " : "", cookie ? cookie : "",
             cookie ? "'" : "", csrf ? "-H 'X-CSRF-Token: " : "", csrf ? csrf : "", csrf ? "'" : "",
             json_file ? "-H 'Content-Type: application/json' --data-binary @" : "",
             json_file ? json_file : "", sv->port, path);
    if (bont_test_run(cmd, out, size, errs, sizeof errs) != 0)
        return 0;
    char *nl = strrchr(out, '\n');
    int status = nl ? atoi(nl + 1) : 0;
    if (nl)
        *nl = '\0';
    return status;
}

/* Logs carl in on sv: the session cookie ("bont_session=...") and its CSRF token. */
static bool login(const served_t *sv, char *cookie, size_t size, char *csrf, size_t csrf_size)
{
    char cmd[1024], out[4096], errs[1024];
    snprintf(cmd, sizeof cmd,
             "curl -s -m 60 -o /dev/null -D - -X POST -H 'Origin: http://127.0.0.1:%u' "
             "--data-urlencode user=carl --data-urlencode 'password=%s' "
             "http://127.0.0.1:%u/login",
             sv->port, SECRET_PW, sv->port);
    cookie[0] = csrf[0] = '\0';
    bont_test_run(cmd, out, sizeof out, errs, sizeof errs);
    const char *c = strstr(out, "bont_session=");
    if (c)
        snprintf(cookie, size, "%.*s", (int)strcspn(c, ";\r\n"), c);
    int status = http(sv, "GET", "/api/v1/session", cookie, NULL, NULL, out, sizeof out);
    const char *tok = strstr(out, "\"csrf_token\"");
    tok = tok ? strchr(tok + 12, '"') : NULL;
    if (tok)
        snprintf(csrf, csrf_size, "%.*s", (int)strcspn(tok + 1, "\""), tok + 1);
    CHECK_MSG(c && status == 200 && csrf[0], "login on port %u failed: %s", sv->port, out);
    return c && status == 200 && csrf[0];
}

/* Two app servers on one database (one as the owner, one as the app role with a password):
 * a session made on one serves on the other and ends on both; the same visit sent to both at
 * once gets in exactly once, trial after trial; the audit holds both servers' entries. */
TEST_TIMEOUT(pg_two_servers_share_sessions_and_let_one_visit_in, 300)
{
    char app[640], out[65536], cookie[256], csrf[256], cookie_b[256], csrf_b[256], body[640];
    store_test_db_t t;
    served_t a = {0}, b = {0};
    const char *role = "bont_password_test";
    const int trials = 6;
    if (!store_test_db_new(&t, true, ""))
        return;
    long long id = owner_store(t.db);
    if (!app_role(&t, role, app, sizeof app))
        goto cleanup;
    if (!serve(&t, t.db, "a", &a) || !serve(&t, app, "b", &b))
        goto cleanup;
    CHECK_INT(store_test_shell(out, sizeof out, NULL, 0, "cat %s", b.log), 0);
    CHECK_MSG(strstr(out, SECRET_PW) == NULL, "bont serve showed the password: %s", out);

    /* A session made on A serves on B; logging out on B ends it on A. */
    if (!login(&a, cookie, sizeof cookie, csrf, sizeof csrf))
        goto cleanup;
    CHECK_INT(http(&b, "GET", "/api/v1/session", cookie, NULL, NULL, out, sizeof out), 200);
    CHECK(strstr(out, "\"carl\"") != NULL);
    CHECK_INT(http(&b, "POST", "/logout", cookie, csrf, NULL, out, sizeof out), 303);
    CHECK_INT(http(&a, "GET", "/api/v1/session", cookie, NULL, NULL, out, sizeof out), 401);

    /* The same visit through both servers at once: one 201, one 409, one visit. */
    if (!login(&a, cookie, sizeof cookie, csrf, sizeof csrf) ||
        !login(&b, cookie_b, sizeof cookie_b, csrf_b, sizeof csrf_b))
        goto cleanup;
    int bad = 0;
    /* The web app's handler for POST /api/v1/visits may not be in this build yet (it answers
     * 501 until then): the race through two servers runs as soon as it is. */
    snprintf(body, sizeof body, "%s/empty.json", t.dir);
    CHECK_INT(store_test_shell(NULL, 0, NULL, 0, "printf '{}' >%s", body), 0);
    if (http(&a, "POST", "/api/v1/visits", cookie, csrf, body, out, sizeof out) == 501) {
        printf("    SKIPPED: POST /api/v1/visits is not served by this build yet (501), so the "
               "visit race through two servers did not run\n");
        goto cleanup;
    }
    for (int trial = 0; trial < trials; trial++) {
        long long pid = id;
        if (trial > 0) {
            char sql[256];
            snprintf(sql, sizeof sql,
                     "INSERT INTO patients (name, birth_date, sex) VALUES ('Trial %d', "
                     "'1974-03-02', 'female') RETURNING id",
                     trial);
            pid = store_test_sql_int(t.db, sql);
        }
        snprintf(body, sizeof body, "%s/visit-%d.json", t.dir, trial);
        CHECK_INT(store_test_shell(
                      NULL, 0, NULL, 0,
                      "printf '{\"patient\": %lld, \"lot\": \"L%d\", \"expiry\": \"2027-01-01\", "
                      "\"plan\": ' >%s && cat " PLAN " >>%s && printf '}' >>%s",
                      pid, trial, body, body, body),
                  0);
        CHECK_INT(store_test_shell(
                      out, sizeof out, NULL, 0,
                      "p() { curl -s -m 60 -o /dev/null -w '%%{http_code}\\n' -X POST -H "
                      "\"Origin: http://127.0.0.1:$1\" -H \"Cookie: $2\" -H \"X-CSRF-Token: $3\" "
                      "-H 'Content-Type: application/json' --data-binary @%s "
                      "http://127.0.0.1:$1/api/v1/visits; }; "
                      "p %u '%s' '%s' & p %u '%s' '%s' & wait",
                      body, a.port, cookie, csrf, b.port, cookie_b, csrf_b),
                  0);
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM visits WHERE patient_id = %lld", pid);
        long long stored = store_test_sql_int(t.db, sql);
        /* Written: 201; refused by the check: 409 in docs/openapi.yaml, 422 in some builds. */
        bool one = strstr(out, "201") && (strstr(out, "409") || strstr(out, "422")) &&
                   strlen(out) == 8 && stored == 1;
        CHECK_MSG(one, "trial %d: answers %s, %lld visits stored (want one 201, one refusal, 1)",
                  trial, out, stored);
        bad += !one;
    }
    printf("    two servers: %d trials of one visit sent to both at once, %d with other than one "
           "visit\n",
           trials, bad);
    /* Each server wrote its own audit entries into the one log. */
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM audit WHERE kind = 'visit.add' AND "
                                       "status = 201"),
              trials);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM audit WHERE kind = 'visit.add' AND "
                                       "status IN (409, 422)"),
              trials);
cleanup:
    stop(&a);
    stop(&b);
    store_test_db_drop(&t);
    drop_role(role);
}
