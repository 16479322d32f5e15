/* main.c: the bont command: finds the subcommand and hands it the knowledge base. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/i18n.h"
#include "bont/kb.h"
#include "bont/report.h"
#include "bont/version.h"
#include "cli/commands.h"

static const bont_cmd_t commands[] = {
    {"check", bont_cmd_check,
     N_("check a plan against label limits, contraindications and history")},
    {"dilute", bont_cmd_dilute, N_("units per 0.1 mL for a dilution, and mL for a dose")},
    {"convert", bont_cmd_convert,
     N_("literature dose ratio between two products (never a label value)")},
    {"kb", bont_cmd_kb, N_("list or show products, muscles and indications")},
    {"simulate", bont_cmd_simulate,
     N_("effect over time per muscle: onset, peak, duration (model)")},
    {"validate", bont_cmd_validate, N_("run the model on every calibration dataset, with errors")},
    {"patient", bont_cmd_patient, N_("add, list or show patients in the record store")},
    {"visit", bont_cmd_visit, N_("record a visit: full check with the stored history, then write")},
    {"outcome", bont_cmd_outcome, N_("record an outcome score or the date an effect wore off")},
    {"ae", bont_cmd_ae, N_("record an adverse event after a visit")},
    {"history", bont_cmd_history, N_("a patient's timeline: visits, doses per muscle, outcomes")},
    {"recall", bont_cmd_recall, N_("every patient and visit that received a lot")},
    {"due", bont_cmd_due, N_("patients whose effect is predicted to wear off soon")},
    {"export", bont_cmd_export, N_("a patient's record as a FHIR R4 JSON Bundle")},
    {"backup", bont_cmd_backup, N_("a consistent copy of the record store, while in use")},
    {"serve", bont_cmd_serve, N_("the clinic web app and JSON API, behind login")},
    {"user", bont_cmd_user, N_("add, list or disable the web app's logins")},
    {"handout", bont_cmd_handout,
     N_("a printable sheet for the patient: what to expect, aftercare, warning signs")},
    {"pathway", bont_cmd_pathway,
     N_("treatment options for a condition side by side, with rates and sources")},
    {"audit", bont_cmd_audit, N_("who read or wrote which records, when and from where")},
};

static void usage(FILE *f)
{
    fputs(_("usage: bont COMMAND [ARGS]\n\ncommands:\n"), f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
    fputs(_("\nexit codes: 0 ok, 1 the plan breaks a rule, 2 unusable input, 3 internal error\n"
            "`bont help COMMAND` or `bont COMMAND --help` shows the command's options;\n"
            "--db FILE, --format and --today may also come before the command, and the\n"
            "BONT_DB environment variable names the default record store.\n"
            "--lang en|zh|ko (anywhere) chooses the language; without it LANGUAGE, LC_ALL,\n"
            "LC_MESSAGES and LANG do, as gettext reads them; else English.\n"),
          f);
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
    char list[256] = "";
    for (int i = 0; allowed[i]; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", allowed[i]);
    }
    fprintf(stderr, _("bont: --format must be one of %s (got \"%s\")\n"), list, value ? value : "");
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
            fprintf(stderr, _("bont: %s needs a value\n"), argv[i]);
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
        fputs(_("bont: out of memory\n"), stderr);
        return -1;
    }
    memcpy(opts, argv + 1, (size_t)n_opts * sizeof *opts);
    memmove(argv + 1, argv + i, (size_t)n_rest * sizeof *argv);
    memcpy(argv + 1 + n_rest, opts, (size_t)n_opts * sizeof *opts);
    free(opts);
    return 1;
}

/* Takes --lang VALUE and --lang=VALUE out of argv, wherever they are (before a "--" that ends
 * the options), so that every command speaks the language without parsing it. The last one
 * wins; without one the environment decides. An unknown language gives English and a warning.
 * Returns 0, or -1 after printing why (--lang without its value). */
static int choose_language(int *argc, char **argv)
{
    const char *flag = NULL;
    int out = 1;
    bool done = false;
    for (int i = 1; i < *argc; i++) {
        if (!done && strcmp(argv[i], "--") == 0)
            done = true;
        if (!done && strcmp(argv[i], "--lang") == 0) {
            if (i + 1 >= *argc) {
                fputs(_("bont: --lang needs a value (en, zh or ko)\n"), stderr);
                return -1;
            }
            flag = argv[++i];
            continue;
        }
        if (!done && strncmp(argv[i], "--lang=", 7) == 0) {
            flag = argv[i] + 7;
            continue;
        }
        argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    bont_lang_t lang = BONT_LANG_EN;
    if (flag && bont_lang_parse(flag, &lang) != BONT_OK) {
        fputs("bont: unknown language \"", stderr);
        bont_report_put_text(stderr, flag);
        fputs("\": using English (en, zh or ko)\n", stderr);
    } else if (!flag) {
        bont_lang_env_t env = {getenv("LANGUAGE"), getenv("LC_ALL"), getenv("LC_MESSAGES"),
                               getenv("LANG")};
        lang = bont_lang_from_env(&env);
    }
    bont_i18n_set_thread_lang(lang);
    return 0;
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
    fputs(_("bont: unknown command"), stderr);
    fputs(" \"", stderr);
    bont_report_put_text(stderr, name);
    fputs("\"\n\n", stderr);
    usage(stderr);
    return BONT_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (choose_language(&argc, argv) != 0)
        return BONT_EXIT_USAGE;
    int at = hoist_global_options(argc, argv);
    if (at == -1)
        return BONT_EXIT_USAGE;
    if (at == -2) {
        fputs(_("bont: options given but no command\n\n"), stderr);
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
