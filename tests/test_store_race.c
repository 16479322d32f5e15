/* test_store_race.c: one transaction per visit: many writers recording the same plan for one
 * patient at the same instant (processes through the command, processes and threads through the
 * library) leave exactly one visit, on SQLite and PostgreSQL, because the history check and the
 * write hold one lock (the file's write lock; the patient's row). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/store.h"
#include "test.h"
#include "test_store.h"

#define PLAN "tests/golden/store/cd-visit1.json"

/* A trial's verdict: one writer wrote, the others were refused, one visit is stored. */
static int one_visit(const char *path, long long patient_id, int written, int refused, int n,
                     int trial)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM visits WHERE patient_id = %lld", patient_id);
    long long stored = store_test_sql_int(path, sql);
    if (stored == 1 && written == 1 && refused == n - 1)
        return 1;
    printf("    trial %d: %d of %d writers wrote, %d were refused, %lld visits stored\n", trial,
           written, n, refused, stored);
    return 0;
}

/* Adds a patient born 1974-03-02 (the plan's age on its date) and returns the id. */
static long long new_patient(const char *path, int trial)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    char name[64];
    snprintf(name, sizeof name, "Race %d", trial);
    bont_store_patient_t p = store_test_patient(name);
    snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
    if (store_test_open(&s, path, &err) != 0 || bont_store_patient_add(s, &p, &err) != 0) {
        fprintf(stderr, "new patient: %s\n", err.message);
        p.id = 0;
    }
    bont_store_close(&s);
    return p.id;
}

/* One writer through the library: open, record the plan, report 0 refused, 1 written, 2 error. */
static int record_once(const bont_kb_t *kb, const char *path, long long patient_id)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_plan_t *plan = NULL;
    bont_visit_result_t *r = NULL;
    int outcome = 2;
    bont_visit_opts_t o = {0};
    o.patient_id = patient_id;
    o.lot = "RACE1";
    o.expiry = "2027-01-01";
    o.injected_at = "10:00";
    if (bont_plan_load(kb, PLAN, &plan, &err) != 0 || store_test_open(&s, path, &err) != 0)
        goto cleanup;
    if (bont_visit_record(s, kb, plan, &o, &r, &err) != 0) {
        fprintf(stderr, "record: %s\n", err.message);
        goto cleanup;
    }
    outcome = r->written ? 1 : 0;
cleanup:
    bont_visit_result_free(&r);
    bont_store_close(&s);
    bont_plan_free(&plan);
    return outcome;
}

/* Starts n writers of one kind at once for patient_id and fills outcomes (record_once's). */
typedef void (*race_fn_t)(const bont_kb_t *kb, const char *path, long long patient_id, int n,
                          int *outcomes);

/* n processes released together through one pipe: closing it ends every child's read at once. */
static void race_processes(const bont_kb_t *kb, const char *path, long long patient_id, int n,
                           int *outcomes)
{
    int gate[2];
    pid_t pids[8];
    CHECK(pipe(gate) == 0);
    for (int k = 0; k < n; k++) {
        pids[k] = fork();
        if (pids[k] == 0) {
            char c;
            close(gate[1]);
            if (read(gate[0], &c, 1) < 0)
                _exit(3);
            _exit(record_once(kb, path, patient_id));
        }
    }
    close(gate[0]);
    close(gate[1]);
    for (int k = 0; k < n; k++) {
        int status = 0;
        waitpid(pids[k], &status, 0);
        outcomes[k] = WIFEXITED(status) ? WEXITSTATUS(status) : 9;
    }
}

typedef struct race_thread_t {
    const bont_kb_t *kb;
    const char *path;
    long long patient_id;
    pthread_barrier_t *start;
    int outcome;
} race_thread_t;

static void *record_thread(void *arg)
{
    race_thread_t *t = arg;
    pthread_barrier_wait(t->start);
    t->outcome = record_once(t->kb, t->path, t->patient_id);
    return NULL;
}

/* n threads of this process released by a barrier, each with its own connection (a store handle
 * is not shared between threads). */
static void race_threads(const bont_kb_t *kb, const char *path, long long patient_id, int n,
                         int *outcomes)
{
    pthread_barrier_t start;
    pthread_t th[8];
    race_thread_t t[8];
    pthread_barrier_init(&start, NULL, (unsigned)n);
    for (int k = 0; k < n; k++) {
        t[k] = (race_thread_t){kb, path, patient_id, &start, 2};
        pthread_create(&th[k], NULL, record_thread, &t[k]);
    }
    for (int k = 0; k < n; k++) {
        pthread_join(th[k], NULL);
        outcomes[k] = t[k].outcome;
    }
    pthread_barrier_destroy(&start);
}

/* Each trial: a new patient and n writers recording the same plan at the same instant. Exactly
 * one may write; the others must be refused by the interval rule. */
static void race_library(const char *what, race_fn_t start_writers, bool pg)
{
    store_test_db_t t;
    bont_kb_t *kb = NULL;
    bont_error_t err;
    const int trials = 40, n = 6;
    int bad_trials = 0, errors = 0, outcomes[8];
    double t0 = store_test_now_s();
    if (!store_test_db_new(&t, pg, "race.db"))
        return;
    const char *path = t.db;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    for (int trial = 0; trial < trials; trial++) {
        long long id = new_patient(path, trial);
        int written = 0;
        CHECK(id > 0);
        start_writers(kb, path, id, n, outcomes);
        for (int k = 0; k < n; k++) {
            written += outcomes[k] == 1;
            errors += outcomes[k] > 1;
        }
        bad_trials += !one_visit(path, id, written, n - written, n, trial);
    }
    CHECK_INT(bad_trials, 0);
    CHECK_INT(errors, 0);
    printf("    %s%s: %d trials x %d writers, %d with other than one visit, %.1f s\n", what,
           pg ? " (PostgreSQL)" : "", trials, n, bad_trials, store_test_now_s() - t0);
    bont_kb_free(&kb);
    store_test_db_drop(&t);
}

STORE_TEST(store_parallel_records_library_processes_write_one_visit, 300)
{
    race_library("library processes", race_processes, pg);
}

STORE_TEST(store_parallel_records_library_threads_write_one_visit, 300)
{
    race_library("library threads", race_threads, pg);
}

/* Through the command, as two clinicians at two terminals would: n `bont visit record` of the
 * same plan started together; one exits 0, the others 1 (refused), one visit in the file. */
STORE_TEST(store_parallel_records_command_write_one_visit, 400)
{
    char cmd[4096], out[4096], err[8192];
    store_test_db_t t;
    const int trials = 20, n = 4;
    int bad_trials = 0;
    double t0 = store_test_now_s();
    if (!store_test_db_new(&t, pg, "race.db"))
        return;
    const char *path = t.db;
    for (int trial = 0; trial < trials; trial++) {
        long long id = new_patient(path, trial);
        /* Each writer's exit code on a line of its own: 0 written, 1 refused. */
        snprintf(cmd, sizeof cmd,
                 "r() { %s visit record " PLAN " --patient %lld --lot RACE1 --expiry 2027-01-01 "
                 "--injected 10:00 --db '%s' >/dev/null 2>&1; echo $?; }; "
                 "for k in $(seq %d); do r & done; wait",
                 bont_test_bin(), id, path, n);
        CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
        int zeros = 0, ones = 0;
        for (const char *p = out; *p; p++) {
            zeros += *p == '0';
            ones += *p == '1';
        }
        bad_trials += !one_visit(path, id, zeros, ones, n, trial);
    }
    CHECK_INT(bad_trials, 0);
    printf("    command%s: %d trials x %d writers, %d with other than one visit, %.1f s\n",
           pg ? " (PostgreSQL)" : "", trials, n, bad_trials, store_test_now_s() - t0);
    store_test_db_drop(&t);
}
