/* cmd_simulate.c: `bont simulate PLAN [--days N] [--model NAME] [--format text|json|csv]
 * [--svg FILE]`: the effect over time of a plan's injections, per muscle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "bont/plan.h"
#include "cli/commands.h"
#include "report/report.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont simulate PLAN.json [--days N] [--model NAME] [--format text|json|csv]\n"
               "                     [--svg FILE] [--history] [--params FILE]\n"
               "Simulates the plan's injections and prints, per muscle, the effect over time and\n"
               "its readouts: onset (first day the effect reaches 25%% of its peak), peak day and\n"
               "peak effect, duration (days until the effect falls below 50%% of its peak).\n"
               "  --days N       horizon in days, 1..3650 (default 180)\n"
               "  --model NAME   ");
    for (size_t i = 0; i < bont_model_count(); i++)
        fprintf(f, "%s%s", i ? ", " : "", bont_model_at(i)->name);
    fprintf(f, " (default bont; docs/model.md)\n"
               "  --format F     text (default), json or csv\n"
               "  --svg FILE     also write the plot (days against percent, one line per muscle)\n"
               "  --history      add the plan's earlier sessions of the same indication, split\n"
               "                 over the plan's muscles in the plan's proportions\n"
               "  --params FILE  a model-params.json to use instead of the built-in one\n"
               "PLAN may be - for standard input. Exit: 0 done, 2 unusable input.\n");
}

static int parse_days(const char *s, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < 1 || v > 3650) {
        fprintf(stderr,
                "bont simulate: --days must be a whole number from 1 to 3650 (got \"%s\")\n",
                s ? s : "");
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* The value of an option given as "--opt VALUE" or "--opt=VALUE"; advances *i. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] == '\0' && *i + 1 < argc)
        return argv[++*i];
    return NULL;
}

int bont_cmd_simulate(const bont_kb_t *kb, int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", "csv", NULL};
    int format = 0, days = 180;
    const char *path = NULL, *svg = NULL, *params_path = NULL, *v;
    const bont_model_t *model = bont_model_bont;
    bool history = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return BONT_EXIT_OK;
        } else if ((v = opt_value(argc, argv, &i, "--format"))) {
            if (bont_cli_format(v, formats, &format))
                return BONT_EXIT_USAGE;
        } else if ((v = opt_value(argc, argv, &i, "--days"))) {
            if (parse_days(v, &days))
                return BONT_EXIT_USAGE;
        } else if ((v = opt_value(argc, argv, &i, "--model"))) {
            model = bont_model_find(v);
            if (!model) {
                fprintf(stderr, "bont simulate: unknown model \"%s\"; models:", v);
                for (size_t m = 0; m < bont_model_count(); m++)
                    fprintf(stderr, " %s", bont_model_at(m)->name);
                fprintf(stderr, "\n");
                return BONT_EXIT_USAGE;
            }
        } else if ((v = opt_value(argc, argv, &i, "--svg"))) {
            svg = v;
        } else if ((v = opt_value(argc, argv, &i, "--params"))) {
            params_path = v;
        } else if (!strcmp(argv[i], "--history")) {
            history = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "bont simulate: unknown option or missing value: %s\n", argv[i]);
            usage(stderr);
            return BONT_EXIT_USAGE;
        } else if (!path) {
            path = argv[i];
        } else {
            fprintf(stderr, "bont simulate: one plan at a time (got %s and %s)\n", path, argv[i]);
            return BONT_EXIT_USAGE;
        }
    }
    if (!path) {
        usage(stderr);
        return BONT_EXIT_USAGE;
    }
    bont_error_t err;
    bont_error_clear(&err);
    bont_params_t params;
    bont_plan_t *plan = NULL;
    bont_sim_t *sim = NULL;
    int exit_code = BONT_EXIT_USAGE;
    int rc = params_path ? bont_params_load_file(&params, params_path, &err)
                         : bont_params_load(&params, &err);
    if (rc == 0)
        rc = bont_plan_load(kb, path, &plan, &err);
    if (rc == 0)
        rc = bont_sim_new(&sim, model, &params, &err);
    if (rc == 0)
        rc = bont_sim_add_plan(sim, plan, history, &err);
    if (rc == 0)
        rc = bont_sim_run(sim, days, 10, &err);
    if (rc) {
        bont_cli_error(&err);
        exit_code = rc == BONT_ENOMEM || rc == BONT_ENUMERIC ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
        goto cleanup;
    }
    char title[512];
    snprintf(title, sizeof title, "%s%s%s%s", plan->file, plan->title ? " (" : "",
             plan->title ? plan->title : "", plan->title ? ")" : "");
    if (format == 1)
        bont_report_sim_json(stdout, sim);
    else if (format == 2)
        bont_report_sim_csv(stdout, sim);
    else
        bont_report_sim_text(stdout, sim, title);
    exit_code = BONT_EXIT_OK;
    if (svg) {
        rc = bont_report_sim_svg(svg, sim, plan->title ? plan->title : plan->file, &err);
        if (rc) {
            bont_cli_error(&err);
            exit_code = BONT_EXIT_INTERNAL;
        }
    }
cleanup:
    bont_sim_free(&sim);
    bont_plan_free(&plan);
    return exit_code;
}
