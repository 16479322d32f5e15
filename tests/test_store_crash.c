/* test_store_crash.c: nothing lost, nothing half-written, on SQLite and PostgreSQL: writers
 * killed with SIGKILL at random moments, and processes writing at once. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bont/store.h"
#include "test.h"
#include "test_store.h"

/* Child: open the store (creating and migrating it when new) and write visits of 1 to 12
 * injections, with outcomes and wear-off updates between them, until killed. Exits 1 on the
 * first failed write, which the parent reports. */
static void write_until_killed(const char *path, unsigned seed)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    srand(seed);
    if (store_test_open(&s, path, &err) != 0)
        _exit(1);
    bont_store_patient_t p = store_test_patient("Crash Test");
    if (bont_store_patient_add(s, &p, &err) != 0)
        _exit(1);
    for (;;) {
        bont_store_visit_t v;
        store_test_visit(&v, p.id, "2026-03-01", "K9", 1 + (size_t)(rand() % 12));
        if (bont_store_visit_add(s, &v, &err) != 0)
            _exit(1);
        if (rand() % 3 == 0) {
            bont_store_outcome_t o = {0};
            o.visit_id = v.id;
            snprintf(o.scale, sizeof o.scale, "twstrs");
            o.score = rand() % 86;
            snprintf(o.date, sizeof o.date, "2026-03-20");
            if (bont_store_outcome_add(s, &o, &err) != 0 ||
                bont_store_visit_wore_off(s, v.id, "2026-06-01", &err) != 0)
                _exit(1);
        }
        bont_store_visit_clear(&v);
    }
}

/* Whether t holds no store at all (SQLite: no file; PostgreSQL: no table), as a process killed
 * while creating it must leave it; a PostgreSQL schema is there whole or not at all. */
static bool never_made(const store_test_db_t *t)
{
    if (!t->pg)
        return access(t->db, F_OK) != 0;
    long long n = store_test_sql_int(
        t->db, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()");
    CHECK_MSG(n == 0 || n >= 10, "%s: %lld tables: a schema half made", t->name, n);
    return n == 0;
}

STORE_TEST(store_survives_sigkill_at_random_moments, 240)
{
    enum { ROUNDS = 60, STORES = ROUNDS / 6 };
    store_test_db_t t[STORES];
    bont_error_t err;
    bont_store_t *s = NULL;
    int killed = 0, early_exit = 0;
    double t0 = store_test_now_s();
    for (int f = 0; f < STORES; f++)
        if (!store_test_db_new(&t[f], pg, "crash.db"))
            return;
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int round = 0; round < ROUNDS; round++) {
        /* Every sixth round starts a fresh store, so some kills land while it is being created
         * (SQLite: the file, switched to WAL; PostgreSQL: the schema) or migrated. */
        const char *path = t[round / 6].db;
        pid_t pid = fork();
        if (pid == 0)
            write_until_killed(path, (unsigned)rand());
        /* 0 to 150 ms: from before the first write to deep into a run of writes. Making the
         * schema of a new PostgreSQL store takes about that long, so there every other round
         * waits up to 400 ms. */
        store_test_sleep_us(rand() % (pg && round % 2 ? 400000 : 150000));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
            killed++;
        else
            early_exit++;
    }
    CHECK_INT(early_exit, 0);
    CHECK_INT(killed, ROUNDS);
    long long visits = 0, injections = 0;
    int not_made = 0;
    for (int f = 0; f < STORES; f++) {
        const char *path = t[f].db;
        bont_error_clear(&err);
        /* A store killed while it was being created is not there at all; one that is there
         * opens as it is, never re-created. */
        if (never_made(&t[f])) {
            not_made++;
            continue;
        }
        int rc = bont_store_open(&s, path, BONT_STORE_EXISTING, &err);
        CHECK_MSG(rc == 0, "%s: open after kills: %s", path, err.message);
        if (rc != 0)
            continue;
        rc = bont_store_verify(s, &err);
        CHECK_MSG(rc == 0, "%s: %s", path, err.message);
        bont_store_close(&s);
        if (!pg)
            CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM pragma_integrity_check WHERE "
                                               "integrity_check != 'ok'"),
                      0);
        CHECK_INT(store_test_sql_int(
                      path, "SELECT count(*) FROM visits v WHERE v.n_injections != (SELECT "
                            "count(*) FROM injections i WHERE i.visit_id = v.id)"),
                  0);
        CHECK_INT(store_test_sql_int(
                      path, "SELECT count(*) FROM vials WHERE id NOT IN (SELECT vial_id FROM "
                            "visits)"),
                  0);
        visits += store_test_sql_int(path, "SELECT count(*) FROM visits");
        injections += store_test_sql_int(path, "SELECT count(*) FROM injections");
    }
    CHECK(visits > 0);
    printf("    sigkill%s: %d kills, %lld visits with %lld injections intact, %d of %d stores "
           "never made, %.1f s\n",
           pg ? " (PostgreSQL)" : "", killed, visits, injections, not_made, STORES,
           store_test_now_s() - t0);
    for (int f = 0; f < STORES; f++)
        store_test_db_drop(&t[f]);
}

/* Child: writes n patients and n visits on its own connection; exits with the number of
 * failed writes (0 when every one succeeded). */
static void write_n(const char *path, int n, const char *tag)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    int failed = 0;
    if (store_test_open(&s, path, &err) != 0) {
        fprintf(stderr, "%s: open: %s\n", tag, err.message);
        _exit(100);
    }
    for (int i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s %d", tag, i);
        bont_store_patient_t p = store_test_patient(name);
        if (bont_store_patient_add(s, &p, &err) != 0) {
            fprintf(stderr, "%s: patient %d: %s\n", tag, i, err.message);
            failed++;
            continue;
        }
        bont_store_visit_t v;
        store_test_visit(&v, p.id, "2026-05-05", tag, 3);
        if (bont_store_visit_add(s, &v, &err) != 0) {
            fprintf(stderr, "%s: visit %d: %s\n", tag, i, err.message);
            failed++;
        }
        bont_store_visit_clear(&v);
    }
    bont_store_close(&s);
    _exit(failed > 99 ? 99 : failed);
}

STORE_TEST(store_two_concurrent_writers_lose_nothing, 240)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    const int n = 300;
    double t0 = store_test_now_s();
    /* Both start on a store that does not exist yet (no file; an empty database): creation and
     * migration race too. */
    if (!store_test_db_new(&t, pg, "shared.db"))
        return;
    const char *path = t.db;
    pid_t a = fork();
    if (a == 0)
        write_n(path, n, "WA");
    pid_t b = fork();
    if (b == 0)
        write_n(path, n, "WB");
    int sa = 0, sb = 0;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    CHECK(WIFEXITED(sa) && WEXITSTATUS(sa) == 0);
    CHECK(WIFEXITED(sb) && WEXITSTATUS(sb) == 0);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM patients"), 2 * n);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM visits"), 2 * n);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM injections"), 6 * n);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM vials WHERE lot = 'WA'"), n);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM vials WHERE lot = 'WB'"), n);
    /* Each writer's visits went to its own patients. */
    CHECK_INT(store_test_sql_int(
                  path, "SELECT count(*) FROM visits v JOIN vials l ON l.id = v.vial_id JOIN "
                        "patients p ON p.id = v.patient_id WHERE substr(p.name, 1, 2) != l.lot"),
              0);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    CHECK_INT(bont_store_verify(s, &err), 0);
    bont_store_close(&s);
    printf("    two writers%s: %d + %d patients and visits, nothing lost, %.1f s\n",
           pg ? " (PostgreSQL)" : "", n, n, store_test_now_s() - t0);
    store_test_db_drop(&t);
}

/* A backup taken while another process writes is a consistent copy of one moment. */
TEST_TIMEOUT(store_backup_while_writing, 120)
{
    char dir[64], path[128], copy[128];
    bont_error_t err;
    bont_store_t *s = NULL, *c = NULL;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/live.db", dir);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    pid_t w = fork();
    if (w == 0)
        write_until_killed(path, 7);
    store_test_sleep_us(100000);
    for (int i = 0; i < 5; i++) {
        snprintf(copy, sizeof copy, "%s/copy-%d.db", dir, i);
        int rc = bont_store_backup(s, copy, &err);
        CHECK_MSG(rc == 0, "backup %d: %s", i, err.message);
        if (rc == 0) {
            CHECK_INT(store_test_open(&c, copy, &err), 0);
            CHECK_INT(bont_store_verify(c, &err), 0);
            bont_store_close(&c);
        }
        store_test_sleep_us(30000);
    }
    kill(w, SIGKILL);
    waitpid(w, NULL, 0);
    CHECK(store_test_sql_int(copy, "SELECT count(*) FROM visits") > 0);
    bont_store_close(&s);
    store_test_rmdir(dir);
}

/* The same through the command: `bont visit record` killed at random moments. Every run that
 * finished has its visit in the file; a killed run left its whole visit or none of it. */
STORE_TEST(store_cli_visit_record_survives_sigkill, 240)
{
    char arg_db[600];
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    const int rounds = 80;
    int finished = 0, killed = 0, failed = 0;
    double t0 = store_test_now_s();
    if (!store_test_db_new(&t, pg, "cli.db"))
        return;
    const char *path = t.db;
    snprintf(arg_db, sizeof arg_db, "--db=%s", path);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Killed Often");
    snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_close(&s);
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int round = 0; round < rounds; round++) {
        pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            execl(bont_test_bin(), "bont", "visit", "record", "tests/golden/store/cd-visit1.json",
                  "--patient", "1", "--lot", "KILL1", "--expiry", "2027-01-01", "--injected",
                  "10:00", "--override", "crash test: same plan recorded again", arg_db,
                  (char *)NULL);
            _exit(127);
        }
        store_test_sleep_us(rand() % 90000);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFSIGNALED(status))
            killed++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            finished++;
        else
            failed++;
    }
    CHECK_INT(failed, 0);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    int rc = bont_store_verify(s, &err);
    CHECK_MSG(rc == 0, "%s", err.message);
    bont_store_close(&s);
    long long visits = store_test_sql_int(path, "SELECT count(*) FROM visits");
    CHECK(visits >= finished);
    CHECK(visits <= finished + killed);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM injections"), visits * 4);
    printf("    cli sigkill%s: %d runs killed, %d finished, %lld visits whole, %.1f s\n",
           pg ? " (PostgreSQL)" : "", killed, finished, visits, store_test_now_s() - t0);
    store_test_db_drop(&t);
}

/* Shells adding patients through the command at the same time (two on SQLite, eight on
 * PostgreSQL, as app servers of several sites would): every add succeeds, none is lost. */
STORE_TEST(store_cli_parallel_writers, 240)
{
    char cmd[2048], out[4096], err[4096];
    store_test_db_t t;
    const int writers = pg ? 8 : 2, n = pg ? 15 : 40;
    double t0 = store_test_now_s();
    if (!store_test_db_new(&t, pg, "two.db"))
        return;
    snprintf(cmd, sizeof cmd,
             "w() { i=0; while [ $i -lt %d ]; do i=$((i+1)); %s patient add --name \"$1 $i\" "
             "--birth 1980-01-01 --sex female --db '%s' >/dev/null || exit 1; done; }; "
             "pids=; for k in $(seq %d); do w W$k & pids=\"$pids $!\"; done; "
             "for p in $pids; do wait $p || exit 1; done",
             n, bont_test_bin(), t.db, writers);
    int rc = bont_test_run(cmd, out, sizeof out, err, sizeof err);
    CHECK_MSG(rc == 0, "a writer failed (exit %d): %s", rc, err);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM patients"), writers * n);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(DISTINCT name) FROM patients"), writers * n);
    printf("    cli writers%s: %d x %d patient adds, none failed or lost, %.1f s\n",
           pg ? " (PostgreSQL)" : "", writers, n, store_test_now_s() - t0);
    store_test_db_drop(&t);
}
