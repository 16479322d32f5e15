/* backend.h: the persistence operations the store's workflows call, one table of them per
 * database (SQLite today: sqlite*.c; a PostgreSQL backend implements the same table). */
#ifndef BONT_STORE_BACKEND_H
#define BONT_STORE_BACKEND_H

#include <stddef.h>

#include "bont/store.h"

/* Every operation returns 0 or a negative bont_errno_t with err filled. Row operations run
 * inside a transaction the caller opened (begin_write or begin_read) and do no validation of
 * their own beyond what the schema enforces: the workflows (records.c, visit.c) validate, then
 * read and write under one transaction, so a check and the write it allows see the same data.
 * The backend never reads the clock except for the recorded_at / created_at stamps. */
typedef struct bont__store_backend_t {
    const char *name; /* "sqlite" */

    /* Connection: open fills s->conn, s->schema_version and s->created (s->path is set). */
    int (*open)(bont_store_t *s, bont_store_mode_t mode, bont_error_t *err);
    void (*close)(bont_store_t *s);

    /* Transactions. begin_write takes the write lock at once, waiting (with retries) while
     * another writer holds it, so that what is read after it cannot change before commit.
     * begin_read gives one consistent snapshot. rollback is safe when none is open. */
    int (*begin_write)(bont_store_t *s, bont_error_t *err);
    int (*begin_read)(bont_store_t *s, bont_error_t *err);
    int (*commit)(bont_store_t *s, bont_error_t *err);
    void (*rollback)(bont_store_t *s);

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

    /* Whole store (no transaction open). */
    int (*backup)(bont_store_t *s, const char *path, bont_error_t *err);
    int (*verify)(bont_store_t *s, bont_error_t *err);
} bont__store_backend_t;

extern const bont__store_backend_t bont__store_sqlite;

#endif
