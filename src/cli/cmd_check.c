/* cmd_check.c: `bont check PLAN [--format text|json] [--jurisdiction J] [--all-reactions]`. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/check.h"
#include "bont/plan.h"
#include "bont/spread.h"
#include "cli/commands.h"
#include "cli/output.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont check PLAN.json [--format text|json] [--jurisdiction J] "
               "[--all-reactions]\n"
               "Checks a plan against label limits per site, muscle, limb, session, kg and time\n"
               "window, the minimum interval, age, guidance, dilution, excipients and other\n"
               "contraindications and the plan's history, and shows the side-effect risk of the\n"
               "structures the injections reach (docs/model.md, Side-effect risk) and the\n"
               "adverse reactions the label tables report; neither changes the exit code.\n"
               "--jurisdiction us|eu|uk|ca|sa|kr|cn: whose label to apply (default: the plan's\n"
               "\"jurisdiction\", else us; docs/knowledge-base.md). --all-reactions lists every\n"
               "adverse reaction held, not only those of 2 %% or more.\n"
               "PLAN may be - for standard input. Exit: 0 no error-level finding, 1 the plan\n"
               "breaks a rule, 2 unusable input.\n");
}

int bont_cmd_check(const bont_kb_t *kb, int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", NULL};
    int format = 0;
    const char *path = NULL;
    bont_check_opts_t opts = {0};
    bool all_reactions = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (bont_cli_format(argv[++i], formats, &format))
                return BONT_EXIT_USAGE;
        } else if (!strncmp(argv[i], "--format=", 9)) {
            if (bont_cli_format(argv[i] + 9, formats, &format))
                return BONT_EXIT_USAGE;
        } else if (!strcmp(argv[i], "--jurisdiction") && i + 1 < argc) {
            opts.jurisdiction = argv[++i];
        } else if (!strncmp(argv[i], "--jurisdiction=", 15)) {
            opts.jurisdiction = argv[i] + 15;
        } else if (!strcmp(argv[i], "--all-reactions")) {
            all_reactions = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "bont check: unknown option %s\n", argv[i]);
            usage(stderr);
            return BONT_EXIT_USAGE;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "bont check: one plan at a time (got %s and %s)\n", path, argv[i]);
            return BONT_EXIT_USAGE;
        }
    }
    if (!path) {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    bont_error_t err;
    bont_error_clear(&err);
    bont_plan_t *plan = NULL;
    bont_check_t *chk = NULL;
    int rc = bont_plan_load(kb, path, &plan, &err);
    if (!rc)
        rc = bont_check_run(kb, plan, &opts, &chk, &err);
    if (rc) {
        bont_cli_error(&err);
        bont_plan_free(&plan);
        return rc == BONT_ENOMEM ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
    }
    /* Risks are shown next to the rule findings; the exit code follows the rules alone. */
    bont_risk_list_t cr;
    if ((rc = bont_risk_check(kb, plan, NULL, 0, &cr, &err)) != 0) {
        bont_cli_error(&err);
        bont_check_free(&chk);
        bont_plan_free(&plan);
        return BONT_EXIT_INTERNAL;
    }
    bont_check_report_t report = {.kb = kb,
                                  .plan = plan,
                                  .check = chk,
                                  .risks = cr.risks,
                                  .n_risks = cr.n,
                                  .n_risk_patients = cr.n_patients,
                                  .risks_not_computed = cr.why_none,
                                  .all_reactions = all_reactions};
    int exit_code = chk->n_errors ? BONT_EXIT_VIOLATION : BONT_EXIT_OK;
    rc = format == 1 ? bont_report_json_write(stdout, bont_report_check_json(&report))
                     : bont_report_check_text(stdout, &report);
    exit_code = bont_cli_written("check", rc, exit_code);
    bont_risk_list_clear(&cr);
    bont_check_free(&chk);
    bont_plan_free(&plan);
    return exit_code;
}
