/* cmd_visit.c: `bont visit record`: check a plan against the patient's stored history and write
 * the visit only when it passes, or as a conscious, reasoned exception. */
#include <stdio.h>
#include <string.h>

#include "bont/plan.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/store_cli.h"

static void usage(FILE *f)
{
    fprintf(
        f, "usage: bont visit record PLAN.json --patient ID --lot LOT --expiry YYYY-MM-DD\n"
           "                         [--reconstituted TIME] [--injected TIME]\n"
           "                         [--override REASON] [--today YYYY-MM-DD] [--db FILE]\n"
           "                         [--format text|json]\n"
           "Runs the full check of the plan with the patient's stored visits as history (minimum\n"
           "interval and cumulative windows across every indication and product), the patient's\n"
           "recorded conditions, medications and allergies, the vial's expiry, and the time since\n"
           "reconstitution against the product's in-use time. TIME is YYYY-MM-DDTHH:MM or HH:MM\n"
           "on the plan's date. --lot, --expiry and --reconstituted may instead be in the plan's\n"
           "vial block (lot, expiry, reconstituted). --injected defaults to now when the plan is "
           "dated today, else\n"
           "to 23:59 of its date. The visit is written (in one transaction) only when no finding\n"
           "is an error; --override REASON records it anyway, with the reason.\n"
           "Prints the visit id. Exit: 0 recorded, 1 refused (nothing written), 2 unusable\n"
           "input, 3 store failure.\n");
}

static int visit_record(const bont_kb_t *kb, bont_store_args_t *a, int argc, char **argv)
{
    const char *plan_path = NULL, *patient = NULL, *today = NULL;
    bont_visit_opts_t o = {0};
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = bont_cli_common(a, argc, argv, &i)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--patient", &patient)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--lot", &o.lot)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--expiry", &o.expiry)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--reconstituted", &o.reconstituted_at)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--injected", &o.injected_at)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--today", &today)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--override", &o.override_reason)) == 0) {
            if ((argv[i][0] == '-' && argv[i][1]) || plan_path)
                return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
            plan_path = argv[i];
            m = 1;
        }
        if (m < 0)
            return BONT_EXIT_USAGE;
    }
    if (!plan_path)
        return bont_cli_usage_error(a, "give the plan file");
    if (!(o.patient_id = bont_cli_id(patient)))
        return bont_cli_usage_error(a, "--patient needs the patient's id (bont patient list)");

    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    bont_store_t *s = NULL;
    bont_visit_result_t *r = NULL;
    int rc = bont_plan_load(kb, plan_path, &plan, &err);
    if (rc != 0) {
        bont_cli_error(&err);
        return rc == BONT_ENOMEM ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
    }
    int code = bont_cli_store_open_write(a, false, today, &s);
    if (code != 0)
        goto cleanup;
    if ((rc = bont_visit_record(s, kb, plan, &o, &r, &err)) != 0) {
        code = bont_cli_fail(a, rc, &err);
        goto cleanup;
    }
    code = r->written ? BONT_EXIT_OK : BONT_EXIT_VIOLATION;
    if (a->json) {
        code = bont_cli_written(
            a->command,
            bont_report_json_write(stdout, bont_report_visit_result_json(r, &o, plan->file)), code);
        goto cleanup;
    }
    /* stdout carries only the id, so `id=$(bont visit record ...)` works; the findings are
     * diagnostics and go to stderr. */
    bont_report_visit_result_text(stderr, r, &o, plan->file);
    if (r->written)
        printf("%lld\n", r->visit_id);
cleanup:
    bont_visit_result_free(&r);
    bont_store_close(&s);
    bont_plan_free(&plan);
    return code;
}

int bont_cmd_visit(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "visit record"};
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        }
    if (argc < 2 || strcmp(argv[1], "record") != 0) {
        fprintf(stderr, "bont visit: the action is record\n");
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    return visit_record(kb, &a, argc - 1, argv + 1);
}
