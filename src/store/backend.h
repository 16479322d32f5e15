/* backend.h: the persistence operations the store's workflows call, one table of them per
 * database: SQLite (sqlite*.c) and PostgreSQL (pg*.c). */
#ifndef BONT_STORE_BACKEND_H
#define BONT_STORE_BACKEND_H

#include <stddef.h>

#include "bont/access.h"
#include "bont/store.h"

/* Every operation returns 0 or a negative bont_errno_t with err filled. Row operations run
 * inside a transaction the caller opened (begin_write or begin_read) and do no validation of
 * their own beyond what the schema enforces: the workflows (records.c, visit.c) validate, then
 * read and write under one transaction, so a check and the write it allows see the same data.
 * The backend never reads the clock except for the recorded_at / created_at stamps. */
typedef struct bont__store_backend_t {
    const char *name; /* "sqlite" or "postgresql" */

    /* Connection: open fills s->conn, s->schema_version and s->created. target is what the user
     * gave (a file path, or a libpq connection string that may hold a password); s->path is
     * set to the target for SQLite and must be set to a name without the password by the
     * backend before anything can fail. */
    int (*open)(bont_store_t *s, const char *target, bont_store_mode_t mode, bont_error_t *err);
    void (*close)(bont_store_t *s);

    /* Transactions. begin_write takes the write lock at once, waiting (with retries) while
     * another writer holds it, so that what is read after it cannot change before commit.
     * begin_read gives one consistent snapshot. rollback is safe when none is open. */
    int (*begin_write)(bont_store_t *s, bont_error_t *err);
    int (*begin_read)(bont_store_t *s, bont_error_t *err);
    int (*commit)(bont_store_t *s, bont_error_t *err);
    void (*rollback)(bont_store_t *s);

    /* Inside begin_write: holds the patient's record until commit, so that the history a check
     * reads cannot gain a visit before the visit the check allows is written. SQLite's
     * begin_write already holds the one write lock of the file (nothing to do); PostgreSQL locks
     * the patient's row. 0 also when there is no such patient: the read that follows says so. */
    int (*lock_patient)(bont_store_t *s, long long patient_id, bont_error_t *err);

    /* Rows. Inserts set the ids (and stamps) they assign in the struct. */
    int (*patient_insert)(bont_store_t *s, bont_store_patient_t *p, bont_error_t *err);
    int (*patient_get)(bont_store_t *s, long long id, bont_store_patient_t *out,
                       bont_error_t *err); /* BONT_ENOTFOUND when there is none */
    int (*patient_list)(bont_store_t *s, bont_store_patient_t **out, size_t *n,
                        bont_error_t *err); /* with terms, by id; *out is malloc'ed */
    int (*visit_insert)(bont_store_t *s, bont_store_visit_t *v, bont_error_t *err);
    int (*visit_owner)(bont_store_t *s, long long visit_id, long long *patient_id, char date[11],
                       bont_error_t *err); /* BONT_ENOTFOUND when there is no such visit */
    int (*visit_set_wore_off)(bont_store_t *s, long long visit_id, const char *date,
                              bont_error_t *err);
    int (*outcome_insert)(bont_store_t *s, bont_store_outcome_t *o, bont_error_t *err);
    int (*ae_insert)(bont_store_t *s, bont_store_ae_t *ae, bont_error_t *err);
    /* Visits (with injections), outcomes and adverse events of rec->patient.id, into rec. */
    int (*record_load)(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err);
    int (*recall)(bont_store_t *s, const char *lot, bont_store_recall_t **out, size_t *n,
                  bont_error_t *err);
    int (*lots)(bont_store_t *s, bont_store_lot_t **out, size_t *n,
                bont_error_t *err); /* every lot of vials, soonest expiry first */

    /* Users, sessions and the audit log (bont/access.h). Each is one statement that runs in
     * the caller's transaction or alone, except user_set_disabled (the caller's write). */
    int (*user_insert)(bont_store_t *s, bont_user_t *u,
                       bont_error_t *err); /* BONT_ECONFLICT when the name is taken */
    /* By name (case-insensitive) when name is not NULL, else by id; BONT_ENOTFOUND. */
    int (*user_get)(bont_store_t *s, const char *name, long long id, bont_user_t *out,
                    bont_error_t *err);
    int (*user_list)(bont_store_t *s, bont_user_t **out, size_t *n, bont_error_t *err);
    /* Sets the flag and, when disabling, ends the user's sessions. */
    int (*user_set_disabled)(bont_store_t *s, long long user_id, bool disabled, bont_error_t *err);
    int (*user_login_result)(bont_store_t *s, long long user_id, bool good, long long locked_until,
                             bont_error_t *err);
    int (*session_insert)(bont_store_t *s, const bont_session_t *ses, bont_error_t *err);
    int (*session_get)(bont_store_t *s, const unsigned char id_hash[32], bont_session_t *out,
                       bont_error_t *err); /* BONT_ENOTFOUND */
    int (*session_touch)(bont_store_t *s, const unsigned char id_hash[32], long long last_seen,
                         bont_error_t *err);
    int (*session_delete)(bont_store_t *s, const unsigned char id_hash[32], bont_error_t *err);
    int (*session_purge)(bont_store_t *s, long long now, long long idle_before, bont_error_t *err);
    int (*audit_insert)(bont_store_t *s, bont_audit_t *e, bont_error_t *err);
    int (*audit_list)(bont_store_t *s, long long patient_id, bont_audit_t **out, size_t *n,
                      bont_error_t *err);

    /* Whole store (no transaction open). */
    int (*backup)(bont_store_t *s, const char *path, bont_error_t *err);
    int (*verify)(bont_store_t *s, bont_error_t *err);

    /* Commit durability of this connection (bont_store_set_sync); reads the setting back and
     * fails with BONT_ESTORE when it did not take. */
    int (*set_sync)(bont_store_t *s, bont_store_sync_t sync, bont_error_t *err);
} bont__store_backend_t;

extern const bont__store_backend_t bont__store_sqlite;
extern const bont__store_backend_t bont__store_pg;

#endif
