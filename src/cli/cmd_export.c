/* cmd_export.c: records leaving the store: `bont export ID --fhir` and `bont backup FILE`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int bont_cmd_export(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "export"};
    if (wants_help(argc, argv)) {
        printf("usage: bont export ID --fhir [--db FILE]\n"
               "Writes everything recorded for the patient as a FHIR R4 JSON Bundle on standard\n"
               "output: Patient, Medication (batch lot and expiry), Procedure per visit,\n"
               "MedicationAdministration per injection (site, route, dose), Observation per\n"
               "outcome, AdverseEvent per event.\n");
        return BONT_EXIT_OK;
    }
    const char *id_text = NULL;
    int fhir = 0;
    for (int i = 1; i < argc; i++) {
        int m = bont_cli_common(&a, argc, argv, &i);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 1)
            continue;
        if (!strcmp(argv[i], "--fhir"))
            fhir = 1;
        else if (argv[i][0] == '-' || id_text)
            return bont_cli_usage_error(&a, "unexpected argument %s", argv[i]);
        else
            id_text = argv[i];
    }
    long long id = bont_cli_id(id_text);
    if (!id)
        return bont_cli_usage_error(&a, "give the patient's id (a number), e.g. bont export 3 "
                                        "--fhir");
    if (!fhir)
        return bont_cli_usage_error(&a, "say which format: --fhir (FHIR R4 JSON) is the one "
                                        "export there is");
    if (a.json)
        return bont_cli_usage_error(&a, "the export is FHIR JSON already; --format does not apply");
    bont_store_t *s = NULL;
    bont_store_record_t *rec = NULL;
    char *json = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    int code = bont_cli_store_open(&a, &s);
    if (code != 0)
        return code;
    int rc = bont_store_record_load(s, id, &rec, &err);
    if (rc == 0)
        rc = bont_store_fhir_export(kb, rec, &json, &err);
    if (rc != 0)
        code = bont_cli_fail(&a, rc, &err);
    else
        printf("%s\n", json);
    free(json);
    bont_store_record_free(&rec);
    bont_store_close(&s);
    return code;
}

int bont_cmd_backup(const bont_kb_t *kb, int argc, char **argv)
{
    (void)kb;
    bont_store_args_t a = {NULL, 0, "backup"};
    if (wants_help(argc, argv)) {
        printf("usage: bont backup FILE [--db FILE] [--format text|json]\n"
               "Copies the store into FILE (which must not exist) as one consistent snapshot,\n"
               "while other bont processes may be reading and writing it. The copy is a\n"
               "self-contained SQLite file that --db FILE opens.\n");
        return BONT_EXIT_OK;
    }
    const char *dest = NULL;
    for (int i = 1; i < argc; i++) {
        int m = bont_cli_common(&a, argc, argv, &i);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 1)
            continue;
        if ((argv[i][0] == '-' && argv[i][1]) || dest)
            return bont_cli_usage_error(&a, "unexpected argument %s", argv[i]);
        dest = argv[i];
    }
    if (!dest)
        return bont_cli_usage_error(&a, "give the backup file name");
    bont_store_t *s = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    int code = bont_cli_store_open(&a, &s);
    if (code != 0)
        return code;
    int rc = bont_store_backup(s, dest, &err);
    if (rc != 0)
        code = bont_cli_fail(&a, rc, &err);
    else if (a.json)
        code = bont_cli_written(
            a.command,
            bont_report_json_write(stdout,
                                   bont_report_backup_json(dest, bont_store_schema_version(s))),
            code);
    else {
        bont_report_put_text(stdout, dest);
        putchar('\n');
    }
    bont_store_close(&s);
    return code;
}
