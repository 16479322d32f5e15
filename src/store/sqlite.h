/* sqlite.h: what the SQLite backend's files share (sqlite.c: connection, files and
 * transactions; sqlite_rows.c: records; sqlite_access.c: users, sessions, audit; sqlite_file.c:
 * backup and verification). */
#ifndef BONT_STORE_SQLITE_H
#define BONT_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdarg.h>

#include "store/internal.h"

/* Another process may hold the write lock for the length of one transaction (milliseconds).
 * SQLite's busy handler waits up to BUSY_TIMEOUT_MS; a few paths (changing the journal mode,
 * WAL recovery) return SQLITE_BUSY without calling it, so those are retried here as well. */
enum { BONT__SQLITE_BUSY_TIMEOUT_MS = 30000, BONT__SQLITE_RETRY_TOTAL_MS = 60000 };

#define BONT__SQLITE_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static inline sqlite3 *bont__sqlite_db(const bont_store_t *s)
{
    return (sqlite3 *)s->conn;
}

/* The bont code for a SQLite result: BONT_ENOMEM, BONT_EIO (disk, full, cannot open, read-only)
 * or BONT_ESTORE. */
int bont__sqlite_code(int rc);

/* Fills err from the connection's last error ("what: message", the file named) and returns
 * bont__sqlite_code of it. */
int bont__sqlite_fail(bont_store_t *s, bont_error_t *err, const char *what);

/* Runs a statement that returns no rows, retrying while the file is locked. */
int bont__sqlite_exec(bont_store_t *s, const char *sql, bont_error_t *err, const char *what);

/* Prepares sql, retrying while another process holds a lock. */
int bont__sqlite_prepare(bont_store_t *s, const char *sql, sqlite3_stmt **st, bont_error_t *err);

/* Steps a statement, retrying SQLITE_BUSY that escaped the busy handler before its first row. */
int bont__sqlite_step(sqlite3_stmt *st);

int bont__sqlite_is_busy(int rc);
void bont__sqlite_sleep_ms(long ms);

/* Binds parameters 1.. from types, one letter each: 's' text, 't' text or NULL when NULL or "",
 * 'd' double, 'r' double or NULL when < 0, 'i' long long, 'I' long long or NULL when <= 0.
 * Returns the first failing SQLite code (an unbound parameter would be stored as NULL). */
int bont__sqlite_bind(sqlite3_stmt *st, const char *types, ...);
int bont__sqlite_vbind(sqlite3_stmt *st, const char *types, va_list ap);

/* Copies column i as text into buf; -1 when SQLite could not give the text (out of memory). */
int bont__sqlite_text(sqlite3_stmt *st, int i, char *buf, size_t size);

/* Column i, or missing when it is NULL. */
double bont__sqlite_real_or(sqlite3_stmt *st, int i, double missing);

/* ---- operations (see backend.h) ---- */
int bont__sqlite_patient_insert(bont_store_t *s, bont_store_patient_t *p, bont_error_t *err);
int bont__sqlite_patient_get(bont_store_t *s, long long id, bont_store_patient_t *out,
                             bont_error_t *err);
int bont__sqlite_patient_list(bont_store_t *s, bont_store_patient_t **out, size_t *n,
                              bont_error_t *err);
int bont__sqlite_visit_insert(bont_store_t *s, bont_store_visit_t *v, bont_error_t *err);
int bont__sqlite_visit_owner(bont_store_t *s, long long visit_id, long long *patient_id,
                             char date[11], bont_error_t *err);
int bont__sqlite_visit_set_wore_off(bont_store_t *s, long long visit_id, const char *date,
                                    bont_error_t *err);
int bont__sqlite_outcome_insert(bont_store_t *s, bont_store_outcome_t *o, bont_error_t *err);
int bont__sqlite_ae_insert(bont_store_t *s, bont_store_ae_t *ae, bont_error_t *err);
int bont__sqlite_record_load(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err);
int bont__sqlite_recall(bont_store_t *s, const char *lot, bont_store_recall_t **out, size_t *n,
                        bont_error_t *err);
int bont__sqlite_lots(bont_store_t *s, bont_store_lot_t **out, size_t *n, bont_error_t *err);
int bont__sqlite_backup(bont_store_t *s, const char *path, bont_error_t *err);
int bont__sqlite_user_insert(bont_store_t *s, bont_user_t *u, bont_error_t *err);
int bont__sqlite_user_get(bont_store_t *s, const char *name, long long id, bont_user_t *out,
                          bont_error_t *err);
int bont__sqlite_user_list(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err);
int bont__sqlite_user_set_disabled(bont_store_t *s, long long user_id, bool disabled,
                                   bont_error_t *err);
int bont__sqlite_user_login_result(bont_store_t *s, long long user_id, bool good,
                                   long long locked_until, bont_error_t *err);
int bont__sqlite_session_insert(bont_store_t *s, const bont_session_t *ses, bont_error_t *err);
int bont__sqlite_session_get(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
                             bont_error_t *err);
int bont__sqlite_session_touch(bont_store_t *s, const unsigned char id_hash[32],
                               long long last_seen, bont_error_t *err);
int bont__sqlite_session_delete(bont_store_t *s, const unsigned char id_hash[32],
                                bont_error_t *err);
int bont__sqlite_session_purge(bont_store_t *s, long long now, long long idle_before,
                               bont_error_t *err);
int bont__sqlite_audit_insert(bont_store_t *s, bont_audit_t *e, bont_error_t *err);
int bont__sqlite_audit_list(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                            bont_error_t *err);
int bont__sqlite_verify(bont_store_t *s, bont_error_t *err);

#endif
