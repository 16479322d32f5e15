/* audit.c: the append-only audit log in the store (SQLite backend of bont/access.h). */
#include "bont/access.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite.h"

/* Binds and runs the prepared INSERT for e, reading back its id and time. */
static int insert_entry(bont_store_t *s, sqlite3_stmt *st, bont_audit_t *e, bont_error_t *err)
{
    sqlite3_reset(st);
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
    return step == SQLITE_DONE ? 0 : bont__sqlite_fail(s, err, "writing the audit log");
}

int bont_store_audit_add_batch(bont_store_t *s, bont_audit_t *entries, size_t n, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    for (size_t i = 0; i < n; i++)
        if (!entries[i].kind[0]) {
            bont_error_setf(err, "kind", "an audit entry says what was done");
            return BONT_EINVAL;
        }
    /* One transaction: all entries or none, and one disk sync for all of them. */
    int rc = s->be->begin_write(s, err);
    if (rc != 0)
        return rc;
    rc = bont__sqlite_prepare(s,
                              "INSERT INTO audit (at, user_name, remote, kind, method, path, "
                              "status, patient_id, detail) VALUES ("
                              "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, "
                              "?7, ?8) RETURNING id, at",
                              &st, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = insert_entry(s, st, &entries[i], err);
    sqlite3_finalize(st);
    if (rc == 0)
        rc = s->be->commit(s, err);
    if (rc != 0) {
        s->be->rollback(s);
        for (size_t i = 0; i < n; i++)
            entries[i].id = 0;
    }
    return rc;
}

int bont_store_audit_add(bont_store_t *s, bont_audit_t *e, bont_error_t *err)
{
    return bont_store_audit_add_batch(s, e, 1, err);
}

static void text_col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(buf, size, "%s", t ? (const char *)t : "");
}

int bont_store_audit_list(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                          bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int step;
    *out = NULL;
    *n = 0;
    int rc = bont__sqlite_prepare(s,
                                  "SELECT id, at, user_name, remote, kind, method, path, status, "
                                  "patient_id, detail FROM audit "
                                  "WHERE ?1 <= 0 OR patient_id = ?1 ORDER BY id",
                                  &st, err);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, patient_id);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            bont_audit_t *grown = realloc(*out, cap * sizeof **out);
            if (!grown) {
                rc = BONT_ENOMEM;
                goto cleanup;
            }
            *out = grown;
        }
        bont_audit_t *e = &(*out)[(*n)++];
        memset(e, 0, sizeof *e);
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
