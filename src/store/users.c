/* users.c: the store's users and login sessions (SQLite backend of bont/access.h). */
#include "bont/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite.h"

const char *bont_role_name(bont_role_t role)
{
    switch (role) {
    case BONT_ROLE_ADMIN:
        return "admin";
    case BONT_ROLE_CLINICIAN:
        return "clinician";
    default:
        return "none";
    }
}

int bont_role_parse(const char *text, bont_role_t *role)
{
    if (text && strcmp(text, "admin") == 0)
        *role = BONT_ROLE_ADMIN;
    else if (text && strcmp(text, "clinician") == 0)
        *role = BONT_ROLE_CLINICIAN;
    else
        return BONT_EINVAL;
    return 0;
}

int bont_user_name_check(const char *name, bont_error_t *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64) {
        bont_error_setf(err, "user", "a user name has 1 to 64 characters (got %zu)", n);
        return BONT_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= ' ' || c >= 127) {
            bont_error_setf(err, "user",
                            "a user name is letters, digits and punctuation without spaces "
                            "(character %zu is not)",
                            i + 1);
            return BONT_EINVAL;
        }
    }
    return 0;
}

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

int bont_store_user_add(bont_store_t *s, bont_user_t *u, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont_user_name_check(u->name, err);
    if (rc != 0)
        return rc;
    if (u->role != BONT_ROLE_ADMIN && u->role != BONT_ROLE_CLINICIAN) {
        bont_error_setf(err, "--role", "the role must be admin or clinician");
        return BONT_EINVAL;
    }
    if (strncmp(u->password_hash, "$argon2id$", 10) != 0) {
        bont_error_setf(err, "password", "the password hash must be an Argon2id string");
        return BONT_EINVAL;
    }
    if ((rc = bont__sqlite_prepare(s,
                                   "INSERT INTO users (name, role, password_hash, disabled, "
                                   "created_at) VALUES (?1, ?2, ?3, ?4, "
                                   "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) "
                                   "RETURNING id, created_at",
                                   &st, err)) != 0)
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
        if ((step & 0xff) == SQLITE_CONSTRAINT) {
            bont_error_setf(err, "user", "there is already a user named \"%s\"", u->name);
            rc = BONT_ECONFLICT;
        }
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

static int user_one(bont_store_t *s, sqlite3_stmt *st, bont_user_t *out, bont_error_t *err)
{
    int rc = sqlite3_step(st), ret = 0;
    if (rc == SQLITE_ROW)
        user_row(st, out);
    else if (rc == SQLITE_DONE) {
        bont_error_setf(err, "user", "no such user");
        ret = BONT_ENOTFOUND;
    } else
        ret = bont__sqlite_fail(s, err, "reading a user");
    sqlite3_finalize(st);
    return ret;
}

int bont_store_user_get(bont_store_t *s, const char *name, bont_user_t *out, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s, USER_COLS "WHERE name = ?1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_TRANSIENT);
    return user_one(s, st, out, err);
}

int bont_store_user_get_id(bont_store_t *s, long long id, bont_user_t *out, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s, USER_COLS "WHERE id = ?1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    return user_one(s, st, out, err);
}

int bont_store_user_list(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = bont__sqlite_prepare(s, USER_COLS "ORDER BY name", &st, err), step;
    if (rc != 0)
        return rc;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            bont_user_t *grown = realloc(*out, cap * sizeof **out);
            if (!grown) {
                rc = BONT_ENOMEM;
                goto cleanup;
            }
            *out = grown;
        }
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

int bont_store_user_set_disabled(bont_store_t *s, const char *name, bool disabled,
                                 bont_error_t *err)
{
    bont_user_t u;
    sqlite3_stmt *st = NULL;
    int rc = bont_store_user_get(s, name, &u, err);
    if (rc != 0) {
        bont_error_setf(err, "user", "there is no user named \"%s\"", name ? name : "");
        return rc;
    }
    /* Disabling and ending the sessions are one statement each; a session that survived the
     * first would be refused anyway, because every request reads the user's disabled flag. */
    if ((rc = bont__sqlite_prepare(s, "UPDATE users SET disabled = ?2 WHERE id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, u.id);
    sqlite3_bind_int(st, 2, disabled ? 1 : 0);
    if ((rc = run_done(s, st, err, "disabling a user")) != 0 || !disabled)
        return rc;
    if ((rc = bont__sqlite_prepare(s, "DELETE FROM sessions WHERE user_id = ?1", &st, err)))
        return rc;
    sqlite3_bind_int64(st, 1, u.id);
    return run_done(s, st, err, "ending a user's sessions");
}

int bont_store_user_login_result(bont_store_t *s, long long user_id, bool good,
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

int bont_store_session_add(bont_store_t *s, const bont_session_t *ses, bont_error_t *err)
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

int bont_store_session_get(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
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

int bont_store_session_touch(bont_store_t *s, const unsigned char id_hash[32], long long last_seen,
                             bont_error_t *err)
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

int bont_store_session_delete(bont_store_t *s, const unsigned char id_hash[32], bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc = bont__sqlite_prepare(s, "DELETE FROM sessions WHERE id_hash = ?1", &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_TRANSIENT);
    return run_done(s, st, err, "ending a session");
}

int bont_store_session_purge(bont_store_t *s, long long now, long long idle_before,
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
