/* cmd_patient.c: `bont patient add|list|show`: the people whose treatment the store records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/store_cli.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: bont patient add --name NAME --birth YYYY-MM-DD --sex female|male|other|unknown\n"
        "                        [--weight KG] [--condition C]... [--medication M]...\n"
        "                        [--allergy A]... [--today YYYY-MM-DD] [--db FILE]\n"
        "                        [--format text|json]\n"
        "       bont patient list [--db FILE] [--format text|json]\n"
        "       bont patient show ID [--db FILE] [--format text|json]\n"
        "add prints the new patient's id. Conditions, medications and allergies are checked\n"
        "at every `bont visit record` (e.g. myasthenia_gravis, gentamicin, milk_protein).\n"
        "The store is $XDG_DATA_HOME/bont/bont.db (else ~/.local/share/bont/bont.db) unless\n"
        "--db names another file; add creates it when missing, list and show never do.\n");
}

/* Resolves a condition, medication or allergy through the knowledge base, so the store keeps
 * the canonical id the checker matches on; a name bont does not know is kept as given. */
static int add_term(const bont_kb_t *kb, bont_store_patient_t *p, const char *kind,
                    const char *name, const bont_store_args_t *a)
{
    if (p->n_terms == BONT_STORE_MAX_TERMS)
        return bont_cli_usage_error(a, "at most %d conditions, medications and allergies",
                                    BONT_STORE_MAX_TERMS);
    if (!*name)
        return bont_cli_usage_error(a, "--%s needs a name", kind);
    const bont_term_t *t = bont_kb_term(kb, name);
    bont_store_term_t *out = &p->terms[p->n_terms++];
    snprintf(out->kind, sizeof out->kind, "%s", kind);
    snprintf(out->name, sizeof out->name, "%s", t ? t->id : name);
    if (!t) {
        const char *sugg[3];
        size_t n = bont_kb_suggest(kb, "term", name, sugg, 3);
        fprintf(stderr,
                "bont %s: warning: %s \"%s\" is not in the knowledge base; recorded as given, "
                "but no rule can check it",
                a->command, kind, name);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s%s", i ? ", " : " (did you mean: ", sugg[i]);
        fprintf(stderr, "%s\n", n ? ")" : "");
    }
    return 0;
}

static int parse_sex(const char *in, char out[16])
{
    static const char *const names[][2] = {
        {"female", "f"}, {"male", "m"}, {"other", "o"}, {"unknown", "u"}};
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(in, names[i][0]) == 0 || strcasecmp(in, names[i][1]) == 0) {
            snprintf(out, 16, "%s", names[i][0]);
            return 0;
        }
    return -1;
}

static int patient_add(const bont_kb_t *kb, bont_store_args_t *a, int argc, char **argv)
{
    bont_store_patient_t p;
    memset(&p, 0, sizeof p);
    p.weight_kg = -1;
    const char *name = NULL, *birth = NULL, *sex = NULL, *weight = NULL, *v = NULL, *today = NULL;
    for (int i = 1; i < argc; i++) {
        int m;
        if ((m = bont_cli_common(a, argc, argv, &i)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--name", &name)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--birth", &birth)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--sex", &sex)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--today", &today)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--weight", &weight)) == 0) {
            static const char *const kinds[] = {"condition", "medication", "allergy"};
            for (size_t k = 0; k < 3 && m == 0; k++) {
                char opt[32];
                snprintf(opt, sizeof opt, "--%s", kinds[k]);
                if ((m = bont_cli_opt(argc, argv, &i, opt, &v)) == 1 &&
                    add_term(kb, &p, kinds[k], v, a) != 0)
                    return BONT_EXIT_USAGE;
            }
        }
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0)
            return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
    }
    if (!name || !birth || !sex)
        return bont_cli_usage_error(a, "--name, --birth and --sex are required");
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.birth_date, sizeof p.birth_date, "%s", birth);
    if (strlen(birth) >= sizeof p.birth_date)
        return bont_cli_usage_error(a, "--birth must be YYYY-MM-DD (got \"%s\")", birth);
    if (parse_sex(sex, p.sex) != 0)
        return bont_cli_usage_error(a, "--sex must be female, male, other or unknown (got \"%s\")",
                                    sex);
    if (weight) {
        char *end = NULL;
        p.weight_kg = strtod(weight, &end);
        if (!end || *end || !(p.weight_kg > 0))
            return bont_cli_usage_error(a, "--weight must be kilograms > 0 (got \"%s\")", weight);
    }
    bont_store_t *s = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    /* The one command that starts a store: the others need records that are already in one. */
    int code = bont_cli_store_open_write(a, true, today, &s);
    if (code != 0)
        return code;
    int rc = bont_store_patient_add(s, &p, &err);
    if (rc != 0)
        code = bont_cli_fail(a, rc, &err);
    else if (a->json)
        code = bont_cli_written(a->command,
                                bont_report_json_write(stdout, bont_report_patient_json(&p)), code);
    else
        printf("%lld\n", p.id);
    bont_store_close(&s);
    return code;
}

static int patient_list(bont_store_args_t *a, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int m = bont_cli_common(a, argc, argv, &i);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0)
            return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
    }
    bont_store_t *s = NULL;
    bont_store_patient_t *list = NULL;
    size_t n = 0;
    bont_error_t err;
    bont_error_clear(&err);
    int code = bont_cli_store_open(a, &s);
    if (code != 0)
        return code;
    int rc = bont_store_patient_list(s, &list, &n, &err);
    if (rc != 0) {
        code = bont_cli_fail(a, rc, &err);
    } else {
        rc = a->json ? bont_report_json_write(stdout, bont_report_patients_json(list, n))
                     : bont_report_patients_text(stdout, list, n);
        code = bont_cli_written(a->command, rc, code);
    }
    free(list);
    bont_store_close(&s);
    return code;
}

static int patient_show(bont_store_args_t *a, int argc, char **argv)
{
    const char *id_text = NULL;
    for (int i = 1; i < argc; i++) {
        int m = bont_cli_common(a, argc, argv, &i);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 0 && (argv[i][0] == '-' || id_text))
            return bont_cli_usage_error(a, "unexpected argument %s", argv[i]);
        if (m == 0)
            id_text = argv[i];
    }
    long long id = bont_cli_id(id_text);
    if (!id)
        return bont_cli_usage_error(a,
                                    "give the patient's id (a number), e.g. bont patient show 3");
    bont_store_t *s = NULL;
    bont_store_patient_t p;
    bont_error_t err;
    bont_error_clear(&err);
    int code = bont_cli_store_open(a, &s);
    if (code != 0)
        return code;
    int rc = bont_store_patient_get(s, id, &p, &err);
    if (rc != 0)
        code = bont_cli_fail(a, rc, &err);
    else
        code =
            bont_cli_written(a->command,
                             a->json ? bont_report_json_write(stdout, bont_report_patient_json(&p))
                                     : bont_report_patient_text(stdout, &p),
                             code);
    bont_store_close(&s);
    return code;
}

int bont_cmd_patient(const bont_kb_t *kb, int argc, char **argv)
{
    bont_store_args_t a = {NULL, 0, "patient"};
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? BONT_EXIT_USAGE : BONT_EXIT_OK;
    }
    for (int i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        }
    if (!strcmp(argv[1], "add")) {
        a.command = "patient add";
        return patient_add(kb, &a, argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "list")) {
        a.command = "patient list";
        return patient_list(&a, argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "show")) {
        a.command = "patient show";
        return patient_show(&a, argc - 1, argv + 1);
    }
    fprintf(stderr, "bont patient: unknown action \"%s\" (add, list or show)\n", argv[1]);
    usage(stderr);
    return BONT_EXIT_USAGE;
}
