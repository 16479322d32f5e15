/* test_store_db.c: where the store tests keep their stores: a file, or a fresh database in the
 * throwaway PostgreSQL cluster of scripts/pgtest.sh; and SQL on either, not through the library. */
#include <libpq-fe.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "test_store.h"

int store_test_shell(char *out, size_t out_size, char *err, size_t err_size, const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return bont_test_run(cmd, out, out_size, err, err_size);
}

int store_test_bont(char *out, size_t out_size, char *err, size_t err_size, const char *fmt, ...)
{
    char args[6144];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return store_test_shell(out, out_size, err, err_size, "%s %s", bont_test_bin(), args);
}

static bool is_pg(const char *db)
{
    return strncmp(db, "postgresql://", 13) == 0;
}

static PGconn *pg_connect(const char *conninfo)
{
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "test cluster: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

long long store_test_sql_int(const char *db, const char *sql)
{
    long long v = -1;
    if (is_pg(db)) {
        PGconn *c = pg_connect(db);
        PGresult *r = c ? PQexec(c, sql) : NULL;
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
            v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
        PQfinish(c);
        return v;
    }
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

int store_test_sql_exec(const char *db, const char *sql)
{
    if (is_pg(db)) {
        PGconn *c = pg_connect(db);
        PGresult *r = c ? PQexec(c, sql) : NULL;
        int rc =
            PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : 1;
        PQclear(r);
        PQfinish(c);
        return rc;
    }
    sqlite3 *h = NULL;
    int rc = sqlite3_open(db, &h);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    sqlite3_close(h);
    return rc;
}

int store_test_pg_admin(const char *sql)
{
    const char *admin = getenv("BONT_TEST_PG");
    if (!admin || !*admin)
        return -1;
    PGconn *c = pg_connect(admin);
    PGresult *r = c ? PQexec(c, sql) : NULL;
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (c && !ok)
        fprintf(stderr, "test cluster: %s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : 1;
}

static const char *opt(PQconninfoOption *o, const char *key)
{
    for (; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0)
            return o->val ? o->val : "";
    return "";
}

void store_test_pg_url(char *buf, size_t size, const char *dbname, const char *user,
                       const char *password)
{
    const char *admin = getenv("BONT_TEST_PG");
    PQconninfoOption *o = admin ? PQconninfoParse(admin, NULL) : NULL;
    snprintf(buf, size, "postgresql://%s%s%s@/%s?host=%s&port=%s", user ? user : "postgres",
             password ? ":" : "", password ? password : "", dbname, opt(o, "host"), opt(o, "port"));
    PQconninfoFree(o);
}

bool store_test_db_new(store_test_db_t *t, bool pg, const char *file)
{
    static int counter;
    char sql[128];
    memset(t, 0, sizeof *t);
    t->pg = pg;
    store_test_tmpdir(t->dir, sizeof t->dir);
    CHECK(t->dir[0] != '\0');
    if (!pg) {
        snprintf(t->db, sizeof t->db, "%s/%s", t->dir, file);
        snprintf(t->shown, sizeof t->shown, "%s", t->db);
        return t->dir[0] != '\0';
    }
    const char *admin = getenv("BONT_TEST_PG");
    CHECK_MSG(admin && *admin,
              "no PostgreSQL test cluster: run the tests through scripts/pgtest.sh (make test "
              "does), e.g. bash scripts/pgtest.sh build/run-tests 'store_*'");
    if (!admin || !*admin)
        return false;
    snprintf(t->name, sizeof t->name, "bont_test_%d_%d", (int)getpid(), counter++);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->name);
    int rc = store_test_pg_admin(sql);
    CHECK_MSG(rc == 0, "cannot create the test database %s", t->name);
    store_test_pg_url(t->db, sizeof t->db, t->name, NULL, NULL);
    bont_store_describe(t->db, t->shown, sizeof t->shown);
    return rc == 0;
}

void store_test_db_drop(store_test_db_t *t)
{
    char sql[128];
    if (t->pg && t->name[0]) {
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->name);
        store_test_pg_admin(sql);
        t->name[0] = '\0';
    }
    store_test_rmdir(t->dir);
}
