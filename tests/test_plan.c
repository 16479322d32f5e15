/* test_plan.c: plan parsing: dates, positions in errors, dilution and volumes, the size limit
 * of input, and allocation failure. */
#include <jansson.h>
#include <sanitizer/lsan_interface.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bont/check.h"
#include "bont/plan.h"
#include "plan/jsonpos.h"
#include "test.h"
#include "util/file.h"

TEST(plan_dates_round_trip)
{
    long d = 0;
    CHECK_INT(bont_date_parse("1970-01-01", &d), 0);
    CHECK_INT(d, 0);
    CHECK_INT(bont_date_parse("2026-11-21", &d), 0);
    char buf[11];
    bont_date_format(d, buf);
    CHECK_STR(buf, "2026-11-21");
    long a, b;
    bont_date_parse("2024-02-28", &a);
    bont_date_parse("2024-03-01", &b);
    CHECK_INT(b - a, 2); /* 2024 is a leap year */
    CHECK(bont_date_parse("2023-02-29", &d) != 0);
    CHECK(bont_date_parse("2026-13-01", &d) != 0);
    CHECK(bont_date_parse("2026-1-01", &d) != 0);
    CHECK(bont_date_parse("21/11/2026", &d) != 0);
    for (long k = -1000; k < 80000; k += 37) {
        bont_date_format(k, buf);
        CHECK_INT(bont_date_parse(buf, &d), 0);
        CHECK_INT(d, k);
    }
}

TEST(plan_date_times)
{
    long day = 0;
    long long minute = 0;
    int has_time = -1;
    CHECK_INT(bont_datetime_parse("2026-11-21T08:30", &day, &minute, &has_time), 0);
    long d0 = 0;
    bont_date_parse("2026-11-21", &d0);
    CHECK_INT(day, d0);
    CHECK_INT(minute, (long long)d0 * 1440 + 8 * 60 + 30);
    CHECK_INT(has_time, 1);
    CHECK_INT(bont_datetime_parse("2026-11-21 23:59", &day, &minute, &has_time), 0);
    CHECK_INT(bont_datetime_parse("2026-11-21", &day, &minute, &has_time), 0);
    CHECK_INT(has_time, 0);
    CHECK_INT(minute, (long long)d0 * 1440);
    static const char *const bad[] = {
        "2026-11-21T24:00", "2026-11-21T08:60", "2026-11-21T 8:30",  "2026-11-21T08:3",
        "2026-11-21X08:30", "2026-02-30T08:00", "2026-11-21T08:30Z", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(bont_datetime_parse(bad[i], &day, &minute, &has_time) == BONT_EPARSE,
                  "\"%s\" was accepted", bad[i]);
}

TEST(plan_json_positions)
{
    const char *t = "{\n  \"a\": 1,\n  \"list\": [\n    {\"x\": \"é\", \"y\": 2}\n  ]\n}";
    int line, col;
    CHECK_INT(bont__json_position(t, strlen(t), "list[0].y", &line, &col), 0);
    CHECK_INT(line, 4);
    CHECK_INT(col, 21); /* characters, not bytes: é counts once */
    CHECK_INT(bont__json_position(t, strlen(t), "a", &line, &col), 0);
    CHECK_INT(line, 2);
    CHECK_INT(col, 8);
    CHECK_INT(bont__json_position(t, strlen(t), "list[3]", &line, &col), -1);
    CHECK_INT(line, 3); /* the enclosing list */
    /* Every element of a list in one pass. */
    const char *u = "{\"list\": [1,\n {\"a\": [2, 3]},\n  \"x]\" , 4]}";
    int lines[5] = {0}, cols[5] = {0};
    CHECK_INT(bont__json_element_positions(u, strlen(u), "list", 5, lines, cols), 4);
    CHECK_INT(lines[0], 1);
    CHECK_INT(cols[0], 11);
    CHECK_INT(lines[1], 2);
    CHECK_INT(cols[1], 2);
    CHECK_INT(lines[2], 3);
    CHECK_INT(cols[2], 3);
    CHECK_INT(lines[3], 3);
    CHECK_INT(cols[3], 10);
    CHECK_INT(bont__json_element_positions(u, strlen(u), "nope", 5, lines, cols), -1);
}

TEST(plan_volumes_from_dilution)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    bont_plan_t *plan = NULL;
    CHECK_INT(bont_plan_load(kb, "examples/glabellar_lines.json", &plan, &err), 0);
    if (plan) {
        CHECK_REL(bont_plan_units_per_ml(plan), 40.0, 1e-12);
        CHECK_INT(plan->n_injections, 3);
        CHECK_REL(plan->injections[1].volume_ml, 0.2, 1e-12);
        CHECK_INT(plan->injections[1].side, BONT_SIDE_LEFT);
        CHECK_INT(plan->injections[1].sites, 2);
        CHECK_INT(plan->injections[1].guidance, BONT_GUIDE_PALPATION);
        CHECK_STR(plan->indication->id, "glabellar_lines");
        CHECK_INT(plan->n_history, 1);
    }
    bont_plan_free(&plan);
    CHECK(plan == NULL);
    /* A ready-made solution (type B) needs no diluent; its volume comes from the vial. */
    CHECK_INT(bont_plan_load(kb, "examples/cervical_dystonia_rima.json", &plan, &err), 0);
    if (plan)
        CHECK_REL(bont_plan_units_per_ml(plan), 5000.0, 1e-12);
    bont_plan_free(&plan);
    bont_kb_free(&kb);
}

TEST(plan_reads_stdin_and_reports_missing_file)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    bont_plan_t *plan = NULL;
    bont_error_clear(&err);
    CHECK_INT(bont_plan_load(kb, "/nonexistent/plan.json", &plan, &err), BONT_EIO);
    CHECK(strstr(err.file, "/nonexistent/plan.json") != NULL);
    bont_kb_free(&kb);
}

/* ---- bounded input (docs/plan-format.md, "Size") ------------------------------------------- */

/* The release binary when the run names one (make test sets BONT_REL), for what sanitizers
 * would distort (memory). */
static const char *rel_bin(void)
{
    const char *b = getenv("BONT_REL");
    return (b && *b) ? b : "build/bont";
}

TEST_TIMEOUT(plan_endless_input_is_refused_with_the_limit, 60)
{
    char cmd[1024], out[4096], err[4096];
    const char *bin = bont_test_bin();
    /* An endless file, an endless pipe, a FIFO whose writer never stops. */
    snprintf(cmd, sizeof cmd, "%s check /dev/zero", bin);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
    CHECK_MSG(strstr(err, "4 MiB") != NULL, "stderr: %s", err);
    snprintf(cmd, sizeof cmd, "yes '{' | %s check -", bin);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
    CHECK_MSG(strstr(err, "<stdin>") && strstr(err, "4 MiB"), "stderr: %s", err);
    char dir[] = "/tmp/bont-fifo-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof cmd,
             "mkfifo %s/plan && { yes ' ' > %s/plan 2>/dev/null & } && %s check %s/plan; rc=$?; "
             "rm -rf %s; exit $rc",
             dir, dir, bin, dir, dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
    CHECK_MSG(strstr(err, "4 MiB") != NULL, "stderr: %s", err);
}

/* One byte over the limit is refused, the limit itself is not, from a file or a pipe. */
TEST_TIMEOUT(plan_size_limit_is_exact, 60)
{
    char dir[] = "/tmp/bont-size-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cmd[2048], out[8192], err[4096];
    /* A valid plan padded with spaces to exactly 4 MiB, and the same with one more space. */
    snprintf(
        cmd, sizeof cmd,
        "f=%s/plan.json; cp tests/check/ok_glabellar.json $f && "
        "truncate -s %zu $f.pad && tr '\\0' ' ' < $f.pad | head -c $((%zu - $(stat -c %%s $f))) "
        ">> $f && rm $f.pad && cp $f %s/big.json && printf ' ' >> %s/big.json && stat -c %%s "
        "$f %s/big.json",
        dir, BONT_PLAN_MAX_BYTES, BONT_PLAN_MAX_BYTES, dir, dir, dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    CHECK_MSG(strstr(out, "4194304\n4194305") != NULL, "sizes: %s %s", out, err);
    const char *bin = bont_test_bin();
    snprintf(cmd, sizeof cmd, "%s check %s/plan.json", bin, dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    snprintf(cmd, sizeof cmd, "cat %s/plan.json | %s check -", dir, bin);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 0);
    snprintf(cmd, sizeof cmd, "%s check %s/big.json", bin, dir);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
    CHECK_MSG(strstr(err, "big.json") && strstr(err, "larger than 4 MiB"), "stderr: %s", err);
    snprintf(cmd, sizeof cmd, "cat %s/big.json | %s check -", dir, bin);
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
    CHECK_MSG(strstr(err, "larger than 4 MiB") != NULL, "stderr: %s", err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK_INT(system(cmd), 0);
}

/* Reading /dev/zero holds no more than the limit (the release binary: ASan's shadow memory
 * would hide it). The first command of its own test, so the children's peak is its own. */
TEST_TIMEOUT(plan_endless_input_memory_stays_bounded, 60)
{
    char cmd[512], out[256], err[1024];
    snprintf(cmd, sizeof cmd, "exec %s check /dev/zero", rel_bin());
    CHECK_INT(bont_test_run(cmd, out, sizeof out, err, sizeof err), 2);
    struct rusage ru;
    CHECK_INT(getrusage(RUSAGE_CHILDREN, &ru), 0);
    /* The knowledge base and the program take about 5 MB, the input 4 MiB at most. */
    CHECK_MSG(ru.ru_maxrss < 32 * 1024, "peak memory %ld KiB reading /dev/zero", ru.ru_maxrss);
}

TEST(plan_parse_refuses_text_over_the_limit)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    size_t len = BONT_PLAN_MAX_BYTES + 1;
    char *text = malloc(len);
    CHECK(text != NULL);
    if (text && kb) {
        memset(text, ' ', len);
        bont_plan_t *plan = NULL;
        bont_error_clear(&err);
        CHECK_INT(bont_plan_parse(kb, text, len, "big.json", &plan, &err), BONT_ETOOBIG);
        CHECK(plan == NULL);
        CHECK_STR(err.file, "big.json");
        CHECK_MSG(strstr(err.message, "4 MiB") != NULL, "message: %s", err.message);
        /* The limit itself is parsed (and found to be no plan). */
        CHECK_INT(bont_plan_parse(kb, text, len - 1, "big.json", &plan, &err), BONT_EPARSE);
    }
    free(text);
    bont_kb_free(&kb);
}

/* A file that cannot be read says why, not "input/output error". */
TEST(plan_unreadable_file_says_why)
{
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    bont_plan_t *plan = NULL;
    char msg[1400];
    bont_error_clear(&err);
    CHECK_INT(bont_plan_load(kb, "/nonexistent/plan.json", &plan, &err), BONT_EIO);
    bont_error_format(&err, msg, sizeof msg);
    CHECK_MSG(strstr(msg, "/nonexistent/plan.json") && strstr(msg, "no such file"), "%s", msg);
    bont_error_clear(&err);
    CHECK_INT(bont_plan_load(kb, "examples", &plan, &err), BONT_EIO);
    bont_error_format(&err, msg, sizeof msg);
    CHECK_MSG(strstr(msg, "examples") && strstr(msg, "folder"), "%s", msg);
    bont_kb_free(&kb);
}

/* ---- allocation failure --------------------------------------------------------------------- */

/* Reading stops at a failed allocation with BONT_ENOMEM, whichever growth step fails, even on an
 * endless input. */
TEST(plan_read_stops_when_memory_runs_out)
{
    for (long n = 1; n <= 10; n++) {
        char *text = NULL;
        size_t len = 0;
        bont_error_t err;
        bont_error_clear(&err);
        bont_test_fail_alloc(n);
        int rc = bont__read_file("/dev/zero", BONT_PLAN_MAX_BYTES, &text, &len, &err);
        int failed = bont_test_alloc_failed();
        bont_test_fail_alloc(0);
        CHECK(text == NULL);
        CHECK_INT(rc, failed ? BONT_ENOMEM : BONT_ETOOBIG);
        if (failed)
            CHECK_MSG(strstr(err.message, "out of memory") != NULL, "%s", err.message);
        if (!failed)
            break;
    }
}

/* As SQLite's malloc tests: parse (and check) a real plan with allocation 1, 2, 3, ... failing,
 * until a run needs no more; every failure must end in BONT_ENOMEM and no plan, never a crash or
 * a leak. jansson's allocations count too. */
TEST_TIMEOUT(plan_parse_survives_every_allocation_failure, 300)
{
    json_set_alloc_funcs(bont_test_malloc, free); /* before the library's first parse */
    bont_kb_t *kb = NULL;
    bont_error_t err;
    CHECK_INT(bont_kb_load(&kb, &err), 0);
    char *text = NULL;
    size_t len = 0;
    CHECK_INT(
        bont__read_file("examples/cervical_dystonia.json", BONT_PLAN_MAX_BYTES, &text, &len, NULL),
        0);
    if (!kb || !text)
        return;
    long n = 1, parse_allocs = 0;
    for (; n < 100000; n++) {
        bont_plan_t *plan = NULL;
        bont_check_t *chk = NULL;
        bont_error_clear(&err);
        bont_test_fail_alloc(n);
        int rc = bont_plan_parse(kb, text, len, "plan.json", &plan, &err);
        int parse_failed = bont_test_alloc_failed();
        if (rc == 0)
            rc = bont_check_run(kb, plan, NULL, &chk, &err);
        int failed = bont_test_alloc_failed();
        bont_test_fail_alloc(0);
        if (!failed) {
            CHECK_INT(rc, 0);
            bont_check_free(&chk);
            bont_plan_free(&plan);
            break;
        }
        if (parse_failed) {
            parse_allocs = n;
            CHECK_MSG(plan == NULL, "allocation %ld failed: a plan was handed out", n);
        }
        CHECK_MSG(rc == BONT_ENOMEM, "allocation %ld failed: rc %d (%s: %s)", n, rc,
                  bont_strerror(rc), err.message);
        CHECK(chk == NULL);
        bont_check_free(&chk);
        bont_plan_free(&plan);
    }
    printf("    %ld allocations in the parse, %ld with the check; each failed once, each gave "
           "BONT_ENOMEM\n",
           parse_allocs, n - 1);
    CHECK_MSG(parse_allocs > 50, "only %ld allocations in the parse", parse_allocs);
    CHECK_MSG(n > parse_allocs, "the check itself allocated nothing (%ld)", n);
    CHECK_MSG(__lsan_do_recoverable_leak_check() == 0, "memory leaked under allocation failure");
    free(text);
    bont_kb_free(&kb);
}
