/* cmd_handout.c: `bont handout PLAN [--format html|text|json] [--out FILE] [--patients N]
 * [--clinic NAME --phone P] [--force]`: a printable sheet for the patient, in the chosen
 * language, from the plan, its check and the model's virtual patients. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/content.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/store_cli.h"

#define HANDOUT_PATIENTS 500
#define HANDOUT_DAYS     240

static void usage(FILE *f)
{
    fputs(
        _("usage: bont handout PLAN.json [--lang en|zh|ko] [--format html|text|json]\n"
          "                    [--out FILE] [--patients N] [--clinic NAME] [--phone P]\n"
          "                    [--force]\n"
          "A printable A4 sheet for the patient in their language: the warning signs that\n"
          "need urgent care, what the treatment is for, the plan in plain words, what to\n"
          "expect from the model's virtual patients for this plan (with a timeline), the\n"
          "aftercare with its sources, the common side effects as natural frequencies, and\n"
          "the clinic's name and phone.\n"
          "  --format F     html (default), text or json (the facts)\n"
          "  --out FILE     write the handout to FILE instead of standard output\n"
          "  --patients N   virtual patients behind the timings, 50..100000 (default 500)\n"
          "  --clinic NAME, --phone P  the clinic on the sheet; without them the file named\n"
          "                 by BONT_CLINIC, else $XDG_CONFIG_HOME/bont/clinic.json (or\n"
          "                 ~/.config/bont/clinic.json): {\"name\": \"...\", \"phone\": \"...\"}\n"
          "  --force        make the sheet even when the plan breaks a rule (it says so at\n"
          "                 the top)\n"
          "Exit: 0 written, 1 the plan breaks a rule (no sheet without --force), 2 unusable\n"
          "input.\n"),
        f);
}

typedef struct handout_args_t {
    const char *plan;
    int format; /* 0 html, 1 text, 2 json */
    const char *out;
    unsigned long long patients;
    const char *clinic, *phone;
    bool force;
} handout_args_t;

static int parse_patients(const char *s, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = s && *s != '-' ? strtoull(s, &end, 10) : 0;
    if (!s || !*s || *s == '-' || *end || errno || v < 50 || v > 100000) {
        fprintf(stderr,
                _("bont handout: --patients must be a whole number from 50 to 100000 "
                  "(got \"%s\")\n"),
                s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

/* 1 taken, 0 not this option, -1 bad. */
static int one_option(handout_args_t *a, int argc, char **argv, int *i)
{
    static const char *const formats[] = {"html", "text", "json", NULL};
    const char *v = NULL;
    int m;
    if (!strcmp(argv[*i], "--force")) {
        a->force = true;
        return 1;
    }
    if ((m = bont_cli_opt(argc, argv, i, "--format", &v)) != 0)
        return m < 0 ? -1 : bont_cli_format(v, formats, &a->format) ? -1 : 1;
    if ((m = bont_cli_opt(argc, argv, i, "--patients", &v)) != 0)
        return m < 0 ? -1 : parse_patients(v, &a->patients) ? -1 : 1;
    if ((m = bont_cli_opt(argc, argv, i, "--out", &a->out)) != 0)
        return m;
    if ((m = bont_cli_opt(argc, argv, i, "--clinic", &a->clinic)) != 0)
        return m;
    return bont_cli_opt(argc, argv, i, "--phone", &a->phone);
}

/* Returns -1 for help (exit 0), 0 to go on, or an exit code. */
static int parse_args(handout_args_t *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        }
        int m = argv[i][0] == '-' && argv[i][1] ? one_option(a, argc, argv, &i) : 0;
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 1)
            continue;
        if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, _("bont handout: unknown option %s\n"), argv[i]);
            usage(stderr);
            return BONT_EXIT_USAGE;
        }
        if (a->plan) {
            fprintf(stderr, _("bont handout: one plan at a time (got %s and %s)\n"), a->plan,
                    argv[i]);
            return BONT_EXIT_USAGE;
        }
        a->plan = argv[i];
    }
    if (!a->plan) {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    return 0;
}

/* The clinic's name and phone from a config file when the options do not give them: BONT_CLINIC,
 * else $XDG_CONFIG_HOME/bont/clinic.json, else ~/.config/bont/clinic.json. A missing default
 * file is no error; a named file that cannot be read, or bad JSON, is. The strings are kept in
 * *doc. */
static int clinic_config(handout_args_t *a, json_t **doc)
{
    char path[4096] = "";
    const char *named = getenv("BONT_CLINIC"), *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (a->clinic && a->phone)
        return 0;
    if (named && *named)
        snprintf(path, sizeof path, "%s", named);
    else if (xdg && *xdg)
        snprintf(path, sizeof path, "%s/bont/clinic.json", xdg);
    else if (home && *home)
        snprintf(path, sizeof path, "%s/.config/bont/clinic.json", home);
    FILE *f = path[0] ? fopen(path, "r") : NULL;
    if (!f)
        return named && *named
                   ? (fprintf(stderr, _("bont handout: cannot read %s\n"), path), BONT_EXIT_USAGE)
                   : 0;
    json_error_t jerr;
    *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!json_is_object(*doc)) {
        fprintf(stderr, _("bont handout: %s:%d: expected {\"name\": ..., \"phone\": ...}\n"), path,
                jerr.line);
        return BONT_EXIT_USAGE;
    }
    if (!a->clinic)
        a->clinic = json_string_value(json_object_get(*doc, "name"));
    if (!a->phone)
        a->phone = json_string_value(json_object_get(*doc, "phone"));
    return 0;
}

/* The plan breaks a rule: said in the patient's language, with the findings, on stderr. */
static int refuse(const bont_check_t *chk)
{
    fputs(_("bont handout: the plan breaks a rule, so no handout is made (--force makes it "
            "anyway, with a warning at the top):\n"),
          stderr);
    bont_report_findings_text(stderr, chk->findings, chk->n_findings);
    return BONT_EXIT_VIOLATION;
}

static int write_handout(const handout_args_t *a, const bont_handout_t *h)
{
    FILE *f = a->out ? bont_cli_create("handout", a->out) : stdout;
    if (!f)
        return BONT_EXIT_INTERNAL;
    int rc = a->format == 1   ? bont_report_handout_text(f, h)
             : a->format == 2 ? bont_report_json_write(f, bont_report_handout_json(h))
                              : bont_report_handout_html(f, h);
    return a->out ? bont_cli_finish("handout", f, a->out, rc) : bont_cli_written("handout", rc, 0);
}

/* The virtual patients for the plan, with spread (for its side-effect risks). */
static int run_population(const bont_kb_t *kb, const bont_plan_t *plan, size_t n,
                          bont_spread_t **sp, bont_pop_t **pop, bont_error_t *err)
{
    int rc = bont_spread_load(sp, err);
    bont_pop_opts_t opts = {.n_patients = n, .seed = 1, .days = HANDOUT_DAYS, .spread = *sp};
    return rc ? rc : bont_pop_run(kb, plan, &opts, pop, err);
}

int bont_cmd_handout(const bont_kb_t *kb, int argc, char **argv)
{
    handout_args_t a = {.patients = HANDOUT_PATIENTS};
    int code = parse_args(&a, argc, argv);
    if (code)
        return code < 0 ? BONT_EXIT_OK : code;
    json_t *clinic_doc = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    bont_check_t *chk = NULL;
    bont_content_t *content = NULL;
    bont_spread_t *sp = NULL;
    bont_pop_t *pop = NULL;
    if ((code = clinic_config(&a, &clinic_doc)) != 0)
        goto cleanup;
    const char *dir = getenv("BONT_KB_DIR");
    int rc = bont_content_load(&content, dir && *dir ? dir : NULL, &err);
    if (rc == 0)
        rc = bont_plan_load(kb, a.plan, &plan, &err);
    if (rc == 0)
        rc = bont_check_run(kb, plan, NULL, &chk, &err);
    if (rc == 0 && chk->n_errors && !a.force) {
        code = refuse(chk);
        goto cleanup;
    }
    if (rc == 0)
        rc = run_population(kb, plan, a.patients, &sp, &pop, &err);
    if (rc) {
        bont_cli_error(&err);
        code = rc == BONT_ENOMEM || rc == BONT_EKB ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
        goto cleanup;
    }
    bont_handout_t h = {.kb = kb,
                        .content = content,
                        .plan = plan,
                        .check = chk,
                        .pop = pop,
                        .clinic = a.clinic,
                        .phone = a.phone};
    code = write_handout(&a, &h);
cleanup:
    bont_pop_free(&pop);
    bont_spread_free(&sp);
    bont_check_free(&chk);
    bont_plan_free(&plan);
    bont_content_free(&content);
    json_decref(clinic_doc);
    return code;
}
