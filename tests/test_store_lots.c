/* test_store_lots.c: the lots of vials the store lists (bont_store_lots), audit entries
 * written in one transaction (bont_store_audit_add_batch) and a connection's commit
 * durability (bont_store_set_sync). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bont/access.h"
#include "bont/store.h"
#include "test.h"
#include "test_store.h"

/* Records a visit of units U in the lot with the expiry on date (direct, unchecked). */
static void add_visit(bont_store_t *s, long long patient, const char *date, const char *product,
                      const char *lot, const char *expiry, double diluent_ml,
                      const char *reconstituted)
{
    bont_error_t err;
    bont_store_visit_t v;
    store_test_visit(&v, patient, date, lot, 2);
    snprintf(v.vial.product, sizeof v.vial.product, "%s", product);
    snprintf(v.vial.expiry, sizeof v.vial.expiry, "%s", expiry);
    snprintf(v.vial.reconstituted_at, sizeof v.vial.reconstituted_at, "%s", reconstituted);
    v.vial.diluent_ml = diluent_ml;
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    bont_store_visit_clear(&v);
}

STORE_TEST(store_lots_list_every_lot_with_its_use, 60)
{
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "lots.db"))
        return;
    bont_store_t *s = NULL;
    bont_error_t err;
    bont_store_lot_t *lots = NULL;
    size_t n = 9;
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    CHECK_INT(bont_store_lots(s, &lots, &n, &err), 0);
    CHECK_INT(n, 0);
    free(lots);
    bont_store_patient_t a = store_test_patient("Ana"), b = store_test_patient("Bo");
    CHECK_INT(bont_store_patient_add(s, &a, &err), 0);
    CHECK_INT(bont_store_patient_add(s, &b, &err), 0);
    /* One lot in two cases over three visits, another product's lot, and an old lot. */
    add_visit(s, a.id, "2026-03-01", "onabotulinumtoxinA", "C3518AB", "2027-06-30", 2, "");
    add_visit(s, b.id, "2026-05-02", "onabotulinumtoxinA", "c3518ab", "2027-06-30", 4,
              "2026-05-02T09:15");
    add_visit(s, a.id, "2026-06-10", "onabotulinumtoxinA", "C3518AB", "2027-06-30", 2.5,
              "2026-06-10T08:00");
    add_visit(s, b.id, "2026-04-01", "abobotulinumtoxinA", "D-77", "2026-12-01", 2.5, "");
    add_visit(s, a.id, "2025-01-05", "onabotulinumtoxinA", "OLD-1", "2025-09-30", 2, "");
    CHECK_INT(bont_store_lots(s, &lots, &n, &err), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        /* Soonest expiry first. */
        CHECK_STR(lots[0].lot, "OLD-1");
        CHECK_STR(lots[1].lot, "D-77");
        CHECK_STR(lots[1].product, "abobotulinumtoxinA");
        CHECK_STR(lots[2].expiry, "2027-06-30");
        CHECK(strcasecmp(lots[2].lot, "C3518AB") == 0);
        CHECK_INT(lots[2].n_vials, 3);
        /* store_test_visit injects 10 + 11 U per visit. */
        CHECK_REL(lots[2].units_used, 3 * 21.0, 1e-12);
        CHECK_STR(lots[2].first_used, "2026-03-01");
        CHECK_STR(lots[2].last_used, "2026-06-10");
        CHECK_REL(lots[2].vial_units, 100, 1e-12);
        /* The latest vial's diluent and reconstitution. */
        CHECK_REL(lots[2].diluent_ml, 2.5, 1e-12);
        CHECK_STR(lots[2].reconstituted_at, "2026-06-10T08:00");
        CHECK_STR(lots[0].reconstituted_at, "");
    }
    free(lots);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

STORE_TEST(store_audit_batch_is_all_or_nothing, 60)
{
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "audit.db"))
        return;
    bont_store_t *s = NULL;
    bont_error_t err;
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    bont_audit_t e[3];
    memset(e, 0, sizeof e);
    for (int i = 0; i < 3; i++) {
        snprintf(e[i].user, sizeof e[i].user, "ada");
        snprintf(e[i].kind, sizeof e[i].kind, "patient.read");
        snprintf(e[i].method, sizeof e[i].method, "GET");
        snprintf(e[i].path, sizeof e[i].path, "/patients/%d", i + 1);
        e[i].patient_id = i + 1;
        e[i].status = 200;
    }
    CHECK_INT(bont_store_audit_add_batch(s, e, 3, &err), 0);
    CHECK(e[0].id > 0 && e[1].id == e[0].id + 1 && e[2].id == e[1].id + 1);
    CHECK(e[2].at[0] == '2');
    /* One entry without a kind: none of the batch is written. */
    e[1].kind[0] = '\0';
    CHECK_INT(bont_store_audit_add_batch(s, e, 3, &err), BONT_EINVAL);
    CHECK_STR(err.field, "kind");
    bont_audit_t *list = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_audit_list(s, 0, &list, &n, &err), 0);
    CHECK_INT(n, 3);
    free(list);
    CHECK_INT(bont_store_audit_list(s, 2, &list, &n, &err), 0);
    CHECK_INT(n, 1);
    if (n == 1)
        CHECK_STR(list[0].path, "/patients/2");
    free(list);
    bont_store_close(&s);
    store_test_db_drop(&t);
}

/* A connection's commit durability (bont_store_set_sync): relaxed and back to full both take
 * (the backend reads the setting back), an unknown value is refused, and what a relaxed
 * connection commits is there for the next connection. */
STORE_TEST(store_commit_durability_per_connection, 60)
{
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "sync.db"))
        return;
    bont_store_t *s = NULL, *other = NULL;
    bont_error_t err;
    CHECK_INT(store_test_open(&s, t.db, &err), 0);
    CHECK_INT(bont_store_set_sync(s, BONT_STORE_SYNC_RELAXED, &err), 0);
    CHECK_INT(bont_store_set_sync(s, (bont_store_sync_t)7, &err), BONT_EINVAL);
    bont_audit_t e;
    memset(&e, 0, sizeof e);
    snprintf(e.user, sizeof e.user, "ada");
    snprintf(e.kind, sizeof e.kind, "patient.read");
    snprintf(e.method, sizeof e.method, "GET");
    snprintf(e.path, sizeof e.path, "/patients/1");
    e.patient_id = 1;
    e.status = 200;
    CHECK_INT(bont_store_audit_add_batch(s, &e, 1, &err), 0);
    CHECK_INT(store_test_open(&other, t.db, &err), 0);
    bont_audit_t *list = NULL;
    size_t n = 0;
    CHECK_INT(bont_store_audit_list(other, 1, &list, &n, &err), 0);
    CHECK_INT(n, 1);
    free(list);
    CHECK_INT(bont_store_set_sync(s, BONT_STORE_SYNC_FULL, &err), 0);
    bont_store_close(&other);
    bont_store_close(&s);
    store_test_db_drop(&t);
}
