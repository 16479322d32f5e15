/* pg_rows.c: the PostgreSQL backend's records: patients with their terms, visits with their vial
 * and injections, outcomes, adverse events, whole records, lot searches and the consistency
 * check. Each runs inside the caller's transaction and reads a patient's rows with a fixed
 * number of queries; rows come back in the same order and form as SQLite's (sqlite_rows.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg.h"

/* Reads row i of res into entry; ctx is the reader's (the patient id of a record). Nonzero
 * when an allocation failed. */
typedef int (*row_fn_t)(const PGresult *res, int i, void *entry, const void *ctx);

/* Every row of res into a new array *arr of elem-size zeroed entries (*count of them). */
static int read_all(bont_store_t *s, const PGresult *res, void **arr, size_t *count, size_t elem,
                    row_fn_t fn, const void *ctx, const char *what, bont_error_t *err)
{
    size_t cap = 0;
    int ret;
    for (int i = 0; i < PQntuples(res); i++) {
        if ((ret = bont__store_grow(arr, &cap, *count, elem)) != 0)
            return ret;
        if (fn(res, i, (char *)*arr + (*count)++ * elem, ctx) != 0) {
            if (err)
                snprintf(err->file, sizeof err->file, "%s", s->path);
            bont_error_setf(err, NULL, "%s: out of memory", what);
            return BONT_ENOMEM;
        }
    }
    return 0;
}

/* The first column of the first row as an id, and the second as a stamp when asked for. */
static void returned(const PGresult *res, long long *id, char *stamp, size_t stamp_size)
{
    *id = bont__pg_int(res, 0, 0);
    if (stamp)
        bont__pg_text(res, 0, 1, stamp, stamp_size);
}

/* ---- patients ---- */

int bont__pg_patient_insert(bont_store_t *s, bont_store_patient_t *p, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "adding the patient", err,
                           "INSERT INTO patients (name, birth_date, sex, weight_kg) VALUES ($1, "
                           "$2::date, $3, $4::float8) RETURNING id, " BONT__PG_STAMP("created_at"),
                           "sssr", p->name, p->birth_date, p->sex, p->weight_kg);
    if (ret != 0)
        return ret;
    returned(r, &p->id, p->created_at, sizeof p->created_at);
    PQclear(r);
    for (size_t i = 0; ret == 0 && i < p->n_terms; i++)
        ret = bont__pg_run(s, NULL, "adding the patient's conditions", err,
                           "INSERT INTO patient_terms (patient_id, kind, name) VALUES ($1::bigint, "
                           "$2, $3) ON CONFLICT DO NOTHING",
                           "iss", p->id, p->terms[i].kind, p->terms[i].name);
    return ret;
}

#define PATIENT_COLS                                                                               \
    "id, name, " BONT__PG_DAY("birth_date") ", sex, weight_kg, " BONT__PG_STAMP("created_at")

static int patient_row(const PGresult *r, int i, void *entry, const void *ctx)
{
    bont_store_patient_t *p = entry;
    (void)ctx;
    memset(p, 0, sizeof *p);
    p->id = bont__pg_int(r, i, 0);
    bont__pg_text(r, i, 1, p->name, sizeof p->name);
    bont__pg_text(r, i, 2, p->birth_date, sizeof p->birth_date);
    bont__pg_text(r, i, 3, p->sex, sizeof p->sex);
    p->weight_kg = bont__pg_real_or(r, i, 4, -1);
    bont__pg_text(r, i, 5, p->created_at, sizeof p->created_at);
    return 0;
}

/* Adds the terms rows (patient_id, kind, name; ordered by patient) to the patients of list (n,
 * ordered by id): one pass over both. Byte order (COLLATE "C"), as SQLite's BINARY. */
static void attach_terms(const PGresult *r, bont_store_patient_t *list, size_t n)
{
    size_t k = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        long long id = bont__pg_int(r, i, 0);
        while (k < n && list[k].id < id)
            k++;
        if (k == n || list[k].id != id || list[k].n_terms == BONT_STORE_MAX_TERMS)
            continue;
        bont_store_term_t *t = &list[k].terms[list[k].n_terms++];
        bont__pg_text(r, i, 1, t->kind, sizeof t->kind);
        bont__pg_text(r, i, 2, t->name, sizeof t->name);
    }
}

#define TERMS_ORDER " ORDER BY patient_id, kind COLLATE \"C\", name COLLATE \"C\""

int bont__pg_patient_get(bont_store_t *s, long long id, bont_store_patient_t *out,
                         bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "reading the patient", err,
                           "SELECT " PATIENT_COLS " FROM patients WHERE id = $1::bigint", "i", id);
    if (ret != 0)
        return ret;
    if (PQntuples(r) == 0) {
        PQclear(r);
        bont_error_setf(err, "patient", "no patient with id %lld in %s", id, s->path);
        return BONT_ENOTFOUND;
    }
    patient_row(r, 0, out, NULL);
    PQclear(r);
    if ((ret = bont__pg_run(s, &r, "reading the patient's conditions", err,
                            "SELECT patient_id, kind, name FROM patient_terms WHERE patient_id = "
                            "$1::bigint" TERMS_ORDER,
                            "i", id)) == 0)
        attach_terms(r, out, 1);
    PQclear(r);
    return ret;
}

int bont__pg_patient_list(bont_store_t *s, bont_store_patient_t **out, size_t *n, bont_error_t *err)
{
    PGresult *r = NULL;
    bont_store_patient_t *list = NULL;
    size_t count = 0;
    int ret = bont__pg_run(s, &r, "listing patients", err,
                           "SELECT " PATIENT_COLS " FROM patients ORDER BY id", "");
    if (ret != 0 || (ret = read_all(s, r, (void **)&list, &count, sizeof *list, patient_row, NULL,
                                    "listing patients", err)) != 0)
        goto cleanup;
    PQclear(r);
    /* Every patient's terms in one query, merged by id, not one query per patient. */
    if ((ret = bont__pg_run(s, &r, "reading the patients' conditions", err,
                            "SELECT patient_id, kind, name FROM patient_terms" TERMS_ORDER, "")) !=
        0)
        goto cleanup;
    attach_terms(r, list, count);
    *out = list;
    *n = count;
    list = NULL;
cleanup:
    PQclear(r);
    free(list);
    return ret;
}

/* ---- visits ---- */

static int insert_injections(bont_store_t *s, const bont_store_visit_t *v, bont_error_t *err)
{
    int ret = 0;
    for (size_t i = 0; ret == 0 && i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        ret = bont__pg_run(s, NULL, "writing an injection", err,
                           "INSERT INTO injections (visit_id, seq, muscle, side, units, "
                           "volume_ml, sites, guidance) VALUES ($1::bigint, $2::integer, $3, $4, "
                           "$5::float8, $6::float8, $7::integer, $8)",
                           "iistdrit", v->id, (long long)i + 1, in->muscle, in->side, in->units,
                           in->volume_ml, (long long)in->sites, in->guidance);
    }
    return ret;
}

int bont__pg_visit_insert(bont_store_t *s, bont_store_visit_t *v, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "writing the vial", err,
                           "INSERT INTO vials (product, lot, expiry, vial_units, diluent_ml, "
                           "reconstituted_at) VALUES ($1, $2, $3::date, $4::float8, $5::float8, "
                           "$6) RETURNING id",
                           "sssrrt", v->vial.product, v->vial.lot, v->vial.expiry,
                           v->vial.vial_units > 0 ? v->vial.vial_units : -1.0, v->vial.diluent_ml,
                           v->vial.reconstituted_at);
    if (ret != 0)
        return ret;
    returned(r, &v->vial.id, NULL, 0);
    PQclear(r);
    ret = bont__pg_run(
        s, &r, "writing the visit", err,
        "INSERT INTO visits (patient_id, vial_id, date, injected_at, indication, "
        "total_units, n_injections, override_reason, findings_json, "
        "wore_off_date) VALUES ($1::bigint, $2::bigint, $3::date, $4, $5, "
        "$6::float8, $7::integer, $8, $9, $10::date) RETURNING id, " BONT__PG_STAMP("recorded_at"),
        "iistsdittt", v->patient_id, v->vial.id, v->date, v->injected_at, v->indication,
        v->total_units, (long long)v->n_injections, v->override_reason, v->findings_json,
        v->wore_off_date);
    if (ret != 0)
        return ret;
    returned(r, &v->id, v->recorded_at, sizeof v->recorded_at);
    PQclear(r);
    return insert_injections(s, v, err);
}

int bont__pg_visit_owner(bont_store_t *s, long long visit_id, long long *patient_id, char date[11],
                         bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "reading the visit", err,
                           "SELECT patient_id, " BONT__PG_DAY("date") " FROM visits WHERE id = "
                                                                      "$1::bigint",
                           "i", visit_id);
    if (ret != 0)
        return ret;
    if (PQntuples(r) == 0) {
        bont_error_setf(err, "--visit", "no visit with id %lld", visit_id);
        ret = BONT_ENOTFOUND;
    } else {
        *patient_id = bont__pg_int(r, 0, 0);
        bont__pg_text(r, 0, 1, date, 11);
    }
    PQclear(r);
    return ret;
}

int bont__pg_visit_set_wore_off(bont_store_t *s, long long visit_id, const char *date,
                                bont_error_t *err)
{
    return bont__pg_run(s, NULL, "recording the wear-off date", err,
                        "UPDATE visits SET wore_off_date = $1::date WHERE id = $2::bigint", "si",
                        date, visit_id);
}

/* ---- outcomes and adverse events ---- */

int bont__pg_outcome_insert(bont_store_t *s, bont_store_outcome_t *o, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret =
        bont__pg_run(s, &r, "writing the outcome", err,
                     "INSERT INTO outcomes (patient_id, visit_id, scale, score, date, note) "
                     "VALUES ($1::bigint, $2::bigint, $3, $4::float8, $5::date, $6) "
                     "RETURNING id",
                     "iIsdst", o->patient_id, o->visit_id, o->scale, o->score, o->date, o->note);
    if (ret == 0)
        returned(r, &o->id, NULL, 0);
    PQclear(r);
    return ret;
}

int bont__pg_ae_insert(bont_store_t *s, bont_store_ae_t *ae, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "writing the adverse event", err,
                           "INSERT INTO adverse_events (patient_id, visit_id, what, onset_day, "
                           "severity, resolved_date, note) VALUES ($1::bigint, $2::bigint, $3, "
                           "$4::integer, $5, $6::date, $7) RETURNING id",
                           "iisistt", ae->patient_id, ae->visit_id, ae->what,
                           (long long)ae->onset_day, ae->severity, ae->resolved_date, ae->note);
    if (ret == 0)
        returned(r, &ae->id, NULL, 0);
    PQclear(r);
    return ret;
}

/* ---- a patient's whole record ---- */

static int visit_row(const PGresult *r, int i, void *entry, const void *ctx)
{
    bont_store_visit_t *v = entry;
    v->id = bont__pg_int(r, i, 0);
    v->patient_id = *(const long long *)ctx;
    bont__pg_text(r, i, 1, v->date, sizeof v->date);
    bont__pg_text(r, i, 2, v->injected_at, sizeof v->injected_at);
    bont__pg_text(r, i, 3, v->indication, sizeof v->indication);
    v->total_units = bont__pg_real_or(r, i, 4, 0);
    bont__pg_text(r, i, 5, v->override_reason, sizeof v->override_reason);
    bont__pg_text(r, i, 7, v->wore_off_date, sizeof v->wore_off_date);
    bont__pg_text(r, i, 8, v->recorded_at, sizeof v->recorded_at);
    v->vial.id = bont__pg_int(r, i, 9);
    bont__pg_text(r, i, 10, v->vial.product, sizeof v->vial.product);
    bont__pg_text(r, i, 11, v->vial.lot, sizeof v->vial.lot);
    bont__pg_text(r, i, 12, v->vial.expiry, sizeof v->vial.expiry);
    v->vial.vial_units = bont__pg_real_or(r, i, 13, -1);
    v->vial.diluent_ml = bont__pg_real_or(r, i, 14, -1);
    bont__pg_text(r, i, 15, v->vial.reconstituted_at, sizeof v->vial.reconstituted_at);
    if (!PQgetisnull(r, i, 6) && !(v->findings_json = bont__store_strdup(PQgetvalue(r, i, 6))))
        return -1;
    return 0;
}

static int outcome_row(const PGresult *r, int i, void *entry, const void *ctx)
{
    bont_store_outcome_t *o = entry;
    o->id = bont__pg_int(r, i, 0);
    o->patient_id = *(const long long *)ctx;
    o->visit_id = bont__pg_int(r, i, 1);
    bont__pg_text(r, i, 2, o->scale, sizeof o->scale);
    o->score = bont__pg_real_or(r, i, 3, 0);
    bont__pg_text(r, i, 4, o->date, sizeof o->date);
    bont__pg_text(r, i, 5, o->note, sizeof o->note);
    return 0;
}

static int ae_row(const PGresult *r, int i, void *entry, const void *ctx)
{
    bont_store_ae_t *a = entry;
    a->id = bont__pg_int(r, i, 0);
    a->patient_id = *(const long long *)ctx;
    a->visit_id = bont__pg_int(r, i, 1);
    bont__pg_text(r, i, 2, a->what, sizeof a->what);
    a->onset_day = (int)bont__pg_int(r, i, 3);
    bont__pg_text(r, i, 4, a->severity, sizeof a->severity);
    bont__pg_text(r, i, 5, a->resolved_date, sizeof a->resolved_date);
    bont__pg_text(r, i, 6, a->note, sizeof a->note);
    return 0;
}

/* Injection rows come ordered as the visits are (date, id), then by seq: one pass attaches each
 * to its visit (*k, whose array has caps[*k] entries). */
static int injection_row(const PGresult *r, int i, bont_store_record_t *rec, size_t *k,
                         size_t *caps)
{
    long long visit_id = bont__pg_int(r, i, 0);
    while (*k < rec->n_visits && rec->visits[*k].id != visit_id)
        (*k)++;
    if (*k == rec->n_visits)
        return -1;
    bont_store_visit_t *v = &rec->visits[*k];
    if (bont__store_grow((void **)&v->injections, &caps[*k], v->n_injections,
                         sizeof *v->injections) != 0)
        return -1;
    bont_store_injection_t *in = &v->injections[v->n_injections++];
    bont__pg_text(r, i, 1, in->muscle, sizeof in->muscle);
    bont__pg_text(r, i, 2, in->side, sizeof in->side);
    in->units = bont__pg_real_or(r, i, 3, 0);
    in->volume_ml = bont__pg_real_or(r, i, 4, -1);
    in->sites = (int)bont__pg_int(r, i, 5);
    bont__pg_text(r, i, 6, in->guidance, sizeof in->guidance);
    return 0;
}

/* Runs sql (one parameter: the patient id) and reads every row with fn into *arr. */
static int read_rows(bont_store_t *s, bont_store_record_t *rec, const char *sql, void **arr,
                     size_t *count, size_t elem, row_fn_t fn, const char *what, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, what, err, sql, "i", rec->patient.id);
    if (ret == 0)
        ret = read_all(s, r, arr, count, elem, fn, &rec->patient.id, what, err);
    PQclear(r);
    return ret;
}

static int read_injections(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err)
{
    PGresult *r = NULL;
    size_t k = 0, *caps = bont__store_calloc(rec->n_visits + 1, sizeof *caps);
    int ret;
    if (!caps)
        return BONT_ENOMEM;
    /* Every injection of every visit in one query, not one query per visit. */
    ret = bont__pg_run(s, &r, "reading injections", err,
                       "SELECT i.visit_id, i.muscle, i.side, i.units, i.volume_ml, i.sites, "
                       "i.guidance FROM injections i JOIN visits v ON v.id = i.visit_id "
                       "WHERE v.patient_id = $1::bigint ORDER BY v.date, v.id, i.seq",
                       "i", rec->patient.id);
    for (int i = 0; ret == 0 && i < PQntuples(r); i++)
        if (injection_row(r, i, rec, &k, caps) != 0) {
            if (err)
                snprintf(err->file, sizeof err->file, "%s", s->path);
            bont_error_setf(err, NULL, "reading injections: out of memory");
            ret = BONT_ENOMEM;
        }
    PQclear(r);
    free(caps);
    return ret;
}

int bont__pg_record_load(bont_store_t *s, bont_store_record_t *rec, bont_error_t *err)
{
    int ret;
    if ((ret = read_rows(
             s, rec,
             "SELECT v.id, " BONT__PG_DAY(
                 "v.date") ", v.injected_at, v.indication, "
                           "v.total_units, v.override_reason, v.findings_json, " BONT__PG_DAY(
                               "v."
                               "wore"
                               "_off"
                               "_dat"
                               "e") ", " BONT__PG_STAMP("v.recorded_at") ", l.id, "
                                                                         "l.product, "
                                                                         "l.lot, " BONT__PG_DAY(
                                                                             "l.expiry") ", "
                                                                                         "l.vial_"
                                                                                         "units, "
                                                                                         "l."
                                                                                         "diluent_"
                                                                                         "ml, "
                                                                                         "l."
                                                                                         "reconstit"
                                                                                         "uted_at "
                                                                                         "FROM "
                                                                                         "visits v "
                                                                                         "JOIN "
                                                                                         "vials l "
                                                                                         "ON "
                                                                                         "l.id = "
                                                                                         "v.vial_"
                                                                                         "id WHERE "
                                                                                         "v."
                                                                                         "patient_"
                                                                                         "id = "
                                                                                         "$1::"
                                                                                         "bigint "
                                                                                         "ORDER "
                                                                                         "BY "
                                                                                         "v.date, "
                                                                                         "v.id",
             (void **)&rec->visits, &rec->n_visits, sizeof *rec->visits, visit_row,
             "reading visits", err)) != 0 ||
        (ret = read_injections(s, rec, err)) != 0)
        return ret;
    if ((ret = read_rows(s, rec,
                         "SELECT id, visit_id, scale, score, " BONT__PG_DAY(
                             "date") ", note FROM "
                                     "outcomes WHERE patient_id = $1::bigint ORDER BY date, id",
                         (void **)&rec->outcomes, &rec->n_outcomes, sizeof *rec->outcomes,
                         outcome_row, "reading outcomes", err)) != 0)
        return ret;
    return read_rows(s, rec,
                     "SELECT a.id, a.visit_id, a.what, a.onset_day, a.severity, " BONT__PG_DAY(
                         "a.resolved_date") ", a.note FROM adverse_events a JOIN visits v ON "
                                            "v.id = a.visit_id WHERE a.patient_id = $1::bigint "
                                            "ORDER BY v.date, a.onset_day, a.id",
                     (void **)&rec->aes, &rec->n_aes, sizeof *rec->aes, ae_row,
                     "reading adverse events", err);
}

/* ---- recall ---- */

static int recall_row(const PGresult *r, int i, void *entry, const void *ctx)
{
    bont_store_recall_t *h = entry;
    (void)ctx;
    h->patient_id = bont__pg_int(r, i, 0);
    bont__pg_text(r, i, 1, h->patient_name, sizeof h->patient_name);
    bont__pg_text(r, i, 2, h->birth_date, sizeof h->birth_date);
    h->visit_id = bont__pg_int(r, i, 3);
    bont__pg_text(r, i, 4, h->date, sizeof h->date);
    bont__pg_text(r, i, 5, h->product, sizeof h->product);
    bont__pg_text(r, i, 6, h->lot, sizeof h->lot);
    bont__pg_text(r, i, 7, h->expiry, sizeof h->expiry);
    h->total_units = bont__pg_real_or(r, i, 8, 0);
    return 0;
}

int bont__pg_recall(bont_store_t *s, const char *lot, bont_store_recall_t **out, size_t *n,
                    bont_error_t *err)
{
    PGresult *r = NULL;
    bont_store_recall_t *list = NULL;
    size_t count = 0;
    /* lower() under the "C" collation folds ASCII only, as SQLite's NOCASE, and uses the
     * vials_lot index. */
    int ret = bont__pg_run(
        s, &r, "searching the lot", err,
        "SELECT p.id, p.name, " BONT__PG_DAY("p.birth_date") ", v.id, " BONT__PG_DAY(
            "v.date") ", l.product, l.lot, " BONT__PG_DAY("l.expiry") ", v.total_units FROM vials "
                                                                      "l "
                                                                      "JOIN visits v ON v.vial_id "
                                                                      "= l.id "
                                                                      "JOIN patients p ON p.id = "
                                                                      "v.patient_id "
                                                                      "WHERE lower(l.lot COLLATE "
                                                                      "\"C\") = lower(trim($1) "
                                                                      "COLLATE \"C\") "
                                                                      "ORDER BY p.id, v.date, v.id",
        "s", lot);
    if (ret == 0)
        ret = read_all(s, r, (void **)&list, &count, sizeof *list, recall_row, NULL,
                       "searching the lot", err);
    PQclear(r);
    if (ret != 0) {
        free(list);
        return ret;
    }
    *out = list;
    *n = count;
    return 0;
}

static int lot_row(const PGresult *r, int i, void *entry, const void *ctx)
{
    bont_store_lot_t *l = entry;
    (void)ctx;
    bont__pg_text(r, i, 0, l->product, sizeof l->product);
    bont__pg_text(r, i, 1, l->lot, sizeof l->lot);
    bont__pg_text(r, i, 2, l->expiry, sizeof l->expiry);
    l->vial_units = bont__pg_real_or(r, i, 3, -1);
    l->diluent_ml = bont__pg_real_or(r, i, 4, -1);
    bont__pg_text(r, i, 5, l->reconstituted_at, sizeof l->reconstituted_at);
    l->n_vials = bont__pg_int(r, i, 6);
    l->units_used = bont__pg_real_or(r, i, 7, 0);
    bont__pg_text(r, i, 8, l->first_used, sizeof l->first_used);
    bont__pg_text(r, i, 9, l->last_used, sizeof l->last_used);
    return 0;
}

int bont__pg_lots(bont_store_t *s, bont_store_lot_t **out, size_t *n, bont_error_t *err)
{
    PGresult *r = NULL;
    bont_store_lot_t *list = NULL;
    size_t count = 0;
    /* As the SQLite store: lots differing only in ASCII case are one (lower() under "C"); the
     * diluent and reconstitution time are the lot's latest vial's (the highest id). */
    int ret = bont__pg_run(
        s, &r, "listing the lots", err,
        "SELECT l.product, min(l.lot COLLATE \"C\"), " BONT__PG_DAY(
            "l.expiry") ", "
                        "max(l.vial_units), (array_agg(l.diluent_ml ORDER BY l.id DESC))[1], "
                        "(array_agg(l.reconstituted_at ORDER BY l.id DESC))[1], count(*), "
                        "COALESCE(sum(v.total_units), 0), " BONT__PG_DAY(
                            "min(v.date)") ", " BONT__PG_DAY("max(v.date)") " FROM vials l LEFT "
                                                                            "JOIN visits v ON "
                                                                            "v.vial_id = l.id "
                                                                            "GROUP BY l.product, "
                                                                            "lower(l.lot COLLATE "
                                                                            "\"C\"), l.expiry "
                                                                            "ORDER BY l.expiry, "
                                                                            "l.product, min(l.lot "
                                                                            "COLLATE \"C\")",
        "");
    if (ret == 0)
        ret = read_all(s, r, (void **)&list, &count, sizeof *list, lot_row, NULL,
                       "listing the lots", err);
    PQclear(r);
    if (ret != 0) {
        free(list);
        return ret;
    }
    *out = list;
    *n = count;
    return 0;
}

/* ---- consistency ---- */

/* PostgreSQL checks its own pages and enforces the foreign keys; what it cannot know is that a
 * visit has all the injections it was written with. */
int bont__pg_verify(bont_store_t *s, bont_error_t *err)
{
    PGresult *r = NULL;
    int ret = bont__pg_run(s, &r, "counting injections", err,
                           "SELECT v.id, v.n_injections, (SELECT count(*) FROM injections i "
                           "WHERE i.visit_id = v.id) AS n FROM visits v WHERE (SELECT count(*) "
                           "FROM injections i WHERE i.visit_id = v.id) != v.n_injections "
                           "ORDER BY v.id LIMIT 1",
                           "");
    if (ret == 0 && PQntuples(r) > 0) {
        if (err)
            snprintf(err->file, sizeof err->file, "%s", s->path);
        bont_error_setf(err, NULL, "visit %lld has %lld of its %lld injections",
                        bont__pg_int(r, 0, 0), bont__pg_int(r, 0, 2), bont__pg_int(r, 0, 1));
        ret = BONT_ESTORE;
    }
    PQclear(r);
    return ret;
}
