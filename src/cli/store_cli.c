/* store_cli.c: options, store opening, errors and JSON shared by the record-store commands. */
#include "cli/store_cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/plan.h"
#include "cli/commands.h"

int bont_cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t n = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "bont: %s needs a value\n", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

int bont_cli_common(bont_store_args_t *a, int argc, char **argv, int *i)
{
    static const char *const formats[] = {"text", "json", NULL};
    const char *v = NULL;
    int m = bont_cli_opt(argc, argv, i, "--db", &a->db);
    if (m != 0)
        return m;
    if ((m = bont_cli_opt(argc, argv, i, "--format", &v)) != 1)
        return m;
    return bont_cli_format(v, formats, &a->json) == 0 ? 1 : -1;
}

/* The local date: the clinic's today unless --today says otherwise. */
static void local_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int bont_cli_store_open_write(const bont_store_args_t *a, bool create, const char *today_opt,
                              bont_store_t **store)
{
    bont_error_t err;
    char path[4096], today[11];
    long day = 0;
    bont_error_clear(&err);
    *store = NULL;
    /* --today is checked before the store is opened, so a bad value creates nothing. */
    if (today_opt && bont_date_parse(today_opt, &day) != 0)
        return bont_cli_usage_error(a, "--today must be a real date as YYYY-MM-DD (got \"%s\")",
                                    today_opt);
    if (today_opt)
        snprintf(today, sizeof today, "%s", today_opt);
    else
        local_today(today);
    const char *db = a->db;
    if (!db) {
        int rc = bont_store_default_path(path, sizeof path, create, &err);
        if (rc != 0)
            return bont_cli_fail(a, rc, &err);
        db = path;
    }
    int rc = bont_store_open(store, db, create ? BONT_STORE_CREATE : BONT_STORE_EXISTING, &err);
    if (rc == 0 && bont_store_created(*store))
        fprintf(stderr, "bont: created a new store at %s\n", db);
    if (rc == 0)
        rc = bont_store_set_today(*store, today, &err);
    if (rc != 0) {
        bont_store_close(store);
        return bont_cli_fail(a, rc, &err);
    }
    return BONT_EXIT_OK;
}

int bont_cli_store_open(const bont_store_args_t *a, bont_store_t **store)
{
    return bont_cli_store_open_write(a, false, NULL, store);
}

int bont_cli_fail(const bont_store_args_t *a, int rc, const bont_error_t *err)
{
    char buf[1400];
    fprintf(stderr, "bont %s: %s\n", a->command, bont_error_format(err, buf, sizeof buf));
    switch (rc) {
    case BONT_ENOMEM:
    case BONT_EIO:
    case BONT_ESTORE:
    case BONT_EKB:
        return BONT_EXIT_INTERNAL;
    default:
        /* Bad arguments, unknown ids, and a store file this bont must not use (newer schema,
         * another program's file) are the user's input to fix. */
        return BONT_EXIT_USAGE;
    }
}

int bont_cli_usage_error(const bont_store_args_t *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "bont %s: ", a->command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n`bont %s --help` shows the options.\n", a->command);
    return BONT_EXIT_USAGE;
}

long long bont_cli_id(const char *text)
{
    char *end = NULL;
    if (!text || !*text)
        return 0;
    long long v = strtoll(text, &end, 10);
    return (end && *end == '\0' && v > 0) ? v : 0;
}

void bont_cli_print_json(json_t *root)
{
    if (root)
        json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    fputc('\n', stdout);
    json_decref(root);
}

static json_t *real_or_null(double v)
{
    return v < 0 ? json_null() : json_real(v);
}

static json_t *text_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

json_t *bont_cli_patient_json(const bont_store_patient_t *p)
{
    json_t *terms = json_array();
    for (size_t i = 0; i < p->n_terms; i++)
        json_array_append_new(
            terms, json_pack("{s:s, s:s}", "kind", p->terms[i].kind, "name", p->terms[i].name));
    return json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o}", "id", (json_int_t)p->id, "name",
                     p->name, "birth_date", p->birth_date, "sex", p->sex, "weight_kg",
                     real_or_null(p->weight_kg), "created_at", p->created_at, "recorded_terms",
                     terms);
}

json_t *bont_cli_visit_json(const bont_store_visit_t *v)
{
    json_t *inj = json_array();
    for (size_t i = 0; i < v->n_injections; i++) {
        const bont_store_injection_t *in = &v->injections[i];
        json_array_append_new(inj, json_pack("{s:s, s:o, s:f, s:o, s:i, s:o}", "muscle", in->muscle,
                                             "side", text_or_null(in->side), "units", in->units,
                                             "volume_ml", real_or_null(in->volume_ml), "sites",
                                             in->sites, "guidance", text_or_null(in->guidance)));
    }
    json_t *findings = v->findings_json ? json_loads(v->findings_json, 0, NULL) : NULL;
    return json_pack(
        "{s:I, s:s, s:o, s:s, s:{s:s, s:s, s:s, s:o, s:o, s:o}, s:f, s:o, s:o, s:o, s:o}", "id",
        (json_int_t)v->id, "date", v->date, "injected_at", text_or_null(v->injected_at),
        "indication", v->indication, "vial", "product", v->vial.product, "lot", v->vial.lot,
        "expiry", v->vial.expiry, "vial_units", real_or_null(v->vial.vial_units), "diluent_ml",
        real_or_null(v->vial.diluent_ml), "reconstituted_at",
        text_or_null(v->vial.reconstituted_at), "total_units", v->total_units, "override_reason",
        text_or_null(v->override_reason), "wore_off_date", text_or_null(v->wore_off_date),
        "injections", inj, "findings", findings ? findings : json_array());
}

json_t *bont_cli_findings_json(const bont_finding_t *f, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "severity",
                              bont_severity_name(f[i].severity), "rule", f[i].rule, "message",
                              f[i].message, "source", f[i].source, "evidence", f[i].evidence,
                              "subject", f[i].subject, "unit", f[i].unit);
        if (!o)
            continue;
        json_object_set_new(o, "value", isnan(f[i].value) ? json_null() : json_real(f[i].value));
        json_object_set_new(o, "limit", isnan(f[i].limit) ? json_null() : json_real(f[i].limit));
        json_array_append_new(arr, o);
    }
    return arr;
}
