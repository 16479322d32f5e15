/* cmd_history.c: reading the records back: `bont history ID`, `bont recall LOT`, `bont due`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/store_cli.h"

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return 1;
    return 0;
}

static void today_local(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Parses the options of a command whose only positional argument is one value. */
static int one_positional(bont_store_args_t *a, int argc, char **argv, const char **value,
                          const char *extra, const char **extra_value, const char *extra2,
                          const char **extra2_value)
{
    for (int i = 1; i < argc; i++) {
        int m = bont_cli_common(a, argc, argv, &i);
        if (m == 0 && extra)
            m = bont_cli_opt(argc, argv, &i, extra, extra_value);
        if (m == 0 && extra2)
            m = bont_cli_opt(argc, argv, &i, extra2, extra2_value);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0 && (argv[i][0] == '-' || *value))
            return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
        if (m == 0)
            *value = argv[i];
    }
    return 0;
}

static int history(const bont_kb_t *kb, bont_store_args_t *a, int argc, char **argv)
{
    const char *id_text = NULL, *today_opt = NULL;
    int code = one_positional(a, argc, argv, &id_text, "--today", &today_opt, NULL, NULL);
    if (code != 0)
        return code;
    long long id = bont_cli_id(id_text);
    if (!id)
        return bont_cli_usage_error(a, "give the patient's id (a number), e.g. bont history 3");
    char today[11];
    if (today_opt)
        snprintf(today, sizeof today, "%s", today_opt);
    else
        today_local(today);
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    bont_duration_prior_t prior;
    bont_due_t pred;
    bont_error_t err;
    bont_error_clear(&err);
    if ((code = bont_cli_store_open(a, &s)) != 0)
        return code;
    bont_duration_model_ctx_t mctx = {.kb = kb, .model = bont_model_bont};
    int rc = bont_store_record_load(s, id, &rec, &err);
    if (rc == 0)
        rc = bont_duration_prior_load(&prior, &err);
    if (rc == 0)
        rc = bont_params_load(&mctx.params, &err);
    int have_pred = 0;
    if (rc == 0 && rec->n_visits) {
        rc = bont_store_predict(rec, bont_duration_model_or_table, &mctx, &prior, today, &pred,
                                &err);
        have_pred = rc == 0;
    }
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else {
        const bont_due_t *p = have_pred ? &pred : NULL;
        rc = a->json ? bont_report_json_write(stdout, bont_report_history_json(rec, p))
                     : bont_report_history_text(stdout, rec, p);
        code = bont_cli_written(a->command, rc, code);
    }
    bont_store_record_free(&rec);
    bont_store_close(&s);
    return code;
}

static int recall(bont_store_args_t *a, int argc, char **argv)
{
    const char *lot = NULL;
    int code = one_positional(a, argc, argv, &lot, NULL, NULL, NULL, NULL);
    if (code != 0)
        return code;
    if (!lot || !*lot)
        return bont_cli_usage_error(a, "give the lot number, e.g. bont recall C3518AB");
    bont_store_t *s = NULL;
    bont_store_recall_t *r = NULL;
    size_t n = 0;
    bont_error_t err;
    bont_error_clear(&err);
    if ((code = bont_cli_store_open(a, &s)) != 0)
        return code;
    int rc = bont_store_recall(s, lot, &r, &n, &err);
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else {
        rc = a->json ? bont_report_json_write(stdout, bont_report_recall_json(lot, r, n))
                     : bont_report_recall_text(stdout, lot, r, n);
        code = bont_cli_written(a->command, rc, code);
    }
    free(r);
    bont_store_close(&s);
    return code;
}

static int due(const bont_kb_t *kb, bont_store_args_t *a, int argc, char **argv)
{
    const char *within_opt = NULL, *today_opt = NULL, *none = NULL;
    int code = one_positional(a, argc, argv, &none, "--within", &within_opt, "--today", &today_opt);
    if (code != 0)
        return code;
    if (none)
        return bont_cli_usage_error(a, "unexpected argument %s", none);
    long within = 14;
    if (within_opt) {
        char *end = NULL;
        within = strtol(within_opt, &end, 10);
        if (!end || *end || end == within_opt || within < 0 || within > 3650)
            return bont_cli_usage_error(a, "--within must be days, 0 to 3650 (got \"%s\")",
                                        within_opt);
    }
    char today[11];
    if (today_opt)
        snprintf(today, sizeof today, "%s", today_opt);
    else
        today_local(today);
    bont_store_t *s = NULL;
    bont_due_t *list = NULL;
    size_t n = 0;
    bont_duration_prior_t prior;
    bont_error_t err;
    bont_error_clear(&err);
    if ((code = bont_cli_store_open(a, &s)) != 0)
        return code;
    bont_duration_model_ctx_t mctx = {.kb = kb, .model = bont_model_bont};
    int rc = bont_duration_prior_load(&prior, &err);
    if (rc == 0)
        rc = bont_params_load(&mctx.params, &err);
    if (rc == 0)
        rc = bont_store_due(s, bont_duration_model_or_table, &mctx, &prior, today, (int)within,
                            &list, &n, &err);
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else {
        rc = a->json
                 ? bont_report_json_write(stdout, bont_report_due_json(today, (int)within, list, n))
                 : bont_report_due_text(stdout, today, (int)within, list, n);
        code = bont_cli_written(a->command, rc, code);
    }
    free(list);
    bont_store_close(&s);
    return code;
}

int bont_cmd_history(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "history"};
    if (wants_help(argc, argv)) {
        printf("usage: bont history ID [--today YYYY-MM-DD] [--db FILE] [--format text|json]\n"
               "The patient's timeline: visits with the dose in each muscle, outcomes, adverse\n"
               "events, wear-off dates, and the predicted wear-off of the last visit.\n");
        return BONT_EXIT_OK;
    }
    return history(kb, &a, argc, argv);
}

int bont_cmd_recall(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {NULL, 0, "recall"};
    if (wants_help(argc, argv)) {
        printf("usage: bont recall LOT [--db FILE] [--format text|json]\n"
               "Every patient and visit that received the lot (case is ignored).\n");
        return BONT_EXIT_OK;
    }
    return recall(&a, argc, argv);
}

int bont_cmd_due(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "due"};
    if (wants_help(argc, argv)) {
        printf("usage: bont due [--within DAYS] [--today YYYY-MM-DD] [--db FILE] [--format "
               "text|json]\n"
               "Patients whose last treatment is predicted to wear off within DAYS (default 14)\n"
               "of today, soonest first. The prediction is the population duration for the\n"
               "indication times the patient's personal factor, learnt from their recorded\n"
               "wear-off dates (bont outcome add --visit ID --wore-off DATE; docs/store.md).\n");
        return BONT_EXIT_OK;
    }
    return due(kb, &a, argc, argv);
}
