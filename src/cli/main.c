/* main.c: the bont command: finds the subcommand and hands it the knowledge base. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/kb.h"
#include "bont/report.h"
#include "bont/version.h"
#include "cli/commands.h"

static const bont_cmd_t commands[] = {
    {"check", bont_cmd_check, "check a plan against label limits, contraindications and history"},
    {"dilute", bont_cmd_dilute, "units per 0.1 mL for a dilution, and mL for a dose"},
    {"convert", bont_cmd_convert,
     "literature dose ratio between two products (never a label value)"},
    {"kb", bont_cmd_kb, "list or show products, muscles and indications"},
    {"simulate", bont_cmd_simulate, "effect over time per muscle: onset, peak, duration (model)"},
    {"validate", bont_cmd_validate, "run the model on every calibration dataset, with errors"},
    {"patient", bont_cmd_patient, "add, list or show patients in the record store"},
    {"visit", bont_cmd_visit, "record a visit: full check with the stored history, then write"},
    {"outcome", bont_cmd_outcome, "record an outcome score or the date an effect wore off"},
    {"ae", bont_cmd_ae, "record an adverse event after a visit"},
    {"history", bont_cmd_history, "a patient's timeline: visits, doses per muscle, outcomes"},
    {"recall", bont_cmd_recall, "every patient and visit that received a lot"},
    {"due", bont_cmd_due, "patients whose effect is predicted to wear off soon"},
    {"export", bont_cmd_export, "a patient's record as a FHIR R4 JSON Bundle"},
    {"backup", bont_cmd_backup, "a consistent copy of the record store, while in use"},
    {"serve", bont_cmd_serve, "the clinic web app and JSON API, behind login"},
    {"user", bont_cmd_user, "add, list or disable the web app's logins"},
    {"audit", bont_cmd_audit, "who read or wrote which records, when and from where"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: bont COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nexit codes: 0 ok, 1 the plan breaks a rule, 2 unusable input, 3 internal "
               "error\n`bont help COMMAND` or `bont COMMAND --help` shows the command's options;\n"
               "--db FILE, --format and --today may also come before the command, and the\n"
               "BONT_DB environment variable names the default record store.\n");
}

void bont_cli_error(const bont_error_t *err)
{
    bont_report_error(stderr, "bont", err);
}

int bont_cli_format(const char *value, const char *const *allowed, int *out)
{
    for (int i = 0; allowed[i]; i++)
        if (value && strcmp(value, allowed[i]) == 0) {
            *out = i;
            return 0;
        }
    fprintf(stderr, "bont: --format must be one of");
    for (int i = 0; allowed[i]; i++)
        fprintf(stderr, "%s%s", i ? ", " : " ", allowed[i]);
    fprintf(stderr, " (got \"%s\")\n", value ? value : "");
    return -1;
}

/* Options every command that has them reads the same way; given before the command
 * (`bont --db F patient list`) they are handed to it as if given after. Each takes a value. */
static const char *const global_options[] = {"--db", "--format", "--today"};

static bool is_global_option(const char *arg)
{
    for (size_t i = 0; i < sizeof global_options / sizeof global_options[0]; i++) {
        size_t n = strlen(global_options[i]);
        if (strncmp(arg, global_options[i], n) == 0 && (arg[n] == '\0' || arg[n] == '='))
            return true;
    }
    return false;
}

/* Moves global options that come before the command to the end of argv, where every command
 * parses its options (`bont --db F patient list` runs as `bont patient list --db F`). Returns 1,
 * -1 after printing why (an option without its value), or -2 when only options were given. */
static int hoist_global_options(int argc, char **argv)
{
    int i = 1;
    while (i < argc && is_global_option(argv[i])) {
        int take = strchr(argv[i], '=') ? 1 : 2;
        if (i + take > argc) {
            fprintf(stderr, "bont: %s needs a value\n", argv[i]);
            return -1;
        }
        i += take;
    }
    if (i == 1)
        return 1;
    if (i >= argc)
        return -2;
    /* Rotate argv[1 .. argc-1] left by i-1 places: the options go after the rest. */
    int n_opts = i - 1, n_rest = argc - i;
    char **opts = malloc((size_t)n_opts * sizeof *opts);
    if (!opts) {
        fprintf(stderr, "bont: out of memory\n");
        return -1;
    }
    memcpy(opts, argv + 1, (size_t)n_opts * sizeof *opts);
    memmove(argv + 1, argv + i, (size_t)n_rest * sizeof *argv);
    memcpy(argv + 1 + n_rest, opts, (size_t)n_opts * sizeof *opts);
    free(opts);
    return 1;
}

static const bont_cmd_t *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return &commands[i];
    return NULL;
}

static int unknown_command(const char *name)
{
    fputs("bont: unknown command \"", stderr);
    bont_report_put_text(stderr, name);
    fputs("\"\n\n", stderr);
    usage(stderr);
    return BONT_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    int at = hoist_global_options(argc, argv);
    if (at == -1)
        return BONT_EXIT_USAGE;
    if (at == -2) {
        fprintf(stderr, "bont: options given but no command\n\n");
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
        printf("bont %s\n", bont_version());
        return BONT_EXIT_OK;
    }
    /* `bont help COMMAND` is `bont COMMAND --help`. */
    char *help_argv[3] = {NULL, NULL, "--help"};
    if (argc >= 3 && strcmp(argv[1], "help") == 0) {
        if (!find_command(argv[2]))
            return unknown_command(argv[2]);
        help_argv[0] = argv[0];
        help_argv[1] = argv[2];
        argc = 3;
        argv = help_argv;
    }
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? BONT_EXIT_USAGE : BONT_EXIT_OK;
    }
    const bont_cmd_t *cmd = find_command(argv[1]);
    if (!cmd)
        return unknown_command(argv[1]);
    bont_kb_t *kb = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    /* BONT_KB_DIR loads data/ from a folder instead of the embedded copy (for data work). */
    const char *kb_dir = getenv("BONT_KB_DIR");
    int kb_rc = (kb_dir && *kb_dir) ? bont_kb_load_dir(&kb, kb_dir, &err) : bont_kb_load(&kb, &err);
    if (kb_rc != 0) {
        bont_cli_error(&err);
        return BONT_EXIT_INTERNAL;
    }
    int rc = cmd->fn(kb, argc - 1, argv + 1);
    bont_kb_free(&kb);
    return rc;
}
