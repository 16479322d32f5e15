/* test_store_files.c: which files the store commands create, refuse and replace: read commands
 * never create a store, a file that is not a store is left as it was (0 bytes too), a backup
 * killed at any moment leaves no file that opens as a store, and file errors say what happened. */
#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bont/store.h"
#include "test.h"
#include "test_store.h"

static int exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/* args with its "{dir}" (if any) replaced by dir. */
static void with_dir(char *out, size_t size, const char *args, const char *dir)
{
    const char *brace = strstr(args, "{dir}");
    if (brace)
        snprintf(out, size, "%.*s%s%s", (int)(brace - args), args, dir, brace + 5);
    else
        snprintf(out, size, "%s", args);
}

/* Every command but patient add: a mistyped --db is an error naming the path, and nothing is
 * created. */
TEST_TIMEOUT(store_only_patient_add_creates_a_store, 120)
{
    char dir[64], path[128], out[8192], err[8192];
    static const char *const reads[] = {
        "patient list", "patient show 1", "history 1 --today 2026-03-01", "recall L1",
        "due --today 2026-03-01", "export 1 --fhir", "backup {dir}/copy.db",
        /* These add records, but only to a patient or visit that a new store cannot hold. */
        "visit record tests/golden/store/cd-visit1.json --patient 1 --lot L --expiry 2027-01-01",
        "outcome add --visit 1 --wore-off 2026-01-01",
        "ae add --visit 1 --what ptosis --onset-day 1 --severity mild"};
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/mistyped.db", dir);
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        char args[256];
        with_dir(args, sizeof args, reads[i], dir);
        int rc = store_test_bont(out, sizeof out, err, sizeof err, "%s --db %s", args, path);
        CHECK_MSG(rc == 2, "%s: exit %d, expected 2", args, rc);
        char want[256];
        snprintf(want, sizeof want, "no bont store at %s", path);
        CHECK_MSG(strstr(err, want) != NULL, "%s: stderr lacks \"%s\": %s", args, want, err);
        CHECK_MSG(!exists(path), "%s created %s", args, path);
        CHECK_MSG(out[0] == '\0', "%s printed on stdout: %s", args, out);
    }
    char copy[128];
    snprintf(copy, sizeof copy, "%s/copy.db", dir);
    CHECK(!exists(copy));
    store_test_rmdir(dir);
}

/* A command that adds a record creates the store when missing and says so once on stderr. */
TEST_TIMEOUT(store_write_command_creates_and_says_so_once, 60)
{
    char dir[64], path[160], out[8192], err[8192], want[256];
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/new.db", dir);
    snprintf(want, sizeof want, "bont: created a new store at %s\n", path);
    int rc = store_test_bont(out, sizeof out, err, sizeof err,
                             "patient add --name A --birth 1970-01-01 --sex male --db %s", path);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "1\n");
    CHECK_STR(err, want);
    rc = store_test_bont(out, sizeof out, err, sizeof err,
                         "patient add --name B --birth 1970-01-01 --sex male --db %s", path);
    CHECK_INT(rc, 0);
    CHECK_STR(out, "2\n");
    CHECK_STR(err, "");
    struct stat sb;
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    store_test_rmdir(dir);
}

/* Writes bytes into a file and gives it an old modification time, so that a change shows. */
static void plant(const char *path, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        if (n)
            fwrite(bytes, 1, n, f);
        fclose(f);
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "touch -d '2001-02-03 04:05:06' '%s'", path);
    CHECK_INT(system(cmd), 0);
}

static void check_unchanged(const char *path, const char *bytes, size_t n, const char *what)
{
    struct stat sb;
    CHECK_MSG(stat(path, &sb) == 0, "%s: %s is gone", what, path);
    CHECK_MSG((size_t)sb.st_size == n, "%s: %s has %lld bytes, had %zu", what, path,
              (long long)sb.st_size, n);
    struct tm tm = {.tm_year = 101,
                    .tm_mon = 1,
                    .tm_mday = 3,
                    .tm_hour = 4,
                    .tm_min = 5,
                    .tm_sec = 6,
                    .tm_isdst = -1};
    CHECK_MSG(sb.st_mtime == mktime(&tm), "%s: %s was modified", what, path);
    FILE *f = fopen(path, "rb");
    char buf[256] = {0};
    size_t got = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    CHECK_MSG(got == n && memcmp(buf, bytes, n) == 0, "%s: %s bytes changed", what, path);
    char wal[192];
    snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK_MSG(!exists(wal), "%s: %s appeared", what, wal);
}

/* A 0-byte file, a text file and a half-written SQLite header are not stores: every command
 * refuses them (exit 2) and leaves bytes and modification time as they were. */
TEST_TIMEOUT(store_refuses_files_that_are_not_stores_unchanged, 120)
{
    char dir[64], path[128], out[8192], err[8192];
    static const char *const cmds[] = {
        "patient add --name A --birth 1970-01-01 --sex male",
        "patient list",
        "visit record tests/golden/store/cd-visit1.json --patient 1 --lot L --expiry 2027-01-01",
        "outcome add --patient 1 --scale twstrs --score 3 --date 2026-01-01",
        "history 1 --today 2026-03-01",
        "backup {dir}/copy.db"};
    static const struct {
        const char *name;
        const char *bytes;
        size_t n;
    } files[] = {{"empty.db", "", 0},
                 {"notes.db", "patient notes, not a database\n", 30},
                 {"header.db", "SQLite format 3\0\x10\0\x01\x01", 20}};
    store_test_tmpdir(dir, sizeof dir);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[f].name);
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
            char args[512];
            with_dir(args, sizeof args, cmds[i], dir);
            plant(path, files[f].bytes, files[f].n);
            int rc = store_test_bont(out, sizeof out, err, sizeof err, "%s --db %s", args, path);
            CHECK_MSG(rc == 2, "%s on %s: exit %d, expected 2: %s", args, files[f].name, rc, err);
            CHECK_MSG(strstr(err, "not a bont") != NULL, "%s on %s: %s", args, files[f].name, err);
            check_unchanged(path, files[f].bytes, files[f].n, args);
        }
    }
    store_test_rmdir(dir);
}

/* --db naming a folder, a missing folder or a file the user may not open: the message says
 * which, with the path, and exit 2. */
TEST_TIMEOUT(store_file_errors_say_what_happened, 120)
{
    char dir[64], path[160], out[8192], err[8192];
    store_test_tmpdir(dir, sizeof dir);
    int rc = store_test_bont(out, sizeof out, err, sizeof err, "patient list --db %s", dir);
    CHECK_INT(rc, 2);
    CHECK_MSG(strstr(err, "is a directory") && strstr(err, dir), "%s", err);
    CHECK_MSG(!strstr(err, "disk I/O"), "%s", err);
    rc = store_test_bont(out, sizeof out, err, sizeof err,
                         "patient add --name A --birth 1970-01-01 --sex male --db %s", dir);
    CHECK_INT(rc, 2);
    CHECK_MSG(strstr(err, "is a directory") && strstr(err, dir), "%s", err);
    snprintf(path, sizeof path, "%s/no/such/folder/s.db", dir);
    rc = store_test_bont(out, sizeof out, err, sizeof err,
                         "patient add --name A --birth 1970-01-01 --sex male --db %s", path);
    CHECK_INT(rc, 2);
    CHECK_MSG(strstr(err, "No such file or directory") && strstr(err, path), "%s", err);
    snprintf(path, sizeof path, "%s/no/such/folder", dir);
    CHECK(!exists(path));

    /* Permission denied, as an unprivileged user (the tests may run as root, which is never
     * denied). */
    snprintf(path, sizeof path, "%s/locked", dir);
    CHECK_INT(chmod(dir, 0755), 0);
    CHECK_INT(mkdir(path, 0755), 0);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "setpriv --reuid=65534 --regid=65534 --clear-groups %s patient add --name A "
             "--birth 1970-01-01 --sex male --db %s/s.db",
             bont_test_bin(), path);
    rc = bont_test_run(cmd, out, sizeof out, err, sizeof err);
    if (strstr(err, "setpriv")) {
        printf("    setpriv unavailable, permission case not run: %s\n", err);
    } else {
        CHECK_INT(rc, 2);
        CHECK_MSG(strstr(err, "Permission denied") && strstr(err, path), "%s", err);
    }
    store_test_rmdir(dir);
}

/* `bont backup` killed with SIGKILL at random moments: the target is either absent or a whole
 * copy with every patient; a store command pointed at it never sees a partial or empty store. */
TEST_TIMEOUT(store_backup_killed_leaves_no_partial_store, 300)
{
    char dir[64], path[128], copy[160], out[8192], err[8192];
    bont_error_t e;
    bont_store_t *s = NULL;
    const int rounds = 40, n_patients = 20000;
    int killed = 0, whole = 0, absent = 0, bad = 0;
    store_test_tmpdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/big.db", dir);
    CHECK_INT(store_test_open(&s, path, &e), 0);
    bont_store_patient_t p = store_test_patient("First");
    CHECK_INT(bont_store_patient_add(s, &p, &e), 0);
    bont_store_close(&s);
    /* Enough pages (about 6 MB) that a copy takes a while to write and sync. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE c(x) AS (SELECT 2 UNION ALL SELECT x + 1 FROM c WHERE x < %d) "
             "INSERT INTO patients (name, birth_date, sex, created_at) SELECT 'Patient ' || x "
             "|| ' ' || hex(randomblob(120)), '1980-01-01', 'female', '2026-01-01T00:00:00Z' "
             "FROM c",
             n_patients);
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    /* One backup run to completion sets the window: kills land from before the copy starts
     * to after it ends, whatever the machine's speed. */
    snprintf(copy, sizeof copy, "%s/timing.db", dir);
    double t0 = store_test_now_s();
    CHECK_INT(store_test_bont(out, sizeof out, err, sizeof err, "backup %s --db %s", copy, path),
              0);
    long window_us = (long)((store_test_now_s() - t0) * 1.2e6) + 1000;
    srand((unsigned)time(NULL) ^ (unsigned)getpid());
    for (int round = 0; round < rounds; round++) {
        snprintf(copy, sizeof copy, "%s/copy-%d.db", dir, round);
        pid_t pid = fork();
        if (pid == 0) {
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            execl(bont_test_bin(), "bont", "backup", copy, "--db", path, (char *)NULL);
            _exit(127);
        }
        store_test_sleep_us(rand() % window_us);
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        killed += WIFSIGNALED(status);
        if (!exists(copy)) {
            absent++;
            continue;
        }
        int rc = store_test_bont(out, sizeof out, err, sizeof err, "patient show %d --db %s",
                                 n_patients, copy);
        long long n = store_test_sql_int(copy, "SELECT count(*) FROM patients");
        if (rc != 0 || n != n_patients) {
            bad++;
            printf("    round %d: the copy holds %lld patients (exit %d): %s\n", round, n, rc, err);
        } else
            whole++;
    }
    /* What a killed backup left under its temporary name is never taken for a store that
     * lacks records: refused, or whole. */
    int leftovers = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de = d ? readdir(d) : NULL; de; de = readdir(d)) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] != '.' || !strstr(de->d_name, ".new-") ||
            (len > 8 && strcmp(de->d_name + len - 8, "-journal") == 0))
            continue;
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s/%s", dir, de->d_name);
        int rc = store_test_bont(out, sizeof out, err, sizeof err, "patient show %d --db %s",
                                 n_patients, tmp);
        CHECK_MSG(rc == 2 || (rc == 0 && store_test_sql_int(tmp, "SELECT count(*) FROM patients") ==
                                             n_patients),
                  "leftover %s: exit %d: %s", tmp, rc, err);
        leftovers++;
    }
    if (d)
        closedir(d);
    CHECK_INT(bad, 0);
    CHECK(absent + whole == rounds);
    printf("    backup kills: %d rounds (a backup takes %.0f ms), %d killed, %d copies whole, %d "
           "absent, %d partial, %d temporary files left (none taken for a store)\n",
           rounds, window_us / 1.2e3, killed, whole, absent, bad, leftovers);
    store_test_rmdir(dir);
}
