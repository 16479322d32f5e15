/* pg.h: what the PostgreSQL backend's files share (pg.c: connection, errors, transactions and
 * migrations; pg_rows.c: records; pg_access.c: users, sessions, audit; pg_schema.c: the schema). */
#ifndef BONT_STORE_PG_H
#define BONT_STORE_PG_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "store/internal.h"

/* The connection of a PostgreSQL store (bont_store_t.conn). */
typedef struct bont__pg_t {
    PGconn *conn;  /* owned; may break (server restart, terminated backend) and is then reset */
    bool in_tx;    /* BEGIN was sent and neither COMMIT nor ROLLBACK since */
    char state[6]; /* SQLSTATE of the last statement that failed, "" when none */
} bont__pg_t;

static inline bont__pg_t *bont__pg(const bont_store_t *s)
{
    return (bont__pg_t *)s->conn;
}

/* Time stamps as the SQLite store writes them ("2026-11-21T14:30:54Z") and dates as YYYY-MM-DD,
 * whatever the server's DateStyle and time zone. */
#define BONT__PG_STAMP(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define BONT__PG_DAY(col)   "to_char(" col ", 'YYYY-MM-DD')"

/* Runs sql with parameters $1.. from types, one letter each, as bont__sqlite_bind: 's' text,
 * 't' text or NULL when NULL or "", 'd' double, 'r' double or NULL when < 0, 'i' long long,
 * 'I' long long or NULL when <= 0; and 'b' 32 bytes (bound as hex: write decode($n, 'hex')).
 * On success *res holds the result (PQclear it) when res is not NULL. Outside a transaction a
 * broken connection is first reset, so a long-lived server survives a database restart. On
 * failure err says what, naming the store, and the code is: BONT_ECONNECT (the connection is
 * gone), BONT_ECONFLICT (a unique key), BONT_EINVAL (a value the server rejects as data, such as
 * text that is not UTF-8), BONT_ENOMEM, BONT_EIO (disk full) or BONT_ESTORE. */
int bont__pg_run(bont_store_t *s, PGresult **res, const char *what, bont_error_t *err,
                 const char *sql, const char *types, ...);

/* Copies field (row, col) of res into buf; "" for NULL. */
void bont__pg_text(const PGresult *res, int row, int col, char *buf, size_t size);

/* Field (row, col) as a number; missing when it is NULL. */
double bont__pg_real_or(const PGresult *res, int row, int col, double missing);
long long bont__pg_int(const PGresult *res, int row, int col);

/* The schema: bont__pg_migrations[i] takes a database from version i to i + 1 (pg_schema.c),
 * numbered as the SQLite file's (schema.c). bont__pg_schema_table is the version's own table. */
extern const char *const bont__pg_migrations[];
extern const size_t bont__pg_n_migrations;
extern const char bont__pg_schema_table[];

/* ---- operations (see backend.h) ---- */
int bont__pg_patient_insert(bont_store_t *s, bont_store_patient_t *p, bont_error_t *err);
int bont__pg_patient_get(bont_store_t *s, long long id, bont_store_patient_t *out,
                         bont_error_t *err);
int bont__pg_patient_list(bont_store_t *s, bont_store_patient_t **out, size_t *n,
                          bont_error_t *err);
int bont__pg_visit_insert(bont_store_t *s, bont_store_visit_t *v, bont_error_t *err);
int bont__pg_visit_owner(bont_store_t *s, long long visit_id, long long *patient_id, char date[11],
                         bont_error_t *err);
int bont__pg_visit_set_wore_off(bont_store_t *s, long long visit_id, const char *date,
                                bont_error_t *err);
int bont__pg_outcome_insert(bont_store_t *s, bont_store_outcome_t *o, bont_error_t *err);
int bont__pg_ae_insert(bont_store_t *s, bont_store_ae_t *ae, bont_error_t *err);
int bont__pg_record_load(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err);
int bont__pg_recall(bont_store_t *s, const char *lot, bont_store_recall_t **out, size_t *n,
                    bont_error_t *err);
int bont__pg_lots(bont_store_t *s, bont_store_lot_t **out, size_t *n, bont_error_t *err);
int bont__pg_verify(bont_store_t *s, bont_error_t *err);
int bont__pg_user_insert(bont_store_t *s, bont_user_t *u, bont_error_t *err);
int bont__pg_user_get(bont_store_t *s, const char *name, long long id, bont_user_t *out,
                      bont_error_t *err);
int bont__pg_user_list(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err);
int bont__pg_user_set_disabled(bont_store_t *s, long long user_id, bool disabled,
                               bont_error_t *err);
int bont__pg_user_login_result(bont_store_t *s, long long user_id, bool good,
                               long long locked_until, bont_error_t *err);
int bont__pg_session_insert(bont_store_t *s, const bont_session_t *ses, bont_error_t *err);
int bont__pg_session_get(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
                         bont_error_t *err);
int bont__pg_session_touch(bont_store_t *s, const unsigned char id_hash[32], long long last_seen,
                           bont_error_t *err);
int bont__pg_session_delete(bont_store_t *s, const unsigned char id_hash[32], bont_error_t *err);
int bont__pg_session_purge(bont_store_t *s, long long now, long long idle_before,
                           bont_error_t *err);
int bont__pg_audit_insert(bont_store_t *s, bont_audit_t *e, bont_error_t *err);
int bont__pg_audit_list(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                        bont_error_t *err);

#endif
