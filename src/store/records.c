/* records.c: the store's public operations on records: each validates its input, then reads
 * what its rules need and writes in one transaction of the backend (backend.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

/* ---- opening ---- */

int bont_store_open(bont_store_t **out, const char *path, bont_store_mode_t mode, bont_error_t *err)
{
    bont_store_t *s = NULL;
    int ret;
    *out = NULL;
    if (!path || !*path) {
        bont_error_setf(err, "--db", "the store file name is empty");
        return BONT_EINVAL;
    }
    if (strlen(path) >= sizeof s->path) {
        bont_error_setf(err, "--db", "the store file name is too long");
        return BONT_EINVAL;
    }
    if (!(s = bont__store_calloc(1, sizeof *s)))
        return BONT_ENOMEM;
    /* A connection string may hold a password: the backend names the store without it. */
    s->be = bont__store_is_pg(path) ? &bont__store_pg : &bont__store_sqlite;
    if (s->be == &bont__store_sqlite)
        snprintf(s->path, sizeof s->path, "%s", path);
    if ((ret = s->be->open(s, path, mode, err)) != 0) {
        free(s);
        return ret;
    }
    *out = s;
    return 0;
}

const char *bont_store_name(const bont_store_t *store)
{
    return store ? store->path : "";
}

void bont_store_describe(const char *db, char *buf, size_t size)
{
    if (bont__store_is_pg(db))
        bont__pg_describe(db, buf, size);
    else
        snprintf(buf, size, "%s", db ? db : "");
}

int bont__store_newer_schema(bont_error_t *err, long long version, const char *kind)
{
    bont_error_setf(err, NULL,
                    "the store was written by a newer bont (schema version %lld; this bont reads "
                    "up to %d): use a newer bont; the %s was not changed",
                    version, BONT_STORE_SCHEMA_VERSION, kind);
    return BONT_ESCHEMA;
}

void bont_store_close(bont_store_t **store)
{
    if (!store || !*store)
        return;
    (*store)->be->close(*store);
    free(*store);
    *store = NULL;
}

int bont_store_schema_version(bont_store_t *store)
{
    return store ? store->schema_version : -1;
}

bool bont_store_created(const bont_store_t *store)
{
    return store && store->created;
}

/* Ends a write: commits when everything went well, else rolls back. Returns the outcome. */
static int finish(bont_store_t *store, int ret, bont_error_t *err)
{
    if (ret == 0)
        ret = store->be->commit(store, err);
    if (ret != 0)
        store->be->rollback(store);
    return ret;
}

/* ---- patients ---- */

static int blank(const char *s)
{
    return strspn(s, " \t") == strlen(s);
}

static int patient_valid(const bont_store_t *s, const bont_store_patient_t *p, bont_error_t *err)
{
    static const char *const sexes[] = {"female", "male", "other", "unknown"};
    int rc, ok = 0;
    if (blank(p->name)) {
        bont_error_setf(err, "--name", "the patient's name is empty");
        return BONT_EINVAL;
    }
    if ((rc = bont__store_date_check(s, p->birth_date, "--birth", "the birth date", err)) != 0)
        return rc;
    for (size_t i = 0; i < 4; i++)
        ok |= strcmp(p->sex, sexes[i]) == 0;
    if (!ok) {
        bont_error_setf(err, "--sex", "must be female, male, other or unknown (got \"%s\")",
                        p->sex);
        return BONT_EINVAL;
    }
    if (p->weight_kg >= 0 && !(p->weight_kg > 0.3 && p->weight_kg < 700)) {
        bont_error_setf(err, "--weight", "must be a body weight in kg (got %g)", p->weight_kg);
        return BONT_ERANGE;
    }
    for (size_t i = 0; i < p->n_terms && i < BONT_STORE_MAX_TERMS; i++) {
        const char *k = p->terms[i].kind;
        if (strcmp(k, "condition") && strcmp(k, "medication") && strcmp(k, "allergy")) {
            bont_error_setf(err, NULL,
                            "a recorded term must be a condition, medication or allergy (got "
                            "\"%s\")",
                            k);
            return BONT_EINVAL;
        }
        if (!p->terms[i].name[0]) {
            bont_error_setf(err, k, "the %s is empty", k);
            return BONT_EINVAL;
        }
    }
    if (p->n_terms > BONT_STORE_MAX_TERMS) {
        bont_error_setf(err, NULL, "at most %d recorded terms", BONT_STORE_MAX_TERMS);
        return BONT_ERANGE;
    }
    return 0;
}

int bont_store_patient_add(bont_store_t *store, bont_store_patient_t *p, bont_error_t *err)
{
    int ret = patient_valid(store, p, err);
    if (ret != 0 || (ret = store->be->begin_write(store, err)) != 0)
        return ret;
    if ((ret = finish(store, store->be->patient_insert(store, p, err), err)) != 0)
        p->id = 0;
    return ret;
}

int bont_store_patient_get(bont_store_t *store, long long id, bont_store_patient_t *out,
                           bont_error_t *err)
{
    int ret = store->be->begin_read(store, err);
    if (ret != 0)
        return ret;
    ret = store->be->patient_get(store, id, out, err);
    store->be->rollback(store); /* ends the read */
    return ret;
}

int bont_store_visit_patient(bont_store_t *store, long long visit_id, long long *patient_id,
                             bont_error_t *err)
{
    char date[11];
    *patient_id = 0;
    int ret = store->be->begin_read(store, err);
    if (ret != 0)
        return ret;
    ret = store->be->visit_owner(store, visit_id, patient_id, date, err);
    store->be->rollback(store); /* ends the read */
    return ret;
}

int bont_store_patient_list(bont_store_t *store, bont_store_patient_t **out, size_t *n,
                            bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    int ret = store->be->begin_read(store, err);
    if (ret != 0)
        return ret;
    ret = store->be->patient_list(store, out, n, err);
    store->be->rollback(store);
    return ret;
}

/* ---- visits ---- */

/* An injection's chart points: a known chart, x and y within the picture, one per site at
 * most. field names the injection ("injections[2]"). */
static int points_valid(const bont_store_injection_t *in, const char *field, bont_error_t *err)
{
    char at[64];
    if (in->n_points > (size_t)in->sites) {
        bont_error_setf(err, field, "%zu chart points for %d site(s): at most one per site",
                        in->n_points, in->sites);
        return BONT_ERANGE;
    }
    for (size_t k = 0; k < in->n_points; k++) {
        const bont_chart_point_t *pt = &in->points[k];
        snprintf(at, sizeof at, "%s.points[%zu]", field, k);
        if (!bont_chart_known(pt->chart)) {
            bont_error_setf(err, at, "the chart must be one of " BONT_CHART_NAMES " (got \"%s\")",
                            pt->chart);
            return BONT_EINVAL;
        }
        if (!(pt->x >= 0 && pt->x <= 1 && pt->y >= 0 && pt->y <= 1)) {
            bont_error_setf(err, at, "x and y must be fractions of the chart, 0-1 (got %g, %g)",
                            pt->x, pt->y);
            return BONT_ERANGE;
        }
    }
    return 0;
}

int bont__store_visit_valid(const bont_store_t *s, const bont_store_visit_t *v,
                            const bont_store_patient_t *patient, bont_error_t *err)
{
    int rc;
    if ((rc = bont__store_date_check(s, v->date, "date", "the visit date", err)) != 0 ||
        (rc = bont__store_date_not_before(v->date, "date", patient->birth_date,
                                          "the patient's birth", err)) != 0)
        return rc;
    if (bont__store_day(v->vial.expiry, NULL) != 0) {
        bont_error_setf(err, "--expiry", "must be a real date as YYYY-MM-DD (got \"%s\")",
                        v->vial.expiry);
        return BONT_EINVAL;
    }
    if (v->wore_off_date[0] && ((rc = bont__store_date_check(s, v->wore_off_date, "--wore-off",
                                                             "the wear-off date", err)) != 0 ||
                                (rc = bont__store_date_not_before(v->wore_off_date, "--wore-off",
                                                                  v->date, "the visit", err)) != 0))
        return rc;
    if (!v->vial.product[0] || !v->indication[0]) {
        bont_error_setf(err, NULL, "a visit needs a product and an indication");
        return BONT_EMISSING;
    }
    if (blank(v->vial.lot)) {
        bont_error_setf(err, "--lot", "the lot number is empty");
        return BONT_EMISSING;
    }
    if (v->n_injections == 0) {
        bont_error_setf(err, "injections", "a visit needs at least one injection");
        return BONT_EMISSING;
    }
    for (size_t i = 0; i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        char field[48];
        snprintf(field, sizeof field, "injections[%zu]", i);
        if (!in->muscle[0] || !(in->units > 0) || in->sites < 1 ||
            (in->side[0] && strcmp(in->side, "left") && strcmp(in->side, "right"))) {
            bont_error_setf(err, field,
                            "needs a muscle, units > 0, sites >= 1 and a side of left, right or "
                            "none");
            return BONT_EINVAL;
        }
        if ((rc = points_valid(in, field, err)) != 0)
            return rc;
    }
    return 0;
}

int bont_store_visit_add(bont_store_t *store, bont_store_visit_t *v, bont_error_t *err)
{
    bont_store_patient_t who;
    int ret;
    /* Every row of the visit goes in under one write lock and one COMMIT: a crash at any point
     * leaves either the whole visit or none of it. */
    if ((ret = store->be->begin_write(store, err)) != 0)
        return ret;
    if ((ret = store->be->patient_get(store, v->patient_id, &who, err)) != 0 ||
        (ret = bont__store_visit_valid(store, v, &who, err)) != 0)
        goto cleanup;
    v->total_units = 0;
    for (size_t i = 0; i < v->n_injections; i++)
        v->total_units += v->injections[i].units;
    ret = store->be->visit_insert(store, v, err);
cleanup:
    if ((ret = finish(store, ret, err)) != 0) {
        v->id = 0;
        v->vial.id = 0;
    }
    return ret;
}

int bont_store_visit_wore_off(bont_store_t *store, long long visit_id, const char *date,
                              bont_error_t *err)
{
    long long owner = 0;
    char visit_date[11];
    int ret = bont__store_date_check(store, date, "--wore-off", "the wear-off date", err);
    if (ret != 0 || (ret = store->be->begin_write(store, err)) != 0)
        return ret;
    if ((ret = store->be->visit_owner(store, visit_id, &owner, visit_date, err)) != 0)
        goto cleanup;
    if (strcmp(date, visit_date) <= 0) {
        bont_error_setf(err, "--wore-off",
                        "the effect cannot wear off on or before the visit (%s; got %s)",
                        visit_date, date);
        ret = BONT_ERANGE;
        goto cleanup;
    }
    ret = store->be->visit_set_wore_off(store, visit_id, date, err);
cleanup:
    return finish(store, ret, err);
}

/* ---- outcomes and adverse events ---- */

/* The patient a visit belongs to, checked against the one the caller named (if any). */
static int owner_of(bont_store_t *store, long long visit_id, long long *patient_id,
                    char visit_date[11], bont_error_t *err)
{
    long long owner = 0;
    int ret = store->be->visit_owner(store, visit_id, &owner, visit_date, err);
    if (ret != 0)
        return ret;
    if (*patient_id > 0 && owner != *patient_id) {
        bont_error_setf(err, "--visit", "visit %lld belongs to patient %lld, not %lld", visit_id,
                        owner, *patient_id);
        return BONT_ECONFLICT;
    }
    *patient_id = owner;
    return 0;
}

int bont_store_outcome_add(bont_store_t *store, bont_store_outcome_t *o, bont_error_t *err)
{
    bont_store_patient_t who;
    char visit_date[11] = "";
    int ret;
    if ((ret = bont__store_date_check(store, o->date, "--date", "the outcome date", err)) != 0 ||
        (ret = bont_store_scale_check(o->scale, sizeof o->scale, o->score, err)) != 0 ||
        (ret = store->be->begin_write(store, err)) != 0)
        return ret;
    if (o->visit_id > 0 &&
        ((ret = owner_of(store, o->visit_id, &o->patient_id, visit_date, err)) != 0 ||
         (ret = bont__store_date_not_before(o->date, "--date", visit_date, "the visit", err)) != 0))
        goto cleanup;
    if ((ret = store->be->patient_get(store, o->patient_id, &who, err)) == 0 &&
        (ret = bont__store_date_not_before(o->date, "--date", who.birth_date, "the patient's birth",
                                           err)) == 0)
        ret = store->be->outcome_insert(store, o, err);
cleanup:
    return finish(store, ret, err);
}

static int ae_valid(const bont_store_ae_t *ae, bont_error_t *err)
{
    if (blank(ae->what)) {
        bont_error_setf(err, "--what", "say what the adverse event was");
        return BONT_EMISSING;
    }
    if (ae->onset_day < 0 || ae->onset_day > 3650) {
        bont_error_setf(err, "--onset-day", "must be days after the visit, 0 or more (got %d)",
                        ae->onset_day);
        return BONT_ERANGE;
    }
    if (strcmp(ae->severity, "mild") && strcmp(ae->severity, "moderate") &&
        strcmp(ae->severity, "severe")) {
        bont_error_setf(err, "--severity", "must be mild, moderate or severe (got \"%s\")",
                        ae->severity);
        return BONT_EINVAL;
    }
    return 0;
}

/* The event began on the visit date + onset_day: not after today, and it resolved after. */
static int ae_dates(const bont_store_t *store, const bont_store_ae_t *ae, const char *visit_date,
                    bont_error_t *err)
{
    long visit_day = 0, today = 0;
    char onset[11];
    int ret = bont__store_today(store, "--onset-day", &today, err);
    if (ret != 0)
        return ret;
    bont__store_day(visit_date, &visit_day);
    bont__store_format_day(visit_day + ae->onset_day, onset);
    if (visit_day + ae->onset_day > today) {
        bont_error_setf(err, "--onset-day",
                        "the event would have begun on %s (visit %s + %d days), after today (%s)",
                        onset, visit_date, ae->onset_day, store->today);
        return BONT_ERANGE;
    }
    if (!ae->resolved_date[0])
        return 0;
    if ((ret = bont__store_date_not_before(ae->resolved_date, "--resolved", onset,
                                           "the day the event began", err)) != 0)
        return ret;
    return 0;
}

int bont_store_ae_add(bont_store_t *store, bont_store_ae_t *ae, bont_error_t *err)
{
    char visit_date[11] = "";
    int ret = ae_valid(ae, err);
    if (ret != 0 || (ae->resolved_date[0] &&
                     (ret = bont__store_date_check(store, ae->resolved_date, "--resolved",
                                                   "the resolved date", err)) != 0))
        return ret;
    if ((ret = store->be->begin_write(store, err)) != 0)
        return ret;
    if ((ret = owner_of(store, ae->visit_id, &ae->patient_id, visit_date, err)) == 0 &&
        (ret = ae_dates(store, ae, visit_date, err)) == 0)
        ret = store->be->ae_insert(store, ae, err);
    return finish(store, ret, err);
}

/* ---- reading ---- */

void bont_store_visit_clear(bont_store_visit_t *visit)
{
    if (!visit)
        return;
    for (size_t i = 0; visit->injections && i < visit->n_injections; i++)
        free(visit->injections[i].points);
    free(visit->injections);
    free(visit->findings_json);
    visit->injections = NULL;
    visit->n_injections = 0;
    visit->findings_json = NULL;
}

void bont_store_record_free(bont_store_record_t **rec)
{
    if (!rec || !*rec)
        return;
    for (size_t i = 0; i < (*rec)->n_visits; i++)
        bont_store_visit_clear(&(*rec)->visits[i]);
    free((*rec)->visits);
    free((*rec)->outcomes);
    free((*rec)->aes);
    free(*rec);
    *rec = NULL;
}

int bont__store_attach_point(bont_store_record_t *rec, bont__point_cursor_t *c, long long visit_id,
                             long long injection_seq, const char *chart, double x, double y)
{
    while (c->visit < rec->n_visits && rec->visits[c->visit].id != visit_id)
        c->visit++;
    if (c->visit == rec->n_visits || injection_seq < 1 ||
        (size_t)injection_seq > rec->visits[c->visit].n_injections)
        return BONT_ESTORE;
    bont_store_injection_t *in = &rec->visits[c->visit].injections[injection_seq - 1];
    if (in != c->in) {
        if (in->n_points) /* its points came earlier, then another's: out of order */
            return BONT_ESTORE;
        c->in = in;
        c->cap = 0;
    }
    if (bont__store_grow((void **)&in->points, &c->cap, in->n_points, sizeof *in->points) != 0)
        return BONT_ENOMEM;
    bont_chart_point_t *pt = &in->points[in->n_points++];
    snprintf(pt->chart, sizeof pt->chart, "%s", chart ? chart : "");
    pt->x = x;
    pt->y = y;
    return 0;
}

/* Loads the patient and everything recorded for them inside the caller's transaction. */
int bont__store_record_read(bont_store_t *store, long long patient_id, bont_store_record_t **out,
                            bont_error_t *err)
{
    bont_store_record_t *rec = bont__store_calloc(1, sizeof *rec);
    int ret;
    *out = NULL;
    if (!rec)
        return BONT_ENOMEM;
    if ((ret = store->be->patient_get(store, patient_id, &rec->patient, err)) != 0 ||
        (ret = store->be->record_load(store, rec, err)) != 0) {
        bont_store_record_free(&rec);
        return ret;
    }
    *out = rec;
    return 0;
}

int bont_store_record_load(bont_store_t *store, long long patient_id, bont_store_record_t **out,
                           bont_error_t *err)
{
    /* One read transaction, so the record is a single consistent snapshot even while another
     * process writes. */
    int ret = store->be->begin_read(store, err);
    *out = NULL;
    if (ret != 0)
        return ret;
    ret = bont__store_record_read(store, patient_id, out, err);
    store->be->rollback(store);
    return ret;
}

int bont_store_recall(bont_store_t *store, const char *lot, bont_store_recall_t **out, size_t *n,
                      bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    if (!lot || !*lot) {
        bont_error_setf(err, "LOT", "give the lot number to look for");
        return BONT_EMISSING;
    }
    int ret = store->be->begin_read(store, err);
    if (ret != 0)
        return ret;
    ret = store->be->recall(store, lot, out, n, err);
    store->be->rollback(store);
    return ret;
}

int bont_store_lots(bont_store_t *store, bont_store_lot_t **out, size_t *n, bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    int ret = store->be->begin_read(store, err);
    if (ret != 0)
        return ret;
    ret = store->be->lots(store, out, n, err);
    store->be->rollback(store);
    return ret;
}

int bont_store_backup(bont_store_t *store, const char *path, bont_error_t *err)
{
    if (!path || !*path) {
        bont_error_setf(err, "FILE", "give the backup file name");
        return BONT_EMISSING;
    }
    return store->be->backup(store, path, err);
}

int bont_store_verify(bont_store_t *store, bont_error_t *err)
{
    return store->be->verify(store, err);
}

int bont_store_set_sync(bont_store_t *store, bont_store_sync_t sync, bont_error_t *err)
{
    if (sync != BONT_STORE_SYNC_FULL && sync != BONT_STORE_SYNC_RELAXED) {
        bont_error_setf(err, NULL, "unknown commit durability %d (full or relaxed)", (int)sync);
        return BONT_EINVAL;
    }
    return store->be->set_sync(store, sync, err);
}
