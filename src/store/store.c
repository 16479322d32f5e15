/* store.c: opening, migrating, writing and reading the SQLite record store. */
#include "bont/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bont/plan.h"
#include "store/internal.h"
#include "store/schema.h"

/* Another process may hold the write lock for the length of one transaction (milliseconds).
 * SQLite's busy handler waits up to BUSY_TIMEOUT_MS; a few paths (changing the journal mode,
 * WAL recovery) return SQLITE_BUSY without calling it, so those are retried here as well. */
enum { BUSY_TIMEOUT_MS = 30000, RETRY_TOTAL_MS = 60000 };

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int is_busy(int rc)
{
    return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

static void set_file(bont_error_t *err, const char *path)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%s", path);
}

int bont__store_fail(bont_store_t *s, bont_error_t *err, const char *what)
{
    int code = sqlite3_extended_errcode(s->db);
    set_file(err, s->path);
    bont_error_setf(err, NULL, "%s: %s", what, sqlite3_errmsg(s->db));
    switch (code & 0xff) {
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
        return BONT_EIO;
    default:
        return BONT_ESTORE;
    }
}

/* The plan module owns the calendar; the store only needs "valid or not" and day numbers. */
int bont__store_day(const char *date, long *day)
{
    long d = 0;
    if (bont_date_parse(date, &d) != 0)
        return -1;
    if (day)
        *day = d;
    return 0;
}

void bont__store_format_day(long day, char buf[11])
{
    bont_date_format(day, buf);
}

/* Runs one statement that returns no rows, retrying while the file is locked. */
static int exec_retry(bont_store_t *s, const char *sql, bont_error_t *err, const char *what)
{
    long waited = 0;
    for (;;) {
        int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (!is_busy(rc) || waited >= RETRY_TOTAL_MS)
            return bont__store_fail(s, err, what);
        long pause = 5 + rand() % 20;
        sleep_ms(pause);
        waited += pause;
    }
}

int bont__store_prepare(bont_store_t *s, const char *sql, sqlite3_stmt **st, bont_error_t *err)
{
    long waited = 0;
    for (;;) {
        int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
        if (rc == SQLITE_OK)
            return 0;
        if (!is_busy(rc) || waited >= RETRY_TOTAL_MS)
            return bont__store_fail(s, err, "preparing a query");
        sleep_ms(10);
        waited += 10;
    }
}

/* Steps a statement, retrying SQLITE_BUSY that escaped the busy handler. */
static int step(sqlite3_stmt *st)
{
    long waited = 0;
    for (;;) {
        int rc = sqlite3_step(st);
        if (!is_busy(rc) || waited >= RETRY_TOTAL_MS)
            return rc;
        sqlite3_reset(st);
        sleep_ms(10);
        waited += 10;
    }
}

static int tx_begin(bont_store_t *s, bont_error_t *err)
{
    /* IMMEDIATE takes the write lock at once, so two writers queue on the busy handler instead
     * of both reading and then one failing to upgrade its lock (SQLITE_BUSY_SNAPSHOT). */
    return exec_retry(s, "BEGIN IMMEDIATE", err, "starting a transaction");
}

static int tx_commit(bont_store_t *s, bont_error_t *err)
{
    return exec_retry(s, "COMMIT", err, "committing");
}

static void tx_rollback(bont_store_t *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static void col_text(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

static double col_real_or(sqlite3_stmt *st, int i, double missing)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? missing : sqlite3_column_double(st, i);
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
    if (!text || !*text)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
}

static int bind_real_or_null(sqlite3_stmt *st, int i, double v)
{
    return v < 0 ? sqlite3_bind_null(st, i) : sqlite3_bind_double(st, i, v);
}

/* Reads one integer pragma. */
static int pragma_int(sqlite3 *db, const char *sql, long long *out)
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

int bont_store_default_path(char *buf, size_t size, bool create_dir, bont_error_t *err)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    char dir[4096];
    /* The XDG base-directory spec says a relative XDG_DATA_HOME is invalid and must be
     * ignored. */
    if (xdg && xdg[0] == '/')
        snprintf(dir, sizeof dir, "%s/bont", xdg);
    else if (home && home[0] == '/')
        snprintf(dir, sizeof dir, "%s/.local/share/bont", home);
    else {
        bont_error_setf(
            err, "--db",
            "neither XDG_DATA_HOME nor HOME is set: give the store file with --db FILE");
        return BONT_EINVAL;
    }
    int n = snprintf(buf, size, "%s/bont.db", dir);
    if (n < 0 || (size_t)n >= size) {
        bont_error_setf(err, "--db", "the default store path is too long: give --db FILE");
        return BONT_EINVAL;
    }
    if (!create_dir)
        return 0;
    /* mkdir -p, with 0700 for the folders we make: the store holds medical records. */
    for (char *p = dir + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            bont_error_setf(err, "--db", "cannot create the folder %s: %s", dir, strerror(errno));
            return BONT_EIO;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    return 0;
}

/* The application id and user version from the 100-byte header of a SQLite file (file format:
 * big-endian at offsets 68 and 60), for a file a read-only connection cannot open. */
static int header_ids(const char *path, long long *app, long long *version)
{
    unsigned char h[100];
    FILE *f = fopen(path, "rb");
    if (!f)
        return SQLITE_CANTOPEN;
    size_t n = fread(h, 1, sizeof h, f);
    fclose(f);
    if (n < sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return SQLITE_NOTADB;
    *version =
        (long long)((uint32_t)h[60] << 24 | (uint32_t)h[61] << 16 | (uint32_t)h[62] << 8 | h[63]);
    *app = (long long)(int32_t)((uint32_t)h[68] << 24 | (uint32_t)h[69] << 16 |
                                (uint32_t)h[70] << 8 | h[71]);
    return SQLITE_OK;
}

/* Reads the schema version and application id of an existing file without writing to it, so a
 * file this build cannot use is refused before anything touches it. */
static int precheck(const char *path, bont_error_t *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || sb.st_size == 0)
        return 0; /* new or empty file: nothing to protect */
    sqlite3 *db = NULL;
    int ret = 0;
    long long version = 0, app = 0;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
        rc = pragma_int(db, "PRAGMA application_id", &app);
    }
    if (rc == SQLITE_OK)
        rc = pragma_int(db, "PRAGMA user_version", &version);
    if ((rc & 0xff) == SQLITE_READONLY || (rc & 0xff) == SQLITE_BUSY ||
        (rc & 0xff) == SQLITE_CANTOPEN) {
        /* A file left by a crash (a hot journal, a WAL that needs recovery) cannot be read by a
         * read-only connection; its header still says whose it is and which schema it has. */
        sqlite3_close(db);
        db = NULL;
        rc = header_ids(path, &app, &version);
        if (rc == SQLITE_OK && app == 0 && version == 0)
            return 0; /* a store that was being created when the crash came */
    }
    if (rc != SQLITE_OK) {
        set_file(err, path);
        if ((rc & 0xff) == SQLITE_NOTADB) {
            bont_error_setf(err, NULL,
                            "not a SQLite database, so not a bont record store; "
                            "the file was left as it is");
            ret = BONT_ESCHEMA;
        } else {
            bont_error_setf(err, NULL, "cannot read the store: %s", db ? sqlite3_errmsg(db) : "");
            ret = BONT_EIO;
        }
        goto cleanup;
    }
    if (app != 0 && app != BONT_STORE_APPLICATION_ID) {
        set_file(err, path);
        bont_error_setf(err, NULL,
                        "this SQLite file belongs to another program (application id 0x%llx), "
                        "not a bont record store; it was left as it is",
                        app);
        ret = BONT_ESCHEMA;
        goto cleanup;
    }
    if (version > BONT_STORE_SCHEMA_VERSION) {
        set_file(err, path);
        bont_error_setf(err, NULL,
                        "the store was written by a newer bont (schema version %lld; this bont "
                        "reads up to %d): use a newer bont; the file was not changed",
                        version, BONT_STORE_SCHEMA_VERSION);
        ret = BONT_ESCHEMA;
        goto cleanup;
    }
    if (app == 0 && version != 0) {
        set_file(err, path);
        bont_error_setf(err, NULL,
                        "this SQLite file is not a bont record store (it has schema version %lld "
                        "but no bont mark); it was left as it is",
                        version);
        ret = BONT_ESCHEMA;
        goto cleanup;
    }
    if (app == 0) {
        /* A version-0 file with tables of its own is someone else's database. */
        long long n_tables = 0;
        if (pragma_int(db, "SELECT count(*) FROM sqlite_master", &n_tables) == SQLITE_OK &&
            n_tables > 0) {
            set_file(err, path);
            bont_error_setf(err, NULL,
                            "this SQLite file holds tables but is not a bont record store; it "
                            "was left as it is");
            ret = BONT_ESCHEMA;
        }
    }
cleanup:
    sqlite3_close(db);
    return ret;
}

/* Brings the file to BONT_STORE_SCHEMA_VERSION, one migration per version, all in one
 * transaction, re-reading the version under the write lock because another process may have
 * migrated the file since we looked. */
static int migrate(bont_store_t *s, bont_error_t *err)
{
    long long version = 0, app = 0;
    int ret = 0;
    if (pragma_int(s->db, "PRAGMA user_version", &version) != SQLITE_OK)
        return bont__store_fail(s, err, "reading the schema version");
    if (version == BONT_STORE_SCHEMA_VERSION) {
        s->schema_version = (int)version;
        return 0;
    }
    if ((ret = tx_begin(s, err)) != 0)
        return ret;
    if (pragma_int(s->db, "PRAGMA user_version", &version) != SQLITE_OK ||
        pragma_int(s->db, "PRAGMA application_id", &app) != SQLITE_OK) {
        ret = bont__store_fail(s, err, "reading the schema version");
        goto cleanup;
    }
    if (version > BONT_STORE_SCHEMA_VERSION || (app != 0 && app != BONT_STORE_APPLICATION_ID)) {
        set_file(err, s->path);
        bont_error_setf(err, NULL,
                        "the store was written by a newer bont or another program (schema "
                        "version %lld; this bont reads up to %d); the file was not changed",
                        version, BONT_STORE_SCHEMA_VERSION);
        ret = BONT_ESCHEMA;
        goto cleanup;
    }
    for (long long v = version; v < BONT_STORE_SCHEMA_VERSION; v++) {
        if (sqlite3_exec(s->db, bont_store_migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
            char what[64];
            snprintf(what, sizeof what, "migrating to schema version %lld", v + 1);
            ret = bont__store_fail(s, err, what);
            goto cleanup;
        }
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
             BONT_STORE_SCHEMA_VERSION, BONT_STORE_APPLICATION_ID);
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        ret = bont__store_fail(s, err, "writing the schema version");
        goto cleanup;
    }
    ret = tx_commit(s, err);
    if (ret == 0)
        s->schema_version = BONT_STORE_SCHEMA_VERSION;
cleanup:
    if (ret != 0)
        tx_rollback(s);
    return ret;
}

int bont_store_open(bont_store_t **out, const char *path, bont_error_t *err)
{
    int ret = 0;
    bont_store_t *s = NULL;
    *out = NULL;
    if (!path || !*path) {
        bont_error_setf(err, "--db", "the store file name is empty");
        return BONT_EINVAL;
    }
    if ((ret = precheck(path, err)) != 0)
        return ret;
    s = calloc(1, sizeof *s);
    if (!s)
        return BONT_ENOMEM;
    snprintf(s->path, sizeof s->path, "%s", path);
    /* Create the file ourselves so that it is private (0600): SQLite would use 0644. The WAL
     * and shared-memory files take their mode from it. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    else if (errno != EEXIST) {
        set_file(err, path);
        bont_error_setf(err, NULL, "cannot create the store: %s", strerror(errno));
        ret = BONT_EIO;
        goto cleanup;
    }
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK) {
        ret = s->db ? bont__store_fail(s, err, "opening the store") : BONT_ENOMEM;
        goto cleanup;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* WAL lets readers and one writer work at once and survives a crash at any instant;
     * synchronous=FULL makes each commit durable across power loss too, not only across a
     * killed process. Foreign keys are off by default in SQLite and per connection. */
    if ((ret = exec_retry(s, "PRAGMA foreign_keys = ON", err, "enabling foreign keys")) != 0 ||
        (ret = exec_retry(s, "PRAGMA journal_mode = WAL", err, "switching to WAL")) != 0 ||
        (ret = exec_retry(s, "PRAGMA synchronous = FULL", err, "setting synchronous")) != 0)
        goto cleanup;
    ret = migrate(s, err);
cleanup:
    if (ret != 0) {
        bont_store_close(&s);
        return ret;
    }
    *out = s;
    return 0;
}

void bont_store_close(bont_store_t **store)
{
    if (!store || !*store)
        return;
    sqlite3_close_v2((*store)->db);
    free(*store);
    *store = NULL;
}

int bont_store_schema_version(bont_store_t *store)
{
    return store ? store->schema_version : -1;
}

/* ---- patients ---- */

static int check_date(const char *date, const char *field, bont_error_t *err)
{
    if (bont__store_day(date, NULL) == 0)
        return 0;
    bont_error_setf(err, field, "must be a real date as YYYY-MM-DD (got \"%s\")", date ? date : "");
    return BONT_EINVAL;
}

static int patient_valid(const bont_store_patient_t *p, bont_error_t *err)
{
    int rc;
    if (!p->name[0] || strspn(p->name, " \t") == strlen(p->name)) {
        bont_error_setf(err, "--name", "the patient's name is empty");
        return BONT_EINVAL;
    }
    if ((rc = check_date(p->birth_date, "--birth", err)) != 0)
        return rc;
    static const char *const sexes[] = {"female", "male", "other", "unknown"};
    int ok = 0;
    for (size_t i = 0; i < 4; i++)
        ok |= strcmp(p->sex, sexes[i]) == 0;
    if (!ok) {
        bont_error_setf(err, "--sex", "must be female, male, other or unknown (got \"%s\")",
                        p->sex);
        return BONT_EINVAL;
    }
    if (p->weight_kg >= 0 && !(p->weight_kg > 0.3 && p->weight_kg < 700)) {
        bont_error_setf(err, "--weight", "must be a body weight in kg (got %g)", p->weight_kg);
        return BONT_ERANGE;
    }
    for (size_t i = 0; i < p->n_terms; i++) {
        const char *k = p->terms[i].kind;
        if (strcmp(k, "condition") && strcmp(k, "medication") && strcmp(k, "allergy")) {
            bont_error_setf(err, NULL,
                            "a recorded term must be a condition, medication or "
                            "allergy (got \"%s\")",
                            k);
            return BONT_EINVAL;
        }
        if (!p->terms[i].name[0]) {
            bont_error_setf(err, k, "the %s is empty", k);
            return BONT_EINVAL;
        }
    }
    return 0;
}

int bont_store_patient_add(bont_store_t *store, bont_store_patient_t *p, bont_error_t *err)
{
    sqlite3_stmt *st = NULL, *term = NULL;
    int ret = patient_valid(p, err);
    if (ret != 0)
        return ret;
    if ((ret = tx_begin(store, err)) != 0)
        return ret;
    if ((ret = bont__store_prepare(store,
                                   "INSERT INTO patients (name, birth_date, sex, weight_kg, "
                                   "created_at) VALUES (?, ?, ?, ?, " NOW_SQL ") "
                                   "RETURNING id, created_at",
                                   &st, err)) != 0)
        goto cleanup;
    sqlite3_bind_text(st, 1, p->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, p->birth_date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, p->sex, -1, SQLITE_TRANSIENT);
    bind_real_or_null(st, 4, p->weight_kg);
    if (step(st) != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "adding the patient");
        goto cleanup;
    }
    p->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, p->created_at, sizeof p->created_at);
    if (step(st) != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "adding the patient");
        goto cleanup;
    }
    if ((ret = bont__store_prepare(store,
                                   "INSERT OR IGNORE INTO patient_terms (patient_id, kind, name) "
                                   "VALUES (?, ?, ?)",
                                   &term, err)) != 0)
        goto cleanup;
    for (size_t i = 0; i < p->n_terms; i++) {
        sqlite3_reset(term);
        sqlite3_bind_int64(term, 1, p->id);
        sqlite3_bind_text(term, 2, p->terms[i].kind, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(term, 3, p->terms[i].name, -1, SQLITE_TRANSIENT);
        if (step(term) != SQLITE_DONE) {
            ret = bont__store_fail(store, err, "adding the patient's conditions");
            goto cleanup;
        }
    }
    ret = tx_commit(store, err);
cleanup:
    sqlite3_finalize(st);
    sqlite3_finalize(term);
    if (ret != 0) {
        tx_rollback(store);
        p->id = 0;
    }
    return ret;
}

#define PATIENT_COLS "id, name, birth_date, sex, weight_kg, created_at"

static void patient_row(sqlite3_stmt *st, bont_store_patient_t *p)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, p->name, sizeof p->name);
    col_text(st, 2, p->birth_date, sizeof p->birth_date);
    col_text(st, 3, p->sex, sizeof p->sex);
    p->weight_kg = col_real_or(st, 4, -1);
    col_text(st, 5, p->created_at, sizeof p->created_at);
}

int bont_store_patient_get(bont_store_t *store, long long id, bont_store_patient_t *out,
                           bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int ret =
        bont__store_prepare(store, "SELECT " PATIENT_COLS " FROM patients WHERE id = ?", &st, err);
    if (ret != 0)
        return ret;
    sqlite3_bind_int64(st, 1, id);
    int rc = step(st);
    if (rc == SQLITE_DONE) {
        bont_error_setf(err, "patient", "no patient with id %lld in %s", id, store->path);
        ret = BONT_ENOTFOUND;
        goto cleanup;
    }
    if (rc != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "reading the patient");
        goto cleanup;
    }
    patient_row(st, out);
    sqlite3_finalize(st);
    st = NULL;
    if ((ret = bont__store_prepare(store,
                                   "SELECT kind, name FROM patient_terms WHERE patient_id = ? "
                                   "ORDER BY kind, name",
                                   &st, err)) != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = step(st)) == SQLITE_ROW && out->n_terms < BONT_STORE_MAX_TERMS) {
        bont_store_term_t *t = &out->terms[out->n_terms++];
        col_text(st, 0, t->kind, sizeof t->kind);
        col_text(st, 1, t->name, sizeof t->name);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        ret = bont__store_fail(store, err, "reading the patient's conditions");
cleanup:
    sqlite3_finalize(st);
    return ret;
}

int bont_store_patient_list(bont_store_t *store, bont_store_patient_t **out, size_t *n,
                            bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_patient_t *list = NULL;
    size_t count = 0, cap = 0;
    *out = NULL;
    *n = 0;
    int ret =
        bont__store_prepare(store, "SELECT " PATIENT_COLS " FROM patients ORDER BY id", &st, err);
    if (ret != 0)
        return ret;
    int rc;
    while ((rc = step(st)) == SQLITE_ROW) {
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            bont_store_patient_t *grown = realloc(list, ncap * sizeof *grown);
            if (!grown) {
                ret = BONT_ENOMEM;
                goto cleanup;
            }
            list = grown;
            cap = ncap;
        }
        patient_row(st, &list[count++]);
    }
    if (rc != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "listing patients");
        goto cleanup;
    }
    *out = list;
    *n = count;
    list = NULL;
cleanup:
    free(list);
    sqlite3_finalize(st);
    return ret;
}

/* ---- visits ---- */

static int visit_valid(const bont_store_visit_t *v, bont_error_t *err)
{
    int rc;
    if ((rc = check_date(v->date, "date", err)) != 0 ||
        (rc = check_date(v->vial.expiry, "--expiry", err)) != 0)
        return rc;
    if (!v->vial.product[0] || !v->indication[0]) {
        bont_error_setf(err, NULL, "a visit needs a product and an indication");
        return BONT_EMISSING;
    }
    if (!v->vial.lot[0] || strspn(v->vial.lot, " \t") == strlen(v->vial.lot)) {
        bont_error_setf(err, "--lot", "the lot number is empty");
        return BONT_EMISSING;
    }
    if (v->n_injections == 0) {
        bont_error_setf(err, "injections", "a visit needs at least one injection");
        return BONT_EMISSING;
    }
    for (size_t i = 0; i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        char field[48];
        snprintf(field, sizeof field, "injections[%zu]", i);
        if (!in->muscle[0] || !(in->units > 0) || in->sites < 1 ||
            (in->side[0] && strcmp(in->side, "left") && strcmp(in->side, "right"))) {
            bont_error_setf(err, field,
                            "needs a muscle, units > 0, sites >= 1 and a side of "
                            "left, right or none");
            return BONT_EINVAL;
        }
    }
    return 0;
}

int bont_store_visit_add(bont_store_t *store, bont_store_visit_t *v, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_patient_t who;
    int ret = visit_valid(v, err);
    if (ret != 0)
        return ret;
    /* Every row of the visit goes in under one write lock and one COMMIT: a crash at any point
     * leaves either the whole visit or none of it. */
    if ((ret = tx_begin(store, err)) != 0)
        return ret;
    if ((ret = bont_store_patient_get(store, v->patient_id, &who, err)) != 0)
        goto cleanup;
    ret = bont__store_prepare(store,
                              "INSERT INTO vials (product, lot, expiry, vial_units, diluent_ml, "
                              "reconstituted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_text(st, 1, v->vial.product, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, v->vial.lot, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, v->vial.expiry, -1, SQLITE_TRANSIENT);
    bind_real_or_null(st, 4, v->vial.vial_units > 0 ? v->vial.vial_units : -1);
    bind_real_or_null(st, 5, v->vial.diluent_ml);
    bind_text_or_null(st, 6, v->vial.reconstituted_at);
    if (step(st) != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "writing the vial");
        goto cleanup;
    }
    v->vial.id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;

    v->total_units = 0;
    for (size_t i = 0; i < v->n_injections; i++)
        v->total_units += v->injections[i].units;
    ret = bont__store_prepare(store,
                              "INSERT INTO visits (patient_id, vial_id, date, injected_at, "
                              "indication, total_units, n_injections, override_reason, "
                              "findings_json, wore_off_date, recorded_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " NOW_SQL ") "
                              "RETURNING id, recorded_at",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, v->patient_id);
    sqlite3_bind_int64(st, 2, v->vial.id);
    sqlite3_bind_text(st, 3, v->date, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 4, v->injected_at);
    sqlite3_bind_text(st, 5, v->indication, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 6, v->total_units);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)v->n_injections);
    bind_text_or_null(st, 8, v->override_reason);
    bind_text_or_null(st, 9, v->findings_json);
    bind_text_or_null(st, 10, v->wore_off_date);
    if (step(st) != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "writing the visit");
        goto cleanup;
    }
    v->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, v->recorded_at, sizeof v->recorded_at);
    sqlite3_finalize(st);
    st = NULL;

    ret = bont__store_prepare(store,
                              "INSERT INTO injections (visit_id, seq, muscle, side, units, "
                              "volume_ml, sites, guidance) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    for (size_t i = 0; i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, v->id);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 3, in->muscle, -1, SQLITE_TRANSIENT);
        bind_text_or_null(st, 4, in->side);
        sqlite3_bind_double(st, 5, in->units);
        bind_real_or_null(st, 6, in->volume_ml);
        sqlite3_bind_int(st, 7, in->sites);
        bind_text_or_null(st, 8, in->guidance);
        if (step(st) != SQLITE_DONE) {
            ret = bont__store_fail(store, err, "writing an injection");
            goto cleanup;
        }
    }
    ret = tx_commit(store, err);
cleanup:
    sqlite3_finalize(st);
    if (ret != 0) {
        tx_rollback(store);
        v->id = 0;
        v->vial.id = 0;
    }
    return ret;
}

int bont_store_visit_wore_off(bont_store_t *store, long long visit_id, const char *date,
                              bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int ret = check_date(date, "--wore-off", err);
    if (ret != 0)
        return ret;
    if ((ret = tx_begin(store, err)) != 0)
        return ret;
    ret = bont__store_prepare(store, "SELECT date FROM visits WHERE id = ?", &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, visit_id);
    if (step(st) != SQLITE_ROW) {
        bont_error_setf(err, "--visit", "no visit with id %lld", visit_id);
        ret = BONT_ENOTFOUND;
        goto cleanup;
    }
    char visit_date[11];
    col_text(st, 0, visit_date, sizeof visit_date);
    if (strcmp(date, visit_date) <= 0) {
        bont_error_setf(err, "--wore-off",
                        "the effect cannot wear off on or before the visit (%s; got %s)",
                        visit_date, date);
        ret = BONT_ERANGE;
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    ret = bont__store_prepare(store, "UPDATE visits SET wore_off_date = ? WHERE id = ?", &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_text(st, 1, date, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, visit_id);
    if (step(st) != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "recording the wear-off date");
        goto cleanup;
    }
    ret = tx_commit(store, err);
cleanup:
    sqlite3_finalize(st);
    if (ret != 0)
        tx_rollback(store);
    return ret;
}

/* The patient a visit belongs to, and its date; BONT_ENOTFOUND when there is no such visit. */
static int visit_owner(bont_store_t *store, long long visit_id, long long *patient_id,
                       char date[11], bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int ret =
        bont__store_prepare(store, "SELECT patient_id, date FROM visits WHERE id = ?", &st, err);
    if (ret != 0)
        return ret;
    sqlite3_bind_int64(st, 1, visit_id);
    int rc = step(st);
    if (rc == SQLITE_ROW) {
        *patient_id = sqlite3_column_int64(st, 0);
        col_text(st, 1, date, 11);
    } else if (rc == SQLITE_DONE) {
        bont_error_setf(err, "--visit", "no visit with id %lld", visit_id);
        ret = BONT_ENOTFOUND;
    } else
        ret = bont__store_fail(store, err, "reading the visit");
    sqlite3_finalize(st);
    return ret;
}

int bont_store_outcome_add(bont_store_t *store, bont_store_outcome_t *o, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_patient_t who;
    int ret;
    if ((ret = check_date(o->date, "--date", err)) != 0 ||
        (ret = bont_store_scale_check(o->scale, sizeof o->scale, o->score, err)) != 0)
        return ret;
    if ((ret = tx_begin(store, err)) != 0)
        return ret;
    if (o->visit_id > 0) {
        long long owner = 0;
        char visit_date[11];
        if ((ret = visit_owner(store, o->visit_id, &owner, visit_date, err)) != 0)
            goto cleanup;
        if (o->patient_id > 0 && owner != o->patient_id) {
            bont_error_setf(err, "--visit", "visit %lld belongs to patient %lld, not %lld",
                            o->visit_id, owner, o->patient_id);
            ret = BONT_ECONFLICT;
            goto cleanup;
        }
        o->patient_id = owner;
    }
    if ((ret = bont_store_patient_get(store, o->patient_id, &who, err)) != 0)
        goto cleanup;
    ret = bont__store_prepare(store,
                              "INSERT INTO outcomes (patient_id, visit_id, scale, score, date, "
                              "note) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, o->patient_id);
    if (o->visit_id > 0)
        sqlite3_bind_int64(st, 2, o->visit_id);
    sqlite3_bind_text(st, 3, o->scale, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 4, o->score);
    sqlite3_bind_text(st, 5, o->date, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 6, o->note);
    if (step(st) != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "writing the outcome");
        goto cleanup;
    }
    o->id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    ret = tx_commit(store, err);
cleanup:
    sqlite3_finalize(st);
    if (ret != 0)
        tx_rollback(store);
    return ret;
}

int bont_store_ae_add(bont_store_t *store, bont_store_ae_t *ae, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int ret = 0;
    if (!ae->what[0] || strspn(ae->what, " \t") == strlen(ae->what)) {
        bont_error_setf(err, "--what", "say what the adverse event was");
        return BONT_EMISSING;
    }
    if (ae->onset_day < 0 || ae->onset_day > 3650) {
        bont_error_setf(err, "--onset-day", "must be days after the visit, 0 or more (got %d)",
                        ae->onset_day);
        return BONT_ERANGE;
    }
    if (strcmp(ae->severity, "mild") && strcmp(ae->severity, "moderate") &&
        strcmp(ae->severity, "severe")) {
        bont_error_setf(err, "--severity", "must be mild, moderate or severe (got \"%s\")",
                        ae->severity);
        return BONT_EINVAL;
    }
    if (ae->resolved_date[0] && (ret = check_date(ae->resolved_date, "--resolved", err)) != 0)
        return ret;
    if ((ret = tx_begin(store, err)) != 0)
        return ret;
    long long owner = 0;
    char visit_date[11];
    if ((ret = visit_owner(store, ae->visit_id, &owner, visit_date, err)) != 0)
        goto cleanup;
    if (ae->patient_id > 0 && owner != ae->patient_id) {
        bont_error_setf(err, "--visit", "visit %lld belongs to patient %lld, not %lld",
                        ae->visit_id, owner, ae->patient_id);
        ret = BONT_ECONFLICT;
        goto cleanup;
    }
    ae->patient_id = owner;
    if (ae->resolved_date[0]) {
        long visit_day = 0, resolved_day = 0;
        bont__store_day(visit_date, &visit_day);
        bont__store_day(ae->resolved_date, &resolved_day);
        if (resolved_day < visit_day + ae->onset_day) {
            bont_error_setf(err, "--resolved",
                            "the event cannot resolve (%s) before it began (visit %s + %d days)",
                            ae->resolved_date, visit_date, ae->onset_day);
            ret = BONT_ERANGE;
            goto cleanup;
        }
    }
    ret = bont__store_prepare(store,
                              "INSERT INTO adverse_events (patient_id, visit_id, what, onset_day, "
                              "severity, resolved_date, note) VALUES (?, ?, ?, ?, ?, ?, ?) "
                              "RETURNING id",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, ae->patient_id);
    sqlite3_bind_int64(st, 2, ae->visit_id);
    sqlite3_bind_text(st, 3, ae->what, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, ae->onset_day);
    sqlite3_bind_text(st, 5, ae->severity, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 6, ae->resolved_date);
    bind_text_or_null(st, 7, ae->note);
    if (step(st) != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "writing the adverse event");
        goto cleanup;
    }
    ae->id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    ret = tx_commit(store, err);
cleanup:
    sqlite3_finalize(st);
    if (ret != 0)
        tx_rollback(store);
    return ret;
}

/* ---- reading a patient's record ---- */

void bont_store_visit_clear(bont_store_visit_t *visit)
{
    if (!visit)
        return;
    free(visit->injections);
    free(visit->findings_json);
    visit->injections = NULL;
    visit->n_injections = 0;
    visit->findings_json = NULL;
}

void bont_store_record_free(bont_store_record_t **rec)
{
    if (!rec || !*rec)
        return;
    for (size_t i = 0; i < (*rec)->n_visits; i++)
        bont_store_visit_clear(&(*rec)->visits[i]);
    free((*rec)->visits);
    free((*rec)->outcomes);
    free((*rec)->aes);
    free(*rec);
    *rec = NULL;
}

/* Grows *arr (of elem-size entries, *cap of them) so that one more fits. */
static int grow(void **arr, size_t *cap, size_t count, size_t elem)
{
    if (count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *grown = realloc(*arr, ncap * elem);
    if (!grown)
        return BONT_ENOMEM;
    memset((char *)grown + *cap * elem, 0, (ncap - *cap) * elem);
    *arr = grown;
    *cap = ncap;
    return 0;
}

static int load_injections(bont_store_t *store, bont_store_visit_t *v, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc, ret = bont__store_prepare(store,
                                      "SELECT muscle, side, units, volume_ml, sites, guidance "
                                      "FROM injections WHERE visit_id = ? ORDER BY seq",
                                      &st, err);
    if (ret != 0)
        return ret;
    sqlite3_bind_int64(st, 1, v->id);
    while ((rc = step(st)) == SQLITE_ROW) {
        if ((ret = grow((void **)&v->injections, &cap, v->n_injections, sizeof *v->injections)))
            goto cleanup;
        bont_store_injection_t *in = &v->injections[v->n_injections++];
        col_text(st, 0, in->muscle, sizeof in->muscle);
        col_text(st, 1, in->side, sizeof in->side);
        in->units = sqlite3_column_double(st, 2);
        in->volume_ml = col_real_or(st, 3, -1);
        in->sites = sqlite3_column_int(st, 4);
        col_text(st, 5, in->guidance, sizeof in->guidance);
    }
    if (rc != SQLITE_DONE)
        ret = bont__store_fail(store, err, "reading injections");
cleanup:
    sqlite3_finalize(st);
    return ret;
}

int bont_store_record_load(bont_store_t *store, long long patient_id, bont_store_record_t **out,
                           bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc, ret;
    *out = NULL;
    bont_store_record_t *rec = calloc(1, sizeof *rec);
    if (!rec)
        return BONT_ENOMEM;
    /* One read transaction, so the record is a single consistent snapshot even while another
     * process writes. */
    if ((ret = exec_retry(store, "BEGIN", err, "starting a read")) != 0)
        goto cleanup;
    if ((ret = bont_store_patient_get(store, patient_id, &rec->patient, err)) != 0)
        goto cleanup;
    ret = bont__store_prepare(store,
                              "SELECT v.id, v.date, v.injected_at, v.indication, v.total_units, "
                              "v.override_reason, v.findings_json, v.wore_off_date, "
                              "v.recorded_at, l.id, l.product, l.lot, l.expiry, l.vial_units, "
                              "l.diluent_ml, l.reconstituted_at "
                              "FROM visits v JOIN vials l ON l.id = v.vial_id "
                              "WHERE v.patient_id = ? ORDER BY v.date, v.id",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, patient_id);
    while ((rc = step(st)) == SQLITE_ROW) {
        if ((ret = grow((void **)&rec->visits, &cap, rec->n_visits, sizeof *rec->visits)))
            goto cleanup;
        bont_store_visit_t *v = &rec->visits[rec->n_visits++];
        v->id = sqlite3_column_int64(st, 0);
        v->patient_id = patient_id;
        col_text(st, 1, v->date, sizeof v->date);
        col_text(st, 2, v->injected_at, sizeof v->injected_at);
        col_text(st, 3, v->indication, sizeof v->indication);
        v->total_units = sqlite3_column_double(st, 4);
        col_text(st, 5, v->override_reason, sizeof v->override_reason);
        const unsigned char *fj = sqlite3_column_text(st, 6);
        if (fj && !(v->findings_json = strdup((const char *)fj))) {
            ret = BONT_ENOMEM;
            goto cleanup;
        }
        col_text(st, 7, v->wore_off_date, sizeof v->wore_off_date);
        col_text(st, 8, v->recorded_at, sizeof v->recorded_at);
        v->vial.id = sqlite3_column_int64(st, 9);
        col_text(st, 10, v->vial.product, sizeof v->vial.product);
        col_text(st, 11, v->vial.lot, sizeof v->vial.lot);
        col_text(st, 12, v->vial.expiry, sizeof v->vial.expiry);
        v->vial.vial_units = col_real_or(st, 13, -1);
        v->vial.diluent_ml = col_real_or(st, 14, -1);
        col_text(st, 15, v->vial.reconstituted_at, sizeof v->vial.reconstituted_at);
    }
    if (rc != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "reading visits");
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; i < rec->n_visits; i++)
        if ((ret = load_injections(store, &rec->visits[i], err)) != 0)
            goto cleanup;

    cap = 0;
    ret = bont__store_prepare(store,
                              "SELECT id, visit_id, scale, score, date, note FROM outcomes "
                              "WHERE patient_id = ? ORDER BY date, id",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, patient_id);
    while ((rc = step(st)) == SQLITE_ROW) {
        if ((ret = grow((void **)&rec->outcomes, &cap, rec->n_outcomes, sizeof *rec->outcomes)))
            goto cleanup;
        bont_store_outcome_t *o = &rec->outcomes[rec->n_outcomes++];
        o->id = sqlite3_column_int64(st, 0);
        o->patient_id = patient_id;
        o->visit_id = sqlite3_column_int64(st, 1);
        col_text(st, 2, o->scale, sizeof o->scale);
        o->score = sqlite3_column_double(st, 3);
        col_text(st, 4, o->date, sizeof o->date);
        col_text(st, 5, o->note, sizeof o->note);
    }
    if (rc != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "reading outcomes");
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;

    cap = 0;
    ret = bont__store_prepare(store,
                              "SELECT a.id, a.visit_id, a.what, a.onset_day, a.severity, "
                              "a.resolved_date, a.note FROM adverse_events a "
                              "JOIN visits v ON v.id = a.visit_id "
                              "WHERE a.patient_id = ? ORDER BY v.date, a.onset_day, a.id",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    sqlite3_bind_int64(st, 1, patient_id);
    while ((rc = step(st)) == SQLITE_ROW) {
        if ((ret = grow((void **)&rec->aes, &cap, rec->n_aes, sizeof *rec->aes)))
            goto cleanup;
        bont_store_ae_t *a = &rec->aes[rec->n_aes++];
        a->id = sqlite3_column_int64(st, 0);
        a->patient_id = patient_id;
        a->visit_id = sqlite3_column_int64(st, 1);
        col_text(st, 2, a->what, sizeof a->what);
        a->onset_day = sqlite3_column_int(st, 3);
        col_text(st, 4, a->severity, sizeof a->severity);
        col_text(st, 5, a->resolved_date, sizeof a->resolved_date);
        col_text(st, 6, a->note, sizeof a->note);
    }
    if (rc != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "reading adverse events");
        goto cleanup;
    }
cleanup:
    sqlite3_finalize(st);
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
    if (ret != 0) {
        bont_store_record_free(&rec);
        return ret;
    }
    *out = rec;
    return 0;
}

int bont_store_recall(bont_store_t *store, const char *lot, bont_store_recall_t **out, size_t *n,
                      bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_recall_t *list = NULL;
    size_t count = 0, cap = 0;
    int rc, ret;
    *out = NULL;
    *n = 0;
    if (!lot || !*lot) {
        bont_error_setf(err, "LOT", "give the lot number to look for");
        return BONT_EMISSING;
    }
    ret = bont__store_prepare(store,
                              "SELECT p.id, p.name, p.birth_date, v.id, v.date, l.product, l.lot, "
                              "l.expiry, v.total_units FROM vials l "
                              "JOIN visits v ON v.vial_id = l.id "
                              "JOIN patients p ON p.id = v.patient_id "
                              "WHERE l.lot = trim(?) COLLATE NOCASE "
                              "ORDER BY p.id, v.date, v.id",
                              &st, err);
    if (ret != 0)
        return ret;
    sqlite3_bind_text(st, 1, lot, -1, SQLITE_TRANSIENT);
    while ((rc = step(st)) == SQLITE_ROW) {
        if ((ret = grow((void **)&list, &cap, count, sizeof *list)) != 0)
            goto cleanup;
        bont_store_recall_t *r = &list[count++];
        r->patient_id = sqlite3_column_int64(st, 0);
        col_text(st, 1, r->patient_name, sizeof r->patient_name);
        col_text(st, 2, r->birth_date, sizeof r->birth_date);
        r->visit_id = sqlite3_column_int64(st, 3);
        col_text(st, 4, r->date, sizeof r->date);
        col_text(st, 5, r->product, sizeof r->product);
        col_text(st, 6, r->lot, sizeof r->lot);
        col_text(st, 7, r->expiry, sizeof r->expiry);
        r->total_units = sqlite3_column_double(st, 8);
    }
    if (rc != SQLITE_DONE) {
        ret = bont__store_fail(store, err, "searching the lot");
        goto cleanup;
    }
    *out = list;
    *n = count;
    list = NULL;
cleanup:
    free(list);
    sqlite3_finalize(st);
    return ret;
}

/* ---- backup and verification ---- */

int bont_store_backup(bont_store_t *store, const char *path, bont_error_t *err)
{
    sqlite3 *dest = NULL;
    sqlite3_backup *bk = NULL;
    int ret = 0, created = 0;
    if (!path || !*path) {
        bont_error_setf(err, "FILE", "give the backup file name");
        return BONT_EMISSING;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_file(err, path);
        bont_error_setf(err, NULL, "%s",
                        errno == EEXIST ? "already exists: a backup never overwrites a file"
                                        : strerror(errno));
        return errno == EEXIST ? BONT_ECONFLICT : BONT_EIO;
    }
    close(fd);
    created = 1;
    if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        set_file(err, path);
        bont_error_setf(err, NULL, "cannot open the backup file: %s",
                        dest ? sqlite3_errmsg(dest) : "out of memory");
        ret = BONT_EIO;
        goto cleanup;
    }
    bk = sqlite3_backup_init(dest, "main", store->db, "main");
    if (!bk) {
        bont_error_setf(err, NULL, "cannot start the backup: %s", sqlite3_errmsg(dest));
        ret = BONT_ESTORE;
        goto cleanup;
    }
    /* One step copies every page under a single read snapshot. In WAL mode that snapshot does
     * not block writers, and the copy is the store exactly as of one commit. */
    long waited = 0;
    int rc;
    while ((rc = sqlite3_backup_step(bk, -1)) != SQLITE_DONE) {
        if (!is_busy(rc) || waited >= RETRY_TOTAL_MS) {
            bont_error_setf(err, NULL, "backup failed: %s", sqlite3_errstr(rc));
            ret =
                (rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL ? BONT_EIO : BONT_ESTORE;
            goto cleanup;
        }
        sleep_ms(20);
        waited += 20;
    }
    sqlite3_backup_finish(bk);
    bk = NULL;
    /* The copy is a single self-contained file: no -wal beside it to lose when it is moved. */
    if (sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK) {
        bont_error_setf(err, NULL, "finishing the backup: %s", sqlite3_errmsg(dest));
        ret = BONT_ESTORE;
        goto cleanup;
    }
    long long ok = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(dest, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        ok = t && strcmp((const char *)t, "ok") == 0;
    }
    sqlite3_finalize(st);
    if (!ok) {
        bont_error_setf(err, NULL, "the backup copy failed its integrity check");
        ret = BONT_ESTORE;
    }
cleanup:
    if (bk)
        sqlite3_backup_finish(bk);
    sqlite3_close(dest);
    if (ret != 0 && created)
        unlink(path);
    return ret;
}

int bont_store_verify(bont_store_t *store, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int ret = 0, rc;
    if ((ret = exec_retry(store, "BEGIN", err, "starting a read")) != 0)
        return ret;
    if ((ret = bont__store_prepare(store, "PRAGMA integrity_check", &st, err)) != 0)
        goto cleanup;
    if ((rc = step(st)) != SQLITE_ROW) {
        ret = bont__store_fail(store, err, "checking integrity");
        goto cleanup;
    }
    char result[512];
    col_text(st, 0, result, sizeof result);
    if (strcmp(result, "ok") != 0) {
        bont_error_setf(err, NULL, "integrity check failed: %s", result);
        ret = BONT_ESTORE;
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((ret = bont__store_prepare(store, "PRAGMA foreign_key_check", &st, err)) != 0)
        goto cleanup;
    if ((rc = step(st)) == SQLITE_ROW) {
        bont_error_setf(err, NULL, "a row of %s refers to a missing %s",
                        (const char *)sqlite3_column_text(st, 0),
                        (const char *)sqlite3_column_text(st, 2));
        ret = BONT_ESTORE;
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    ret = bont__store_prepare(store,
                              "SELECT v.id, v.n_injections, (SELECT count(*) FROM injections i "
                              "WHERE i.visit_id = v.id) AS n FROM visits v "
                              "WHERE n != v.n_injections LIMIT 1",
                              &st, err);
    if (ret != 0)
        goto cleanup;
    if ((rc = step(st)) == SQLITE_ROW) {
        bont_error_setf(err, NULL, "visit %lld has %lld of its %lld injections",
                        (long long)sqlite3_column_int64(st, 0),
                        (long long)sqlite3_column_int64(st, 2),
                        (long long)sqlite3_column_int64(st, 1));
        ret = BONT_ESTORE;
    } else if (rc != SQLITE_DONE)
        ret = bont__store_fail(store, err, "counting injections");
cleanup:
    sqlite3_finalize(st);
    if (!sqlite3_get_autocommit(store->db))
        sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
    return ret;
}
