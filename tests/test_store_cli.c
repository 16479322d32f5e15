/* test_store_cli.c: golden tests of every record-store command, run in order against one fresh
 * store: each step's exit code, stdout and stderr must match tests/golden/store/NN-name.out, on
 * SQLite and on PostgreSQL alike (there the store's name reads as <tmp>/bont.db, and the steps
 * about store files are left out).
 * BONT_UPDATE_GOLDEN=1 rewrites the files (review the diff before committing). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_store.h"

#define GOLDEN_DIR "tests/golden/store"
#define PLANS      GOLDEN_DIR "/"

typedef struct step_t {
    const char *name; /* golden file NN-name.out */
    const char *args; /* after "bont"; {db} is replaced by --db <store> */
    int exit_code;
} step_t;

static const step_t steps[] = {
    {"01-patient-add",
     "patient add --name 'Ana Souza' --birth 1974-03-02 --sex female --weight 64 "
     "{db}",
     0},
    {"02-patient-add-json",
     "patient add --name 王芳 --birth 1974-03-02 --sex F --condition 'myasthenia gravis' "
     "--format json {db}",
     0},
    {"03-patient-add-allergy",
     "patient add --name 'Carla Leite' --birth 1978-01-15 --sex female --weight 60 "
     "--allergy \"cow's milk protein\" --medication 'unknown herbal tea' {db}",
     0},
    {"04-patient-add-bad-date", "patient add --name X --birth 1990-02-30 --sex male {db}", 2},
    {"05-patient-list", "patient list {db}", 0},
    {"06-patient-list-json", "patient list --format json {db}", 0},
    {"07-patient-show", "patient show 3 {db}", 0},
    {"08-patient-show-json", "patient show 2 --format json {db}", 0},
    {"09-patient-show-missing", "patient show 99 {db}", 2},
    {"10-visit-record",
     "visit record " PLANS "cd-visit1.json --patient 1 --lot C3518AB --expiry "
     "2027-06-30 --reconstituted 09:00 --injected 10:30 {db}",
     0},
    /* Eight weeks later: refused, naming the interval rule; nothing is written. */
    {"11-visit-8-weeks-refused",
     "visit record " PLANS "cd-visit2-8w.json --patient 1 --lot "
     "C3518AB --expiry 2027-06-30 --injected 09:00 {db}",
     1},
    {"12-visit-8-weeks-override",
     "visit record " PLANS "cd-visit2-8w.json --patient 1 --lot C3518AB --expiry 2027-06-30 "
     "--injected 09:00 --override 'severe retrocollis with pain; neurologist agreed' --format "
     "json {db}",
     0},
    {"13-visit-expired-lot-old-vial",
     "visit record " PLANS "glabellar-6w-after-cd.json --patient 1 --lot X1 --expiry 2026-02-01 "
     "--reconstituted 2026-02-19T10:00 --injected 11:00 {db}",
     1},
    {"14-visit-recorded-allergy",
     "visit record " PLANS "dysport-cd.json --patient 3 --lot D77 "
     "--expiry 2027-01-31 --injected 10:00 --format json {db}",
     1},
    {"15-visit-wrong-patient",
     "visit record " PLANS "dysport-cd.json --patient 1 --lot D77 "
     "--expiry 2027-01-31 --injected 10:00 {db}",
     1},
    {"16-visit-second-patient",
     "visit record " PLANS "cd-visit1.json --patient 2 --lot c3518ab "
     "--expiry 2027-06-30 --injected 14:00 {db}",
     0},
    {"17-visit-missing-lot", "visit record " PLANS "cd-visit1.json --patient 2 {db}", 2},
    {"18-outcome-add",
     "outcome add --visit 1 --scale TWSTRS --score 38 --date 2026-02-07 --note "
     "'head control better' {db}",
     0},
    {"19-outcome-add-json",
     "outcome add --patient 1 --scale modified_ashworth --score 1+ --date "
     "2026-02-07 --format json {db}",
     0},
    {"20-outcome-bad-scale",
     "outcome add --patient 1 --scale pain --score 3 --date 2026-02-07 "
     "{db}",
     2},
    {"21-outcome-bad-score",
     "outcome add --patient 1 --scale hdss --score 7 --date 2026-02-07 "
     "{db}",
     2},
    {"22-outcome-wore-off", "outcome add --visit 1 --wore-off 2026-05-05 {db}", 0},
    {"23-outcome-wore-off-second", "outcome add --visit 3 --wore-off 2026-04-15 --format json {db}",
     0},
    {"24-ae-add",
     "ae add --visit 1 --what dysphagia --onset-day 5 --severity mild --resolved "
     "2026-01-30 {db}",
     0},
    {"25-ae-add-json",
     "ae add --visit 2 --what 'neck weakness' --onset-day 10 --severity "
     "moderate --format json {db}",
     0},
    {"26-ae-bad-severity", "ae add --visit 1 --what ptosis --onset-day 3 --severity awful {db}", 2},
    {"27-history", "history 1 --today 2026-05-10 {db}", 0},
    {"28-history-json", "history 1 --today 2026-05-10 --format json {db}", 0},
    {"29-recall", "recall C3518AB {db}", 0},
    {"30-recall-json", "recall c3518ab --format json {db}", 0},
    {"31-recall-none", "recall NOPE-1 {db}", 0},
    {"32-due", "due --within 120 --today 2026-05-10 {db}", 0},
    {"33-due-json", "due --within 30 --today 2026-05-10 --format json {db}", 0},
    {"34-export-fhir", "export 1 --fhir {db}", 0},
    {"35-export-missing", "export 42 --fhir {db}", 2},
    {"36-backup", "backup {tmp}/copy.db {db}", 0},
    {"37-backup-opens", "patient list --db {tmp}/copy.db", 0},
    {"38-backup-exists", "backup {tmp}/copy.db {db}", 2},
    {"39-newer-schema-refused", "patient list --db {tmp}/future.db", 2},
    {"40-not-a-store", "patient list --db " GOLDEN_DIR "/cd-visit1.json", 2},
    /* Dates: real, not after today, in order; refused with the field named and nothing
     * written. */
    {"41-visit-in-the-future",
     "visit record " PLANS "cd-visit3.json --patient 2 --lot C3518AB --expiry 2027-06-30 "
     "--injected 10:00 --today 2026-01-01 {db}",
     2},
    {"42-outcome-before-visit",
     "outcome add --visit 1 --scale twstrs --score 30 --date 2026-01-05 {db}", 2},
    {"43-wore-off-in-the-future",
     "outcome add --visit 2 --wore-off 2099-01-01 --today 2026-05-10 {db}", 2},
    {"44-birth-in-the-future",
     "patient add --name Y --birth 2030-01-01 --sex male --today 2026-05-10 {db}", 2},
    {"45-ae-resolved-in-the-future",
     "ae add --visit 1 --what ptosis --onset-day 3 --severity mild --resolved 2026-06-01 "
     "--today 2026-05-10 {db}",
     2},
    {"46-bad-today", "patient add --name Z --birth 1970-01-01 --sex male --today 2026-13-01 {db}",
     2},
    /* Store files: a read command never creates one; a folder is named as one. */
    {"47-missing-store", "patient list --db {tmp}/mistyped.db", 2},
    {"48-db-is-a-directory", "patient list --db {tmp}", 2},
};

/* Whether a step is about store files (backups, files that are not stores): SQLite only. */
static bool file_only(const step_t *s)
{
    static const char *const names[] = {
        "36-backup",      "37-backup-opens",  "38-backup-exists",    "39-newer-schema-refused",
        "40-not-a-store", "47-missing-store", "48-db-is-a-directory"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s->name, names[i]) == 0)
            return true;
    return false;
}

/* Replaces every occurrence of from with to in buf (in place, size bytes). */
static void replace_all(char *buf, size_t size, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to);
    if (!nf)
        return;
    for (char *p = strstr(buf, from); p; p = strstr(p + nt, from)) {
        size_t tail = strlen(p + nf);
        if ((size_t)(p - buf) + nt + tail + 1 > size)
            return;
        memmove(p + nt, p + nf, tail + 1);
        memcpy(p, to, nt);
    }
}

/* Clock times the store sets ("2026-11-21T14:30:54Z") become <time>. */
static void mask_times(char *buf)
{
    for (char *p = buf; *p; p++) {
        const char *shape = "dddd-dd-ddTdd:dd:ddZ";
        size_t k = 0;
        while (shape[k] && p[k] &&
               (shape[k] == 'd' ? isdigit((unsigned char)p[k]) : p[k] == shape[k]))
            k++;
        if (shape[k] == '\0') {
            memcpy(p, "<time>", 6);
            memmove(p + 6, p + 20, strlen(p + 20) + 1);
        }
    }
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf) {
        size_t got = fread(buf, 1, (size_t)n, f);
        buf[got] = '\0';
    }
    fclose(f);
    return buf;
}

STORE_TEST(store_cli_golden_every_command, 300)
{
    char db[640], cmd[4096], args[2048];
    static char out[1 << 18], err[1 << 16], got[(1 << 18) + (1 << 16) + 4096];
    store_test_db_t t;
    /* The goldens are SQLite's: the PostgreSQL run compares against them, never writes them. */
    int update = !pg && getenv("BONT_UPDATE_GOLDEN") && *getenv("BONT_UPDATE_GOLDEN");
    if (!store_test_db_new(&t, pg, "bont.db"))
        return;
    const char *dir = t.dir;
    snprintf(db, sizeof db, "--db '%s'", t.db);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        const step_t *s = &steps[i];
        if (pg && file_only(s))
            continue;
        if (strstr(s->name, "newer-schema")) {
            /* A store as a future bont would leave it. */
            snprintf(cmd, sizeof cmd,
                     "cp %s/copy.db %s/future.db && sqlite3 %s/future.db 'PRAGMA user_version = "
                     "7'",
                     dir, dir, dir);
            CHECK_INT(bont_test_run(cmd, NULL, 0, NULL, 0), 0);
        }
        snprintf(args, sizeof args, "%s", s->args);
        replace_all(args, sizeof args, "{db}", db);
        replace_all(args, sizeof args, "{tmp}", dir);
        snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
        int rc = bont_test_run(cmd, out, sizeof out, err, sizeof err);
        snprintf(got, sizeof got, "$ bont %s\nexit %d\n--- stdout\n%s--- stderr\n%s", s->args, rc,
                 out, err);
        if (pg)
            replace_all(got, sizeof got, t.shown, "<tmp>/bont.db");
        replace_all(got, sizeof got, dir, "<tmp>");
        mask_times(got);
        if (strstr(s->name, "export-fhir") && rc == 0) {
            /* The Bundle as printed must validate against the official FHIR R4 schema. */
            char file[128], vout[4096], verr[8192];
            snprintf(file, sizeof file, "%s/export.json", dir);
            FILE *f = fopen(file, "w");
            if (f) {
                fputs(out, f);
                fclose(f);
            }
            snprintf(cmd, sizeof cmd, "bash tests/fhir/run.sh %s", file);
            int vrc = bont_test_run(cmd, vout, sizeof vout, verr, sizeof verr);
            CHECK_MSG(vrc == 0, "FHIR validation failed (exit %d): %s%s", vrc, vout, verr);
        }
        char path[256];
        snprintf(path, sizeof path, GOLDEN_DIR "/%s.out", s->name);
        CHECK_MSG(rc == s->exit_code, "%s: exit %d, expected %d\n%s", s->name, rc, s->exit_code,
                  got);
        if (update) {
            FILE *f = fopen(path, "w");
            if (f) {
                fputs(got, f);
                fclose(f);
            }
            continue;
        }
        char *want = read_file(path);
        CHECK_MSG(want != NULL, "%s: missing golden file (run with BONT_UPDATE_GOLDEN=1)", path);
        if (want && strcmp(want, got) != 0)
            bont_test_fail(__FILE__, __LINE__, "%s differs from %s; got:\n%s", s->name, path, got);
        free(want);
    }
    store_test_db_drop(&t);
}

/* What the goldens show, stated as checks that do not depend on wording. */
STORE_TEST(store_cli_second_visit_at_8_weeks, 120)
{
    char cmd[2048], out[65536], err[65536];
    store_test_db_t t;
    if (!store_test_db_new(&t, pg, "s.db"))
        return;
    const char *bin = bont_test_bin();
    snprintf(cmd, sizeof cmd, "%s patient add --name A --birth 1974-03-02 --sex female --db '%s'",
             bin, t.db);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    CHECK_STR(out, "1\n");
    snprintf(cmd, sizeof cmd,
             "%s visit record " PLANS "cd-visit1.json --patient 1 --lot L1 --expiry 2027-01-01 "
             "--db '%s'",
             bin, t.db);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    CHECK_STR(out, "1\n");
    snprintf(cmd, sizeof cmd,
             "%s visit record " PLANS "cd-visit2-8w.json --patient 1 --lot L1 --expiry 2027-01-01 "
             "--db '%s'",
             bin, t.db);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 1);
    CHECK_STR(out, "");
    CHECK(strstr(err, "ona.interval.therapeutic") != NULL);
    CHECK(strstr(err, "nothing was written") != NULL);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits"), 1);
    snprintf(cmd, sizeof cmd,
             "%s visit record " PLANS "cd-visit2-8w.json --patient 1 --lot L1 --expiry 2027-01-01 "
             "--override 'neurologist agreed' --db '%s'",
             bin, t.db);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    CHECK_STR(out, "2\n");
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits WHERE id = 2 AND "
                                       "override_reason = 'neurologist agreed'"),
              1);
    CHECK_INT(store_test_sql_int(t.db, "SELECT count(*) FROM visits WHERE findings_json LIKE "
                                       "'%ona.interval.therapeutic%'"),
              1);
    store_test_db_drop(&t);
}
