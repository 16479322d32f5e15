/* cmd_audit.c: `bont audit`: who read or wrote which records, when and from where. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/access.h"
#include "bont/report.h"
#include "cli/commands.h"
#include "cli/store_cli.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont audit [--db FILE] [--patient ID] [--format text|json]\n"
               "Prints the append-only audit log, oldest first: every read and write of patient\n"
               "data through the web app, every login, and user changes.\n");
}

int bont_cmd_audit(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {.command = "audit"};
    const char *patient = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        }
        int m = bont_cli_common(&a, argc, argv, &i);
        if (m == 0)
            m = bont_cli_opt(argc, argv, &i, "--patient", &patient);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0)
            return bont_cli_usage_error(&a, "unexpected argument \"%s\"", argv[i]);
    }
    long long patient_id = 0;
    if (patient && (patient_id = bont_cli_id(patient)) == 0)
        return bont_cli_usage_error(&a, "--patient takes a patient id (got \"%s\")", patient);
    bont_error_t err;
    bont_store_t *s = NULL;
    bont_audit_t *list = NULL;
    size_t n = 0;
    int exit_code = bont_cli_store_open(&a, &s);
    if (exit_code != BONT_EXIT_OK)
        return exit_code;
    int rc = bont_store_audit_list(s, patient_id, &list, &n, &err);
    bont_store_close(&s);
    if (rc != 0)
        return bont_cli_fail(&a, rc, &err);
    int wrc = a.json ? bont_report_json_write(stdout, bont_report_audit_json(list, n))
                     : bont_report_audit_text(stdout, list, n, patient != NULL);
    free(list);
    return wrc == 0 ? BONT_EXIT_OK : BONT_EXIT_INTERNAL;
}
