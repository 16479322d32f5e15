/* bench_store.c: how many visits a second the record store takes, as an app server writes them:
 * N worker processes, each with its own connection (as the server's worker threads have), each
 * parsing a plan, recording it with bont_visit_record (the full check with the stored history,
 * in one transaction under the patient's lock) and writing the audit entry the server adds to
 * every request; then the same workers reading whole records (the patient page) with their audit
 * entries. Prints visits and reads per second, latency percentiles, and the CPU time per visit
 * of the workers and, on PostgreSQL, of the server's processes (docs/performance.md, Store).
 *
 * Usage: bench_store --db DB [--writers N] [--visits V] [--pg-pid POSTMASTER_PID]
 *        (run from the repository root; the store must be new or empty) */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bont/access.h"
#include "bont/kb.h"
#include "bont/plan.h"
#include "bont/store.h"

#define PLAN "tests/golden/store/cd-visit1.json"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU seconds of every process whose parent is pid, and of pid itself (the PostgreSQL server:
 * the postmaster and its backends), from /proc. */
static double server_cpu_s(int pid)
{
    double total = 0, tick = (double)sysconf(_SC_CLK_TCK);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (pid > 0 && d && (e = readdir(d))) {
        char path[300], buf[1024];
        int p = atoi(e->d_name);
        if (p <= 0)
            continue;
        snprintf(path, sizeof path, "/proc/%d/stat", p);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        const char *close = strrchr(buf, ')');
        int ppid = 0;
        unsigned long ut = 0, st = 0;
        /* after "pid (comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt
         * cmajflt utime stime */
        if (close &&
            sscanf(close + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ppid, &ut,
                   &st) == 3 &&
            (p == pid || ppid == pid))
            total += (double)(ut + st) / tick;
    }
    if (d)
        closedir(d);
    return total;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n > 0 && (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
        buf[n] = '\0';
        *len = (size_t)n;
    } else {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void audit(bont_store_t *s, const char *kind, long long patient_id, int status)
{
    bont_error_t err;
    bont_audit_t e;
    memset(&e, 0, sizeof e);
    snprintf(e.user, sizeof e.user, "bench");
    snprintf(e.remote, sizeof e.remote, "127.0.0.1");
    snprintf(e.kind, sizeof e.kind, "%s", kind);
    snprintf(e.method, sizeof e.method, "POST");
    snprintf(e.path, sizeof e.path, "/api/v1/visits");
    e.status = status;
    e.patient_id = patient_id;
    bont_store_audit_add(s, &e, &err);
}

/* What a worker tells the parent, one record at a time through one pipe (atomic writes). */
typedef struct note_t {
    char tag;     /* 'v' a visit's latency, 'r' a read's, 'c' CPU seconds so far, 'd' phase done */
    double value; /* seconds */
} note_t;

static int note(int fd, char tag, double value)
{
    note_t n = {tag, value};
    return write(fd, &n, sizeof n) == sizeof n ? 0 : 1;
}

static double self_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec +
           (double)ru.ru_stime.tv_sec + 1e-6 * (double)ru.ru_stime.tv_usec;
}

/* Waits until the parent closes the pipe: the phases of all workers start together. */
static void wait_for(int fd)
{
    char c;
    while (read(fd, &c, 1) > 0)
        ;
}

/* One worker: its visits (one per patient, patients first..first+n-1), then a read of each
 * record. Between the phases and at the end it waits for the parent, keeping its connection, so
 * that the server's CPU time can be read while its backends still live. */
static int worker(const char *db, long long first, int n, int fd, int go1, int go2)
{
    bont_error_t err;
    bont_kb_t *kb = NULL;
    bont_store_t *s = NULL;
    size_t len = 0;
    char *text = read_text(PLAN, &len);
    int failed = 0;
    if (!text || bont_kb_load(&kb, &err) != 0 ||
        bont_store_open(&s, db, BONT_STORE_EXISTING, &err) != 0 ||
        bont_store_set_today(s, "2026-11-30", &err) != 0) {
        fprintf(stderr, "worker: %s\n", err.message);
        return 1;
    }
    double cpu0 = self_cpu_s();
    for (int i = 0; i < n; i++) {
        double t0 = now_s();
        bont_plan_t *plan = NULL;
        bont_visit_result_t *r = NULL;
        bont_visit_opts_t o = {.patient_id = first + i,
                               .lot = "BENCH1",
                               .expiry = "2027-06-30",
                               .injected_at = "10:00"};
        if (bont_plan_parse(kb, text, len, PLAN, &plan, &err) != 0 ||
            bont_visit_record(s, kb, plan, &o, &r, &err) != 0 || !r->written) {
            fprintf(stderr, "visit: %s\n", err.message);
            failed++;
        }
        audit(s, "visit.add", o.patient_id, 201);
        bont_visit_result_free(&r);
        bont_plan_free(&plan);
        failed += note(fd, 'v', now_s() - t0);
    }
    failed += note(fd, 'c', self_cpu_s() - cpu0) + note(fd, 'd', 0);
    wait_for(go1);
    cpu0 = self_cpu_s();
    for (int i = 0; i < n; i++) {
        double t0 = now_s();
        bont_store_record_t *rec = NULL;
        if (bont_store_record_load(s, first + i, &rec, &err) != 0 || rec->n_visits != 1)
            failed++;
        audit(s, "patient.read", first + i, 200);
        bont_store_record_free(&rec);
        failed += note(fd, 'r', now_s() - t0);
    }
    failed += note(fd, 'C', self_cpu_s() - cpu0) + note(fd, 'd', 0);
    wait_for(go2);
    bont_store_close(&s);
    bont_kb_free(&kb);
    free(text);
    return failed ? 1 : 0;
}

/* p-th percentile of n sorted values, ms. */
static double pct_ms(const double *v, size_t n, double p)
{
    return n ? 1000 * v[(size_t)(p / 100 * (double)(n - 1) + 0.5)] : 0;
}

static int prepare(const char *db, int total)
{
    bont_error_t err;
    bont_store_t *s = NULL;
    if (bont_store_open(&s, db, BONT_STORE_CREATE, &err) != 0 ||
        bont_store_set_today(s, "2026-11-30", &err) != 0) {
        fprintf(stderr, "bench_store: %s\n", err.message);
        return 1;
    }
    for (int i = 0; i < total; i++) {
        bont_store_patient_t p;
        memset(&p, 0, sizeof p);
        snprintf(p.name, sizeof p.name, "Bench %d", i + 1);
        snprintf(p.birth_date, sizeof p.birth_date, "1974-03-02");
        snprintf(p.sex, sizeof p.sex, "female");
        p.weight_kg = 64;
        if (bont_store_patient_add(s, &p, &err) != 0 || p.id != i + 1) {
            fprintf(stderr, "bench_store: patient %d: %s (the store must be new)\n", i + 1,
                    err.message);
            bont_store_close(&s);
            return 1;
        }
    }
    bont_store_close(&s);
    return 0;
}

/* One phase as the parent sees it: the notes until every worker said done. */
typedef struct phase_t {
    double *lat; /* latencies, s */
    size_t n;
    double app_cpu_s; /* the workers' CPU time in the phase */
} phase_t;

static int collect(int fd, int writers, char kind, char cpu_tag, phase_t *ph)
{
    note_t nt;
    int done = 0;
    while (done < writers && read(fd, &nt, sizeof nt) == sizeof nt) {
        if (nt.tag == kind)
            ph->lat[ph->n++] = nt.value;
        else if (nt.tag == cpu_tag)
            ph->app_cpu_s += nt.value;
        else if (nt.tag == 'd')
            done++;
    }
    qsort(ph->lat, ph->n, sizeof *ph->lat, cmp_double);
    return done == writers ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    int writers = 4, visits = 100, pg_pid = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--writers"))
            writers = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--visits"))
            visits = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--pg-pid"))
            pg_pid = atoi(argv[i + 1]);
    }
    if (!db || writers < 1 || writers > 64 || visits < 1) {
        fprintf(stderr, "usage: bench_store --db DB [--writers N] [--visits V] [--pg-pid PID]\n");
        return 2;
    }
    int total = writers * visits, fds[2], go1[2], go2[2], failed = 0;
    if (prepare(db, total) != 0 || pipe(fds) != 0 || pipe(go1) != 0 || pipe(go2) != 0)
        return 1;
    phase_t pv = {calloc((size_t)total, sizeof(double)), 0, 0};
    phase_t pr = {calloc((size_t)total, sizeof(double)), 0, 0};
    for (int w = 0; w < writers; w++)
        if (fork() == 0) {
            close(fds[0]);
            close(go1[1]);
            close(go2[1]);
            _exit(worker(db, 1 + (long long)w * visits, visits, fds[1], go1[0], go2[0]));
        }
    close(fds[1]);
    close(go1[0]);
    close(go2[0]);
    double srv0 = server_cpu_s(pg_pid), t0 = now_s();
    failed += collect(fds[0], writers, 'v', 'c', &pv);
    double t1 = now_s(), srv1 = server_cpu_s(pg_pid);
    close(go1[1]);
    failed += collect(fds[0], writers, 'r', 'C', &pr);
    double t2 = now_s(), srv2 = server_cpu_s(pg_pid);
    close(go2[1]);
    for (int w = 0; w < writers; w++) {
        int status = 0;
        wait(&status);
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    bool pg = strncmp(db, "postgres", 8) == 0 || strchr(db, '=');
    printf("%-10s %2d writers | visits %6.1f /s  p50 %5.1f ms  p99 %6.1f ms  CPU app %4.1f ms",
           pg ? "postgresql" : "sqlite", writers, (double)pv.n / (t1 - t0),
           pct_ms(pv.lat, pv.n, 50), pct_ms(pv.lat, pv.n, 99), 1000 * pv.app_cpu_s / (double)total);
    if (pg_pid > 0)
        printf(" db %4.1f ms", 1000 * (srv1 - srv0) / (double)total);
    printf(" | reads %6.1f /s  p50 %4.1f ms  p99 %5.1f ms  CPU app %4.1f ms",
           (double)pr.n / (t2 - t1), pct_ms(pr.lat, pr.n, 50), pct_ms(pr.lat, pr.n, 99),
           1000 * pr.app_cpu_s / (double)total);
    if (pg_pid > 0)
        printf(" db %4.1f ms", 1000 * (srv2 - srv1) / (double)total);
    printf("%s\n", failed ? "  (FAILURES)" : "");
    free(pv.lat);
    free(pr.lat);
    return failed ? 1 : 0;
}
