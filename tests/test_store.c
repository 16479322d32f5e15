/* test_store.c: the record store's library API: schema, migrations, records, refusal of files
 * it must not touch, outcome scales, recall, backup and the personal duration estimate. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bont/store.h"
#include "test.h"
#include "test_store.h"

void store_test_tmpdir(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/bont-store-test-XXXXXX");
    if (!mkdtemp(dir))
        dir[0] = '\0';
}

void store_test_rmdir(const char *dir)
{
    char cmd[512];
    if (!dir[0] || strncmp(dir, "/tmp/bont-store-test-", 21) != 0)
        return;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int store_test_open(bont_store_t **s, const char *path, bont_error_t *err)
{
    int rc = bont_store_open(s, path, BONT_STORE_CREATE, err);
    if (rc == 0 && (rc = bont_store_set_today(*s, STORE_TEST_TODAY, err)) != 0)
        bont_store_close(s);
    return rc;
}

bont_store_patient_t store_test_patient(const char *name)
{
    bont_store_patient_t p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.birth_date, sizeof p.birth_date, "1980-05-17");
    snprintf(p.sex, sizeof p.sex, "female");
    p.weight_kg = 61;
    return p;
}

void store_test_visit(bont_store_visit_t *v, long long patient_id, const char *date,
                      const char *lot, size_t n_injections)
{
    memset(v, 0, sizeof *v);
    v->patient_id = patient_id;
    snprintf(v->date, sizeof v->date, "%s", date);
    snprintf(v->indication, sizeof v->indication, "cervical_dystonia");
    snprintf(v->vial.product, sizeof v->vial.product, "onabotulinumtoxinA");
    snprintf(v->vial.lot, sizeof v->vial.lot, "%s", lot);
    snprintf(v->vial.expiry, sizeof v->vial.expiry, "2030-01-31");
    v->vial.vial_units = 100;
    v->vial.diluent_ml = 2;
    v->injections = calloc(n_injections, sizeof *v->injections);
    v->n_injections = n_injections;
    static const char *const muscles[] = {"sternocleidomastoid", "splenius_capitis", "trapezius",
                                          "levator_scapulae"};
    for (size_t i = 0; i < n_injections; i++) {
        snprintf(v->injections[i].muscle, sizeof v->injections[i].muscle, "%s", muscles[i % 4]);
        snprintf(v->injections[i].side, sizeof v->injections[i].side, "%s",
                 i % 2 ? "right" : "left");
        v->injections[i].units = 10 + (double)i;
        v->injections[i].volume_ml = 0.2;
        v->injections[i].sites = 1 + (int)(i % 3);
        snprintf(v->injections[i].guidance, sizeof v->injections[i].guidance, "emg");
    }
}

double store_test_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void store_test_sleep_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000L};
    nanosleep(&ts, NULL);
}

/* The whole file as bytes, to prove a refused file was not changed. */
static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (size_t)n;
    return buf;
}

TEST(store_open_creates_private_wal_file)
{
    char dir[64], path[128];
    bont_error_t err;
    bont_store_t *s = NULL;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bont.db", dir);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    CHECK(s != NULL);
    CHECK_INT(bont_store_schema_version(s), BONT_STORE_SCHEMA_VERSION);
    struct stat sb;
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    bont_store_close(&s);
    CHECK(s == NULL);
    CHECK_INT(store_test_sql_int(path, "PRAGMA user_version"), BONT_STORE_SCHEMA_VERSION);
    CHECK_INT(store_test_sql_int(path, "PRAGMA application_id"), BONT_STORE_APPLICATION_ID);
    CHECK_INT(store_test_sql_int(path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    /* Opening again is a no-op migration. */
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_close(&s);
    store_test_rmdir(dir);
}

TEST(store_default_path_follows_xdg)
{
    char buf[512];
    bont_error_t err;
    setenv("XDG_DATA_HOME", "/tmp/xdg-data", 1);
    CHECK_INT(bont_store_default_path(buf, sizeof buf, false, &err), 0);
    CHECK_STR(buf, "/tmp/xdg-data/bont/bont.db");
    setenv("XDG_DATA_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/someone", 1);
    CHECK_INT(bont_store_default_path(buf, sizeof buf, false, &err), 0);
    CHECK_STR(buf, "/home/someone/.local/share/bont/bont.db");
    unsetenv("XDG_DATA_HOME");
    CHECK_INT(bont_store_default_path(buf, sizeof buf, false, &err), 0);
    CHECK_STR(buf, "/home/someone/.local/share/bont/bont.db");
    unsetenv("HOME");
    CHECK_INT(bont_store_default_path(buf, sizeof buf, false, &err), BONT_EINVAL);
}

STORE_TEST(store_patients_round_trip, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana Souza");
    snprintf(p.terms[0].kind, sizeof p.terms[0].kind, "condition");
    snprintf(p.terms[0].name, sizeof p.terms[0].name, "myasthenia_gravis");
    snprintf(p.terms[1].kind, sizeof p.terms[1].kind, "allergy");
    snprintf(p.terms[1].name, sizeof p.terms[1].name, "cow's milk protein");
    p.n_terms = 2;
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    CHECK_INT(p.id, 1);
    bont_store_patient_t q = store_test_patient("李明");
    q.weight_kg = -1;
    snprintf(q.sex, sizeof q.sex, "male");
    CHECK_INT(bont_store_patient_add(s, &q, &err), 0);
    CHECK_INT(q.id, 2);

    bont_store_patient_t got;
    CHECK_INT(bont_store_patient_get(s, 1, &got, &err), 0);
    CHECK_STR(got.name, "Ana Souza");
    CHECK_STR(got.birth_date, "1980-05-17");
    CHECK_REL(got.weight_kg, 61, 1e-12);
    CHECK_INT(got.n_terms, 2);
    CHECK_STR(got.terms[0].kind, "allergy");
    CHECK_STR(got.terms[1].name, "myasthenia_gravis");
    CHECK_INT(bont_store_patient_get(s, 2, &got, &err), 0);
    CHECK_STR(got.name, "李明");
    CHECK(got.weight_kg < 0);
    CHECK_INT(bont_store_patient_get(s, 99, &got, &err), BONT_ENOTFOUND);

    bont_store_patient_t *all = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_patient_list(s, &all, &n, &err), 0);
    CHECK_INT(n, 2);
    CHECK_STR(all[1].sex, "male");
    free(all);

    bont_store_patient_t bad = store_test_patient("X");
    snprintf(bad.birth_date, sizeof bad.birth_date, "1980-02-30");
    CHECK_INT(bont_store_patient_add(s, &bad, &err), BONT_EINVAL);
    CHECK(strstr(err.message, "real date") != NULL);
    bad = store_test_patient("");
    CHECK_INT(bont_store_patient_add(s, &bad, &err), BONT_EINVAL);
    bad = store_test_patient("Y");
    snprintf(bad.sex, sizeof bad.sex, "f");
    CHECK_INT(bont_store_patient_add(s, &bad, &err), BONT_EINVAL);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

STORE_TEST(store_visit_is_written_whole_and_read_back, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_visit_t v;
    store_test_visit(&v, p.id, "2026-01-10", "C1234", 3);
    snprintf(v.vial.reconstituted_at, sizeof v.vial.reconstituted_at, "2026-01-10T09:15");
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    CHECK_INT(v.id, 1);
    CHECK_REL(v.total_units, 33, 1e-12);
    bont_store_visit_clear(&v);

    /* An injection the schema rejects rolls the whole visit back. */
    store_test_visit(&v, p.id, "2026-04-10", "C1234", 3);
    v.injections[2].units = -5;
    CHECK_INT(bont_store_visit_add(s, &v, &err), BONT_EINVAL);
    bont_store_visit_clear(&v);
    store_test_visit(&v, 42, "2026-04-10", "C1234", 1);
    CHECK_INT(bont_store_visit_add(s, &v, &err), BONT_ENOTFOUND);
    bont_store_visit_clear(&v);

    CHECK_INT(bont_store_record_load(s, p.id, &rec, &err), 0);
    CHECK_INT(rec->n_visits, 1);
    CHECK_INT(rec->visits[0].n_injections, 3);
    CHECK_STR(rec->visits[0].vial.lot, "C1234");
    CHECK_STR(rec->visits[0].vial.reconstituted_at, "2026-01-10T09:15");
    CHECK_STR(rec->visits[0].injections[1].muscle, "splenius_capitis");
    CHECK_STR(rec->visits[0].injections[1].side, "right");
    CHECK_INT(rec->visits[0].injections[2].sites, 3);
    bont_store_record_free(&rec);
    CHECK(rec == NULL);
    CHECK_INT(bont_store_verify(s, &err), 0);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM visits"), 1);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM vials"), 1);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM injections"), 3);
    /* Records of care cannot be deleted, not even with plain SQL. */
    CHECK(store_test_sql_exec(path, "DELETE FROM visits") != 0);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM visits"), 1);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

STORE_TEST(store_outcomes_aes_and_wear_off, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana"), q = store_test_patient("Bo");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    CHECK_INT(bont_store_patient_add(s, &q, &err), 0);
    bont_store_visit_t v;
    store_test_visit(&v, p.id, "2026-01-10", "C1", 2);
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);

    bont_store_outcome_t o = {0};
    o.visit_id = v.id;
    snprintf(o.scale, sizeof o.scale, "TWSTRS");
    o.score = 32;
    snprintf(o.date, sizeof o.date, "2026-02-07");
    CHECK_INT(bont_store_outcome_add(s, &o, &err), 0);
    CHECK_STR(o.scale, "twstrs");
    CHECK_INT(o.patient_id, p.id);
    o.score = 90;
    CHECK_INT(bont_store_outcome_add(s, &o, &err), BONT_ERANGE);
    CHECK(strstr(err.message, "0 to 85") != NULL);
    o.score = 2;
    o.patient_id = q.id;
    CHECK_INT(bont_store_outcome_add(s, &o, &err), BONT_ECONFLICT);
    snprintf(o.scale, sizeof o.scale, "pain_vas");
    o.patient_id = p.id;
    CHECK_INT(bont_store_outcome_add(s, &o, &err), BONT_EUNKNOWN);
    CHECK(strstr(err.message, "local:NAME") != NULL);
    snprintf(o.scale, sizeof o.scale, "local:pain_vas");
    o.score = 7;
    CHECK_INT(bont_store_outcome_add(s, &o, &err), 0);
    double score = 0;
    CHECK_INT(bont_store_score_parse("1+", &score, &err), 0);
    CHECK_REL(score, 1.5, 1e-12);
    snprintf(o.scale, sizeof o.scale, "modified_ashworth");
    o.score = score;
    CHECK_INT(bont_store_outcome_add(s, &o, &err), 0);
    o.score = 2.5;
    CHECK_INT(bont_store_outcome_add(s, &o, &err), BONT_ERANGE);
    CHECK_INT(bont_store_score_parse("abc", &score, &err), BONT_EPARSE);

    bont_store_ae_t ae = {0};
    ae.visit_id = v.id;
    snprintf(ae.what, sizeof ae.what, "dysphagia");
    ae.onset_day = 5;
    snprintf(ae.severity, sizeof ae.severity, "mild");
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "2026-01-12");
    CHECK_INT(bont_store_ae_add(s, &ae, &err), BONT_ERANGE);
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "2026-01-29");
    CHECK_INT(bont_store_ae_add(s, &ae, &err), 0);
    CHECK_INT(ae.patient_id, p.id);
    snprintf(ae.severity, sizeof ae.severity, "awful");
    CHECK_INT(bont_store_ae_add(s, &ae, &err), BONT_EINVAL);

    CHECK_INT(bont_store_visit_wore_off(s, v.id, "2026-01-09", &err), BONT_ERANGE);
    CHECK_INT(bont_store_visit_wore_off(s, v.id, "2026-04-20", &err), 0);
    CHECK_INT(bont_store_visit_wore_off(s, 77, "2026-04-20", &err), BONT_ENOTFOUND);

    CHECK_INT(bont_store_record_load(s, p.id, &rec, &err), 0);
    CHECK_INT(rec->n_outcomes, 3);
    CHECK_INT(rec->n_aes, 1);
    CHECK_STR(rec->aes[0].what, "dysphagia");
    CHECK_STR(rec->visits[0].wore_off_date, "2026-04-20");
    bont_store_record_free(&rec);
    bont_store_visit_clear(&v);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

TEST(store_refuses_newer_schema_untouched)
{
    char dir[64], path[128];
    bont_error_t err;
    bont_store_t *s = NULL;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/future.db", dir);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_close(&s);
    /* As a future bont would leave it: a higher version, in rollback-journal mode. */
    CHECK_INT(store_test_sql_exec(path, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99"),
              0);
    size_t n0 = 0, n1 = 0;
    char *before = slurp(path, &n0);
    struct stat st0, st1;
    stat(path, &st0);
    bont_error_clear(&err);
    CHECK_INT(store_test_open(&s, path, &err), BONT_ESCHEMA);
    CHECK(s == NULL);
    CHECK(strstr(err.message, "newer bont") != NULL);
    CHECK(strstr(err.message, "99") != NULL);
    CHECK(strstr(err.message, "not changed") != NULL);
    CHECK_STR(err.file, path);
    char *after = slurp(path, &n1);
    stat(path, &st1);
    CHECK(before && after && n0 == n1 && memcmp(before, after, n0) == 0);
    CHECK(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec && st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec);
    char wal[160];
    snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK(access(wal, F_OK) != 0);
    free(before);
    free(after);
    store_test_rmdir(dir);
}

TEST(store_refuses_foreign_files)
{
    char dir[64], path[128];
    bont_error_t err;
    bont_store_t *s = NULL;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/other.db", dir);
    CHECK_INT(store_test_sql_exec(path, "CREATE TABLE t (x); INSERT INTO t VALUES (1)"), 0);
    CHECK_INT(store_test_open(&s, path, &err), BONT_ESCHEMA);
    CHECK(strstr(err.message, "not a bont record store") != NULL);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM sqlite_master"), 1);
    snprintf(path, sizeof path, "%s/text.db", dir);
    FILE *f = fopen(path, "w");
    fputs("this is a text file, long enough to not be an empty database file.........\n"
          "................................................................................\n",
          f);
    fclose(f);
    CHECK_INT(store_test_open(&s, path, &err), BONT_ESCHEMA);
    CHECK(strstr(err.message, "not a SQLite database") != NULL);
    snprintf(path, sizeof path, "%s/no/such/folder/x.db", dir);
    CHECK_INT(store_test_open(&s, path, &err), BONT_EINVAL);
    CHECK(strstr(err.message, "No such file or directory") != NULL);
    CHECK_STR(err.file, path);
    store_test_rmdir(dir);
}

/* A file made by the first released schema (tests/golden/store/schema-v1.sql) is migrated
 * forward with its records intact. */
TEST(store_migrates_v1_file)
{
    char dir[64], path[128];
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    size_t n = 0;
    char *sql = slurp("tests/golden/store/schema-v1.sql", &n);
    CHECK(sql != NULL);
    if (!sql)
        return;
    sql[n] = '\0';
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/v1.db", dir);
    CHECK_INT(store_test_sql_exec(path, sql), 0);
    free(sql);
    CHECK_INT(store_test_sql_int(path, "PRAGMA user_version"), 1);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    CHECK_INT(bont_store_schema_version(s), BONT_STORE_SCHEMA_VERSION);
    CHECK_INT(bont_store_record_load(s, 1, &rec, &err), 0);
    CHECK_STR(rec->patient.name, "Version One");
    CHECK_INT(rec->n_visits, 1);
    CHECK_INT(rec->visits[0].n_injections, 2);
    CHECK_STR(rec->visits[0].wore_off_date, "");
    bont_store_record_free(&rec);
    CHECK_INT(bont_store_visit_wore_off(s, 1, "2025-06-01", &err), 0);
    CHECK_INT(bont_store_verify(s, &err), 0);
    bont_store_close(&s);
    CHECK_INT(store_test_sql_int(path, "PRAGMA user_version"), BONT_STORE_SCHEMA_VERSION);
    store_test_rmdir(dir);
}

STORE_TEST(store_recall_finds_every_patient_of_a_lot, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    long long ids[5];
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "Patient %d", i + 1);
        bont_store_patient_t p = store_test_patient(name);
        CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
        ids[i] = p.id;
    }
    /* Patients 1, 3, 5 got lot A77 (patient 3 twice); 2 and 4 another lot. */
    const char *plan[][3] = {{"1", "2026-01-05", "A77"}, {"2", "2026-01-05", "B12"},
                             {"3", "2026-01-06", "a77"}, {"3", "2026-04-20", "A77 "},
                             {"4", "2026-01-07", "B12"}, {"5", "2026-02-01", "A77"}};
    for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++) {
        bont_store_visit_t v;
        store_test_visit(&v, ids[atoi(plan[i][0]) - 1], plan[i][1], plan[i][2], 2);
        /* Lots are stored as typed (trimmed by the CLI); recall matches without case. */
        v.vial.lot[strcspn(v.vial.lot, " ")] = '\0';
        CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
        bont_store_visit_clear(&v);
    }
    bont_store_recall_t *r = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_recall(s, "A77", &r, &n, &err), 0);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_INT(r[0].patient_id, 1);
        CHECK_INT(r[1].patient_id, 3);
        CHECK_INT(r[2].patient_id, 3);
        CHECK_INT(r[3].patient_id, 5);
        CHECK_STR(r[2].date, "2026-04-20");
    }
    free(r);
    CHECK_INT(bont_store_recall(s, "ZZZ", &r, &n, &err), 0);
    CHECK_INT(n, 0);
    free(r);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

TEST(store_backup_is_a_consistent_standalone_copy)
{
    char dir[64], path[128], copy[128];
    bont_error_t err;
    bont_store_t *s = NULL, *c = NULL;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bont.db", dir);
    snprintf(copy, sizeof copy, "%s/backup.db", dir);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    for (int i = 0; i < 20; i++) {
        bont_store_visit_t v;
        store_test_visit(&v, p.id, "2026-01-10", "L1", 4);
        CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
        bont_store_visit_clear(&v);
    }
    CHECK_INT(bont_store_backup(s, copy, &err), 0);
    CHECK_INT(bont_store_backup(s, copy, &err), BONT_ECONFLICT);
    bont_store_close(&s);
    struct stat sb;
    CHECK_INT(stat(copy, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    CHECK_INT(store_test_sql_int(copy, "SELECT journal_mode = 'delete' FROM pragma_journal_mode"),
              1);
    CHECK_INT(store_test_open(&c, copy, &err), 0);
    CHECK_INT(bont_store_verify(c, &err), 0);
    bont_store_close(&c);
    CHECK_INT(store_test_sql_int(copy, "SELECT count(*) FROM injections"), 80);
    store_test_rmdir(dir);
}

TEST(store_duration_posterior_is_the_conjugate_normal)
{
    bont_duration_prior_t prior = {0.3, 0.2};
    bont_duration_post_t post;
    bont_error_t err;
    /* No data: the prior. */
    CHECK_INT(bont_duration_posterior(&prior, NULL, NULL, 0, &post, &err), 0);
    CHECK_REL(post.mean, 0, 1e-12);
    CHECK_REL(post.sd, 0.3, 1e-12);
    CHECK_REL(post.factor, 1, 1e-12);
    /* Three wear-offs at 1.5x the expected duration: mean = (3 ln1.5 / 0.04) / (1/0.09 + 3/0.04)
     * = 0.35296..., shrunk towards 0 from ln 1.5 = 0.405. */
    double obs[3] = {135, 135, 135}, expd[3] = {90, 90, 90};
    CHECK_INT(bont_duration_posterior(&prior, obs, expd, 3, &post, &err), 0);
    double precision = 1 / 0.09 + 3 / 0.04;
    CHECK_REL(post.mean, (3 * log(1.5) / 0.04) / precision, 1e-12);
    CHECK_REL(post.sd, sqrt(1 / precision), 1e-12);
    CHECK(post.factor > 1.35 && post.factor < 1.5);
    obs[0] = -1;
    CHECK_INT(bont_duration_posterior(&prior, obs, expd, 3, &post, &err), BONT_ERANGE);
    bont_duration_prior_t loaded;
    CHECK_INT(bont_duration_prior_load(&loaded, &err), 0);
    CHECK(loaded.tau > 0 && loaded.sigma > 0);
}

/* Two patients treated alike; one's effects lasted clearly longer (150 days against the
 * population's 98 for cervical dystonia): that one's next wear-off is predicted later. */
STORE_TEST(store_longer_lasting_patient_is_due_later, 60)
{
    store_test_db_t t;
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_duration_prior_t prior;
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    CHECK_INT(bont_duration_prior_load(&prior, &err), 0);
    bont_store_patient_t avg = store_test_patient("Average"),
                         lng = store_test_patient("Long lasting");
    CHECK_INT(bont_store_patient_add(s, &avg, &err), 0);
    CHECK_INT(bont_store_patient_add(s, &lng, &err), 0);
    const char *dates[] = {"2025-01-06", "2025-06-02", "2025-11-03"};
    const char *avg_off[] = {"2025-04-14", "2025-09-08", NULL};
    const char *long_off[] = {"2025-06-01", "2025-10-30", NULL};
    for (int i = 0; i < 3; i++) {
        bont_store_visit_t v;
        store_test_visit(&v, avg.id, dates[i], "L1", 2);
        CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
        if (avg_off[i])
            CHECK_INT(bont_store_visit_wore_off(s, v.id, avg_off[i], &err), 0);
        bont_store_visit_clear(&v);
        store_test_visit(&v, lng.id, dates[i], "L1", 2);
        CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
        if (long_off[i])
            CHECK_INT(bont_store_visit_wore_off(s, v.id, long_off[i], &err), 0);
        bont_store_visit_clear(&v);
    }
    bont_store_record_t *ra = NULL, *rl = NULL;
    bont_due_t da, dl;
    CHECK_INT(bont_store_record_load(s, avg.id, &ra, &err), 0);
    CHECK_INT(bont_store_record_load(s, lng.id, &rl, &err), 0);
    CHECK_INT(bont_store_predict(ra, NULL, NULL, &prior, "2026-01-15", &da, &err), 0);
    CHECK_INT(bont_store_predict(rl, NULL, NULL, &prior, "2026-01-15", &dl, &err), 0);
    CHECK_REL(da.expected_days, 98, 1e-12);
    CHECK_INT(da.post.n_obs, 2);
    CHECK(fabs(da.post.factor - 1) < 0.05);
    CHECK(dl.post.factor > 1.3);
    CHECK(strcmp(dl.wear_off_date, da.wear_off_date) > 0);
    CHECK(dl.days_left > da.days_left + 25);
    bont_store_record_free(&ra);
    bont_store_record_free(&rl);

    /* bont_store_due lists the average patient first and, with a short window, only them. */
    bont_due_t *due = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_due(s, NULL, NULL, &prior, "2026-01-15", 365, &due, &n, &err), 0);
    CHECK_INT(n, 2);
    if (n == 2)
        CHECK_INT(due[0].patient_id, avg.id);
    free(due);
    CHECK_INT(
        bont_store_due(s, NULL, NULL, &prior, "2026-01-15", (int)da.days_left + 1, &due, &n, &err),
        0);
    CHECK_INT(n, 1);
    free(due);
    bont_store_close(&s);
    store_test_db_drop(&t);
}
