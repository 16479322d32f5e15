/* visit.c: recording a visit from a plan: under one write transaction, the patient's stored
 * history is read, the full check runs and the visit is written, or nothing when the check
 * fails (docs/store.md#recording-a-visit). */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/internal.h"

typedef struct findings_t {
    bont_finding_t *items;
    size_t n, cap;
    int failed; /* out of memory while adding */
} findings_t;

static void add(findings_t *F, bont_severity_t sev, const char *rule, const char *source,
                const char *subject, double value, double limit, const char *unit, const char *fmt,
                ...) __attribute__((format(printf, 9, 10)));

/* A new zeroed finding at the end of F, or NULL (and F->failed) when out of memory. */
static bont_finding_t *slot(findings_t *F)
{
    if (F->n == F->cap) {
        size_t ncap = F->cap ? F->cap * 2 : 16;
        bont_finding_t *grown = bont__store_realloc(F->items, ncap * sizeof *grown);
        if (!grown) {
            F->failed = 1;
            return NULL;
        }
        F->items = grown;
        F->cap = ncap;
    }
    bont_finding_t *f = &F->items[F->n++];
    memset(f, 0, sizeof *f);
    return f;
}

static void add(findings_t *F, bont_severity_t sev, const char *rule, const char *source,
                const char *subject, double value, double limit, const char *unit, const char *fmt,
                ...)
{
    bont_finding_t *f = slot(F);
    if (!f)
        return;
    f->severity = sev;
    snprintf(f->rule, sizeof f->rule, "%s", rule);
    snprintf(f->source, sizeof f->source, "%s", source ? source : "");
    snprintf(f->evidence, sizeof f->evidence, "%s", "record");
    snprintf(f->subject, sizeof f->subject, "%s", subject ? subject : "");
    f->value = value;
    f->limit = limit;
    snprintf(f->unit, sizeof f->unit, "%s", unit ? unit : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
}

/* Minutes since 1970-01-01 00:00 for "YYYY-MM-DDTHH:MM", "YYYY-MM-DD HH:MM", or "HH:MM" on
 * default_date. Writes the canonical "YYYY-MM-DDTHH:MM" into canon. */
static int parse_time(const char *s, const char *default_date, long *minutes, char canon[17])
{
    char date[11];
    const char *hm;
    if (!s)
        return -1;
    if (strlen(s) == 5) {
        snprintf(date, sizeof date, "%s", default_date);
        hm = s;
    } else if (strlen(s) == 16 && (s[10] == 'T' || s[10] == ' ')) {
        memcpy(date, s, 10);
        date[10] = '\0';
        hm = s + 11;
    } else
        return -1;
    long day;
    if (bont__store_day(date, &day) != 0 || hm[2] != ':' || hm[0] < '0' || hm[0] > '2' ||
        hm[1] < '0' || hm[1] > '9' || hm[3] < '0' || hm[3] > '5' || hm[4] < '0' || hm[4] > '9')
        return -1;
    int h = (hm[0] - '0') * 10 + (hm[1] - '0'), m = (hm[3] - '0') * 10 + (hm[4] - '0');
    if (h > 23)
        return -1;
    *minutes = day * 1440 + h * 60 + m;
    snprintf(canon, 17, "%s", date);
    snprintf(canon + 10, 7, "T%02d:%02d", h, m);
    return 0;
}

static void local_now(char out[17])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 17, "%Y-%m-%dT%H:%M", &tm);
}

/* Completed years between a birth date and a day. */
static double age_years_on(const char *birth, const char *on)
{
    int by, bm, bd, y, m, d;
    if (sscanf(birth, "%d-%d-%d", &by, &bm, &bd) != 3 || sscanf(on, "%d-%d-%d", &y, &m, &d) != 3)
        return -1;
    int age = y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
    return age;
}

/* Terms of one kind: the plan's, then the stored ones it lacks (kb terms only). */
static int merge_terms(const bont_kb_t *kb, const bont_store_patient_t *p, const char *kind,
                       const bont_term_t **given, size_t n_given, const bont_term_t ***out,
                       size_t *n_out, findings_t *F)
{
    const bont_term_t **list = bont__store_calloc(n_given + p->n_terms + 1, sizeof *list);
    size_t n = 0;
    if (!list)
        return BONT_ENOMEM;
    for (size_t i = 0; i < n_given; i++)
        list[n++] = given[i];
    for (size_t i = 0; i < p->n_terms; i++) {
        if (strcmp(p->terms[i].kind, kind) != 0)
            continue;
        const bont_term_t *t = bont_kb_term(kb, p->terms[i].name);
        if (!t) {
            add(F, BONT_SEV_WARNING, "record.term_unrecognised", NULL, p->terms[i].name, NAN, NAN,
                "",
                "the patient's recorded %s \"%s\" is not in bont's knowledge base, so no rule "
                "could check it: review it yourself",
                kind, p->terms[i].name);
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < n; j++)
            dup |= list[j] == t;
        if (!dup)
            list[n++] = t;
    }
    *out = list;
    *n_out = n;
    return 0;
}

/* Stored visits as checker history, leaving out those the plan already lists (same date,
 * product and units), so that nothing is counted twice. */
static int stored_history(const bont_kb_t *kb, const bont_plan_t *plan,
                          const bont_store_record_t *rec, bont_history_t **out, size_t *n_out,
                          bont_error_t *err)
{
    bont_history_t *h = bont__store_calloc(rec->n_visits + 1, sizeof *h);
    size_t n = 0;
    if (!h)
        return BONT_ENOMEM;
    for (size_t i = 0; i < rec->n_visits; i++) {
        const bont_store_visit_t *v = &rec->visits[i];
        const bont_product_t *prod = bont_kb_product(kb, v->vial.product);
        if (!prod) {
            bont_error_setf(err, NULL,
                            "stored visit %lld names product \"%s\", which this bont's knowledge "
                            "base does not know, so its history cannot be checked",
                            v->id, v->vial.product);
            free(h);
            return BONT_EKB;
        }
        bont_history_t *e = &h[n];
        snprintf(e->date, sizeof e->date, "%s", v->date);
        if (bont__store_day(v->date, &e->day) != 0)
            continue;
        e->product = prod;
        e->indication = bont_kb_indication(kb, v->indication);
        e->units = v->total_units;
        int dup = 0;
        for (size_t j = 0; j < plan->n_history; j++) {
            const bont_history_t *p = &plan->history[j];
            dup |= p->day == e->day && p->product == prod && fabs(p->units - e->units) < 1e-9;
        }
        if (!dup)
            n++;
    }
    *out = h;
    *n_out = n;
    return 0;
}

/* The findings as stored with the visit; NULL when out of memory (a visit is never stored with
 * part of what was known when it was decided). */
static char *findings_json(const findings_t *F)
{
    json_t *arr = json_array();
    char *text = NULL;
    for (size_t i = 0; arr && i < F->n; i++) {
        const bont_finding_t *f = &F->items[i];
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "severity", bont_severity_name(f->severity),
                              "rule", f->rule, "message", f->message, "source", f->source);
        if (o && !isnan(f->value) && json_object_set_new(o, "value", json_real(f->value)) != 0)
            json_decref(o), o = NULL;
        if (o && !isnan(f->limit) && json_object_set_new(o, "limit", json_real(f->limit)) != 0)
            json_decref(o), o = NULL;
        if (!o || json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    }
    if (arr)
        text = json_dumps(arr, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(arr);
    return text;
}

/* The visit the plan describes, as the store keeps it (v owns what it allocates). */
static int build_visit(const bont_plan_t *plan, const bont_visit_opts_t *opts,
                       const char *reconstituted, const char *injected, bool overridden,
                       const findings_t *F, bont_store_visit_t *v)
{
    memset(v, 0, sizeof *v);
    v->patient_id = opts->patient_id;
    snprintf(v->date, sizeof v->date, "%s", plan->date);
    snprintf(v->injected_at, sizeof v->injected_at, "%s", injected);
    snprintf(v->indication, sizeof v->indication, "%s", plan->indication->id);
    snprintf(v->vial.product, sizeof v->vial.product, "%s", plan->product->id);
    snprintf(v->vial.lot, sizeof v->vial.lot, "%s", plan->vial_lot);
    bont__store_format_day(plan->vial_expiry_day, v->vial.expiry);
    v->vial.vial_units = plan->vial_units > 0 ? plan->vial_units : -1;
    v->vial.diluent_ml = plan->diluent_ml >= 0 ? plan->diluent_ml : -1;
    snprintf(v->vial.reconstituted_at, sizeof v->vial.reconstituted_at, "%s", reconstituted);
    if (overridden)
        snprintf(v->override_reason, sizeof v->override_reason, "%s", opts->override_reason);
    v->findings_json = findings_json(F);
    v->injections = bont__store_calloc(plan->n_injections + 1, sizeof *v->injections);
    if (!v->injections || !v->findings_json)
        return BONT_ENOMEM;
    v->n_injections = plan->n_injections;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *in = &plan->injections[i];
        bont_store_injection_t *o = &v->injections[i];
        snprintf(o->muscle, sizeof o->muscle, "%s", in->muscle->id);
        snprintf(o->side, sizeof o->side, "%s",
                 in->side == BONT_SIDE_LEFT    ? "left"
                 : in->side == BONT_SIDE_RIGHT ? "right"
                                               : "");
        o->units = in->units;
        o->volume_ml = in->volume_ml > 0 ? in->volume_ml : -1;
        o->sites = in->sites > 0 ? in->sites : 1;
        snprintf(o->guidance, sizeof o->guidance, "%s",
                 in->guidance == BONT_GUIDE_UNKNOWN ? "" : bont_guidance_name(in->guidance));
        v->total_units += in->units;
    }
    return 0;
}

static int cmp_severity(const void *a, const void *b)
{
    const bont_finding_t *x = a, *y = b;
    return (int)y->severity - (int)x->severity;
}

/* The vial's lot, expiry and override reason come from the options or from the plan's vial
 * block; they go into the plan so that the checker judges them (vial.expired), and into the
 * record. */
static int vial_from_opts(bont_plan_t *plan, const bont_visit_opts_t *opts, bont_error_t *err)
{
    char expiry[11] = "";
    if (plan->has_expiry)
        bont__store_format_day(plan->vial_expiry_day, expiry);
    if (opts->lot && plan->vial_lot[0] && strcasecmp(opts->lot, plan->vial_lot) != 0) {
        bont_error_setf(err, "--lot", "the plan's vial is lot %s but --lot says %s", plan->vial_lot,
                        opts->lot);
        return BONT_ECONFLICT;
    }
    if (opts->expiry && expiry[0] && strcmp(opts->expiry, expiry) != 0) {
        bont_error_setf(err, "--expiry", "the plan's vial expires %s but --expiry says %s", expiry,
                        opts->expiry);
        return BONT_ECONFLICT;
    }
    if (opts->lot)
        snprintf(plan->vial_lot, sizeof plan->vial_lot, "%s", opts->lot);
    if (opts->expiry)
        snprintf(expiry, sizeof expiry, "%s", opts->expiry);
    if (!plan->vial_lot[0] || strspn(plan->vial_lot, " \t") == strlen(plan->vial_lot)) {
        bont_error_setf(err, "--lot",
                        "a visit needs the vial's lot number, so that a recall can find the "
                        "patient");
        return BONT_EMISSING;
    }
    if (bont__store_day(expiry, &plan->vial_expiry_day) != 0) {
        bont_error_setf(err, "--expiry",
                        "a visit needs the vial's expiry date as YYYY-MM-DD (got \"%s\")", expiry);
        return expiry[0] ? BONT_EINVAL : BONT_EMISSING;
    }
    plan->has_expiry = true;
    if (opts->override_reason &&
        strspn(opts->override_reason, " \t") == strlen(opts->override_reason)) {
        bont_error_setf(err, "--override",
                        "say why the check is overridden: the reason is recorded with the visit");
        return BONT_EINVAL;
    }
    return 0;
}

/* The injection time (given, or assumed) and the reconstitution time, canonical, in minutes. */
typedef struct visit_times_t {
    char injected[17], reconstituted[17];
    long inject_min, recon_min;
} visit_times_t;

static int times_from_opts(bont_plan_t *plan, const bont_visit_opts_t *opts, visit_times_t *t,
                           bont_error_t *err)
{
    char now[17];
    if (opts->now)
        snprintf(now, sizeof now, "%s", opts->now);
    else
        local_now(now);
    if (opts->injected_at) {
        if (parse_time(opts->injected_at, plan->date, &t->inject_min, t->injected) != 0) {
            bont_error_setf(err, "--injected", "must be YYYY-MM-DDTHH:MM or HH:MM (got \"%s\")",
                            opts->injected_at);
            return BONT_EINVAL;
        }
        if (strncmp(t->injected, plan->date, 10) != 0) {
            bont_error_setf(err, "--injected", "%s is not on the plan's date %s", t->injected,
                            plan->date);
            return BONT_ECONFLICT;
        }
    } else {
        char hm[17];
        snprintf(hm, sizeof hm, "%s", strncmp(now, plan->date, 10) == 0 ? now + 11 : "23:59");
        parse_time(hm, plan->date, &t->inject_min, t->injected);
    }
    if (opts->reconstituted_at) {
        if (parse_time(opts->reconstituted_at, plan->date, &t->recon_min, t->reconstituted) != 0) {
            bont_error_setf(err, "--reconstituted",
                            "must be YYYY-MM-DDTHH:MM or HH:MM (got \"%s\")",
                            opts->reconstituted_at);
            return BONT_EINVAL;
        }
        if (plan->has_reconstituted && plan->vial_reconstituted_min != t->recon_min) {
            bont_error_setf(err, "--reconstituted",
                            "the plan's vial block gives another reconstitution time than %s",
                            t->reconstituted);
            return BONT_ECONFLICT;
        }
        plan->has_reconstituted = true;
        plan->reconstituted_has_time = true;
        plan->vial_reconstituted_min = t->recon_min;
    } else if (plan->has_reconstituted) {
        long long m = plan->vial_reconstituted_min;
        char day[11];
        bont__store_format_day((long)(m / 1440), day);
        if (plan->reconstituted_has_time)
            snprintf(t->reconstituted, sizeof t->reconstituted, "%sT%02d:%02d", day,
                     (int)(m % 1440 / 60), (int)(m % 60));
        else
            snprintf(t->reconstituted, sizeof t->reconstituted, "%s", day);
        t->recon_min = (long)m;
    }
    if (plan->has_reconstituted && t->recon_min > t->inject_min) {
        bont_error_setf(err, "--reconstituted",
                        "the vial cannot be reconstituted (%s) after the injection (%s)",
                        t->reconstituted, t->injected);
        return BONT_ECONFLICT;
    }
    return 0;
}

/* The plan's patient, with what it leaves out filled from the stored patient (age, sex,
 * weight, recorded terms) and findings where the two disagree. The term lists are the
 * caller's to free; the caller restores the plan's own patient afterwards. */
typedef struct merged_terms_t {
    const bont_term_t **conds, **meds, **allergies;
} merged_terms_t;

static int merge_patient(const bont_kb_t *kb, bont_plan_t *plan, const bont_patient_t *given,
                         const bont_store_patient_t *sp, merged_terms_t *m, findings_t *F)
{
    double stored_age = age_years_on(sp->birth_date, plan->date);
    int ret;
    if (plan->patient.age_years < 0) {
        plan->patient.age_years = stored_age;
    } else if (fabs(plan->patient.age_years - stored_age) >= 1.0) {
        add(F, BONT_SEV_ERROR, "record.patient_age", NULL, "patient", plan->patient.age_years,
            stored_age, "years",
            "the plan gives age %g but patient %lld (%s) was born %s, so is %g on %s: is this "
            "the right patient?",
            plan->patient.age_years, sp->id, sp->name, sp->birth_date, stored_age, plan->date);
    }
    if (!plan->patient.sex[0] && strcmp(sp->sex, "unknown") != 0)
        snprintf(plan->patient.sex, sizeof plan->patient.sex, "%s", sp->sex);
    else if (plan->patient.sex[0] && strcmp(sp->sex, "unknown") != 0 &&
             strcmp(plan->patient.sex, sp->sex) != 0)
        add(F, BONT_SEV_ERROR, "record.patient_sex", NULL, "patient", NAN, NAN, "",
            "the plan gives sex %s but patient %lld (%s) is recorded as %s: is this the right "
            "patient?",
            plan->patient.sex, sp->id, sp->name, sp->sex);
    if (!(plan->patient.weight_kg > 0) && sp->weight_kg > 0)
        plan->patient.weight_kg = sp->weight_kg;
    if ((ret = merge_terms(kb, sp, "condition", given->conditions, given->n_conditions, &m->conds,
                           &plan->patient.n_conditions, F)) != 0 ||
        (ret = merge_terms(kb, sp, "medication", given->medications, given->n_medications, &m->meds,
                           &plan->patient.n_medications, F)) != 0 ||
        (ret = merge_terms(kb, sp, "allergy", given->allergies, given->n_allergies, &m->allergies,
                           &plan->patient.n_allergies, F)) != 0)
        return ret;
    plan->patient.conditions = m->conds;
    plan->patient.medications = m->meds;
    plan->patient.allergies = m->allergies;
    return 0;
}

/* The checker's findings after the store's own, then all of them errors first (stable). */
static int check_with_history(const bont_kb_t *kb, const bont_plan_t *plan,
                              const bont_store_record_t *rec, long inject_min, findings_t *F,
                              bont_error_t *err)
{
    bont_history_t *hist = NULL;
    bont_check_t *chk = NULL;
    size_t n_hist = 0;
    int ret = stored_history(kb, plan, rec, &hist, &n_hist, err);
    if (ret != 0)
        return ret;
    /* The exact injection time makes the checker's in-use test exact. */
    bont_check_opts_t copts = {hist, n_hist, true, (long long)inject_min, NULL};
    if ((ret = bont_check_run(kb, plan, &copts, &chk, err)) != 0)
        goto cleanup;
    for (size_t i = 0; i < chk->n_findings; i++) {
        bont_finding_t *f = slot(F);
        if (f)
            *f = chk->findings[i];
    }
    if (F->failed) {
        ret = BONT_ENOMEM;
        goto cleanup;
    }
    for (size_t i = 1; i < F->n; i++) {
        bont_finding_t f = F->items[i];
        size_t j = i;
        while (j > 0 && cmp_severity(&F->items[j - 1], &f) > 0) {
            F->items[j] = F->items[j - 1];
            j--;
        }
        F->items[j] = f;
    }
cleanup:
    free(hist);
    bont_check_free(&chk);
    return ret;
}

/* The part of bont_visit_record that runs under the write lock: read, check, write. */
static int check_and_write(bont_store_t *store, const bont_kb_t *kb, bont_plan_t *plan,
                           const bont_visit_opts_t *opts, const visit_times_t *t,
                           bont_visit_result_t *res, findings_t *F, merged_terms_t *m,
                           bont_error_t *err)
{
    bont_store_record_t *rec = NULL;
    bont_store_visit_t v = {0};
    bont_patient_t given = plan->patient;
    int ret = bont__store_record_read(store, opts->patient_id, &rec, err);
    if (ret != 0)
        return ret;
    if ((ret = bont__store_date_not_before(plan->date, "date", rec->patient.birth_date,
                                           "the patient's birth", err)) != 0 ||
        (ret = merge_patient(kb, plan, &given, &rec->patient, m, F)) != 0 ||
        (ret = check_with_history(kb, plan, rec, t->inject_min, F, err)) != 0)
        goto cleanup;
    for (size_t i = 0; i < F->n; i++) {
        res->n_errors += F->items[i].severity == BONT_SEV_ERROR;
        res->n_warnings += F->items[i].severity == BONT_SEV_WARNING;
        res->n_notes += F->items[i].severity == BONT_SEV_NOTE;
    }
    bool overridden = res->n_errors > 0 && opts->override_reason;
    if (res->n_errors > 0 && !overridden)
        goto cleanup;
    if ((ret = build_visit(plan, opts, t->reconstituted, t->injected, overridden, F, &v)) != 0 ||
        (ret = bont__store_visit_valid(store, &v, &rec->patient, err)) != 0 ||
        (ret = store->be->visit_insert(store, &v, err)) != 0)
        goto cleanup;
    res->visit_id = v.id;
    res->written = true;
    res->overridden = overridden;
cleanup:
    bont_store_visit_clear(&v);
    bont_store_record_free(&rec);
    return ret;
}

int bont_visit_record(bont_store_t *store, const bont_kb_t *kb, bont_plan_t *plan,
                      const bont_visit_opts_t *opts, bont_visit_result_t **result,
                      bont_error_t *err)
{
    bont_visit_result_t *res = NULL;
    findings_t F = {0};
    merged_terms_t m = {0};
    visit_times_t t = {0};
    bont_patient_t saved = plan->patient;
    int ret;
    *result = NULL;
    if ((ret = vial_from_opts(plan, opts, err)) != 0 ||
        (ret = times_from_opts(plan, opts, &t, err)) != 0 ||
        (ret = bont__store_date_check(store, plan->date, "date", "the plan's date", err)) != 0)
        return ret;
    if (!(res = bont__store_calloc(1, sizeof *res)))
        return BONT_ENOMEM;
    snprintf(res->injected_at, sizeof res->injected_at, "%s", t.injected);
    res->injected_assumed = opts->injected_at == NULL;
    /* The lock comes first (the file's write lock on SQLite, the patient's row on PostgreSQL):
     * a second writer for this patient waits here, then reads a history that holds the first
     * one's visit, so no two can pass a check only one may. */
    if ((ret = store->be->begin_write(store, err)) != 0)
        goto cleanup;
    if ((ret = store->be->lock_patient(store, opts->patient_id, err)) == 0 &&
        (ret = check_and_write(store, kb, plan, opts, &t, res, &F, &m, err)) == 0)
        ret = store->be->commit(store, err);
    if (ret != 0)
        store->be->rollback(store);
cleanup:
    plan->patient = saved;
    free(m.conds);
    free(m.meds);
    free(m.allergies);
    if (ret != 0) {
        free(F.items);
        bont_visit_result_free(&res);
        return ret;
    }
    res->findings = F.items;
    res->n_findings = F.n;
    *result = res;
    return 0;
}

void bont_visit_result_free(bont_visit_result_t **result)
{
    if (!result || !*result)
        return;
    free((*result)->findings);
    free(*result);
    *result = NULL;
}
