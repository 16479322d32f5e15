/* test_store_oom.c: allocation failure on the store's path, as SQLite's own fault tests do it:
 * every store operation is rerun failing its 1st, 2nd, 3rd ... allocation (SQLite's through
 * SQLITE_CONFIG_MALLOC, jansson's, and the library's own), once and from then on, until a run
 * needs fewer allocations than the one that fails. Each run returns an error or a correct
 * result, never crashes or leaks (ASan), and leaves a file that passes its integrity check and
 * holds whole visits or none. */
#include <dirent.h>
#include <jansson.h>
#include <sanitizer/lsan_interface.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/store.h"
#include "store/internal.h"
#include "test.h"
#include "test_store.h"

/* ---- the failing allocator ---- */

static long fault_at;    /* the allocation to fail, counting from 1; 0: none fails */
static long fault_count; /* allocations since the fault was armed */
static int fault_sticky; /* every allocation after fault_at fails too */
static int fault_hit;    /* the armed fault happened */

static int should_fail(void)
{
    if (!fault_at)
        return 0;
    long n = ++fault_count;
    if (n == fault_at || (fault_sticky && n > fault_at)) {
        fault_hit = 1;
        return 1;
    }
    return 0;
}

/* SQLite needs each block's size back (xSize): it is kept in a 16-byte header. */
static void *m_malloc(int n)
{
    if (n <= 0 || should_fail())
        return NULL;
    char *p = malloc((size_t)n + 16);
    if (!p)
        return NULL;
    *(size_t *)p = (size_t)n;
    return p + 16;
}

static void m_free(void *p)
{
    if (p)
        free((char *)p - 16);
}

static void *m_realloc(void *p, int n)
{
    if (n <= 0 || should_fail())
        return NULL;
    char *q = realloc((char *)p - 16, (size_t)n + 16);
    if (!q)
        return NULL;
    *(size_t *)q = (size_t)n;
    return q + 16;
}

static int m_size(void *p)
{
    return p ? (int)*(size_t *)((char *)p - 16) : 0;
}

static int m_roundup(int n)
{
    return (n + 7) & ~7;
}

static int m_init(void *ctx)
{
    (void)ctx;
    return SQLITE_OK;
}

static void m_shutdown(void *ctx)
{
    (void)ctx;
}

static void *j_malloc(size_t n)
{
    return should_fail() ? NULL : malloc(n);
}

static void install_faults(void)
{
    static const sqlite3_mem_methods methods = {m_malloc,  m_free, m_realloc,  m_size,
                                                m_roundup, m_init, m_shutdown, NULL};
    sqlite3_shutdown();
    CHECK_INT(sqlite3_config(SQLITE_CONFIG_MALLOC, &methods), SQLITE_OK);
    /* Without lookaside every small allocation goes through the allocator above. */
    CHECK_INT(sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0), SQLITE_OK);
    CHECK_INT(sqlite3_initialize(), SQLITE_OK);
    json_set_alloc_funcs(j_malloc, free);
    bont__store_alloc_fault = should_fail;
}

static void arm(long n, int sticky)
{
    fault_count = 0;
    fault_hit = 0;
    fault_sticky = sticky;
    fault_at = n;
}

static void disarm(void)
{
    fault_at = 0;
}

/* ---- checks on the file after each run (no faults) ---- */

/* The file passes PRAGMA integrity_check and every visit has all its injections. */
static int file_whole(const char *path)
{
    return store_test_sql_int(
               path, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != "
                     "'ok'") == 0 &&
           store_test_sql_int(
               path, "SELECT count(*) FROM visits v WHERE v.n_injections != (SELECT count(*) "
                     "FROM injections i WHERE i.visit_id = v.id)") == 0 &&
           store_test_sql_int(path,
                              "SELECT count(*) FROM vials WHERE id NOT IN (SELECT vial_id FROM "
                              "visits)") == 0;
}

/* Files in dir other than the store and its -wal/-shm: temporary files a failed run left. */
static int stray_files(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de = d ? readdir(d) : NULL; de; de = readdir(d))
        n += strstr(de->d_name, ".new-") != NULL;
    if (d)
        closedir(d);
    return n;
}

/* ---- the operations ---- */

typedef struct oom_case_t {
    const char *name;
    char dir[64], path[128];
    bont_kb_t *kb;
    bont_store_t *s;   /* open before the run (faults off), for the operations that need it */
    bont_plan_t *plan; /* loaded before the run, for visit record */
    long long patient; /* a patient with no visit, for visit record */
    long long before;  /* rows before the run, to tell what the run wrote */
    bont_error_t err;
} oom_case_t;

typedef struct oom_op_t {
    const char *name;
    int (*setup)(oom_case_t *c);
    int (*run)(oom_case_t *c);
    int (*after)(oom_case_t *c, int rc); /* 0 when the file and result are as they must be */
} oom_op_t;

static int open_store(oom_case_t *c)
{
    return store_test_open(&c->s, c->path, &c->err);
}

static int fresh_path(oom_case_t *c)
{
    snprintf(c->path, sizeof c->path, "%s/new.db", c->dir);
    unlink(c->path);
    return 0;
}

static int run_create(oom_case_t *c)
{
    int rc = bont_store_open(&c->s, c->path, BONT_STORE_CREATE, &c->err);
    bont_store_close(&c->s);
    return rc;
}

static int after_create(oom_case_t *c, int rc)
{
    if (stray_files(c->dir) != 0)
        return -1;
    /* A failed run leaves no store, or (when it failed after the new store was in place,
     * opening it) a whole empty one; never a file that is half a store. */
    if (rc != 0 && access(c->path, F_OK) != 0)
        return 0;
    return file_whole(c->path) &&
                   store_test_sql_int(c->path, "PRAGMA application_id") ==
                       BONT_STORE_APPLICATION_ID &&
                   store_test_sql_int(c->path, "PRAGMA user_version") == BONT_STORE_SCHEMA_VERSION
               ? 0
               : -3;
}

static int main_path(oom_case_t *c)
{
    snprintf(c->path, sizeof c->path, "%s/main.db", c->dir);
    return 0;
}

static int run_open(oom_case_t *c)
{
    int rc = bont_store_open(&c->s, c->path, BONT_STORE_EXISTING, &c->err);
    bont_store_close(&c->s);
    return rc;
}

static int after_open(oom_case_t *c, int rc)
{
    (void)rc;
    return file_whole(c->path) && store_test_sql_int(c->path, "SELECT count(*) FROM patients") > 0
               ? 0
               : -1;
}

/* The writing operations write into a store of their own, so that the one the reading
 * operations read stays as made. */
static int work_path(oom_case_t *c)
{
    snprintf(c->path, sizeof c->path, "%s/work.db", c->dir);
    return 0;
}

static int setup_patient_add(oom_case_t *c)
{
    work_path(c);
    c->before = store_test_sql_int(c->path, "SELECT count(*) FROM patients");
    return open_store(c);
}

static int run_patient_add(oom_case_t *c)
{
    bont_store_patient_t p = store_test_patient("Out Of Memory");
    snprintf(p.terms[0].kind, sizeof p.terms[0].kind, "allergy");
    snprintf(p.terms[0].name, sizeof p.terms[0].name, "cow_milk_protein");
    p.n_terms = 1;
    return bont_store_patient_add(c->s, &p, &c->err);
}

static int after_patient_add(oom_case_t *c, int rc)
{
    bont_store_close(&c->s);
    long long now = store_test_sql_int(c->path, "SELECT count(*) FROM patients");
    long long orphan_terms =
        store_test_sql_int(c->path, "SELECT count(*) FROM patient_terms WHERE "
                                    "patient_id NOT IN (SELECT id FROM patients)");
    long long termless =
        store_test_sql_int(c->path, "SELECT count(*) FROM patients WHERE name = 'Out Of "
                                    "Memory' AND id NOT IN (SELECT patient_id FROM "
                                    "patient_terms)");
    return file_whole(c->path) && now == c->before + (rc == 0) && orphan_terms == 0 && termless == 0
               ? 0
               : -1;
}

static int setup_visit_record(oom_case_t *c)
{
    bont_store_patient_t p = store_test_patient("Visit Under Pressure");
    snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
    int rc = setup_patient_add(c);
    if (rc == 0)
        rc = bont_store_patient_add(c->s, &p, &c->err);
    c->patient = p.id;
    c->before = store_test_sql_int(c->path, "SELECT count(*) FROM visits");
    if (rc == 0)
        rc = bont_plan_load(c->kb, "tests/golden/store/cd-visit1.json", &c->plan, &c->err);
    return rc;
}

static int run_visit_record(oom_case_t *c)
{
    bont_visit_result_t *r = NULL;
    bont_visit_opts_t o = {.patient_id = c->patient,
                           .lot = "OOM1",
                           .expiry = "2027-01-01",
                           .injected_at = "10:00",
                           .reconstituted_at = "09:00"};
    int rc = bont_visit_record(c->s, c->kb, c->plan, &o, &r, &c->err);
    if (rc == 0 && !r->written)
        rc = 1; /* refused: not what this plan deserves */
    bont_visit_result_free(&r);
    return rc;
}

static int after_visit_record(oom_case_t *c, int rc)
{
    char sql[160];
    bont_plan_free(&c->plan);
    bont_store_close(&c->s);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM visits WHERE patient_id = %lld AND findings_json LIKE "
             "'%%vial.derived_range%%'",
             c->patient);
    long long mine = store_test_sql_int(c->path, sql);
    return file_whole(c->path) && mine == (rc == 0) &&
                   store_test_sql_int(c->path, "SELECT count(*) FROM visits") ==
                       c->before + (rc == 0)
               ? 0
               : -1;
}

static int run_record_load(oom_case_t *c)
{
    bont_store_record_t *rec = NULL;
    int rc = bont_store_record_load(c->s, 1, &rec, &c->err);
    if (rc == 0 && (rec->n_visits != 2 || rec->visits[0].n_injections != 3 ||
                    rec->visits[1].n_injections != 5 || rec->n_outcomes != 1 ||
                    rec->patient.n_terms != 1 || !rec->visits[1].findings_json))
        rc = 1; /* "succeeded" with part of the record */
    bont_store_record_free(&rec);
    return rc;
}

static int run_patient_list(oom_case_t *c)
{
    bont_store_patient_t *all = NULL;
    size_t n = 0;
    int rc = bont_store_patient_list(c->s, &all, &n, &c->err);
    if (rc == 0 && (n < 1 || all[0].n_terms != 1))
        rc = 1;
    free(all);
    return rc;
}

static int after_read(oom_case_t *c, int rc)
{
    (void)rc;
    bont_store_close(&c->s);
    return file_whole(c->path) ? 0 : -1;
}

static int setup_read(oom_case_t *c)
{
    main_path(c);
    return open_store(c);
}

static int setup_backup(oom_case_t *c)
{
    char copy[160];
    snprintf(copy, sizeof copy, "%s/copy.db", c->dir);
    unlink(copy);
    return setup_read(c);
}

static int run_backup(oom_case_t *c)
{
    char copy[160];
    snprintf(copy, sizeof copy, "%s/copy.db", c->dir);
    return bont_store_backup(c->s, copy, &c->err);
}

static int after_backup(oom_case_t *c, int rc)
{
    char copy[160];
    snprintf(copy, sizeof copy, "%s/copy.db", c->dir);
    bont_store_close(&c->s);
    if (stray_files(c->dir) != 0)
        return -1;
    if (rc != 0)
        return access(copy, F_OK) == 0 ? -2 : 0;
    return file_whole(copy) && store_test_sql_int(copy, "SELECT count(*) FROM visits") == 2 ? 0
                                                                                            : -3;
}

/* The store the reading operations read: patient 1 with a term, two visits (3 and 5
 * injections, the second with findings) and an outcome. */
static void make_main_store(oom_case_t *c)
{
    bont_store_t *s = NULL;
    bont_error_t err;
    snprintf(c->path, sizeof c->path, "%s/main.db", c->dir);
    CHECK_INT(store_test_open(&s, c->path, &err), 0);
    bont_store_patient_t p = store_test_patient("Main");
    snprintf(p.terms[0].kind, sizeof p.terms[0].kind, "condition");
    snprintf(p.terms[0].name, sizeof p.terms[0].name, "myasthenia_gravis");
    p.n_terms = 1;
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    for (int i = 0; i < 2; i++) {
        bont_store_visit_t v;
        store_test_visit(&v, p.id, i ? "2026-04-10" : "2026-01-10", "M1", i ? 5 : 3);
        if (i)
            v.findings_json = strdup("[{\"rule\":\"x\"}]");
        CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
        bont_store_visit_clear(&v);
    }
    bont_store_outcome_t o = {.patient_id = p.id, .score = 30};
    snprintf(o.scale, sizeof o.scale, "twstrs");
    snprintf(o.date, sizeof o.date, "2026-02-01");
    CHECK_INT(bont_store_outcome_add(s, &o, &err), 0);
    bont_store_close(&s);
}

/* Reruns op failing allocation N = 1, 2, ... (once, or from N on) until a run does not reach
 * allocation N; returns the number of runs. */
static long run_with_faults(oom_case_t *c, const oom_op_t *op, int sticky, long *errors)
{
    long n;
    for (n = 1; n < 100000; n++) {
        bont_error_clear(&c->err);
        if (op->setup && op->setup(c) != 0) {
            CHECK_MSG(0, "%s: setup failed: %s", op->name, c->err.message);
            break;
        }
        arm(n, sticky);
        int rc = op->run(c);
        int hit = fault_hit;
        disarm();
        int bad = op->after(c, rc);
        CHECK_MSG(bad == 0, "%s (%s fault at allocation %ld): rc %d, file or result wrong (%d): %s",
                  op->name, sticky ? "sticky" : "single", n, rc, bad, c->err.message);
        CHECK_MSG(rc <= 0, "%s (%s fault at %ld): succeeded with a wrong result", op->name,
                  sticky ? "sticky" : "single", n);
        *errors += rc < 0;
        if (!hit) {
            CHECK_MSG(rc == 0, "%s: fails without any fault: %d %s", op->name, rc, c->err.message);
            break;
        }
        if (bad)
            break;
    }
    return n;
}

static const oom_op_t ops[] = {
    {"open (create)", fresh_path, run_create, after_create},
    {"open (existing)", main_path, run_open, after_open},
    {"patient add", setup_patient_add, run_patient_add, after_patient_add},
    {"visit record", setup_visit_record, run_visit_record, after_visit_record},
    {"record load", setup_read, run_record_load, after_read},
    {"patient list", setup_read, run_patient_list, after_read},
    {"backup", setup_backup, run_backup, after_backup},
};

TEST_TIMEOUT(store_allocation_failures_are_errors_not_damage, 600)
{
    oom_case_t c;
    bont_error_t err;
    memset(&c, 0, sizeof c);
    install_faults();
    /* Thousands of stores are made and synced: in memory when there is a tmpfs, where fsync
     * costs nothing. */
    snprintf(c.dir, sizeof c.dir, "%s/bont-store-oom-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    CHECK(mkdtemp(c.dir) != NULL);
    CHECK_INT(bont_kb_load(&c.kb, &err), 0);
    make_main_store(&c);
    bont_store_t *w = NULL;
    work_path(&c);
    CHECK_INT(store_test_open(&w, c.path, &err), 0);
    bont_store_close(&w);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        for (int sticky = 0; sticky <= 1; sticky++) {
            long errors = 0;
            long runs = run_with_faults(&c, &ops[i], sticky, &errors);
            printf("    %-16s %s faults: %ld runs, %ld returned an error, the rest absorbed the "
                   "fault\n",
                   ops[i].name, sticky ? "sticky" : "single", runs - 1, errors);
        }
    }
    bont_kb_free(&c.kb);
    sqlite3_shutdown();
    /* The test process ends with _exit, which skips LeakSanitizer's own check. */
    CHECK_INT(__lsan_do_recoverable_leak_check(), 0);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", c.dir);
    CHECK_INT(system(cmd), 0);
}
