/* sqlite_file.c: the SQLite backend's whole-file operations: an online backup that appears
 * whole or not at all, and the integrity and consistency check. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite.h"

/* Copies the store into the open connection dest as one snapshot and makes it a standalone,
 * checked file. */
static int copy_into(bont_store_t *s, sqlite3 *dest, bont_error_t *err)
{
    sqlite3_backup *bk = sqlite3_backup_init(dest, "main", bont__sqlite_db(s), "main");
    long waited = 0;
    int rc;
    if (!bk) {
        bont_error_setf(err, NULL, "cannot start the backup: %s", sqlite3_errmsg(dest));
        return bont__sqlite_code(sqlite3_extended_errcode(dest));
    }
    /* One step copies every page under a single read snapshot. In WAL mode that snapshot does
     * not block writers, and the copy is the store exactly as of one commit. */
    while ((rc = sqlite3_backup_step(bk, -1)) != SQLITE_DONE) {
        if (!bont__sqlite_is_busy(rc) || waited >= BONT__SQLITE_RETRY_TOTAL_MS)
            break;
        bont__sqlite_sleep_ms(20);
        waited += 20;
    }
    sqlite3_backup_finish(bk);
    if (rc != SQLITE_DONE) {
        bont_error_setf(err, NULL, "backup failed: %s", sqlite3_errstr(rc));
        return bont__sqlite_code(rc);
    }
    /* The copy is a single self-contained file: no -wal beside it to lose when it is moved. */
    if ((rc = sqlite3_exec(dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL)) != SQLITE_OK) {
        bont_error_setf(err, NULL, "finishing the backup: %s", sqlite3_errmsg(dest));
        return bont__sqlite_code(rc);
    }
    sqlite3_stmt *st = NULL;
    int ok = 0;
    rc = sqlite3_prepare_v2(dest, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        ok = t && strcmp((const char *)t, "ok") == 0;
    }
    sqlite3_finalize(st);
    if (!ok) {
        bont_error_setf(err, NULL, "the backup copy failed its integrity check");
        return rc == SQLITE_ROW ? BONT_ESTORE : bont__sqlite_code(rc);
    }
    return 0;
}

int bont__sqlite_backup(bont_store_t *s, const char *path, bont_error_t *err)
{
    char tmp[4200] = "";
    sqlite3 *dest = NULL;
    bool exists = false;
    int ret = bont__store_path_kind(path, &exists, err);
    if (ret == 0 && exists) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        bont_error_setf(err, NULL, "already exists: a backup never overwrites a file");
        return BONT_ECONFLICT;
    }
    if (ret != 0 || (ret = bont__store_temp_beside(path, "cannot write the backup", tmp, sizeof tmp,
                                                   err)) != 0) {
        tmp[0] = '\0';
        return ret;
    }
    if (sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        bont_error_setf(err, NULL, "cannot write the backup: %s",
                        dest ? sqlite3_errmsg(dest) : "out of memory");
        ret = dest ? bont__sqlite_code(sqlite3_extended_errcode(dest)) : BONT_ENOMEM;
        goto cleanup;
    }
    if ((ret = copy_into(s, dest, err)) != 0) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", path);
        goto cleanup;
    }
    if (sqlite3_close(dest) != SQLITE_OK) {
        bont_error_setf(err, NULL, "cannot close the backup: %s", sqlite3_errmsg(dest));
        ret = BONT_EIO;
        goto cleanup;
    }
    dest = NULL;
    /* Only the finished, checked copy gets the name: killed before this line, the backup left
     * no file at path; a partial temporary file is never taken for a store. */
    ret = bont__store_publish(tmp, path, err);
    tmp[0] = '\0';
cleanup:
    sqlite3_close(dest);
    if (tmp[0])
        bont__store_remove_temp(tmp);
    return ret;
}

static int check_rows(bont_store_t *s, const char *sql,
                      int (*judge)(sqlite3_stmt *, bont_error_t *), const char *what,
                      bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int ret = bont__sqlite_prepare(s, sql, &st, err);
    if (ret != 0)
        return ret;
    int rc = bont__sqlite_step(st);
    if (rc == SQLITE_ROW)
        ret = judge(st, err);
    else if (rc != SQLITE_DONE)
        ret = bont__sqlite_fail(s, err, what);
    sqlite3_finalize(st);
    return ret;
}

static int judge_integrity(sqlite3_stmt *st, bont_error_t *err)
{
    const unsigned char *t = sqlite3_column_text(st, 0);
    if (t && strcmp((const char *)t, "ok") == 0)
        return 0;
    bont_error_setf(err, NULL, "integrity check failed: %s", t ? (const char *)t : "(no text)");
    return t ? BONT_ESTORE : BONT_ENOMEM;
}

static int judge_foreign_key(sqlite3_stmt *st, bont_error_t *err)
{
    const unsigned char *table = sqlite3_column_text(st, 0), *parent = sqlite3_column_text(st, 2);
    bont_error_setf(err, NULL, "a row of %s refers to a missing %s",
                    table ? (const char *)table : "?", parent ? (const char *)parent : "?");
    return BONT_ESTORE;
}

static int judge_injections(sqlite3_stmt *st, bont_error_t *err)
{
    bont_error_setf(err, NULL, "visit %lld has %lld of its %lld injections",
                    (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 2),
                    (long long)sqlite3_column_int64(st, 1));
    return BONT_ESTORE;
}

int bont__sqlite_verify(bont_store_t *s, bont_error_t *err)
{
    int ret;
    if ((ret = bont__sqlite_exec(s, "BEGIN", err, "starting a read")) != 0)
        return ret;
    if ((ret = check_rows(s, "PRAGMA integrity_check", judge_integrity, "checking integrity",
                          err)) == 0 &&
        (ret = check_rows(s, "PRAGMA foreign_key_check", judge_foreign_key, "checking references",
                          err)) == 0)
        ret = check_rows(s,
                         "SELECT v.id, v.n_injections, (SELECT count(*) FROM injections i "
                         "WHERE i.visit_id = v.id) AS n FROM visits v "
                         "WHERE n != v.n_injections LIMIT 1",
                         judge_injections, "counting injections", err);
    sqlite3 *db = bont__sqlite_db(s);
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return ret;
}
