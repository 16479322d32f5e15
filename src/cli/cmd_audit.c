/* cmd_audit.c: `bont audit`: who read or wrote which records, when and from where. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/access.h"
#include "cli/commands.h"
#include "cli/store_cli.h"
#include "util/table.h"

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
    if (a.json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            const bont_audit_t *e = &list[i];
            json_t *o = json_pack(
                "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:s}", "id", (json_int_t)e->id, "at",
                e->at, "user", e->user, "remote", e->remote, "kind", e->kind, "method", e->method,
                "path", e->path, "status", e->status, "patient",
                e->patient_id > 0 ? json_integer(e->patient_id) : json_null(), "detail", e->detail);
            json_array_append_new(arr, o);
        }
        bont_cli_print_json(arr);
    } else if (n == 0)
        printf("the audit log is empty%s\n", patient ? " for this patient" : "");
    else {
        bont_table_t *t = bont_table_new(8, "rlllllrl");
        bont_table_rowf(t, "id\twhen (UTC)\tuser\tfrom\twhat\trequest\tpatient\tdetail");
        for (size_t i = 0; i < n; i++) {
            const bont_audit_t *e = &list[i];
            char pid[24] = "";
            if (e->patient_id > 0)
                snprintf(pid, sizeof pid, "%lld", e->patient_id);
            bont_table_rowf(t, "%lld\t%s\t%s\t%s\t%s\t%s %s%s%.0d\t%s\t%s", e->id, e->at,
                            e->user[0] ? e->user : "-", e->remote, e->kind, e->method, e->path,
                            e->status ? " -> " : "", e->status, pid, e->detail);
        }
        bont_table_print(t, stdout, 0);
        bont_table_free(&t);
    }
    free(list);
    return BONT_EXIT_OK;
}
