/* test_store_pg.c: what only a PostgreSQL store has: a database that is not (yet) a store, schema
 * versions in a table, a server that cannot be reached or refuses the password (named, never the
 * password), a connection lost in the middle of a visit, the app role's grants, backups by the
 * server's own tools. Run in the cluster of scripts/pgtest.sh. */
#include <libpq-fe.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bont/store.h"
#include "store/pg.h"
#include "test.h"
#include "test_store.h"

#define PLAN "tests/golden/store/cd-visit1.json"

/* A store with one patient born 1974-03-02 (the age cd-visit1.json gives); its id. */
static long long store_with_patient(const char *db)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_patient_t p = store_test_patient("Pat Gres");
    snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
    CHECK_INT(store_test_open(&s, db, &err), 0);
    if (s)
        CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_close(&s);
    return p.id;
}

static long long n_tables(const char *db)
{
    return store_test_sql_int(db, "SELECT count(*) FROM pg_tables WHERE schemaname = "
                                  "current_schema()");
}

/* Read commands never make the schema; a command that adds records makes it and says so once. */
TEST_TIMEOUT(pg_store_only_patient_add_creates_the_schema, 120)
{
    char out[8192], err[8192], want[768];
    store_test_db_t t;
    static const char *const reads[] = {
        "patient list",
        "patient show 1",
        "history 1 --today 2026-03-01",
        "recall L1",
        "due --today 2026-03-01",
        "export 1 --fhir",
        "audit",
        "user list",
        "backup /tmp/x.db",
        "visit record " PLAN " --patient 1 --lot L --expiry 2027-01-01",
        "outcome add --visit 1 --wore-off 2026-01-01",
        "ae add --visit 1 --what ptosis --onset-day 1 --severity mild"};
    if (!store_test_db_new(&t, true, ""))
        return;
    snprintf(want, sizeof want, "no bont store at %s; nothing was created", t.shown);
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        int rc = store_test_bont(out, sizeof out, err, sizeof err, "%s --db '%s'", reads[i], t.db);
        CHECK_MSG(rc == 2, "%s: exit %d, expected 2", reads[i], rc);
        CHECK_MSG(strstr(err, want) != NULL, "%s: stderr lacks \"%s\": %s", reads[i], want, err);
        CHECK_MSG(out[0] == '\0', "%s printed on stdout: %s", reads[i], out);
    }
    CHECK_INT(n_tables(t.db), 0);
    snprintf(want, sizeof want, "bont: created a new store at %s\n", t.shown);
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err,
                              "patient add --name A --birth 1970-01-01 --sex male --db '%s'", t.db),
              0);
    CHECK_STR(out, "1\n");
    CHECK_STR(err, want);
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err,
                              "patient add --name B --birth 1970-01-01 --sex male --db '%s'", t.db),
              0);
    CHECK_STR(out, "2\n");
    CHECK_STR(err, "");
    CHECK_INT(store_test_sql_int(t.db, "SELECT version FROM bont_schema"),
              BONT_STORE_SCHEMA_VERSION);
    store_test_db_drop(&t);
}

/* A newer schema is refused with SQLite's message, and nothing is changed. */
TEST(pg_store_refuses_newer_schema_untouched)
{
    char out[4096], errs[4096];
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, true, ""))
        return;
    store_with_patient(t.db);
    CHECK_INT(store_test_sql_exec(t.db, "UPDATE bont_schema SET version = 99"), 0);
    bont_error_clear(&err);
    CHECK_INT(store_test_open(&s, t.db, &err), BONT_ESCHEMA);
    CHECK(s == NULL);
    CHECK_STR(err.message, "the store was written by a newer bont (schema version 99; this bont "
                           "reads up to 3): use a newer bont; the database was not changed");
    CHECK_STR(err.file, t.shown);
    CHECK_INT(store_test_bont(out, sizeof out, errs, sizeof errs, "patient list --db '%s'", t.db),
              2);
    CHECK(strstr(errs, "newer bont (schema version 99") != NULL);
    CHECK_INT(store_test_sql_int(t.db, "SELECT version FROM bont_schema"), 99);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM patients"), 1);
    store_test_db_drop(&t);
}

/* A database of another program is refused and left as it was. */
TEST(pg_store_refuses_other_programs_databases)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, true, ""))
        return;
    CHECK_INT(store_test_sql_exec(t.db, "CREATE TABLE patients (x int); INSERT INTO patients "
                                        "VALUES (1)"),
              0);
    CHECK_INT(store_test_open(&s, t.db, &err), BONT_ESCHEMA);
    CHECK(strstr(err.message, "another program") != NULL);
    CHECK(strstr(err.message, "left as it is") != NULL);
    CHECK_INT(n_tables(t.db), 1);
    CHECK_INT(store_test_sql_int(t.db, "SELECT x FROM patients"), 1);
    store_test_db_drop(&t);
}

/* A database made by schema version 1 is migrated forward with its records intact. */
TEST(pg_store_migrates_v1_database)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    if (!store_test_db_new(&t, true, ""))
        return;
    CHECK_INT(store_test_sql_exec(t.db, bont__pg_schema_table), 0);
    CHECK_INT(store_test_sql_exec(t.db, bont__pg_migrations[0]), 0);
    CHECK_INT(store_test_sql_exec(
                  t.db,
                  "UPDATE bont_schema SET version = 1;"
                  "INSERT INTO patients (name, birth_date, sex, weight_kg) VALUES ('Version One', "
                  "'1970-01-01', 'female', 60);"
                  "INSERT INTO vials (product, lot, expiry) VALUES ('onabotulinumtoxinA', 'V1', "
                  "'2026-01-01');"
                  "INSERT INTO visits (patient_id, vial_id, date, indication, total_units, "
                  "n_injections) VALUES (1, 1, '2025-03-01', 'cervical_dystonia', 30, 2);"
                  "INSERT INTO injections (visit_id, seq, muscle, side, units, sites) VALUES "
                  "(1, 1, 'trapezius', 'left', 10, 1), (1, 2, 'splenius_capitis', 'right', 20, 2)"),
              0);
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    CHECK_INT(bont_store_schema_version(s), BONT_STORE_SCHEMA_VERSION);
    CHECK(!bont_store_created(s));
    CHECK_INT(bont_store_record_load(s, 1, &rec, &err), 0);
    if (rec) {
        CHECK_STR(rec->patient.name, "Version One");
        CHECK_INT(rec->n_visits, 1);
        CHECK_INT(rec->n_visits ? rec->visits[0].n_injections : 0, 2);
    }
    bont_store_record_free(&rec);
    CHECK_INT(bont_store_visit_wore_off(s, 1, "2025-06-01", &err), 0);
    CHECK_INT(bont_store_verify(s, &err), 0);
    bont_store_close(&s);
    CHECK_INT(store_test_sql_int(t.db, "SELECT version FROM bont_schema"),
              BONT_STORE_SCHEMA_VERSION);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM users"), 0);
    store_test_db_drop(&t);
}

/* An unreachable server and a wrong password: exit 4, the host named, the password nowhere. */
TEST_TIMEOUT(pg_connect_errors_name_the_host_never_the_password, 120)
{
    char url[640], out[8192], err[8192];
    store_test_db_t t;
    bont_error_t e;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, true, ""))
        return;
    /* Nothing listens on port 1. */
    CHECK_INT(
        store_test_bont(out, sizeof out, err, sizeof err,
                        "patient list --db 'postgresql://clinic:Pw-Refused-8c1@127.0.0.1:1/bont'"),
        4);
    CHECK_MSG(strstr(err, "cannot connect to the database server at 127.0.0.1 port 1") != NULL,
              "%s", err);
    CHECK_MSG(strstr(err, "Pw-Refused-8c1") == NULL, "the password was shown: %s", err);
    /* A socket folder without a server. */
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err,
                              "patient list --db 'host=/nonexistent/socket dbname=bont user=x "
                              "password=Pw-Kv-77'"),
              4);
    CHECK_MSG(strstr(err, "/nonexistent/socket") && !strstr(err, "Pw-Kv-77"), "%s", err);
    /* The right server, a wrong password (pg_hba.conf of scripts/pgtest.sh asks this role). */
    store_test_pg_admin("DROP ROLE IF EXISTS bont_password_test");
    CHECK_INT(store_test_pg_admin("CREATE ROLE bont_password_test LOGIN PASSWORD 'Pw-Right-41'"),
              0);
    store_test_pg_url(url, sizeof url, t.name, "bont_password_test", "Pw-Wrong-93");
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err, "patient list --db '%s'", url), 4);
    CHECK_MSG(strstr(err, "password authentication failed") != NULL, "%s", err);
    CHECK_MSG(strstr(err, "/tmp/bont-pg-") != NULL, "the host is not named: %s", err);
    CHECK_MSG(strstr(err, "Pw-Wrong-93") == NULL, "the password was shown: %s", err);
    CHECK_INT(bont_store_open(&s, url, BONT_STORE_EXISTING, &e), BONT_ECONNECT);
    CHECK(strstr(e.file, "Pw-Wrong-93") == NULL && strstr(e.message, "Pw-Wrong-93") == NULL);
    /* With the right one it works, and no message shows it either. */
    CHECK_INT(store_test_pg_admin("GRANT CREATE ON SCHEMA public TO bont_password_test"), 0);
    char grant[256];
    snprintf(grant, sizeof grant, "ALTER DATABASE %s OWNER TO bont_password_test", t.name);
    CHECK_INT(store_test_pg_admin(grant), 0);
    store_test_pg_url(url, sizeof url, t.name, "bont_password_test", "Pw-Right-41");
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err,
                              "patient add --name A --birth 1970-01-01 --sex male --db '%s'", url),
              0);
    CHECK_MSG(strstr(err, "created a new store at") && !strstr(err, "Pw-Right-41"), "%s", err);
    /* A string libpq cannot read is unusable input (exit 2), not a connection failure. */
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err,
                              "patient list --db 'postgresql://x:Pw-Bad-5@[::1/db'"),
              2);
    CHECK_MSG(strstr(err, "Pw-Bad-5") == NULL, "%s", err);
    store_test_db_drop(&t);
    store_test_pg_admin("DROP OWNED BY bont_password_test");
    store_test_pg_admin("DROP ROLE IF EXISTS bont_password_test");
}

/* `bont backup` on PostgreSQL names the server's own tools, with its own exit code. */
TEST(pg_backup_names_pg_dump)
{
    char out[4096], err[4096];
    store_test_db_t t;
    if (!store_test_db_new(&t, true, ""))
        return;
    store_with_patient(t.db);
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err, "backup %s/copy.db --db '%s'",
                              t.dir, t.db),
              5);
    CHECK(strstr(err, "pg_dump") && strstr(err, "pg_basebackup"));
    CHECK_STR(out, "");
    CHECK(access(t.dir, F_OK) == 0);
    char copy[128];
    snprintf(copy, sizeof copy, "%s/copy.db", t.dir);
    CHECK(access(copy, F_OK) != 0);
    store_test_db_drop(&t);
}

/* The pid of the bont backend of database name that waits for a lock, after up to 20 s. */
static int waiting_backend(const char *admin_db, const char *name)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND application_name = "
             "'bont' AND wait_event_type = 'Lock'",
             name);
    for (int i = 0; i < 400; i++) {
        long long pid = store_test_sql_int(admin_db, sql);
        if (pid > 0)
            return (int)pid;
        store_test_sleep_us(50000);
    }
    return 0;
}

/* A visit whose connection is cut while it is in the middle of its transaction (it holds BEGIN
 * and waits for the patient's row, which another session holds) writes nothing, says so, and
 * exits 4; the next visit goes in. */
TEST_TIMEOUT(pg_lost_connection_mid_visit_writes_nothing, 120)
{
    char cmd[2048], out[8192], err[8192], sql[256];
    store_test_db_t t;
    if (!store_test_db_new(&t, true, ""))
        return;
    long long id = store_with_patient(t.db);
    PGconn *holder = PQconnectdb(t.db);
    CHECK(PQstatus(holder) == CONNECTION_OK);
    snprintf(sql, sizeof sql, "BEGIN; SELECT id FROM patients WHERE id = %lld FOR UPDATE", id);
    PQclear(PQexec(holder, sql));
    snprintf(cmd, sizeof cmd,
             "%s visit record " PLAN " --patient %lld --lot L1 --expiry 2027-01-01 --injected "
             "10:00 --db '%s' >%s/out 2>%s/err; echo $? >%s/rc",
             bont_test_bin(), id, t.db, t.dir, t.dir, t.dir);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int backend = waiting_backend(t.db, t.name);
    CHECK(backend > 0);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%d)::int", backend);
    CHECK_INT(store_test_sql_int(t.db, sql), 1);
    store_test_sleep_us(100000);
    PQclear(PQexec(holder, "COMMIT"));
    PQfinish(holder);
    waitpid(pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "cat %s/rc; cat %s/err >&2", t.dir, t.dir);
    bont_test_run(cmd, out, sizeof out, err, sizeof err);
    CHECK_STR(out, "4\n");
    CHECK_MSG(strstr(err, "connection to the database server was lost") &&
                  strstr(err, "nothing of this transaction was written"),
              "%s", err);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits"), 0);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM vials"), 0);
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err,
                              "visit record " PLAN " --patient %lld --lot L1 --expiry 2027-01-01 "
                              "--injected 10:00 --db '%s'",
                              id, t.db),
              0);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits"), 1);
    store_test_db_drop(&t);
}

/* Child: writes visits for 400 ms on one connection, which the parent cuts at a random moment;
 * exits with how many writes lost their connection (at most 100), or 200 + n for n that failed
 * otherwise. The connection is reset before the next transaction. */
static void write_while_cut(const char *db, long long patient_id)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    int lost = 0, other = 0;
    if (store_test_open(&s, db, &err) != 0)
        _exit(250);
    double end = store_test_now_s() + 0.4;
    while (store_test_now_s() < end) {
        bont_store_visit_t v;
        store_test_visit(&v, patient_id, "2026-03-01", "CUT1", 1 + (size_t)(rand() % 12));
        int rc = bont_store_visit_add(s, &v, &err);
        lost += rc == BONT_ECONNECT;
        other += rc != 0 && rc != BONT_ECONNECT;
        if (rc != 0 && rc != BONT_ECONNECT)
            fprintf(stderr, "write: %s\n", err.message);
        bont_store_visit_clear(&v);
    }
    bont_store_close(&s);
    _exit(other ? 200 + (other > 50 ? 50 : other) : (lost > 100 ? 100 : lost));
}

/* Connections cut by the server (pg_terminate_backend) at random moments of a run of writes:
 * every visit is whole or absent, nothing else fails, and the writer goes on. */
TEST_TIMEOUT(pg_terminated_connections_leave_whole_visits, 180)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    char sql[256];
    const int rounds = 20;
    int lost = 0, bad = 0;
    if (!store_test_db_new(&t, true, ""))
        return;
    long long id = store_with_patient(t.db);
    snprintf(sql, sizeof sql,
             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
             "'%s' AND application_name = 'bont'",
             t.name);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        if (pid == 0)
            write_while_cut(t.db, id);
        store_test_sleep_us(50000 + rand() % 300000);
        store_test_sql_int(t.db, sql);
        int status = 0;
        waitpid(pid, &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
        if (code >= 200)
            bad++;
        else
            lost += code;
    }
    CHECK_INT(bad, 0);
    CHECK(lost > 0);
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    int rc = bont_store_verify(s, &err);
    CHECK_MSG(rc == 0, "%s", err.message);
    bont_store_close(&s);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM vials WHERE id NOT IN (SELECT "
                                       "vial_id FROM visits)"),
              0);
    printf("    %d rounds, %d writes lost their connection, %lld visits whole\n", rounds, lost,
           store_test_sql_int(t.db, "SELECT count(*) FROM visits"));
    store_test_db_drop(&t);
}

/* The server restarted (pg_ctl restart -m fast) while a visit waits inside its transaction: the
 * visit exits 4 and wrote nothing; a store opened before the restart works again after it, its
 * connection reset before its next transaction (as a long-running bont serve needs). */
TEST_TIMEOUT(pg_server_restart_mid_visit_writes_nothing, 120)
{
    char cmd[2048], out[8192], err[8192], sql[256];
    store_test_db_t t;
    bont_error_t e;
    bont_store_t *s = NULL;
    const char *ctl = getenv("BONT_TEST_PG_CTL");
    CHECK_MSG(ctl && *ctl, "no BONT_TEST_PG_CTL: run through scripts/pgtest.sh");
    if (!ctl || !store_test_db_new(&t, true, ""))
        return;
    long long id = store_with_patient(t.db);
    CHECK_INT(store_test_open(&s, t.db, &e), 0);
    PGconn *holder = PQconnectdb(t.db);
    snprintf(sql, sizeof sql, "BEGIN; SELECT id FROM patients WHERE id = %lld FOR UPDATE", id);
    PQclear(PQexec(holder, sql));
    snprintf(cmd, sizeof cmd,
             "%s visit record " PLAN " --patient %lld --lot L1 --expiry 2027-01-01 --injected "
             "10:00 --db '%s' >/dev/null 2>%s/err; echo $? >%s/rc",
             bont_test_bin(), id, t.db, t.dir, t.dir);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    CHECK(waiting_backend(t.db, t.name) > 0);
    snprintf(cmd, sizeof cmd, "%s -m fast -w -t 60 restart >/dev/null", ctl);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    PQfinish(holder);
    waitpid(pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "cat %s/rc; cat %s/err >&2", t.dir, t.dir);
    bont_test_run(cmd, out, sizeof out, err, sizeof err);
    CHECK_STR(out, "4\n");
    CHECK_MSG(strstr(err, "nothing of this transaction was written") != NULL, "%s", err);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits"), 0);
    /* The handle from before the restart: its next transaction reconnects. */
    bont_store_patient_t p = store_test_patient("After Restart");
    int rc = bont_store_patient_add(s, &p, &e);
    CHECK_MSG(rc == 0, "after the restart: %s", e.message);
    bont_store_close(&s);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM patients"), 2);
    store_test_db_drop(&t);
}
