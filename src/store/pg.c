/* pg.c: the PostgreSQL backend's connection: telling a connection string from a file name,
 * naming the database without its password, errors, statements, transactions and migrations. */
#include "store/pg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- targets and names ---- */

bool bont__store_is_pg(const char *target)
{
    if (!target)
        return false;
    if (strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0)
        return true;
    /* A libpq keyword/value string ("host=/run/postgresql dbname=bont"): a keyword, then '='.
     * A file whose name looks like that is given as ./NAME. */
    size_t k = strspn(target, "abcdefghijklmnopqrstuvwxyz_");
    return k > 0 && target[k + strspn(target + k, " ")] == '=';
}

static const char *opt_value(const PQconninfoOption *o, const char *key)
{
    for (; o && o->keyword; o++)
        if (strcmp(o->keyword, key) == 0)
            return o->val && *o->val ? o->val : NULL;
    return NULL;
}

/* postgresql://USER@HOST:PORT/DB, or for a unix socket postgresql:///DB?host=DIR&port=P&user=U:
 * a name that people recognise and libpq accepts, never with the password. */
static void describe_opts(const PQconninfoOption *o, char *buf, size_t size)
{
    const char *host = opt_value(o, "host"), *port = opt_value(o, "port");
    const char *db = opt_value(o, "dbname"), *user = opt_value(o, "user");
    if (!host)
        host = opt_value(o, "hostaddr");
    if (host && host[0] == '/')
        snprintf(buf, size, "postgresql:///%s?host=%s%s%s%s%s", db ? db : "", host,
                 port ? "&port=" : "", port ? port : "", user ? "&user=" : "", user ? user : "");
    else
        snprintf(buf, size, "postgresql://%s%s%s%s%s/%s", user ? user : "", user ? "@" : "",
                 host ? host : "", port ? ":" : "", port ? port : "", db ? db : "");
}

void bont__pg_describe(const char *target, char *buf, size_t size)
{
    char *msg = NULL;
    PQconninfoOption *o = PQconninfoParse(target, &msg);
    if (o)
        describe_opts(o, buf, size);
    else
        snprintf(buf, size, "postgresql://(a connection string libpq cannot read)");
    PQconninfoFree(o);
    PQfreemem(msg);
}

/* ---- errors ---- */

/* Replaces every copy of the connection's password in msg by "***": no message of bont ever
 * shows it, whatever a server or libpq may have quoted. */
static void scrub(PGconn *c, char *msg)
{
    const char *pw = c ? PQpass(c) : NULL;
    size_t n = pw ? strlen(pw) : 0;
    if (n == 0)
        return;
    for (char *p = strstr(msg, pw); p; p = strstr(p, pw)) {
        if (n <= 3) { /* never longer than it was: the buffer may be full */
            memset(p, '*', n);
            p += n;
            continue;
        }
        memcpy(p, "***", 3);
        memmove(p + 3, p + n, strlen(p + n) + 1);
        p += 3;
    }
}

/* libpq's message on one line: "a\n\tb\n" becomes "a; b". */
static void one_line(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = in ? in : ""; *p && n + 3 < size; p++) {
        if (*p == '\n') {
            while (p[1] == '\t' || p[1] == ' ')
                p++;
            if (p[1]) {
                out[n++] = ';';
                out[n++] = ' ';
            }
        } else
            out[n++] = *p;
    }
    out[n] = '\0';
}

/* Fills err ("what happened", the store named in err->file) without the password. */
static void set_message(bont_store_t *s, bont_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_message(bont_store_t *s, bont_error_t *err, const char *fmt, ...)
{
    va_list ap;
    if (!err)
        return;
    snprintf(err->file, sizeof err->file, "%s", s->path);
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    scrub(bont__pg(s) ? bont__pg(s)->conn : NULL, err->message);
}

/* A lost connection is BONT_ECONNECT; otherwise the SQLSTATE class decides. */
static int code_of(PGconn *c, const char *state)
{
    if (PQstatus(c) != CONNECTION_OK || (state && strncmp(state, "08", 2) == 0) ||
        (state && strncmp(state, "57P", 3) == 0))
        return BONT_ECONNECT;
    if (!state)
        return BONT_ESTORE;
    if (strcmp(state, "23505") == 0)
        return BONT_ECONFLICT;
    if (strncmp(state, "22", 2) == 0)
        return BONT_EINVAL;
    if (strcmp(state, "53200") == 0)
        return BONT_ENOMEM;
    if (strncmp(state, "53", 2) == 0)
        return BONT_EIO;
    return BONT_ESTORE;
}

static int fail(bont_store_t *s, PGresult *res, const char *what, bont_error_t *err)
{
    PGconn *c = bont__pg(s)->conn;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char text[512];
    snprintf(bont__pg(s)->state, sizeof bont__pg(s)->state, "%s", state ? state : "");
    int code =
        res ? code_of(c, state) : (PQstatus(c) != CONNECTION_OK ? BONT_ECONNECT : BONT_ENOMEM);
    one_line(primary ? primary : PQerrorMessage(c), text, sizeof text);
    if (code == BONT_ECONNECT)
        set_message(s, err, "%s: the connection to the database server was lost (%s)%s", what, text,
                    bont__pg(s)->in_tx ? "; nothing of this transaction was written" : "");
    else
        set_message(s, err, "%s: %s", what, text[0] ? text : "out of memory");
    return code;
}

/* ---- statements ---- */

/* A broken connection is reset between transactions, never inside one (what it did is gone). */
static int ready(bont_store_t *s, bont_error_t *err);

enum { MAX_PARAMS = 16 };

int bont__pg_run(bont_store_t *s, PGresult **res, const char *what, bont_error_t *err,
                 const char *sql, const char *types, ...)
{
    const char *values[MAX_PARAMS];
    char nums[MAX_PARAMS][72];
    int n = 0, ret = 0;
    va_list ap;
    if (res)
        *res = NULL;
    if (types && strlen(types) > MAX_PARAMS) {
        set_message(s, err, "%s: more than %d parameters", what, MAX_PARAMS);
        return BONT_ESTORE;
    }
    va_start(ap, types);
    for (; types && types[n]; n++) {
        char t = types[n];
        values[n] = nums[n];
        if (t == 's' || t == 't') {
            const char *v = va_arg(ap, const char *);
            values[n] = !v || (t == 't' && !*v) ? NULL : v;
        } else if (t == 'd' || t == 'r') {
            double v = va_arg(ap, double);
            snprintf(nums[n], sizeof nums[n], "%.17g", v); /* round-trips exactly */
            values[n] = t == 'r' && v < 0 ? NULL : nums[n];
        } else if (t == 'i' || t == 'I') {
            long long v = va_arg(ap, long long);
            snprintf(nums[n], sizeof nums[n], "%lld", v);
            values[n] = t == 'I' && v <= 0 ? NULL : nums[n];
        } else if (t == 'b') {
            const unsigned char *v = va_arg(ap, const unsigned char *);
            for (int i = 0; i < 32; i++)
                snprintf(nums[n] + 2 * i, 3, "%02x", v[i]);
        }
    }
    va_end(ap);
    if (!bont__pg(s)->in_tx && (ret = ready(s, err)) != 0)
        return ret;
    PGconn *c = bont__pg(s)->conn;
    PGresult *r = types ? PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0) : PQexec(c, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        ret = fail(s, r, what, err);
    if (ret == 0 && res)
        *res = r;
    else
        PQclear(r);
    return ret;
}

void bont__pg_text(const PGresult *res, int row, int col, char *buf, size_t size)
{
    snprintf(buf, size, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

double bont__pg_real_or(const PGresult *res, int row, int col, double missing)
{
    return PQgetisnull(res, row, col) ? missing : strtod(PQgetvalue(res, row, col), NULL);
}

long long bont__pg_int(const PGresult *res, int row, int col)
{
    return PQgetisnull(res, row, col) ? 0 : strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* ---- connection ---- */

/* Session settings: a writer waits for another's lock as long as SQLite's busy timeout; a
 * client that stops in the middle of a transaction loses it instead of holding locks; floats
 * come back exactly. Run again after every reset. */
static int setup(bont_store_t *s, bont_error_t *err)
{
    return bont__pg_run(s, NULL, "setting up the session", err,
                        "SET lock_timeout = '30s'; SET idle_in_transaction_session_timeout = "
                        "'60s'; SET extra_float_digits = 3",
                        NULL);
}

static int connect_fail(bont_store_t *s, bont_error_t *err)
{
    PGconn *c = bont__pg(s)->conn;
    char text[512], where[300];
    const char *host = c ? PQhost(c) : NULL, *port = c ? PQport(c) : NULL;
    one_line(c ? PQerrorMessage(c) : "out of memory", text, sizeof text);
    /* libpq names the server again ("connection to server at ... failed: why"): keep why. */
    const char *why = strstr(text, " failed: ");
    if (why && strncmp(text, "connection to server", 20) == 0)
        memmove(text, why + 9, strlen(why + 9) + 1);
    snprintf(where, sizeof where, "%s%s%s", host && *host ? host : "the default socket",
             port && *port ? " port " : "", port && *port ? port : "");
    set_message(s, err, "cannot connect to the database server at %s: %s", where, text);
    return c ? BONT_ECONNECT : BONT_ENOMEM;
}

static int ready(bont_store_t *s, bont_error_t *err)
{
    PGconn *c = bont__pg(s)->conn;
    /* A server that restarted or ended this backend has closed the socket, with a last message;
     * reading what is pending (without waiting) makes libpq notice before a statement is lost
     * to it. */
    if (PQstatus(c) == CONNECTION_OK && PQconsumeInput(c) && PQstatus(c) == CONNECTION_OK)
        return 0;
    PQreset(c);
    if (PQstatus(c) != CONNECTION_OK)
        return connect_fail(s, err);
    return setup(s, err);
}

/* The library never prints: the server's notices, and the last words of a backend that was ended
 * while idle, would otherwise go to stderr. */
static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Connects to target. Our defaults come before the user's string, which may override them;
 * the encoding comes after it, because every text bont stores is UTF-8. */
static int connect_to(bont_store_t *s, const char *target, bont_error_t *err)
{
    const char *const keys[] = {"application_name", "connect_timeout", "dbname", "client_encoding",
                                NULL};
    const char *const values[] = {"bont", "10", target, "UTF8", NULL};
    bont__pg_t *pg = bont__store_calloc(1, sizeof *pg);
    if (!pg)
        return BONT_ENOMEM;
    s->conn = pg;
    pg->conn = PQconnectdbParams(keys, values, 1);
    if (pg->conn)
        PQsetNoticeProcessor(pg->conn, quiet, NULL);
    PQconninfoOption *o = pg->conn ? PQconninfo(pg->conn) : NULL;
    if (o)
        describe_opts(o, s->path, sizeof s->path);
    PQconninfoFree(o);
    if (!pg->conn || PQstatus(pg->conn) != CONNECTION_OK)
        return connect_fail(s, err);
    return setup(s, err);
}

static void disconnect(bont_store_t *s)
{
    if (bont__pg(s))
        PQfinish(bont__pg(s)->conn);
    free(s->conn);
    s->conn = NULL;
}

/* ---- transactions ---- */

static int tx(bont_store_t *s, const char *sql, const char *what, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, what, err, sql, NULL);
    /* COMMIT of a transaction that failed earlier answers ROLLBACK, not an error. */
    if (ret == 0 && strcmp(sql, "COMMIT") == 0 && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
        set_message(s, err, "%s: the server rolled the transaction back", what);
        ret = BONT_ESTORE;
    }
    PQclear(r);
    return ret;
}

/* READ COMMITTED: every statement sees what others committed before it began, so a workflow
 * that waited for a row lock (lock_patient) then reads the visit the lock holder wrote. */
static int begin(bont_store_t *s, const char *sql, const char *what, bont_error_t *err)
{
    int ret = ready(s, err);
    if (ret == 0)
        ret = tx(s, sql, what, err);
    /* Nothing was done yet: a connection found broken by BEGIN itself is reset and BEGIN sent
     * once more. */
    if (ret == BONT_ECONNECT && (ret = ready(s, err)) == 0)
        ret = tx(s, sql, what, err);
    if (ret == 0)
        bont__pg(s)->in_tx = true;
    return ret;
}

static int begin_write(bont_store_t *s, bont_error_t *err)
{
    return begin(s, "BEGIN", "starting a transaction", err);
}

/* One snapshot for every statement of the read. */
static int begin_read(bont_store_t *s, bont_error_t *err)
{
    return begin(s, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", "starting a read", err);
}

static int commit(bont_store_t *s, bont_error_t *err)
{
    int ret = tx(s, "COMMIT", "committing", err);
    if (ret == BONT_ECONNECT)
        set_message(s, err,
                    "committing: the connection to the database server was lost during the "
                    "commit, so whether it was written is not known; look before writing it "
                    "again");
    bont__pg(s)->in_tx = false;
    return ret;
}

static void rollback(bont_store_t *s)
{
    bont__pg_t *pg = bont__pg(s);
    if (pg && pg->in_tx && PQstatus(pg->conn) == CONNECTION_OK)
        PQclear(PQexec(pg->conn, "ROLLBACK"));
    if (pg)
        pg->in_tx = false;
}

/* The visit workflow's lock: the patient's row, until commit. NO KEY UPDATE conflicts with
 * itself (a second visit of this patient waits here) but not with the key-share locks that
 * inserts of rows referring to the patient take, so outcomes and other reads go on. */
static int lock_patient(bont_store_t *s, long long patient_id, bont_error_t *err)
{
    return bont__pg_run(s, NULL, "locking the patient's record", err,
                        "SELECT id FROM patients WHERE id = $1::bigint FOR NO KEY UPDATE", "i",
                        patient_id);
}

/* ---- schema ---- */

/* What the database holds: the version from bont_schema (-1 when there is no such table) and
 * how many tables the schema has in all. */
static int read_version(bont_store_t *s, long long *version, long long *n_tables, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "reading the schema version", err,
                           "SELECT to_regclass('bont_schema') IS NOT NULL, count(*) FROM "
                           "pg_catalog.pg_tables WHERE schemaname = current_schema()",
                           "");
    if (ret != 0)
        return ret;
    bool has = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    *n_tables = bont__pg_int(r, 0, 1);
    *version = -1;
    PQclear(r);
    if (!has)
        return 0;
    if ((ret = bont__pg_run(s, &r, "reading the schema version", err,
                            "SELECT version FROM bont_schema WHERE application = 'bont'", "")) ==
            0 &&
        PQntuples(r) == 1)
        *version = bont__pg_int(r, 0, 0);
    PQclear(r);
    return ret;
}

/* The verdict on what read_version found: 0 to go on (migrate when *work), else the refusal. */
static int judge(bont_store_t *s, long long version, long long n_tables, bont_store_mode_t mode,
                 bool *work, bont_error_t *err)
{
    *work = version != BONT_STORE_SCHEMA_VERSION;
    if (version > BONT_STORE_SCHEMA_VERSION) {
        set_message(s, err, "the store");
        return bont__store_newer_schema(err, version, "database");
    }
    if (version < 0 && n_tables > 0) {
        set_message(s, err,
                    "this database holds tables of another program and no bont_schema table, "
                    "so it is not a bont record store; it was left as it is");
        return BONT_ESCHEMA;
    }
    if (version < 0 && mode != BONT_STORE_CREATE) {
        if (err)
            err->file[0] = '\0';
        bont_error_setf(err, NULL, "no bont store at %s; nothing was created", s->path);
        return BONT_ENOTFOUND;
    }
    return 0;
}

/* Creates or migrates the schema in one transaction, under an advisory lock so that two
 * processes opening one database at once do it once; DDL is transactional, so a process killed
 * meanwhile leaves the database as it was. */
static int migrate(bont_store_t *s, bont_store_mode_t mode, bont_error_t *err)
{
    long long version = -1, n_tables = 0;
    bool work = false;
    char what[64], sql[96];
    int ret;
    if ((ret = read_version(s, &version, &n_tables, err)) != 0 ||
        (ret = judge(s, version, n_tables, mode, &work, err)) != 0 || !work)
        goto done;
    if ((ret = begin_write(s, err)) != 0)
        return ret;
    if ((ret = bont__pg_run(s, NULL, "waiting to migrate", err,
                            "SELECT pg_advisory_xact_lock(1651470964)", "")) != 0 ||
        (ret = read_version(s, &version, &n_tables, err)) != 0 ||
        (ret = judge(s, version, n_tables, mode, &work, err)) != 0 || !work)
        goto cleanup;
    if (version < 0) {
        if ((ret = bont__pg_run(s, NULL, "creating the store", err, bont__pg_schema_table, NULL)) !=
            0)
            goto cleanup;
        s->created = true;
        version = 0;
    }
    for (long long v = version; v < BONT_STORE_SCHEMA_VERSION; v++) {
        snprintf(what, sizeof what, "migrating to schema version %lld", v + 1);
        if ((ret = bont__pg_run(s, NULL, what, err, bont__pg_migrations[v], NULL)) != 0) {
            if (err && strcmp(bont__pg(s)->state, "42501") == 0) /* insufficient privilege */
                snprintf(err->message + strlen(err->message),
                         sizeof err->message - strlen(err->message),
                         "; only the role that owns the store's tables can migrate it: run bont "
                         "once as that role (docs/deploy.md, Upgrading bont)");
            goto cleanup;
        }
    }
    snprintf(sql, sizeof sql, "UPDATE bont_schema SET version = %d", BONT_STORE_SCHEMA_VERSION);
    if ((ret = bont__pg_run(s, NULL, "writing the schema version", err, sql, NULL)) == 0)
        ret = commit(s, err);
cleanup:
    if (ret != 0) {
        rollback(s);
        s->created = false;
    } else if (bont__pg(s)->in_tx)
        ret = commit(s, err);
done:
    if (ret == 0)
        s->schema_version = BONT_STORE_SCHEMA_VERSION;
    return ret;
}

static int pg_open(bont_store_t *s, const char *target, bont_store_mode_t mode, bont_error_t *err)
{
    PQconninfoOption *o = PQconninfoParse(target, NULL);
    bont__pg_describe(target, s->path, sizeof s->path);
    PQconninfoFree(o);
    if (!o) {
        /* libpq's reason may quote the string, password and all: it is left out. */
        set_message(s, err,
                    "cannot read this PostgreSQL connection string: give "
                    "postgresql://USER@HOST:PORT/DATABASE or keyword=value pairs such as "
                    "\"host=/run/postgresql dbname=bont\" (docs/deploy.md)");
        return BONT_EINVAL;
    }
    int ret = connect_to(s, target, err);
    if (ret == 0)
        ret = migrate(s, mode, err);
    if (ret != 0)
        disconnect(s);
    return ret;
}

/* pg_dump and pg_basebackup copy a PostgreSQL database with what its operators already run. */
/* synchronous_commit = off: a commit returns before its WAL is flushed; a crash of the server may
 * lose the last transactions (never half of one). */
static int set_sync(bont_store_t *s, bont_store_sync_t sync, bont_error_t *err)
{
    const char *want = sync == BONT_STORE_SYNC_RELAXED ? "off" : "on";
    char sql[48], got[16] = "";
    snprintf(sql, sizeof sql, "SET synchronous_commit = %s", want);
    PGresult *r = NULL;
    int ret = bont__pg_run(s, NULL, "setting synchronous_commit", err, sql, NULL);
    if (!ret)
        ret =
            bont__pg_run(s, &r, "reading synchronous_commit", err, "SHOW synchronous_commit", NULL);
    if (ret)
        return ret;
    if (PQntuples(r) == 1)
        bont__pg_text(r, 0, 0, got, sizeof got);
    PQclear(r);
    if (strcmp(got, want) != 0) {
        bont_error_setf(err, NULL, "the database kept synchronous_commit = %s, not %s", got, want);
        return BONT_ESTORE;
    }
    return 0;
}

static int backup(bont_store_t *s, const char *path, bont_error_t *err)
{
    (void)path;
    set_message(s, err,
                "bont backup copies SQLite stores; back up a PostgreSQL store with the server's "
                "own tools: pg_dump (one database, e.g. pg_dump -Fc -f bont.dump DBNAME) or "
                "pg_basebackup (the whole cluster, with point-in-time recovery); see "
                "docs/deploy.md");
    return BONT_EUNSUPPORTED;
}

const bont__store_backend_t bont__store_pg = {
    .name = "postgresql",
    .open = pg_open,
    .close = disconnect,
    .begin_write = begin_write,
    .begin_read = begin_read,
    .commit = commit,
    .rollback = rollback,
    .lock_patient = lock_patient,
    .patient_insert = bont__pg_patient_insert,
    .patient_get = bont__pg_patient_get,
    .patient_list = bont__pg_patient_list,
    .visit_insert = bont__pg_visit_insert,
    .visit_owner = bont__pg_visit_owner,
    .visit_set_wore_off = bont__pg_visit_set_wore_off,
    .outcome_insert = bont__pg_outcome_insert,
    .ae_insert = bont__pg_ae_insert,
    .record_load = bont__pg_record_load,
    .recall = bont__pg_recall,
    .lots = bont__pg_lots,
    .user_insert = bont__pg_user_insert,
    .user_get = bont__pg_user_get,
    .user_list = bont__pg_user_list,
    .user_set_disabled = bont__pg_user_set_disabled,
    .user_login_result = bont__pg_user_login_result,
    .session_insert = bont__pg_session_insert,
    .session_get = bont__pg_session_get,
    .session_touch = bont__pg_session_touch,
    .session_delete = bont__pg_session_delete,
    .session_purge = bont__pg_session_purge,
    .audit_insert = bont__pg_audit_insert,
    .audit_list = bont__pg_audit_list,
    .backup = backup,
    .verify = bont__pg_verify,
    .set_sync = set_sync,
};
