/* pg_access.c: the PostgreSQL backend's users, login sessions and append-only audit log
 * (backend.h; bont/access.h), in the same form as SQLite's (sqlite_access.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg.h"

int bont__pg_user_insert(bont_store_t *s, bont_user_t *u, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "adding a user", err,
                           "INSERT INTO users (name, role, password_hash, disabled) VALUES ($1, "
                           "$2, $3, $4::integer <> 0) RETURNING id, " BONT__PG_STAMP("created_at"),
                           "sssi", u->name, bont_role_name(u->role), u->password_hash,
                           (long long)(u->disabled ? 1 : 0));
    if (ret == 0) {
        u->id = bont__pg_int(r, 0, 0);
        bont__pg_text(r, 0, 1, u->created_at, sizeof u->created_at);
    }
    PQclear(r);
    return ret;
}

#define USER_COLS                                                                                  \
    "SELECT id, name, role, password_hash, disabled, failed_logins, "                              \
    "locked_until, " BONT__PG_STAMP("created_at") " FROM users "

static void user_row(const PGresult *r, int i, bont_user_t *u)
{
    memset(u, 0, sizeof *u);
    u->id = bont__pg_int(r, i, 0);
    bont__pg_text(r, i, 1, u->name, sizeof u->name);
    if (bont_role_parse(PQgetvalue(r, i, 2), &u->role) != 0)
        u->role = BONT_ROLE_NONE; /* a role this build does not know grants nothing */
    bont__pg_text(r, i, 3, u->password_hash, sizeof u->password_hash);
    u->disabled = strcmp(PQgetvalue(r, i, 4), "t") == 0;
    u->failed_logins = (int)bont__pg_int(r, i, 5);
    u->locked_until = bont__pg_int(r, i, 6);
    bont__pg_text(r, i, 7, u->created_at, sizeof u->created_at);
}

/* Names compare without ASCII case, as SQLite's NOCASE, through the users_name index. */
int bont__pg_user_get(bont_store_t *s, const char *name, long long id, bont_user_t *out,
                      bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = name ? bont__pg_run(s, &r, "reading a user", err,
                                  USER_COLS "WHERE lower(name COLLATE \"C\") = lower($1 COLLATE "
                                            "\"C\")",
                                  "s", name)
                   : bont__pg_run(s, &r, "reading a user", err, USER_COLS "WHERE id = $1::bigint",
                                  "i", id);
    if (ret == 0 && PQntuples(r) == 1)
        user_row(r, 0, out);
    else if (ret == 0) {
        bont_error_setf(err, "user", "no such user");
        ret = BONT_ENOTFOUND;
    }
    PQclear(r);
    return ret;
}

int bont__pg_user_list(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err)
{
    PGresult *r = NULL;
    size_t cap = 0;
    int ret = bont__pg_run(s, &r, "listing users", err,
                           USER_COLS "ORDER BY lower(name COLLATE \"C\")", "");
    for (int i = 0; ret == 0 && i < PQntuples(r); i++)
        if ((ret = bont__store_grow((void **)out, &cap, *n, sizeof **out)) == 0)
            user_row(r, i, &(*out)[(*n)++]);
    PQclear(r);
    if (ret != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return ret;
}

int bont__pg_user_set_disabled(bont_store_t *s, long long user_id, bool disabled, bont_error_t *err)
{
    int ret = bont__pg_run(s, NULL, "disabling a user", err,
                           "UPDATE users SET disabled = $2::integer <> 0 WHERE id = $1::bigint",
                           "ii", user_id, (long long)(disabled ? 1 : 0));
    if (ret != 0 || !disabled)
        return ret;
    return bont__pg_run(s, NULL, "ending a user's sessions", err,
                        "DELETE FROM sessions WHERE user_id = $1::bigint", "i", user_id);
}

/* One statement, so that attempts on several servers at once all count. */
int bont__pg_user_login_result(bont_store_t *s, long long user_id, bool good,
                               long long locked_until, bont_error_t *err)
{
    if (good)
        return bont__pg_run(s, NULL, "recording a login attempt", err,
                            "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = "
                            "$1::bigint",
                            "i", user_id);
    return bont__pg_run(s, NULL, "recording a login attempt", err,
                        "UPDATE users SET failed_logins = failed_logins + 1, locked_until = "
                        "$2::bigint WHERE id = $1::bigint",
                        "ii", user_id, locked_until);
}

/* Session ids and CSRF keys are 32 bytes, sent and read as hex. */
int bont__pg_session_insert(bont_store_t *s, const bont_session_t *ses, bont_error_t *err)
{
    return bont__pg_run(s, NULL, "adding a session", err,
                        "INSERT INTO sessions (id_hash, user_id, csrf_key, created_at, last_seen, "
                        "expires_at) VALUES (decode($1, 'hex'), $2::bigint, decode($3, 'hex'), "
                        "$4::bigint, $5::bigint, $6::bigint)",
                        "bibiii", ses->id_hash, ses->user_id, ses->csrf_key, ses->created_at,
                        ses->last_seen, ses->expires_at);
}

static int unhex(const char *hex, unsigned char *out, size_t n)
{
    if (strlen(hex) != 2 * n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (unsigned char)v;
    }
    return 0;
}

int bont__pg_session_get(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
                         bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "reading a session", err,
                           "SELECT user_id, encode(csrf_key, 'hex'), created_at, last_seen, "
                           "expires_at FROM sessions WHERE id_hash = decode($1, 'hex')",
                           "b", id_hash);
    if (ret == 0 && PQntuples(r) == 1 && unhex(PQgetvalue(r, 0, 1), out->csrf_key, 32) == 0) {
        unsigned char key[32];
        memcpy(key, out->csrf_key, sizeof key);
        memset(out, 0, sizeof *out);
        memcpy(out->csrf_key, key, sizeof key);
        memcpy(out->id_hash, id_hash, sizeof out->id_hash);
        out->user_id = bont__pg_int(r, 0, 0);
        out->created_at = bont__pg_int(r, 0, 2);
        out->last_seen = bont__pg_int(r, 0, 3);
        out->expires_at = bont__pg_int(r, 0, 4);
    } else if (ret == 0) {
        bont_error_setf(err, "session", "no such session");
        ret = BONT_ENOTFOUND;
    }
    PQclear(r);
    return ret;
}

int bont__pg_session_touch(bont_store_t *s, const unsigned char id_hash[32], long long last_seen,
                           bont_error_t *err)
{
    return bont__pg_run(s, NULL, "updating a session", err,
                        "UPDATE sessions SET last_seen = $2::bigint WHERE id_hash = decode($1, "
                        "'hex')",
                        "bi", id_hash, last_seen);
}

int bont__pg_session_delete(bont_store_t *s, const unsigned char id_hash[32], bont_error_t *err)
{
    return bont__pg_run(s, NULL, "ending a session", err,
                        "DELETE FROM sessions WHERE id_hash = decode($1, 'hex')", "b", id_hash);
}

int bont__pg_session_purge(bont_store_t *s, long long now, long long idle_before, bont_error_t *err)
{
    return bont__pg_run(s, NULL, "removing ended sessions", err,
                        "DELETE FROM sessions WHERE expires_at <= $1::bigint OR last_seen < "
                        "$2::bigint",
                        "ii", now, idle_before);
}

int bont__pg_audit_insert(bont_store_t *s, bont_audit_t *e, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "writing the audit log", err,
                           "INSERT INTO audit (user_name, remote, kind, method, path, status, "
                           "patient_id, detail) VALUES ($1, $2, $3, $4, $5, $6::integer, "
                           "$7::bigint, $8) RETURNING id, " BONT__PG_STAMP("at"),
                           "sssssiIs", e->user, e->remote, e->kind, e->method, e->path,
                           (long long)e->status, e->patient_id, e->detail);
    if (ret == 0) {
        e->id = bont__pg_int(r, 0, 0);
        bont__pg_text(r, 0, 1, e->at, sizeof e->at);
    }
    PQclear(r);
    return ret;
}

int bont__pg_audit_list(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                        bont_error_t *err)
{
    PGresult *r = NULL;
    size_t cap = 0;
    int ret = bont__pg_run(
        s, &r, "reading the audit log", err,
        "SELECT id, " BONT__PG_STAMP(
            "at") ", user_name, remote, kind, method, "
                  "path, status, patient_id, detail FROM audit WHERE $1::bigint <= 0 OR "
                  "patient_id = $1::bigint ORDER BY id",
        "i", patient_id);
    for (int i = 0; ret == 0 && i < PQntuples(r); i++) {
        if ((ret = bont__store_grow((void **)out, &cap, *n, sizeof **out)) != 0)
            break;
        bont_audit_t *e = &(*out)[(*n)++];
        e->id = bont__pg_int(r, i, 0);
        bont__pg_text(r, i, 1, e->at, sizeof e->at);
        bont__pg_text(r, i, 2, e->user, sizeof e->user);
        bont__pg_text(r, i, 3, e->remote, sizeof e->remote);
        bont__pg_text(r, i, 4, e->kind, sizeof e->kind);
        bont__pg_text(r, i, 5, e->method, sizeof e->method);
        bont__pg_text(r, i, 6, e->path, sizeof e->path);
        e->status = (int)bont__pg_int(r, i, 7);
        e->patient_id = bont__pg_int(r, i, 8);
        bont__pg_text(r, i, 9, e->detail, sizeof e->detail);
    }
    PQclear(r);
    if (ret != 0) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return ret;
}
