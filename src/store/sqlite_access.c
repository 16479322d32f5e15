/* sqlite_access.c: the SQLite backend's users, login sessions and append-only audit log
 * (backend.h; bont/access.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite.h"

/* Runs a prepared statement that returns no rows and finalizes it. */
static int run_done(bont_store_t *s, sqlite3_stmt *st, bont_error_t *err, const char *what)
{
    int rc = sqlite3_step(st);
    int ret = rc == SQLITE_DONE ? 0 : bont__sqlite_fail(s, err, what);
    if (ret != 0 && (rc & 0xff) == SQLITE_CONSTRAINT)
        ret = BONT_ECONFLICT;
    sqlite3_finalize(st);
    return ret;
}

int bont__sqlite_user_insert(bont_store_t *s, bont_user_t *u, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s,
                                  "INSERT INTO users (name, role, password_hash, disabled, "
                                  "created_at) VALUES (?1, ?2, ?3, ?4, " BONT__SQLITE_NOW ") "
                                  "RETURNING id, created_at",
                                  &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, u->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, bont_role_name(u->role), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, u->password_hash, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, u->disabled ? 1 : 0);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        u->id = sqlite3_column_int64(st, 0);
        snprintf(u->created_at, sizeof u->created_at, "%s", sqlite3_column_text(st, 1));
        step = sqlite3_step(st);
    }
    if (step != SQLITE_DONE) {
        rc = bont__sqlite_fail(s, err, "adding a user");
        if ((step & 0xff) == SQLITE_CONSTRAINT)
            rc = BONT_ECONFLICT;
    }
    sqlite3_finalize(st);
    return rc;
}

#define USER_COLS                                                                                  \
    "SELECT id, name, role, password_hash, disabled, failed_logins, locked_until, created_at "     \
    "FROM users "

static void user_row(sqlite3_stmt *st, bont_user_t *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    snprintf(u->name, sizeof u->name, "%s", sqlite3_column_text(st, 1));
    if (bont_role_parse((const char *)sqlite3_column_text(st, 2), &u->role) != 0)
        u->role = BONT_ROLE_NONE; /* a role this build does not know grants nothing */
    snprintf(u->password_hash, sizeof u->password_hash, "%s", sqlite3_column_text(st, 3));
    u->disabled = sqlite3_column_int(st, 4) != 0;
    u->failed_logins = sqlite3_column_int(st, 5);
    u->locked_until = sqlite3_column_int64(st, 6);
    snprintf(u->created_at, sizeof u->created_at, "%s", sqlite3_column_text(st, 7));
}

int bont__sqlite_user_get(bont_store_t *s, const char *name, long long id, bont_user_t *out,
                          bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s, name ? USER_COLS "WHERE name = ?1" : USER_COLS "WHERE id = ?1",
                                  &st, err);
    if (rc != 0)
        return rc;
    if (name)
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        user_row(st, out);
    else if (step == SQLITE_DONE) {
        bont_error_setf(err, "user", "no such user");
        rc = BONT_ENOTFOUND;
    } else
        rc = bont__sqlite_fail(s, err, "reading a user");
    sqlite3_finalize(st);
    return rc;
}

int bont__sqlite_user_list(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int rc = bont__sqlite_prepare(s, USER_COLS "ORDER BY name", &st, err), step;
    if (rc != 0)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = bont__store_grow((void **)out, &cap, *n, sizeof **out)) != 0)
            goto cleanup;
        user_row(st, &(*out)[(*n)++]);
    }
    if (step != SQLITE_DONE)
        rc = bont__sqlite_fail(s, err, "listing users");
cleanup:
    sqlite3_finalize(st);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

int bont__sqlite_user_set_disabled(bont_store_t *s, long long user_id, bool disabled,
                                   bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s, "UPDATE users SET disabled = ?2 WHERE id = ?1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int(st, 2, disabled ? 1 : 0);
    if ((rc = run_done(s, st, err, "disabling a user")) != 0 || !disabled)
        return rc;
    if ((rc = bont__sqlite_prepare(s, "DELETE FROM sessions WHERE user_id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    return run_done(s, st, err, "ending a user's sessions");
}

int bont__sqlite_user_login_result(bont_store_t *s, long long user_id, bool good,
                                   long long locked_until, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(
        s,
        good
            ? "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?1"
            : "UPDATE users SET failed_logins = failed_logins + 1, locked_until = ?2 WHERE id = ?1",
        &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    if (!good)
        sqlite3_bind_int64(st, 2, locked_until);
    return run_done(s, st, err, "recording a login attempt");
}

int bont__sqlite_session_insert(bont_store_t *s, const bont_session_t *ses, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s,
                                  "INSERT INTO sessions (id_hash, user_id, csrf_key, created_at, "
                                  "last_seen, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                  &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(st, 1, ses->id_hash, sizeof ses->id_hash, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, ses->user_id);
    sqlite3_bind_blob(st, 3, ses->csrf_key, sizeof ses->csrf_key, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, ses->created_at);
    sqlite3_bind_int64(st, 5, ses->last_seen);
    sqlite3_bind_int64(st, 6, ses->expires_at);
    return run_done(s, st, err, "adding a session");
}

int bont__sqlite_session_get(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
                             bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s,
                                  "SELECT user_id, csrf_key, created_at, last_seen, expires_at "
                                  "FROM sessions WHERE id_hash = ?1",
                                  &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_bytes(st, 1) == (int)sizeof out->csrf_key) {
        memset(out, 0, sizeof *out);
        memcpy(out->id_hash, id_hash, sizeof out->id_hash);
        out->user_id = sqlite3_column_int64(st, 0);
        memcpy(out->csrf_key, sqlite3_column_blob(st, 1), sizeof out->csrf_key);
        out->created_at = sqlite3_column_int64(st, 2);
        out->last_seen = sqlite3_column_int64(st, 3);
        out->expires_at = sqlite3_column_int64(st, 4);
    } else if (step == SQLITE_ROW || step == SQLITE_DONE) {
        bont_error_setf(err, "session", "no such session");
        rc = BONT_ENOTFOUND;
    } else
        rc = bont__sqlite_fail(s, err, "reading a session");
    sqlite3_finalize(st);
    return rc;
}

int bont__sqlite_session_touch(bont_store_t *s, const unsigned char id_hash[32],
                               long long last_seen, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc =
        bont__sqlite_prepare(s, "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, last_seen);
    return run_done(s, st, err, "updating a session");
}

int bont__sqlite_session_delete(bont_store_t *s, const unsigned char id_hash[32], bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s, "DELETE FROM sessions WHERE id_hash = ?1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_TRANSIENT);
    return run_done(s, st, err, "ending a session");
}

int bont__sqlite_session_purge(bont_store_t *s, long long now, long long idle_before,
                               bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(
        s, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen < ?2", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, idle_before);
    return run_done(s, st, err, "removing ended sessions");
}

int bont__sqlite_audit_insert(bont_store_t *s, bont_audit_t *e, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s,
                                  "INSERT INTO audit (at, user_name, remote, kind, method, path, "
                                  "status, patient_id, detail) VALUES (" BONT__SQLITE_NOW
                                  ", ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id, at",
                                  &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, e->user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, e->remote, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, e->kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, e->method, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, e->path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, e->status);
    if (e->patient_id > 0)
        sqlite3_bind_int64(st, 7, e->patient_id);
    else
        sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, e->detail, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        e->id = sqlite3_column_int64(st, 0);
        snprintf(e->at, sizeof e->at, "%s", sqlite3_column_text(st, 1));
        step = sqlite3_step(st);
    }
    if (step != SQLITE_DONE)
        rc = bont__sqlite_fail(s, err, "writing the audit log");
    sqlite3_finalize(st);
    return rc;
}

static void text_col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

int bont__sqlite_audit_list(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                            bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int step;
    int rc = bont__sqlite_prepare(s,
                                  "SELECT id, at, user_name, remote, kind, method, path, status, "
                                  "patient_id, detail FROM audit "
                                  "WHERE ?1 <= 0 OR patient_id = ?1 ORDER BY id",
                                  &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, patient_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if ((rc = bont__store_grow((void **)out, &cap, *n, sizeof **out)) != 0)
            goto cleanup;
        bont_audit_t *e = &(*out)[(*n)++];
        e->id = sqlite3_column_int64(st, 0);
        text_col(st, 1, e->at, sizeof e->at);
        text_col(st, 2, e->user, sizeof e->user);
        text_col(st, 3, e->remote, sizeof e->remote);
        text_col(st, 4, e->kind, sizeof e->kind);
        text_col(st, 5, e->method, sizeof e->method);
        text_col(st, 6, e->path, sizeof e->path);
        e->status = sqlite3_column_int(st, 7);
        e->patient_id = sqlite3_column_int64(st, 8);
        text_col(st, 9, e->detail, sizeof e->detail);
    }
    if (step != SQLITE_DONE)
        rc = bont__sqlite_fail(s, err, "reading the audit log");
cleanup:
    sqlite3_finalize(st);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}
