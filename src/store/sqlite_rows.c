/* sqlite_rows.c: the SQLite backend's records: patients with their terms, visits with their vial
 * and injections, outcomes, adverse events, whole records and lot searches. Each runs inside the
 * caller's transaction and reads a patient's rows with a fixed number of queries. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite.h"

/* Binding failed (out of memory): report it as the statement's failure. */
static int bind_fail(bont_store_t *s, int rc, bont_error_t *err, const char *what)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%s", s->path);
    bont_error_setf(err, NULL, "%s: %s", what, sqlite3_errstr(rc));
    return bont__sqlite_code(rc);
}

/* A row could not be read whole: only SQLite's or our own allocation can fail there. */
static int row_fail(bont_store_t *s, bont_error_t *err, const char *what)
{
    if (err)
        snprintf(err->file, sizeof err->file, "%s", s->path);
    bont_error_setf(err, NULL, "%s: out of memory", what);
    return BONT_ENOMEM;
}

/* Runs one INSERT or UPDATE with parameters bound from types (bont__sqlite_bind). With id, the
 * statement ends in RETURNING id (and, with stamp, the time stamp the store set) and they are
 * read back. */
static int write_row(bont_store_t *s, const char *sql, long long *id, char *stamp,
                     size_t stamp_size, const char *what, bont_error_t *err, const char *types, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    int rc, ret = bont__sqlite_prepare(s, sql, &st, err);
    if (ret != 0)
        return ret;
    va_start(ap, types);
    rc = bont__sqlite_vbind(st, types, ap);
    va_end(ap);
    if (rc != SQLITE_OK) {
        ret = bind_fail(s, rc, err, what);
    } else if (!id) {
        if (bont__sqlite_step(st) != SQLITE_DONE)
            ret = bont__sqlite_fail(s, err, what);
    } else if (bont__sqlite_step(st) != SQLITE_ROW) {
        ret = bont__sqlite_fail(s, err, what);
    } else {
        *id = sqlite3_column_int64(st, 0);
        if (stamp && bont__sqlite_text(st, 1, stamp, stamp_size) != 0)
            ret = row_fail(s, err, what);
        else if (bont__sqlite_step(st) != SQLITE_DONE) /* RETURNING finishes with the step */
            ret = bont__sqlite_fail(s, err, what);
    }
    sqlite3_finalize(st);
    return ret;
}

/* Reads one row of st into entry; ctx is the reader's (the patient id of a record). Nonzero
 * when SQLite or the store ran out of memory. */
typedef int (*row_fn_t)(sqlite3_stmt *st, void *entry, const void *ctx);

/* Steps st (bound) to its end, reading each row with fn into a new zeroed entry at the end of
 * *arr (of elem-size entries, *count of them, empty at first). */
static int read_all(bont_store_t *s, sqlite3_stmt *st, void **arr, size_t *count, size_t elem,
                    row_fn_t fn, const void *ctx, const char *what, bont_error_t *err)
{
    size_t cap = 0;
    int rc, ret;
    while ((rc = bont__sqlite_step(st)) == SQLITE_ROW) {
        if ((ret = bont__store_grow(arr, &cap, *count, elem)) != 0)
            return ret;
        if (fn(st, (char *)*arr + (*count)++ * elem, ctx) != 0)
            return row_fail(s, err, what);
    }
    return rc == SQLITE_DONE ? 0 : bont__sqlite_fail(s, err, what);
}

/* ---- patients ---- */

static int insert_terms(bont_store_t *s, const bont_store_patient_t *p, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc, ret = bont__sqlite_prepare(s,
                                       "INSERT OR IGNORE INTO patient_terms (patient_id, kind, "
                                       "name) VALUES (?, ?, ?)",
                                       &st, err);
    for (size_t i = 0; ret == 0 && i < p->n_terms; i++) {
        sqlite3_reset(st);
        if ((rc = bont__sqlite_bind(st, "iss", p->id, p->terms[i].kind, p->terms[i].name)))
            ret = bind_fail(s, rc, err, "adding the patient's conditions");
        else if (bont__sqlite_step(st) != SQLITE_DONE)
            ret = bont__sqlite_fail(s, err, "adding the patient's conditions");
    }
    sqlite3_finalize(st);
    return ret;
}

int bont__sqlite_patient_insert(bont_store_t *s, bont_store_patient_t *p, bont_error_t *err)
{
    int ret = write_row(s,
                        "INSERT INTO patients (name, birth_date, sex, weight_kg, created_at) "
                        "VALUES (?, ?, ?, ?, " BONT__SQLITE_NOW ") RETURNING id, created_at",
                        &p->id, p->created_at, sizeof p->created_at, "adding the patient", err,
                        "sssr", p->name, p->birth_date, p->sex, p->weight_kg);
    return ret != 0 ? ret : insert_terms(s, p, err);
}

#define PATIENT_COLS "id, name, birth_date, sex, weight_kg, created_at"

static int patient_row(sqlite3_stmt *st, void *entry, const void *ctx)
{
    bont_store_patient_t *p = entry;
    (void)ctx;
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    p->weight_kg = bont__sqlite_real_or(st, 4, -1);
    return bont__sqlite_text(st, 1, p->name, sizeof p->name) |
           bont__sqlite_text(st, 2, p->birth_date, sizeof p->birth_date) |
           bont__sqlite_text(st, 3, p->sex, sizeof p->sex) |
           bont__sqlite_text(st, 5, p->created_at, sizeof p->created_at);
}

/* Adds the terms rows (patient_id, kind, name; ordered by patient) to the patients of list (n,
 * ordered by id): one pass over both. */
static int read_terms(bont_store_t *s, sqlite3_stmt *st, bont_store_patient_t *list, size_t n,
                      bont_error_t *err)
{
    size_t k = 0;
    int rc;
    while ((rc = bont__sqlite_step(st)) == SQLITE_ROW) {
        long long id = sqlite3_column_int64(st, 0);
        while (k < n && list[k].id < id)
            k++;
        if (k == n || list[k].id != id || list[k].n_terms == BONT_STORE_MAX_TERMS)
            continue;
        bont_store_term_t *t = &list[k].terms[list[k].n_terms++];
        if ((bont__sqlite_text(st, 1, t->kind, sizeof t->kind) |
             bont__sqlite_text(st, 2, t->name, sizeof t->name)) != 0)
            return row_fail(s, err, "reading the patients' conditions");
    }
    return rc == SQLITE_DONE ? 0 : bont__sqlite_fail(s, err, "reading the patients' conditions");
}

int bont__sqlite_patient_get(bont_store_t *s, long long id, bont_store_patient_t *out,
                             bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc, ret = bont__sqlite_prepare(s, "SELECT " PATIENT_COLS " FROM patients WHERE id = ?", &st,
                                       err);
    if (ret != 0)
        return ret;
    if ((rc = bont__sqlite_bind(st, "i", id))) {
        ret = bind_fail(s, rc, err, "reading the patient");
        goto cleanup;
    }
    rc = bont__sqlite_step(st);
    if (rc == SQLITE_DONE) {
        bont_error_setf(err, "patient", "no patient with id %lld in %s", id, s->path);
        ret = BONT_ENOTFOUND;
        goto cleanup;
    }
    if (rc != SQLITE_ROW) {
        ret = bont__sqlite_fail(s, err, "reading the patient");
        goto cleanup;
    }
    if (patient_row(st, out, NULL) != 0) {
        ret = row_fail(s, err, "reading the patient");
        goto cleanup;
    }
    sqlite3_finalize(st);
    st = NULL;
    if ((ret = bont__sqlite_prepare(s,
                                    "SELECT patient_id, kind, name FROM patient_terms WHERE "
                                    "patient_id = ? ORDER BY kind, name",
                                    &st, err)) != 0)
        goto cleanup;
    if ((rc = bont__sqlite_bind(st, "i", id)))
        ret = bind_fail(s, rc, err, "reading the patient's conditions");
    else
        ret = read_terms(s, st, out, 1, err);
cleanup:
    sqlite3_finalize(st);
    return ret;
}

int bont__sqlite_patient_list(bont_store_t *s, bont_store_patient_t **out, size_t *n,
                              bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_patient_t *list = NULL;
    size_t count = 0;
    int ret =
        bont__sqlite_prepare(s, "SELECT " PATIENT_COLS " FROM patients ORDER BY id", &st, err);
    if (ret != 0 || (ret = read_all(s, st, (void **)&list, &count, sizeof *list, patient_row, NULL,
                                    "listing patients", err)) != 0)
        goto cleanup;
    sqlite3_finalize(st);
    st = NULL;
    /* Every patient's terms in one query, merged by id, not one query per patient. */
    if ((ret = bont__sqlite_prepare(s,
                                    "SELECT patient_id, kind, name FROM patient_terms "
                                    "ORDER BY patient_id, kind, name",
                                    &st, err)) != 0 ||
        (ret = read_terms(s, st, list, count, err)) != 0)
        goto cleanup;
    *out = list;
    *n = count;
    list = NULL;
cleanup:
    free(list);
    sqlite3_finalize(st);
    return ret;
}

/* ---- visits ---- */

static int insert_vial(bont_store_t *s, bont_store_vial_t *vial, bont_error_t *err)
{
    return write_row(s,
                     "INSERT INTO vials (product, lot, expiry, vial_units, diluent_ml, "
                     "reconstituted_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                     &vial->id, NULL, 0, "writing the vial", err, "sssrrt", vial->product,
                     vial->lot, vial->expiry, vial->vial_units > 0 ? vial->vial_units : -1.0,
                     vial->diluent_ml, vial->reconstituted_at);
}

static int insert_injections(bont_store_t *s, const bont_store_visit_t *v, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc, ret = bont__sqlite_prepare(s,
                                       "INSERT INTO injections (visit_id, seq, muscle, side, "
                                       "units, volume_ml, sites, guidance) "
                                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                       &st, err);
    for (size_t i = 0; ret == 0 && i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        sqlite3_reset(st);
        if ((rc = bont__sqlite_bind(st, "iistdrit", v->id, (long long)i + 1, in->muscle, in->side,
                                    in->units, in->volume_ml, (long long)in->sites, in->guidance)))
            ret = bind_fail(s, rc, err, "writing an injection");
        else if (bont__sqlite_step(st) != SQLITE_DONE)
            ret = bont__sqlite_fail(s, err, "writing an injection");
    }
    sqlite3_finalize(st);
    return ret;
}

int bont__sqlite_visit_insert(bont_store_t *s, bont_store_visit_t *v, bont_error_t *err)
{
    int ret = insert_vial(s, &v->vial, err);
    if (ret == 0)
        ret = write_row(
            s,
            "INSERT INTO visits (patient_id, vial_id, date, injected_at, indication, "
            "total_units, n_injections, override_reason, findings_json, "
            "wore_off_date, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, " BONT__SQLITE_NOW
            ") RETURNING id, recorded_at",
            &v->id, v->recorded_at, sizeof v->recorded_at, "writing the visit", err, "iistsdittt",
            v->patient_id, v->vial.id, v->date, v->injected_at, v->indication, v->total_units,
            (long long)v->n_injections, v->override_reason, v->findings_json, v->wore_off_date);
    return ret != 0 ? ret : insert_injections(s, v, err);
}

int bont__sqlite_visit_owner(bont_store_t *s, long long visit_id, long long *patient_id,
                             char date[11], bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc,
        ret = bont__sqlite_prepare(s, "SELECT patient_id, date FROM visits WHERE id = ?", &st, err);
    if (ret != 0)
        return ret;
    if ((rc = bont__sqlite_bind(st, "i", visit_id))) {
        ret = bind_fail(s, rc, err, "reading the visit");
        goto cleanup;
    }
    rc = bont__sqlite_step(st);
    if (rc == SQLITE_DONE) {
        bont_error_setf(err, "--visit", "no visit with id %lld", visit_id);
        ret = BONT_ENOTFOUND;
    } else if (rc != SQLITE_ROW) {
        ret = bont__sqlite_fail(s, err, "reading the visit");
    } else if (bont__sqlite_text(st, 1, date, 11) != 0) {
        ret = row_fail(s, err, "reading the visit");
    } else {
        *patient_id = sqlite3_column_int64(st, 0);
    }
cleanup:
    sqlite3_finalize(st);
    return ret;
}

int bont__sqlite_visit_set_wore_off(bont_store_t *s, long long visit_id, const char *date,
                                    bont_error_t *err)
{
    return write_row(s, "UPDATE visits SET wore_off_date = ? WHERE id = ?", NULL, NULL, 0,
                     "recording the wear-off date", err, "si", date, visit_id);
}

/* ---- outcomes and adverse events ---- */

int bont__sqlite_outcome_insert(bont_store_t *s, bont_store_outcome_t *o, bont_error_t *err)
{
    return write_row(s,
                     "INSERT INTO outcomes (patient_id, visit_id, scale, score, date, note) "
                     "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                     &o->id, NULL, 0, "writing the outcome", err, "iIsdst", o->patient_id,
                     o->visit_id, o->scale, o->score, o->date, o->note);
}

int bont__sqlite_ae_insert(bont_store_t *s, bont_store_ae_t *ae, bont_error_t *err)
{
    return write_row(s,
                     "INSERT INTO adverse_events (patient_id, visit_id, what, onset_day, severity, "
                     "resolved_date, note) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                     &ae->id, NULL, 0, "writing the adverse event", err, "iisistt", ae->patient_id,
                     ae->visit_id, ae->what, (long long)ae->onset_day, ae->severity,
                     ae->resolved_date, ae->note);
}

/* ---- a patient's whole record ---- */

/* One row reader per table of a record; ctx is the patient's id. */
static int visit_row(sqlite3_stmt *st, void *entry, const void *ctx)
{
    bont_store_visit_t *v = entry;
    const unsigned char *fj = sqlite3_column_text(st, 6);
    v->id = sqlite3_column_int64(st, 0);
    v->patient_id = *(const long long *)ctx;
    v->total_units = sqlite3_column_double(st, 4);
    v->vial.id = sqlite3_column_int64(st, 9);
    v->vial.vial_units = bont__sqlite_real_or(st, 13, -1);
    v->vial.diluent_ml = bont__sqlite_real_or(st, 14, -1);
    if (fj && !(v->findings_json = bont__store_strdup((const char *)fj)))
        return -1;
    return bont__sqlite_text(st, 1, v->date, sizeof v->date) |
           bont__sqlite_text(st, 2, v->injected_at, sizeof v->injected_at) |
           bont__sqlite_text(st, 3, v->indication, sizeof v->indication) |
           bont__sqlite_text(st, 5, v->override_reason, sizeof v->override_reason) |
           bont__sqlite_text(st, 7, v->wore_off_date, sizeof v->wore_off_date) |
           bont__sqlite_text(st, 8, v->recorded_at, sizeof v->recorded_at) |
           bont__sqlite_text(st, 10, v->vial.product, sizeof v->vial.product) |
           bont__sqlite_text(st, 11, v->vial.lot, sizeof v->vial.lot) |
           bont__sqlite_text(st, 12, v->vial.expiry, sizeof v->vial.expiry) |
           bont__sqlite_text(st, 15, v->vial.reconstituted_at, sizeof v->vial.reconstituted_at) |
           (fj == NULL && sqlite3_column_type(st, 6) != SQLITE_NULL ? -1 : 0);
}

static int outcome_row(sqlite3_stmt *st, void *entry, const void *ctx)
{
    bont_store_outcome_t *o = entry;
    o->id = sqlite3_column_int64(st, 0);
    o->patient_id = *(const long long *)ctx;
    o->visit_id = sqlite3_column_int64(st, 1);
    o->score = sqlite3_column_double(st, 3);
    return bont__sqlite_text(st, 2, o->scale, sizeof o->scale) |
           bont__sqlite_text(st, 4, o->date, sizeof o->date) |
           bont__sqlite_text(st, 5, o->note, sizeof o->note);
}

static int ae_row(sqlite3_stmt *st, void *entry, const void *ctx)
{
    bont_store_ae_t *a = entry;
    a->id = sqlite3_column_int64(st, 0);
    a->patient_id = *(const long long *)ctx;
    a->visit_id = sqlite3_column_int64(st, 1);
    a->onset_day = sqlite3_column_int(st, 3);
    return bont__sqlite_text(st, 2, a->what, sizeof a->what) |
           bont__sqlite_text(st, 4, a->severity, sizeof a->severity) |
           bont__sqlite_text(st, 5, a->resolved_date, sizeof a->resolved_date) |
           bont__sqlite_text(st, 6, a->note, sizeof a->note);
}

/* Injection rows come ordered as the visits are (date, id), then by seq: one pass attaches each
 * to its visit (*k, whose array has caps[*k] entries). */
static int injection_row(sqlite3_stmt *st, bont_store_record_t *rec, size_t *k, size_t *caps)
{
    long long visit_id = sqlite3_column_int64(st, 0);
    while (*k < rec->n_visits && rec->visits[*k].id != visit_id)
        (*k)++;
    if (*k == rec->n_visits)
        return -1;
    bont_store_visit_t *v = &rec->visits[*k];
    if (bont__store_grow((void **)&v->injections, &caps[*k], v->n_injections,
                         sizeof *v->injections) != 0)
        return -1;
    bont_store_injection_t *in = &v->injections[v->n_injections++];
    in->units = sqlite3_column_double(st, 3);
    in->volume_ml = bont__sqlite_real_or(st, 4, -1);
    in->sites = sqlite3_column_int(st, 5);
    return bont__sqlite_text(st, 1, in->muscle, sizeof in->muscle) |
           bont__sqlite_text(st, 2, in->side, sizeof in->side) |
           bont__sqlite_text(st, 6, in->guidance, sizeof in->guidance);
}

/* Runs sql (one parameter: the patient id) and reads every row with fn into *arr. */
static int read_rows(bont_store_t *s, bont_store_record_t *rec, const char *sql, void **arr,
                     size_t *count, size_t elem, row_fn_t fn, const char *what, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    int rc, ret = bont__sqlite_prepare(s, sql, &st, err);
    if (ret != 0)
        return ret;
    if ((rc = bont__sqlite_bind(st, "i", rec->patient.id)))
        ret = bind_fail(s, rc, err, what);
    else
        ret = read_all(s, st, arr, count, elem, fn, &rec->patient.id, what, err);
    sqlite3_finalize(st);
    return ret;
}

static int read_injections(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    size_t k = 0, *caps = bont__store_calloc(rec->n_visits + 1, sizeof *caps);
    int rc, ret = 0;
    if (!caps)
        return BONT_ENOMEM;
    /* Every injection of every visit in one query, not one query per visit. */
    if ((ret = bont__sqlite_prepare(s,
                                    "SELECT i.visit_id, i.muscle, i.side, i.units, i.volume_ml, "
                                    "i.sites, i.guidance FROM injections i "
                                    "JOIN visits v ON v.id = i.visit_id "
                                    "WHERE v.patient_id = ? ORDER BY v.date, v.id, i.seq",
                                    &st, err)) != 0)
        goto cleanup;
    if ((rc = bont__sqlite_bind(st, "i", rec->patient.id))) {
        ret = bind_fail(s, rc, err, "reading injections");
        goto cleanup;
    }
    while ((rc = bont__sqlite_step(st)) == SQLITE_ROW) {
        if (injection_row(st, rec, &k, caps) != 0) {
            ret = row_fail(s, err, "reading injections");
            goto cleanup;
        }
    }
    if (rc != SQLITE_DONE)
        ret = bont__sqlite_fail(s, err, "reading injections");
cleanup:
    sqlite3_finalize(st);
    free(caps);
    return ret;
}

int bont__sqlite_record_load(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err)
{
    int ret;
    if ((ret = read_rows(s, rec,
                         "SELECT v.id, v.date, v.injected_at, v.indication, v.total_units, "
                         "v.override_reason, v.findings_json, v.wore_off_date, v.recorded_at, "
                         "l.id, l.product, l.lot, l.expiry, l.vial_units, l.diluent_ml, "
                         "l.reconstituted_at FROM visits v JOIN vials l ON l.id = v.vial_id "
                         "WHERE v.patient_id = ? ORDER BY v.date, v.id",
                         (void **)&rec->visits, &rec->n_visits, sizeof *rec->visits, visit_row,
                         "reading visits", err)) != 0 ||
        (ret = read_injections(s, rec, err)) != 0)
        return ret;
    if ((ret = read_rows(s, rec,
                         "SELECT id, visit_id, scale, score, date, note FROM outcomes "
                         "WHERE patient_id = ? ORDER BY date, id",
                         (void **)&rec->outcomes, &rec->n_outcomes, sizeof *rec->outcomes,
                         outcome_row, "reading outcomes", err)) != 0)
        return ret;
    return read_rows(s, rec,
                     "SELECT a.id, a.visit_id, a.what, a.onset_day, a.severity, "
                     "a.resolved_date, a.note FROM adverse_events a "
                     "JOIN visits v ON v.id = a.visit_id "
                     "WHERE a.patient_id = ? ORDER BY v.date, a.onset_day, a.id",
                     (void **)&rec->aes, &rec->n_aes, sizeof *rec->aes, ae_row,
                     "reading adverse events", err);
}

/* ---- recall ---- */

static int recall_row(sqlite3_stmt *st, void *entry, const void *ctx)
{
    bont_store_recall_t *r = entry;
    (void)ctx;
    r->patient_id = sqlite3_column_int64(st, 0);
    r->visit_id = sqlite3_column_int64(st, 3);
    r->total_units = sqlite3_column_double(st, 8);
    return bont__sqlite_text(st, 1, r->patient_name, sizeof r->patient_name) |
           bont__sqlite_text(st, 2, r->birth_date, sizeof r->birth_date) |
           bont__sqlite_text(st, 4, r->date, sizeof r->date) |
           bont__sqlite_text(st, 5, r->product, sizeof r->product) |
           bont__sqlite_text(st, 6, r->lot, sizeof r->lot) |
           bont__sqlite_text(st, 7, r->expiry, sizeof r->expiry);
}

int bont__sqlite_recall(bont_store_t *s, const char *lot, bont_store_recall_t **out, size_t *n,
                        bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_recall_t *list = NULL;
    size_t count = 0;
    int rc, ret = bont__sqlite_prepare(s,
                                       "SELECT p.id, p.name, p.birth_date, v.id, v.date, "
                                       "l.product, l.lot, l.expiry, v.total_units FROM vials l "
                                       "JOIN visits v ON v.vial_id = l.id "
                                       "JOIN patients p ON p.id = v.patient_id "
                                       "WHERE l.lot = trim(?) COLLATE NOCASE "
                                       "ORDER BY p.id, v.date, v.id",
                                       &st, err);
    if (ret != 0)
        return ret;
    if ((rc = bont__sqlite_bind(st, "s", lot)))
        ret = bind_fail(s, rc, err, "searching the lot");
    else
        ret = read_all(s, st, (void **)&list, &count, sizeof *list, recall_row, NULL,
                       "searching the lot", err);
    sqlite3_finalize(st);
    if (ret != 0) {
        free(list);
        return ret;
    }
    *out = list;
    *n = count;
    return 0;
}

/* ---- lots ---- */

static int lot_row(sqlite3_stmt *st, void *entry, const void *ctx)
{
    bont_store_lot_t *l = entry;
    (void)ctx;
    l->vial_units = bont__sqlite_real_or(st, 3, -1);
    l->diluent_ml = bont__sqlite_real_or(st, 4, -1);
    l->n_vials = sqlite3_column_int64(st, 6);
    l->units_used = sqlite3_column_double(st, 7);
    return bont__sqlite_text(st, 0, l->product, sizeof l->product) |
           bont__sqlite_text(st, 1, l->lot, sizeof l->lot) |
           bont__sqlite_text(st, 2, l->expiry, sizeof l->expiry) |
           bont__sqlite_text(st, 5, l->reconstituted_at, sizeof l->reconstituted_at) |
           bont__sqlite_text(st, 8, l->first_used, sizeof l->first_used) |
           bont__sqlite_text(st, 9, l->last_used, sizeof l->last_used);
}

int bont__sqlite_lots(bont_store_t *s, bont_store_lot_t **out, size_t *n, bont_error_t *err)
{
    sqlite3_stmt *st = NULL;
    bont_store_lot_t *list = NULL;
    size_t count = 0;
    /* The diluent and reconstitution time are the lot's latest vial's (the highest id). */
    int ret = bont__sqlite_prepare(
        s,
        "SELECT l.product, MIN(l.lot), l.expiry, MAX(l.vial_units), "
        "(SELECT x.diluent_ml FROM vials x WHERE x.product = l.product AND x.expiry = l.expiry "
        " AND x.lot = l.lot COLLATE NOCASE ORDER BY x.id DESC LIMIT 1), "
        "(SELECT x.reconstituted_at FROM vials x WHERE x.product = l.product "
        " AND x.expiry = l.expiry AND x.lot = l.lot COLLATE NOCASE ORDER BY x.id DESC LIMIT 1), "
        "COUNT(*), COALESCE(SUM(v.total_units), 0), MIN(v.date), MAX(v.date) "
        "FROM vials l LEFT JOIN visits v ON v.vial_id = l.id "
        "GROUP BY l.product, l.lot COLLATE NOCASE, l.expiry "
        "ORDER BY l.expiry, l.product, MIN(l.lot)",
        &st, err);
    if (ret != 0)
        return ret;
    ret = read_all(s, st, (void **)&list, &count, sizeof *list, lot_row, NULL, "listing the lots",
                   err);
    sqlite3_finalize(st);
    if (ret != 0) {
        free(list);
        return ret;
    }
    *out = list;
    *n = count;
    return 0;
}
