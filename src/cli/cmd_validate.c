/* cmd_validate.c: `bont validate [--format text|json] [--svg-dir DIR] [--params FILE]`: runs the
 * model on every calibration dataset and prints observed against predicted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bont/model.h"
#include "cli/commands.h"
#include "cli/output.h"

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
    int exit_code = v->n_fail ? BONT_EXIT_VIOLATION : BONT_EXIT_OK;
    rc = format == 1 ? bont_report_validation_json_write(stdout, v)
                     : bont_report_validation_text(stdout, v);
    exit_code = bont_cli_written("validate", rc, exit_code);
    if (svg_dir) {
        if (mkdir(svg_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "bont validate: cannot create ");
            bont_report_put_text(stderr, svg_dir);
            fprintf(stderr, " (%s)\n", strerror(errno));
            exit_code = BONT_EXIT_INTERNAL;
        }
        for (size_t i = 0; i < v->n_datasets && exit_code != BONT_EXIT_INTERNAL; i++) {
            char path[1024];
            snprintf(path, sizeof path, "%s/%s.svg", svg_dir, v->datasets[i].id);
            FILE *f = bont_cli_create("validate", path);
            if (!f || bont_cli_finish("validate", f, path,
                                      bont_report_validation_svg(f, v, i, &err)) != 0)
                exit_code = BONT_EXIT_INTERNAL;
        }
        if (format == 0 && exit_code != BONT_EXIT_INTERNAL) {
            fputs("plots: ", stdout);
            bont_report_put_text(stdout, svg_dir);
            printf("/<dataset>.svg (%zu files)\n", v->n_datasets);
        }
    }
    bont_validation_free(&v);
    return exit_code;
}
