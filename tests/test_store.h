/* test_store.h: helpers the store tests share (test_store*.c). */
#ifndef BONT_TEST_STORE_H
#define BONT_TEST_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "bont/store.h"
#include "test.h"

/* Makes a fresh folder under /tmp (dir is "" on failure) and removes it again. */
void store_test_tmpdir(char *dir, size_t size);
void store_test_rmdir(const char *dir);

/* The clinic's today in the store tests: after every date they record. */
#define STORE_TEST_TODAY "2026-12-31"

/* Opens (creating when missing) the store at path, with today set to STORE_TEST_TODAY. */
int store_test_open(bont_store_t **s, const char *path, bont_error_t *err);

/* One integer from a query on the store at db (a file, read-only, or a PostgreSQL database; not
 * through the library); -1 when it cannot be run. */
long long store_test_sql_int(const char *db, const char *sql);

/* Runs the shell command made from fmt (store_test_shell), or `bont ARGS` with the binary under
 * test (store_test_bont); the exit code, stdout and stderr into out and err (may be NULL). */
int store_test_shell(char *out, size_t out_size, char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
int store_test_bont(char *out, size_t out_size, char *err, size_t err_size, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Runs SQL statements on the store at db, not through the library: 0 when they all ran. */
int store_test_sql_exec(const char *db, const char *sql);

/* Where a test's store lives: a file in a fresh folder (SQLite), or a fresh database in the
 * test cluster that scripts/pgtest.sh starts (PostgreSQL; BONT_TEST_PG names it). */
typedef struct store_test_db_t {
    bool pg;         /* PostgreSQL */
    char dir[64];    /* a fresh folder under /tmp, for both (files, plans, copies) */
    char db[512];    /* what bont_store_open and --db take */
    char name[64];   /* PostgreSQL: the database's name */
    char shown[512]; /* the store's name in messages (bont_store_describe) */
} store_test_db_t;

/* Makes the folder and, for PostgreSQL, an empty database; file names the SQLite file in the
 * folder. Fails a check and returns false when it cannot (no test cluster: run the tests through
 * scripts/pgtest.sh, as make test does). */
bool store_test_db_new(store_test_db_t *t, bool pg, const char *file);

/* Drops the database and removes the folder. */
void store_test_db_drop(store_test_db_t *t);

/* Runs SQL on the test cluster's maintenance database as its superuser: 0 when it ran. */
int store_test_pg_admin(const char *sql);

/* The test cluster's connection string for a database as a role (password may be NULL). */
void store_test_pg_url(char *buf, size_t size, const char *dbname, const char *user,
                       const char *password);

/* A store test, run on both backends: NAME on SQLite and NAME_pg on PostgreSQL. The body gets
 * pg and makes its store with store_test_db_new(&t, pg, ...). */
#define STORE_TEST(name, seconds)                                                                  \
    static void name##_on(bool pg);                                                                \
    TEST_TIMEOUT(name, seconds)                                                                    \
    {                                                                                              \
        name##_on(false);                                                                          \
    }                                                                                              \
    TEST_TIMEOUT(name##_pg, seconds)                                                               \
    {                                                                                              \
        name##_on(true);                                                                           \
    }                                                                                              \
    static void name##_on(bool pg)

/* Seconds on the monotonic clock, and a pause of us microseconds. */
double store_test_now_s(void);
void store_test_sleep_us(long us);

/* A valid patient with the given name. */
bont_store_patient_t store_test_patient(const char *name);

/* A valid cervical-dystonia visit with n_injections injections (owned: bont_store_visit_clear). */
void store_test_visit(bont_store_visit_t *v, long long patient_id, const char *date,
                      const char *lot, size_t n_injections);

#endif
