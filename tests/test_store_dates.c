/* test_store_dates.c: the store's date rules through the library: real dates, none after the
 * clinic's today, in order, each refusal naming its field and writing nothing; a wear-off far
 * in the future never hides a patient from the due list; patient lists carry their terms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/store.h"
#include "test.h"
#include "test_store.h"

/* Expects rc and a message naming field. */
#define CHECK_REFUSED(call, rc, fieldname)                                                         \
    do {                                                                                           \
        bont_error_clear(&err);                                                                    \
        CHECK_INT((call), (rc));                                                                   \
        CHECK_STR(err.field, (fieldname));                                                         \
    } while (0)

STORE_TEST(store_dates_real_not_future_in_order, 60)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "dates.db"))
        return;
    const char *path = t.db;
    CHECK_INT(bont_store_open(&s, path, BONT_STORE_CREATE, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana");
    /* No today: nothing dated is written, since a future date could not be told. */
    CHECK_REFUSED(bont_store_patient_add(s, &p, &err), BONT_EINVAL, "--birth");
    CHECK_REFUSED(bont_store_set_today(s, "2026-02-30", &err), BONT_EINVAL, "--today");
    CHECK_INT(bont_store_set_today(s, "2026-03-01", &err), 0);
    snprintf(p.birth_date, sizeof p.birth_date, "2026-03-02");
    CHECK_REFUSED(bont_store_patient_add(s, &p, &err), BONT_ERANGE, "--birth");
    CHECK(strstr(err.message, "in the future") != NULL);
    snprintf(p.birth_date, sizeof p.birth_date, "1985-13-01");
    CHECK_REFUSED(bont_store_patient_add(s, &p, &err), BONT_EINVAL, "--birth");
    snprintf(p.birth_date, sizeof p.birth_date, "2026-03-01"); /* born today */
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_patient_t q = store_test_patient("Bo");
    CHECK_INT(bont_store_patient_add(s, &q, &err), 0);

    bont_store_visit_t v;
    store_test_visit(&v, q.id, "2026-03-02", "L1", 2);
    CHECK_REFUSED(bont_store_visit_add(s, &v, &err), BONT_ERANGE, "date");
    bont_store_visit_clear(&v);
    store_test_visit(&v, p.id, "2026-02-28", "L1", 2); /* the day before Ana's birth */
    CHECK_REFUSED(bont_store_visit_add(s, &v, &err), BONT_ERANGE, "date");
    CHECK(strstr(err.message, "birth") != NULL);
    bont_store_visit_clear(&v);
    store_test_visit(&v, q.id, "2026-02-01", "L1", 2);
    snprintf(v.wore_off_date, sizeof v.wore_off_date, "2099-01-01");
    CHECK_REFUSED(bont_store_visit_add(s, &v, &err), BONT_ERANGE, "--wore-off");
    v.wore_off_date[0] = '\0';
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    long long visit = v.id;
    bont_store_visit_clear(&v);

    CHECK_REFUSED(bont_store_visit_wore_off(s, visit, "2099-01-01", &err), BONT_ERANGE,
                  "--wore-off");
    CHECK_REFUSED(bont_store_visit_wore_off(s, visit, "2026-01-31", &err), BONT_ERANGE,
                  "--wore-off");
    CHECK_INT(bont_store_visit_wore_off(s, visit, "2026-03-01", &err), 0);

    bont_store_outcome_t o = {0};
    o.visit_id = visit;
    snprintf(o.scale, sizeof o.scale, "twstrs");
    o.score = 30;
    snprintf(o.date, sizeof o.date, "2026-03-05");
    CHECK_REFUSED(bont_store_outcome_add(s, &o, &err), BONT_ERANGE, "--date");
    snprintf(o.date, sizeof o.date, "2026-01-31");
    CHECK_REFUSED(bont_store_outcome_add(s, &o, &err), BONT_ERANGE, "--date");
    o.visit_id = 0;
    o.patient_id = p.id;
    snprintf(o.date, sizeof o.date, "2026-02-27"); /* before Ana was born */
    CHECK_REFUSED(bont_store_outcome_add(s, &o, &err), BONT_ERANGE, "--date");
    snprintf(o.date, sizeof o.date, "2026-03-01");
    CHECK_INT(bont_store_outcome_add(s, &o, &err), 0);

    bont_store_ae_t ae = {0};
    ae.visit_id = visit;
    snprintf(ae.what, sizeof ae.what, "ptosis");
    snprintf(ae.severity, sizeof ae.severity, "mild");
    ae.onset_day = 40; /* 2026-03-13: after today */
    CHECK_REFUSED(bont_store_ae_add(s, &ae, &err), BONT_ERANGE, "--onset-day");
    ae.onset_day = 5;
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "2026-03-02");
    CHECK_REFUSED(bont_store_ae_add(s, &ae, &err), BONT_ERANGE, "--resolved");
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "2026-02-05");
    CHECK_REFUSED(bont_store_ae_add(s, &ae, &err), BONT_ERANGE, "--resolved");
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "2026-02-06");
    CHECK_INT(bont_store_ae_add(s, &ae, &err), 0);
    bont_store_close(&s);

    /* Every refusal wrote nothing. */
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM patients"), 2);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM visits"), 1);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM vials"), 1);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM outcomes"), 1);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM adverse_events"), 1);
    store_test_db_drop(&t);
}

/* bont_visit_record: a plan dated after today, or before the birth, is unusable input (not a
 * finding an override could pass). */
STORE_TEST(store_visit_record_refuses_dates_out_of_order, 60)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_kb_t *kb = NULL;
    bont_plan_t *plan = NULL;
    bont_visit_result_t *r = NULL;
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "v.db"))
        return;
    const char *path = t.db;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Late Birth");
    snprintf(p.birth_date, sizeof p.birth_date, "2026-02-01");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_visit_opts_t o = {.patient_id = p.id,
                           .lot = "L1",
                           .expiry = "2027-01-01",
                           .injected_at = "10:00",
                           .override_reason = "the reason would pass any finding"};
    CHECK_INT(bont_plan_load(kb, "tests/golden/store/cd-visit1.json", &plan, &err), 0);
    CHECK_REFUSED(bont_visit_record(s, kb, plan, &o, &r, &err), BONT_ERANGE, "date");
    CHECK(strstr(err.message, "birth") != NULL);
    CHECK(r == NULL);
    bont_plan_free(&plan);
    CHECK_INT(bont_store_set_today(s, "2026-01-09", &err), 0);
    CHECK_INT(bont_plan_load(kb, "tests/golden/store/cd-visit1.json", &plan, &err), 0);
    CHECK_REFUSED(bont_visit_record(s, kb, plan, &o, &r, &err), BONT_ERANGE, "date");
    CHECK(strstr(err.message, "future") != NULL);
    bont_plan_free(&plan);
    bont_store_close(&s);
    CHECK_INT(store_test_sql_int(path, "SELECT count(*) FROM visits"), 0);
    bont_kb_free(&kb);
    store_test_db_drop(&t);
}

/* A wear-off of 2099 in a store (written before the date rules, or by another program) is not
 * an observation: the patient stays on the due list with a predicted date. */
STORE_TEST(store_far_future_wear_off_does_not_hide_a_patient, 120)
{
    char cmd[1024], out[8192], errs[4096];
    bont_error_t err;
    bont_store_t *s = NULL;
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "due.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    bont_store_patient_t p = store_test_patient("Ana Due");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    bont_store_visit_t v;
    store_test_visit(&v, p.id, "2026-01-10", "L1", 3);
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    bont_store_visit_clear(&v);
    bont_store_close(&s);
    CHECK_INT(store_test_sql_exec(path, "UPDATE visits SET wore_off_date = '2099-01-01'"), 0);
    snprintf(cmd, sizeof cmd, "%s due --within 30 --today 2026-05-01 --format json --db '%s'",
             bont_test_bin(), path);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 0);
    CHECK_MSG(strstr(out, "\"name\": \"Ana Due\"") != NULL, "not due: %s", out);
    CHECK_MSG(strstr(out, "\"observed\": false") != NULL, "%s", out);
    CHECK(strstr(out, "2099") == NULL);
    store_test_db_drop(&t);
}

/* The list carries every patient's recorded terms (read in a fixed number of queries). */
STORE_TEST(store_patient_list_has_terms, 60)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_store_patient_t *all = NULL;
    size_t n = 0;
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "terms.db"))
        return;
    const char *path = t.db;
    CHECK_INT(store_test_open(&s, path, &err), 0);
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "P%d", i);
        bont_store_patient_t p = store_test_patient(name);
        for (int k = 0; k < i; k++) {
            bont_store_term_t *term = &p.terms[p.n_terms++];
            snprintf(term->kind, sizeof term->kind, "%s", k % 2 ? "allergy" : "condition");
            snprintf(term->name, sizeof term->name, "term_%d_%d", i, k);
        }
        CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    }
    CHECK_INT(bont_store_patient_list(s, &all, &n, &err), 0);
    CHECK_INT(n, 5);
    for (size_t i = 0; i < n; i++) {
        CHECK_INT(all[i].n_terms, i);
        for (size_t k = 0; k < all[i].n_terms; k++)
            CHECK(strncmp(all[i].terms[k].name, "term_", 5) == 0 &&
                  all[i].terms[k].name[5] == (char)('0' + i));
    }
    CHECK_STR(all[2].terms[0].kind, "allergy");
    CHECK_STR(all[2].terms[0].name, "term_2_1");
    CHECK_STR(all[2].terms[1].kind, "condition");
    free(all);
    bont_store_close(&s);
    store_test_db_drop(&t);
}
