/* cmd_pathway.c: `bont pathway CONDITION [--age Y] [--patient ID] [--db F] [--format
 * text|json|html]`: the treatment options for a condition side by side, for a patient when the
 * record is given. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/content.h"
#include "bont/date.h"
#include "bont/model.h"
#include "bont/personal.h"
#include "bont/store.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/store_cli.h"

static void usage(FILE *f)
{
    fputs(_("usage: bont pathway CONDITION [--age YEARS] [--patient ID [--db FILE]]\n"
            "                    [--today YYYY-MM-DD] [--lang en|zh|ko] [--format text|json|html]\n"
            "The treatment options for a condition side by side: what each involves, how well\n"
            "it works, how long it lasts, its risks with rates, who it suits, what must be\n"
            "checked first, and the sources. --age gives the advice for that age; --patient\n"
            "takes the age from the record's birth date, shows its conditions, and how long\n"
            "the patient's own toxin effects lasted (from recorded wear-off dates).\n"
            "Exit: 0 shown, 2 unknown condition or unusable input.\n"),
          f);
}

typedef struct pathway_args_t {
    bont_store_args_t store;
    const char *condition;
    const char *age, *patient, *today;
    int format; /* 0 text, 1 json, 2 html */
} pathway_args_t;

static int parse_args(pathway_args_t *a, int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", "html", NULL};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return -1;
        }
        const char *v = NULL;
        int m = bont_cli_opt(argc, argv, &i, "--format", &v);
        if (m == 1 && bont_cli_format(v, formats, &a->format))
            return BONT_EXIT_USAGE;
        if (m == 0 && (m = bont_cli_opt(argc, argv, &i, "--db", &a->store.db)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--age", &a->age)) == 0 &&
            (m = bont_cli_opt(argc, argv, &i, "--patient", &a->patient)) == 0)
            m = bont_cli_opt(argc, argv, &i, "--today", &a->today);
        if (m < 0)
            return BONT_EXIT_USAGE;
        if (m == 1)
            continue;
        if (argv[i][0] == '-' && argv[i][1])
            return bont_cli_usage_error(&a->store, _("unknown option %s"), argv[i]);
        if (a->condition)
            return bont_cli_usage_error(&a->store, _("one condition at a time (got %s and %s)"),
                                        a->condition, argv[i]);
        a->condition = argv[i];
    }
    if (!a->condition) {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    return 0;
}

/* The condition's pathway id: the id itself, or what the knowledge base calls an indication
 * of that name (any alias, any language). NULL when neither has a pathway. */
static const char *find_condition(const bont_kb_t *kb, const bont_content_t *c, const char *name)
{
    if (bont_content_has_condition(c, name))
        return name;
    const bont_indication_t *ind = bont_kb_indication(kb, name);
    return ind && bont_content_has_condition(c, ind->id) ? ind->id : NULL;
}

static int unknown_condition(const bont_content_t *c, const char *name)
{
    fputs(_("bont pathway: no pathway for"), stderr);
    fputs(" \"", stderr);
    bont_report_put_text(stderr, name);
    fputs("\"\n", stderr);
    fputs(_("Conditions with a pathway:"), stderr);
    fputc('\n', stderr);
    for (size_t i = 0; i < bont_content_n_conditions(c); i++)
        fprintf(stderr, "  %s\n", bont_content_condition_id(c, i));
    return BONT_EXIT_USAGE;
}

static int parse_age(pathway_args_t *a, double *age)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(a->age, &end);
    if (!*a->age || *end || errno || !(v >= 0 && v <= 130))
        return bont_cli_usage_error(&a->store, _("--age must be years from 0 to 130 (got \"%s\")"),
                                    a->age);
    *age = v;
    return 0;
}

/* Completed years from birth to today (both YYYY-MM-DD); <0 when either is not a date. */
static double age_on(const char *birth, const char *today)
{
    int by, bm, bd, y, m, d;
    if (sscanf(birth, "%d-%d-%d", &by, &bm, &bd) != 3 || sscanf(today, "%d-%d-%d", &y, &m, &d) != 3)
        return -1;
    return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

/* What the record adds: age, conditions (as knowledge-base terms) and the personal duration. */
typedef struct record_t {
    bont_store_t *store;
    bont_store_record_t *rec;
    const bont_term_t *terms[BONT_STORE_MAX_TERMS];
    size_t n_terms;
    char label[200];
    double age, own_days;
    size_t own_n;
} record_t;

static int load_record(const bont_kb_t *kb, pathway_args_t *a, record_t *r)
{
    long long id = bont_cli_id(a->patient);
    if (!id)
        return bont_cli_usage_error(&a->store, _("--patient takes a patient id (got \"%s\")"),
                                    a->patient);
    char today[11];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    if (a->today)
        snprintf(today, sizeof today, "%s", a->today);
    int code = bont_cli_store_open(&a->store, &r->store);
    if (code)
        return code;
    bont_error_t err;
    bont_error_clear(&err);
    int rc = bont_store_record_load(r->store, id, &r->rec, &err);
    if (rc)
        return bont_cli_fail(&a->store, rc, &err);
    const bont_store_patient_t *p = &r->rec->patient;
    snprintf(r->label, sizeof r->label, "%lld (%s)", p->id, p->name);
    r->age = age_on(p->birth_date, today);
    for (size_t i = 0; i < p->n_terms; i++) {
        const bont_term_t *t = bont_kb_term(kb, p->terms[i].name);
        if (t)
            r->terms[r->n_terms++] = t;
    }
    bont_duration_prior_t prior;
    bont_due_t pred;
    bont_duration_model_ctx_t mctx = {.kb = kb, .model = bont_model_bont};
    if (r->rec->n_visits && bont_duration_prior_load(&prior, &err) == 0 &&
        bont_params_load(&mctx.params, &err) == 0 &&
        bont_store_predict(r->rec, bont_duration_model_or_table, &mctx, &prior, today, &pred,
                           &err) == 0 &&
        pred.post.n_obs > 0) {
        r->own_days = pred.personal_days;
        r->own_n = pred.post.n_obs;
    }
    return 0;
}

static int show(const pathway_args_t *a, const bont_pathway_report_t *r)
{
    int rc = a->format == 1   ? bont_report_json_write(stdout, bont_report_pathway_json(r))
             : a->format == 2 ? bont_report_pathway_html(stdout, r)
                              : bont_report_pathway_text(stdout, r);
    return bont_cli_written("pathway", rc, BONT_EXIT_OK);
}

int bont_cmd_pathway(const bont_kb_t *kb, int argc, char **argv)
{
    pathway_args_t a = {.store = {NULL, 0, "pathway"}};
    int code = parse_args(&a, argc, argv);
    if (code)
        return code < 0 ? BONT_EXIT_OK : code;
    bont_content_t *content = NULL;
    bont_error_t err;
    bont_error_clear(&err);
    record_t rec = {.age = -1, .own_days = -1};
    const char *dir = getenv("BONT_KB_DIR");
    if (bont_content_load(&content, dir && *dir ? dir : NULL, &err) != 0) {
        bont_cli_error(&err);
        return BONT_EXIT_INTERNAL;
    }
    const char *condition = find_condition(kb, content, a.condition);
    if (!condition)
        code = unknown_condition(content, a.condition);
    else if (a.age)
        code = parse_age(&a, &rec.age);
    if (!code && a.patient)
        code = load_record(kb, &a, &rec);
    if (!code && a.age) /* --age wins over the birth date */
        code = parse_age(&a, &rec.age);
    if (!code) {
        bont_pathway_report_t r = {.content = content,
                                   .kb = kb,
                                   .condition = condition,
                                   .age_years = rec.age,
                                   .patient = a.patient ? rec.label : NULL,
                                   .terms = rec.terms,
                                   .n_terms = rec.n_terms,
                                   .own_days = rec.own_days,
                                   .own_n_obs = rec.own_n};
        code = show(&a, &r);
    }
    bont_store_record_free(&rec.rec);
    bont_store_close(&rec.store);
    bont_content_free(&content);
    return code;
}
