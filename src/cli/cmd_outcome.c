/* cmd_outcome.c: `bont outcome add` and `bont ae add`: what a treatment did, good and bad. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/store_cli.h"

static void outcome_usage(FILE *f)
{
    fprintf(
        f,
        "usage: bont outcome add (--patient ID | --visit ID) --scale SCALE --score X\n"
        "                        --date YYYY-MM-DD [--note TEXT] [--db FILE] [--format text|json]\n"
        "       bont outcome add --visit ID --wore-off YYYY-MM-DD [--db FILE] [--format ...]\n"
        "SCALE is twstrs (0-85), modified_ashworth (0, 1, 1+, 2, 3, 4), facial_wrinkle_scale\n"
        "(0-3), hdss (1-4), jankovic (0-8), gas (-2..+2), or local:NAME for a clinic's own.\n"
        "--wore-off records the date the visit's effect wore off: it personalises the\n"
        "duration that `bont due` predicts. Prints the outcome id (or the visit id).\n"
        "Dates may not be after today (--today YYYY-MM-DD; default the local date).\n");
}

static void ae_usage(FILE *f)
{
    fprintf(
        f,
        "usage: bont ae add --visit ID --what TEXT --onset-day N --severity mild|moderate|severe\n"
        "                   [--resolved YYYY-MM-DD] [--note TEXT] [--db FILE] [--format "
        "text|json]\n"
        "Records an adverse event after a visit: what it was (e.g. ptosis, dysphagia), the day\n"
        "after the visit it began (0 = same day), its severity and when it resolved.\n"
        "Neither may be after today (--today YYYY-MM-DD; default the local date).\n"
        "Prints the event id.\n");
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static int outcome_add(bont_store_args_t *a, int argc, char **argv)
{
    const char *patient = NULL, *visit = NULL, *scale = NULL, *score = NULL, *date = NULL,
               *note = NULL, *wore_off = NULL, *today = NULL;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = bont_cli_common(a, argc, argv, &i)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--patient", &patient)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--visit", &visit)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--scale", &scale)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--score", &score)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--date", &date)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--note", &note)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--today", &today)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--wore-off", &wore_off)) == 0)
            return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
        if (m < 0)
            return BONT_EXIT_USAGE;
    }
    bont_store_outcome_t o = {0};
    bont_error_t err;
    bont_error_clear(&err);
    o.patient_id = patient ? bont_cli_id(patient) : 0;
    o.visit_id = visit ? bont_cli_id(visit) : 0;
    if ((patient && !o.patient_id) || (visit && !o.visit_id) || (!patient && !visit))
        return bont_cli_usage_error(a, "give --patient ID or --visit ID (positive numbers)");
    if (wore_off) {
        if (!o.visit_id || scale || score)
            return bont_cli_usage_error(a, "--wore-off goes with --visit ID alone");
    } else {
        if (!scale || !score || !date)
            return bont_cli_usage_error(a, "--scale, --score and --date are required");
        int rc = bont_store_score_parse(score, &o.score, &err);
        if (rc != 0)
            return bont_cli_fail(a, rc, &err);
        snprintf(o.scale, sizeof o.scale, "%s", scale);
        snprintf(o.date, sizeof o.date, "%s", date);
        if (strlen(date) >= sizeof o.date)
            return bont_cli_usage_error(a, "--date must be YYYY-MM-DD (got \"%s\")", date);
        snprintf(o.note, sizeof o.note, "%s", note ? note : "");
    }
    bont_store_t *s = NULL;
    int code = bont_cli_store_open_write(a, false, today, &s);
    if (code != 0)
        return code;
    int rc = wore_off ? bont_store_visit_wore_off(s, o.visit_id, wore_off, &err)
                      : bont_store_outcome_add(s, &o, &err);
    if (rc != 0)
        code = bont_cli_fail(a, rc, &err);
    else if (a->json)
        code =
            bont_cli_written(a->command,
                             bont_report_json_write(
                                 stdout, wore_off ? bont_report_wore_off_json(o.visit_id, wore_off)
                                                  : bont_report_outcome_json(&o, true)),
                             code);
    else if (wore_off)
        printf("%lld\n", o.visit_id);
    else
        printf("%lld\n", o.id);
    bont_store_close(&s);
    return code;
}

int bont_cmd_outcome(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {NULL, 0, "outcome add"};
    if (wants_help(argc, argv)) {
        outcome_usage(stdout);
        return BONT_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        outcome_usage(stderr);
        return BONT_EXIT_USAGE;
    }
    return outcome_add(&a, argc - 1, argv + 1);
}

int bont_cmd_ae(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {NULL, 0, "ae add"};
    if (wants_help(argc, argv)) {
        ae_usage(stdout);
        return BONT_EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        ae_usage(stderr);
        return BONT_EXIT_USAGE;
    }
    argc--;
    argv++;
    const char *visit = NULL, *what = NULL, *onset = NULL, *severity = NULL, *resolved = NULL,
               *note = NULL, *today = NULL;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = bont_cli_common(&a, argc, argv, &i)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--visit", &visit)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--what", &what)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--onset-day", &onset)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--severity", &severity)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--resolved", &resolved)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--today", &today)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--note", &note)) == 0)
            return bont_cli_usage_error(&a, "unexpected argument %s", argv[i]);
        if (m < 0)
            return BONT_EXIT_USAGE;
    }
    bont_store_ae_t ae = {0};
    if (!(ae.visit_id = bont_cli_id(visit)) || !what || !onset || !severity)
        return bont_cli_usage_error(&a, "--visit ID, --what, --onset-day and --severity are "
                                        "required");
    char *end = NULL;
    long day = strtol(onset, &end, 10);
    if (!end || *end || end == onset)
        return bont_cli_usage_error(
            &a, "--onset-day must be whole days after the visit (got \"%s\")", onset);
    ae.onset_day = day < -1 ? -1 : day > 100000 ? 100000 : (int)day;
    snprintf(ae.what, sizeof ae.what, "%s", what);
    snprintf(ae.severity, sizeof ae.severity, "%s", severity);
    if (resolved && strlen(resolved) >= sizeof ae.resolved_date)
        return bont_cli_usage_error(&a, "--resolved must be YYYY-MM-DD (got \"%s\")", resolved);
    snprintf(ae.resolved_date, sizeof ae.resolved_date, "%s", resolved ? resolved : "");
    snprintf(ae.note, sizeof ae.note, "%s", note ? note : "");
    bont_store_t *s = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    int code = bont_cli_store_open_write(&a, false, today, &s);
    if (code != 0)
        return code;
    int rc = bont_store_ae_add(s, &ae, &err);
    if (rc != 0)
        code = bont_cli_fail(&a, rc, &err);
    else if (a.json)
        code = bont_cli_written(
            a.command, bont_report_json_write(stdout, bont_report_ae_json(&ae, true)), code);
    else
        printf("%lld\n", ae.id);
    bont_store_close(&s);
    return code;
}
