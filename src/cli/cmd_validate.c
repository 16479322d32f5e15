/* cmd_validate.c: `bont validate [--format text|json] [--svg-dir DIR] [--params FILE]`: runs the
 * model on every calibration dataset and prints observed against predicted. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bont/model.h"
#include "cli/commands.h"
#include "util/table.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont validate [--format text|json] [--svg-dir DIR] [--params FILE]\n"
               "                     [--data FILE]\n"
               "Runs the model with one parameter set on every calibration dataset (built in:\n"
               "data/calibration.json) and prints, per check, the observed value, the prediction,\n"
               "the error and the tolerance (docs/validation.md says why each tolerance).\n"
               "  --svg-dir DIR  write one plot per dataset, DIR/<dataset>.svg\n"
               "  --params FILE  a model-params.json to use instead of the built-in one\n"
               "  --data FILE    a calibration.json to use instead of the built-in one\n"
               "Exit: 0 every scored check within tolerance, 1 some check outside, 2 bad input.\n");
}

static void fmt_range(char *buf, size_t size, double lo, double hi)
{
    if (!isfinite(lo))
        snprintf(buf, size, "-");
    else if (lo == hi)
        snprintf(buf, size, "%.4g", lo);
    else
        snprintf(buf, size, "%.4g-%.4g", lo, hi);
}

static void fmt_num(char *buf, size_t size, double v)
{
    if (isfinite(v))
        snprintf(buf, size, "%.4g", v);
    else
        snprintf(buf, size, "-");
}

static void print_text(const bont_validation_t *v)
{
    for (size_t i = 0; i < v->n_datasets; i++) {
        const bont_val_dataset_t *d = &v->datasets[i];
        printf("== %s  [%s]\n   %s\n", d->id, d->species, d->summary);
        bont_table_t *t = bont_table_new(7, "llrrrrl");
        if (!t)
            return;
        bont_table_rowf(t, "check\tstatus\tobserved\tpredicted\terror\ttolerance\tunit");
        for (size_t j = 0; j < d->n_checks; j++) {
            const bont_val_check_t *c = &d->checks[j];
            char obs[64], pred[32], e[32], tol[32];
            fmt_range(obs, sizeof obs, c->observed_lo, c->observed_hi);
            fmt_num(pred, sizeof pred, c->predicted);
            fmt_num(e, sizeof e, c->error);
            fmt_num(tol, sizeof tol, c->status <= BONT_VAL_FAIL ? c->tolerance : NAN);
            bont_table_rowf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s", c->id, bont_val_status_name(c->status),
                            obs, pred, e, tol, c->unit);
        }
        bont_table_print(t, stdout, 3);
        bont_table_free(&t);
        printf("\n");
    }
    bont_table_t *t = bont_table_new(6, "lrrrrr");
    if (!t)
        return;
    bont_table_rowf(t, "dataset\tscored\tpassed\tfailed\tshown\tRMS error/tolerance");
    for (size_t i = 0; i < v->n_datasets; i++) {
        const bont_val_dataset_t *d = &v->datasets[i];
        size_t shown = 0;
        for (size_t j = 0; j < d->n_checks; j++)
            shown += d->checks[j].status == BONT_VAL_SHOWN;
        char rms[32];
        fmt_num(rms, sizeof rms, d->rms_norm_error);
        bont_table_rowf(t, "%s\t%zu\t%zu\t%zu\t%zu\t%s", d->id, d->n_pass + d->n_fail, d->n_pass,
                        d->n_fail, shown, rms);
    }
    printf("Summary (one parameter set for every dataset)\n");
    bont_table_print(t, stdout, 0);
    bont_table_free(&t);
    printf("\n%zu checks passed, %zu failed, %zu shown without a score\n", v->n_pass, v->n_fail,
           v->n_shown);
}

static void json_str(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            printf("\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            printf("\\u%04x", *s);
        else
            putchar(*s);
    }
    putchar('"');
}

static void json_num(double v)
{
    if (isfinite(v))
        printf("%.10g", v);
    else
        printf("null");
}

static void print_json(const bont_validation_t *v)
{
    printf("{\"passed\": %zu, \"failed\": %zu, \"shown\": %zu, \"datasets\": [", v->n_pass,
           v->n_fail, v->n_shown);
    for (size_t i = 0; i < v->n_datasets; i++) {
        const bont_val_dataset_t *d = &v->datasets[i];
        printf("%s\n {\"id\": ", i ? "," : "");
        json_str(d->id);
        printf(", \"passed\": %zu, \"failed\": %zu, \"rms_norm_error\": ", d->n_pass, d->n_fail);
        json_num(d->rms_norm_error);
        printf(", \"checks\": [");
        for (size_t j = 0; j < d->n_checks; j++) {
            const bont_val_check_t *c = &d->checks[j];
            printf("%s\n  {\"id\": ", j ? "," : "");
            json_str(c->id);
            printf(", \"status\": ");
            json_str(bont_val_status_name(c->status));
            printf(", \"observed_lo\": ");
            json_num(c->observed_lo);
            printf(", \"observed_hi\": ");
            json_num(c->observed_hi);
            printf(", \"predicted\": ");
            json_num(c->predicted);
            printf(", \"error\": ");
            json_num(c->error);
            printf(", \"tolerance\": ");
            json_num(c->tolerance);
            printf(", \"unit\": ");
            json_str(c->unit);
            printf("}");
        }
        printf("]}");
    }
    printf("\n]}\n");
}

int bont_cmd_validate(const bont_kb_t *kb, int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", NULL};
    int format = 0;
    const char *svg_dir = NULL, *params_path = NULL, *data_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        } else if (!strcmp(a, "--format") && i + 1 < argc) {
            if (bont_cli_format(argv[++i], formats, &format))
                return BONT_EXIT_USAGE;
        } else if (!strcmp(a, "--svg-dir") && i + 1 < argc) {
            svg_dir = argv[++i];
        } else if (!strcmp(a, "--params") && i + 1 < argc) {
            params_path = argv[++i];
        } else if (!strcmp(a, "--data") && i + 1 < argc) {
            data_path = argv[++i];
        } else {
            fprintf(stderr, "bont validate: unknown argument or missing value: %s\n", a);
            usage(stderr);
            return BONT_EXIT_USAGE;
        }
    }
    bont_error_t err;
    bont_error_clear(&err);
    bont_params_t params;
    bont_validation_t *v = NULL;
    int rc = params_path ? bont_params_load_file(&params, params_path, &err)
                         : bont_params_load(&params, &err);
    if (rc == 0)
        rc = bont_validation_run(kb, &params, data_path, &v, &err);
    if (rc) {
        bont_cli_error(&err);
        return rc == BONT_ENOMEM ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
    }
    if (format == 1)
        print_json(v);
    else
        print_text(v);
    int exit_code = v->n_fail ? BONT_EXIT_VIOLATION : BONT_EXIT_OK;
    if (svg_dir) {
        if (mkdir(svg_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "bont validate: cannot create %s\n", svg_dir);
            exit_code = BONT_EXIT_INTERNAL;
        }
        for (size_t i = 0; i < v->n_datasets && exit_code != BONT_EXIT_INTERNAL; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.svg", svg_dir, v->datasets[i].id);
            if (bont_validation_svg(v, i, path, &err) != 0) {
                bont_cli_error(&err);
                exit_code = BONT_EXIT_INTERNAL;
            }
        }
        if (format == 0 && exit_code != BONT_EXIT_INTERNAL)
            printf("plots: %s/<dataset>.svg (%zu files)\n", svg_dir, v->n_datasets);
    }
    bont_validation_free(&v);
    return exit_code;
}
