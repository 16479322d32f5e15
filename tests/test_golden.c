/* test_golden.c: whole outputs as golden files: `bont check` (text and JSON) on every example
 * and `bont simulate --format json` on three, each in tests/golden/{check,simulate}/ with its
 * command, exit code, stdout and stderr. BONT_UPDATE_GOLDEN=1 rewrites them (after a model
 * recalibration, for instance; review the diff before committing). Independent of the goldens,
 * every check text must hold every section, so an update cannot silently drop one. */
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define GOLDEN_DIR   "tests/golden"
#define EXAMPLES_DIR "examples"
#define OUT_SIZE     (1 << 20)

/* The examples simulated into golden files: a face, a neck with several muscles, a gland. */
static const char *const simulated[] = {"glabellar_lines", "cervical_dystonia",
                                        "axillary_hyperhidrosis"};

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(OUT_SIZE);
    size_t n = buf ? fread(buf, 1, OUT_SIZE - 1, f) : 0;
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Runs `bont args` and compares the transcript with GOLDEN_DIR/file (or rewrites it). Returns
 * the command's stdout (caller frees) for further checks. */
static char *golden(const char *file, const char *args, int want_exit)
{
    static char err[1 << 16];
    char cmd[1024], path[512];
    char *out = malloc(OUT_SIZE), *got = malloc(OUT_SIZE + sizeof err + 1024);
    snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
    int rc = bont_test_run(cmd, out, OUT_SIZE, err, sizeof err);
    snprintf(got, OUT_SIZE + sizeof err + 1024, "$ bont %s\nexit %d\n--- stdout\n%s--- stderr\n%s",
             args, rc, out, err);
    CHECK_MSG(rc == want_exit, "`bont %s` exited %d, expected %d", args, rc, want_exit);
    snprintf(path, sizeof path, GOLDEN_DIR "/%s", file);
    if (getenv("BONT_UPDATE_GOLDEN") && *getenv("BONT_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        CHECK_MSG(f != NULL, "cannot write %s", path);
        if (f) {
            fputs(got, f);
            fclose(f);
        }
    } else {
        char *want = slurp(path);
        CHECK_MSG(want != NULL, "%s: missing golden file (run with BONT_UPDATE_GOLDEN=1)", path);
        if (want && strcmp(want, got) != 0) {
            /* Show where it starts to differ, not the whole file. */
            size_t i = 0;
            while (want[i] && want[i] == got[i])
                i++;
            size_t from = i > 200 ? i - 200 : 0;
            bont_test_fail(__FILE__, __LINE__,
                           "%s differs at byte %zu:\n--- want\n%.400s\n--- got\n%.400s", path, i,
                           want + from, got + from);
        }
        free(want);
    }
    free(got);
    return out;
}

/* The example plans, sorted, without ".json"; returns how many (at most max). */
static size_t examples(char names[][64], size_t max)
{
    DIR *d = opendir(EXAMPLES_DIR);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < max) {
        size_t len = strlen(e->d_name);
        if (len > 5 && len < 64 && !strcmp(e->d_name + len - 5, ".json")) {
            snprintf(names[n], 64, "%.*s", (int)(len - 5), e->d_name);
            n++;
        }
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Every section of the check text, in order; Sources when the findings cite any. */
static void check_sections(const char *name, const char *text, bool cites)
{
    static const char *const sections[] = {"Plan        ",
                                           "\nDate        ",
                                           "\nIndication  ",
                                           "\nProduct     ",
                                           "\nLabel       ",
                                           "\nPatient     ",
                                           "\n  Muscle ",
                                           "\n  total ",
                                           "\nFindings\n",
                                           "\nSide-effect risk\n",
                                           "\nAdverse reactions\n",
                                           "\nVerdict: ",
                                           "\nbont is decision support"};
    const char *at = text;
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        const char *hit = strstr(at, sections[i]);
        CHECK_MSG(hit != NULL, "check %s: section \"%s\" missing or out of order", name,
                  sections[i]);
        if (hit)
            at = hit;
    }
    const char *sources = strstr(text, "\nSources\n  [");
    CHECK_MSG(!cites || sources != NULL, "check %s: the findings cite sources, none listed", name);
    CHECK_MSG(!sources || (sources > strstr(text, "\nAdverse reactions\n") &&
                           sources < strstr(text, "\nVerdict: ")),
              "check %s: Sources out of place", name);
}

TEST_TIMEOUT(golden_check_every_example, 600)
{
    char names[64][64];
    size_t n = examples(names, 64);
    CHECK(n >= 20);
    for (size_t i = 0; i < n; i++) {
        char file[128], args[256];
        /* JSON first: it says whether the plan breaks a rule (exit 1) and what it cites. */
        json_t *verdict = NULL;
        snprintf(args, sizeof args, "check " EXAMPLES_DIR "/%s.json --format json", names[i]);
        char cmd[512], out1[1 << 16], err1[4096];
        snprintf(cmd, sizeof cmd, "%s %s", bont_test_bin(), args);
        int code = bont_test_run(cmd, out1, sizeof out1, err1, sizeof err1);
        CHECK_MSG(code == 0 || code == 1, "check %s exited %d", names[i], code);
        snprintf(file, sizeof file, "check/%s-json.out", names[i]);
        char *out = golden(file, args, code);
        json_error_t je;
        json_t *j = json_loads(out, 0, &je);
        CHECK_MSG(j != NULL, "check %s --format json: not JSON: %s", names[i], je.text);
        static const char *const keys[] = {"verdict",  "plan",  "counts",
                                           "findings", "risks", "sources"};
        for (size_t k = 0; j && k < sizeof keys / sizeof keys[0]; k++)
            CHECK_MSG(json_object_get(j, keys[k]) != NULL, "check %s: no \"%s\"", names[i],
                      keys[k]);
        bool cites = json_object_size(json_object_get(j, "sources")) > 0;
        verdict = json_object_get(j, "verdict");
        CHECK_STR(json_string_value(verdict), code ? "violations" : "ok");
        json_decref(j);
        free(out);

        snprintf(file, sizeof file, "check/%s.out", names[i]);
        snprintf(args, sizeof args, "check " EXAMPLES_DIR "/%s.json", names[i]);
        out = golden(file, args, code);
        check_sections(names[i], out, cites);
        free(out);
    }
}

TEST_TIMEOUT(golden_simulate_json, 300)
{
    for (size_t i = 0; i < sizeof simulated / sizeof simulated[0]; i++) {
        char file[128], args[256];
        snprintf(file, sizeof file, "simulate/%s.out", simulated[i]);
        snprintf(args, sizeof args, "simulate " EXAMPLES_DIR "/%s.json --format json",
                 simulated[i]);
        char *out = golden(file, args, 0);
        json_error_t je;
        json_t *j = json_loads(out, 0, &je);
        CHECK_MSG(j != NULL, "%s: not JSON: %s", args, je.text);
        json_decref(j);
        free(out);
    }
}
