/* sqlite.c: the SQLite backend's connection: telling a bont store from any other file, creating
 * a new store whole, migrating, transactions, and the statement helpers its files share. */
#include "store/sqlite.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/schema.h"

/* ---- helpers ---- */

void bont__sqlite_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int bont__sqlite_is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

int bont__sqlite_code(int rc)
{
    if (rc == SQLITE_IOERR_NOMEM)
        return BONT_ENOMEM;
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return BONT_ENOMEM;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
        return BONT_EIO;
    default:
        return BONT_ESTORE;
    }
}

static void set_file(bont_error_t *err, const char *path)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
}

int bont__sqlite_fail(bont_store_t *s, bont_error_t *err, const char *what)
{
    sqlite3 *db = bont__sqlite_db(s);
    int code = db ? sqlite3_extended_errcode(db) : SQLITE_NOMEM;
    set_file(err, s->path);
    bont_error_setf(err, NULL, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
    return bont__sqlite_code(code);
}

int bont__sqlite_exec(bont_store_t *s, const char *sql, bont_error_t *err, const char *what)
{
    long waited = 0;
    for (;;) {
        int rc = sqlite3_exec(bont__sqlite_db(s), sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (!bont__sqlite_is_busy(rc) || waited >= BONT__SQLITE_RETRY_TOTAL_MS)
            return bont__sqlite_fail(s, err, what);
        long pause = 5 + rand() % 20; /* jitter, so that waiting writers do not retry in step */
        bont__sqlite_sleep_ms(pause);
        waited += pause;
    }
}

int bont__sqlite_prepare(bont_store_t *s, const char *sql, sqlite3_stmt **st, bont_error_t *err)
{
    long waited = 0;
    for (;;) {
        int rc = sqlite3_prepare_v2(bont__sqlite_db(s), sql, -1, st, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (!bont__sqlite_is_busy(rc) || waited >= BONT__SQLITE_RETRY_TOTAL_MS)
            return bont__sqlite_fail(s, err, "preparing a query");
        bont__sqlite_sleep_ms(10);
        waited += 10;
    }
}

int bont__sqlite_step(sqlite3_stmt *st)
{
    long waited = 0;
    for (;;) {
        int rc = sqlite3_step(st);
        if (!bont__sqlite_is_busy(rc) || waited >= BONT__SQLITE_RETRY_TOTAL_MS)
            return rc;
        sqlite3_reset(st);
        bont__sqlite_sleep_ms(10);
        waited += 10;
    }
}

int bont__sqlite_bind(sqlite3_stmt *st, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int rc = bont__sqlite_vbind(st, types, ap);
    va_end(ap);
    return rc;
}

int bont__sqlite_vbind(sqlite3_stmt *st, const char *types, va_list ap)
{
    int rc = SQLITE_OK;
    for (int i = 1; types[i - 1] && rc == SQLITE_OK; i++) {
        switch (types[i - 1]) {
        case 's':
        case 't': {
            const char *t = va_arg(ap, const char *);
            rc = !t || (!*t && types[i - 1] == 't')
                     ? sqlite3_bind_null(st, i)
                     : sqlite3_bind_text(st, i, t, -1, SQLITE_TRANSIENT);
            break;
        }
        case 'd':
        case 'r': {
            double v = va_arg(ap, double);
            rc = types[i - 1] == 'r' && v < 0 ? sqlite3_bind_null(st, i)
                                              : sqlite3_bind_double(st, i, v);
            break;
        }
        case 'i':
        case 'I': {
            long long v = va_arg(ap, long long);
            rc = types[i - 1] == 'I' && v <= 0 ? sqlite3_bind_null(st, i)
                                               : sqlite3_bind_int64(st, i, v);
            break;
        }
        default:
            rc = SQLITE_MISUSE;
        }
    }
    return rc;
}

int bont__sqlite_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
    return !t && sqlite3_column_type(st, i) != SQLITE_NULL ? -1 : 0;
}

double bont__sqlite_real_or(sqlite3_stmt *st, int i, double missing)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? missing : sqlite3_column_double(st, i);
}

/* Reads one integer (a pragma, a count). */
static int read_int(sqlite3 *db, const char *sql, long long *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- telling a bont store from any other file ---- */

/* The size and, from the 100-byte SQLite header (big-endian: user version at 60, application
 * id at 68), the ids of a file. SQLITE_NOTADB when it is no SQLite file. */
static int header_ids(const char *path, long long *size, long long *app, long long *version,
                      bont_error_t *err)
{
    unsigned char h[100];
    FILE *f = fopen(path, "rb");
    if (!f)
        return bont__store_path_error(path, errno, "cannot read the store", err);
    size_t n = fread(h, 1, sizeof h, f);
    struct stat sb;
    *size = fstat(fileno(f), &sb) == 0 ? (long long)sb.st_size : (long long)n;
    fclose(f);
    if (n < sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return SQLITE_NOTADB;
    *version =
        (long long)((uint32_t)h[60] << 24 | (uint32_t)h[61] << 16 | (uint32_t)h[62] << 8 | h[63]);
    *app = (long long)(int32_t)((uint32_t)h[68] << 24 | (uint32_t)h[69] << 16 |
                                (uint32_t)h[70] << 8 | h[71]);
    return 0;
}

/* The ids as SQLite sees them, with the commits still in the WAL, read in one snapshot by a
 * read-only connection (which writes nothing). */
static int live_ids(const char *path, long long *app, long long *version)
{
    sqlite3 *db = NULL;
    long long a = 0, v = 0;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, BONT__SQLITE_BUSY_TIMEOUT_MS);
        rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK && (rc = read_int(db, "PRAGMA application_id", &a)) == SQLITE_OK &&
        (rc = read_int(db, "PRAGMA user_version", &v)) == SQLITE_OK) {
        *app = a;
        *version = v;
    }
    sqlite3_close(db); /* ends the read transaction */
    return rc;
}

/* Refuses, before anything writes to it, an existing file this build must not use. */
static int precheck(const char *path, bont_error_t *err)
{
    long long size = 0, app = 0, version = 0;
    int rc = header_ids(path, &size, &app, &version, err);
    if (rc < 0)
        return rc;
    set_file(err, path);
    if (size == 0) {
        bont_error_setf(err, NULL,
                        "is empty (0 bytes), not a bont record store; it was left as it is");
        return BONT_ESCHEMA;
    }
    if (rc == SQLITE_NOTADB) {
        bont_error_setf(err, NULL,
                        "not a SQLite database, so not a bont record store; the file was left "
                        "as it is");
        return BONT_ESCHEMA;
    }
    rc = live_ids(path, &app, &version);
    /* A file left by a crash (a hot journal, a WAL that needs recovery) cannot be read by a
     * read-only connection; its header still says whose it is and which schema it has. */
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_CANTOPEN && (rc & 0xff) != SQLITE_READONLY &&
        (rc & 0xff) != SQLITE_BUSY) {
        bont_error_setf(err, NULL, "cannot read the store: %s", sqlite3_errstr(rc));
        return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT
                   ? BONT_ESCHEMA
                   : bont__sqlite_code(rc);
    }
    if (app != BONT_STORE_APPLICATION_ID) {
        if (app != 0)
            bont_error_setf(err, NULL,
                            "this SQLite file belongs to another program (application id "
                            "0x%llx), not a bont record store; it was left as it is",
                            app);
        else
            bont_error_setf(err, NULL,
                            "this SQLite file has no bont mark, so it is not a bont record "
                            "store; it was left as it is");
        return BONT_ESCHEMA;
    }
    if (version > BONT_STORE_SCHEMA_VERSION)
        return bont__store_newer_schema(err, version, "file");
    if (err)
        err->file[0] = '\0';
    return 0;
}

/* ---- connection ---- */

/* Opens filename (which exists) read-write on s; journal is "WAL" for a store in use, "DELETE"
 * while a new one is built. */
static int connect(bont_store_t *s, const char *filename, const char *journal, bont_error_t *err)
{
    sqlite3 *db = NULL;
    char sql[64];
    int rc, ret;
    rc = sqlite3_open_v2(filename, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
    s->conn = db;
    if (rc != SQLITE_OK)
        return db ? bont__sqlite_fail(s, err, "opening the store") : BONT_ENOMEM;
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, BONT__SQLITE_BUSY_TIMEOUT_MS);
    /* WAL lets readers and one writer work at once and survives a crash at any instant;
     * synchronous=FULL makes each commit durable across power loss too, not only across a
     * killed process. Foreign keys are off by default in SQLite and per connection. */
    snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", journal);
    if ((ret = bont__sqlite_exec(s, "PRAGMA foreign_keys = ON", err, "enabling foreign keys")) ||
        (ret = bont__sqlite_exec(s, sql, err, "setting the journal mode")) ||
        (ret = bont__sqlite_exec(s, "PRAGMA synchronous = FULL", err, "setting synchronous")))
        return ret;
    return 0;
}

/* synchronous is per connection: FULL (2) syncs the WAL at every commit, NORMAL (1) only at
 * checkpoints, which in WAL mode still survives a crash of the process. */
static int set_sync(bont_store_t *s, bont_store_sync_t sync, bont_error_t *err)
{
    int want = sync == BONT_STORE_SYNC_RELAXED ? 1 : 2;
    char sql[40];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = %d", want);
    int ret = bont__sqlite_exec(s, sql, err, "setting synchronous");
    if (ret)
        return ret;
    sqlite3_stmt *st = NULL;
    if ((ret = bont__sqlite_prepare(s, "PRAGMA synchronous", &st, err)) != 0)
        return ret;
    int got = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    if (got != want) {
        bont_error_setf(err, NULL, "the store kept synchronous = %d, not %d", got, want);
        return BONT_ESTORE;
    }
    return 0;
}

static void disconnect(bont_store_t *s)
{
    sqlite3_close_v2(bont__sqlite_db(s));
    s->conn = NULL;
}

static int begin_write(bont_store_t *s, bont_error_t *err)
{
    /* IMMEDIATE takes the write lock at once, so two writers queue on the busy handler instead
     * of both reading and then one failing to upgrade its lock (SQLITE_BUSY_SNAPSHOT), and what
     * a workflow reads after it cannot change before it commits. */
    return bont__sqlite_exec(s, "BEGIN IMMEDIATE", err, "starting a transaction");
}

static int begin_read(bont_store_t *s, bont_error_t *err)
{
    return bont__sqlite_exec(s, "BEGIN", err, "starting a read");
}

static int commit(bont_store_t *s, bont_error_t *err)
{
    return bont__sqlite_exec(s, "COMMIT", err, "committing");
}

static void rollback(bont_store_t *s)
{
    sqlite3 *db = bont__sqlite_db(s);
    /* SQLite may have rolled back already (after SQLITE_FULL, IOERR, NOMEM); a ROLLBACK that
     * cannot run for want of memory is tried once more. */
    for (int i = 0; i < 2 && db && !sqlite3_get_autocommit(db); i++)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* Brings the file to BONT_STORE_SCHEMA_VERSION, one migration per version, all in one
 * transaction, re-reading the version under the write lock because another process may have
 * migrated the file since we looked. Only a file bont_store_open is building (fresh) may start
 * from nothing: an existing file without the bont mark is never given a schema. */
static int migrate(bont_store_t *s, bool fresh, bont_error_t *err)
{
    long long version = 0, app = 0;
    sqlite3 *db = bont__sqlite_db(s);
    char sql[96];
    int ret = 0;
    if (read_int(db, "PRAGMA user_version", &version) != SQLITE_OK ||
        read_int(db, "PRAGMA application_id", &app) != SQLITE_OK)
        return bont__sqlite_fail(s, err, "reading the schema version");
    if (version == BONT_STORE_SCHEMA_VERSION && app == BONT_STORE_APPLICATION_ID) {
        s->schema_version = (int)version;
        return 0;
    }
    if ((ret = begin_write(s, err)) != 0)
        return ret;
    if (read_int(db, "PRAGMA user_version", &version) != SQLITE_OK ||
        read_int(db, "PRAGMA application_id", &app) != SQLITE_OK) {
        ret = bont__sqlite_fail(s, err, "reading the schema version");
        goto cleanup;
    }
    if (version > BONT_STORE_SCHEMA_VERSION ||
        (app != BONT_STORE_APPLICATION_ID && !(fresh && app == 0 && version == 0))) {
        set_file(err, s->path);
        bont_error_setf(err, NULL,
                        "not a bont record store this bont can use (application id 0x%llx, "
                        "schema version %lld; this bont reads up to %d); the file was not changed",
                        app, version, BONT_STORE_SCHEMA_VERSION);
        ret = BONT_ESCHEMA;
        goto cleanup;
    }
    for (long long v = version; v < BONT_STORE_SCHEMA_VERSION; v++) {
        if (sqlite3_exec(db, bont__store_migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "migrating to schema version %lld", v + 1);
            ret = bont__sqlite_fail(s, err, what);
            goto cleanup;
        }
    }
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
             BONT_STORE_SCHEMA_VERSION, BONT_STORE_APPLICATION_ID);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        ret = bont__sqlite_fail(s, err, "writing the schema version");
        goto cleanup;
    }
    if ((ret = commit(s, err)) == 0)
        s->schema_version = BONT_STORE_SCHEMA_VERSION;
cleanup:
    if (ret != 0)
        rollback(s);
    return ret;
}

/* Builds a new store under a temporary name beside path and links it into place when whole, so
 * no one ever opens a store that is half made. BONT_ECONFLICT when path appeared meanwhile. */
static int create_store(const char *path, bont_error_t *err)
{
    char tmp[4200];
    long long size = 0, app = 0, version = 0;
    bont_store_t *t = bont__store_calloc(1, sizeof *t);
    int ret;
    if (!t)
        return BONT_ENOMEM;
    snprintf(t->path, sizeof t->path, "%s", path);
    if ((ret = bont__store_temp_beside(path, "cannot create the store", tmp, sizeof tmp, err))) {
        free(t);
        return ret;
    }
    /* Built with a rollback journal, so that every page is in the file itself when it is closed,
     * and only then switched to WAL (which writes the header, not a WAL file). */
    if ((ret = connect(t, tmp, "DELETE", err)) || (ret = migrate(t, true, err)) ||
        (ret = bont__sqlite_exec(t, "PRAGMA journal_mode = WAL", err, "switching to WAL")))
        goto cleanup;
    if (sqlite3_close(bont__sqlite_db(t)) != SQLITE_OK) {
        ret = bont__sqlite_fail(t, err, "closing the new store");
        goto cleanup;
    }
    t->conn = NULL;
    /* Whatever failed unseen, what goes into place must read as a whole bont store. */
    if (header_ids(tmp, &size, &app, &version, err) != 0 || app != BONT_STORE_APPLICATION_ID ||
        version != BONT_STORE_SCHEMA_VERSION) {
        set_file(err, path);
        bont_error_setf(err, NULL, "the new store did not come out whole; nothing was created");
        ret = BONT_ESTORE;
        goto cleanup;
    }
    ret = bont__store_publish(tmp, path, err);
cleanup:
    if (t->conn)
        disconnect(t);
    free(t);
    if (ret != 0)
        bont__store_remove_temp(tmp);
    return ret;
}

/* The whole file has one write lock, which begin_write took: a patient needs no lock of its
 * own. */
static int lock_patient(bont_store_t *s, long long patient_id, bont_error_t *err)
{
    (void)s;
    (void)patient_id;
    (void)err;
    return 0;
}

static int sqlite_open(bont_store_t *s, const char *target, bont_store_mode_t mode,
                       bont_error_t *err)
{
    bool exists = false;
    (void)target; /* the same as s->path */
    int ret = bont__store_path_kind(s->path, &exists, err);
    if (ret != 0)
        return ret;
    if (!exists && mode != BONT_STORE_CREATE) {
        bont_error_setf(err, NULL, "no bont store at %s; nothing was created", s->path);
        return BONT_ENOTFOUND;
    }
    if (!exists) {
        ret = create_store(s->path, err);
        if (ret == BONT_ECONFLICT) /* another process created it first: use theirs */
            bont_error_clear(err);
        else if (ret != 0)
            return ret;
        s->created = ret == 0;
    }
    if ((ret = precheck(s->path, err)) != 0 || (ret = connect(s, s->path, "WAL", err)) != 0 ||
        (ret = migrate(s, false, err)) != 0) {
        disconnect(s);
        return ret;
    }
    return 0;
}

const bont__store_backend_t bont__store_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = disconnect,
    .begin_write = begin_write,
    .begin_read = begin_read,
    .commit = commit,
    .rollback = rollback,
    .lock_patient = lock_patient,
    .patient_insert = bont__sqlite_patient_insert,
    .patient_get = bont__sqlite_patient_get,
    .patient_list = bont__sqlite_patient_list,
    .visit_insert = bont__sqlite_visit_insert,
    .visit_owner = bont__sqlite_visit_owner,
    .visit_set_wore_off = bont__sqlite_visit_set_wore_off,
    .outcome_insert = bont__sqlite_outcome_insert,
    .ae_insert = bont__sqlite_ae_insert,
    .record_load = bont__sqlite_record_load,
    .recall = bont__sqlite_recall,
    .lots = bont__sqlite_lots,
    .user_insert = bont__sqlite_user_insert,
    .user_get = bont__sqlite_user_get,
    .user_list = bont__sqlite_user_list,
    .user_set_disabled = bont__sqlite_user_set_disabled,
    .user_login_result = bont__sqlite_user_login_result,
    .session_insert = bont__sqlite_session_insert,
    .session_get = bont__sqlite_session_get,
    .session_touch = bont__sqlite_session_touch,
    .session_delete = bont__sqlite_session_delete,
    .session_purge = bont__sqlite_session_purge,
    .audit_insert = bont__sqlite_audit_insert,
    .audit_list = bont__sqlite_audit_list,
    .backup = bont__sqlite_backup,
    .verify = bont__sqlite_verify,
    .set_sync = set_sync,
};
