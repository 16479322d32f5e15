/* cmd_simulate.c: `bont simulate PLAN [--days N] [--model NAME] [--format text|json|csv]
 * [--svg FILE]`: the effect over time of a plan's injections, per muscle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bont/model.h"
#include "bont/plan.h"
#include "bont/population.h"
#include "bont/spread.h"
#include "cli/commands.h"
#include "cli/output.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: bont simulate PLAN.json [--days N] [--model NAME] [--format text|json|csv]\n"
               "                     [--svg FILE] [--history] [--params FILE]\n"
               "                     [--patients N [--seed S] [--threads T]]\n"
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
               "  --patients N   N virtual patients (1..1000000) with parameter variability\n"
               "                 (data/variability.json) and spread: the median and 5-95%% range\n"
               "                 of every readout, p5/p50/p95 curves, side-effect risks\n"
               "  --seed S       seed of the virtual patients (default 1); same seed, same output\n"
               "  --threads T    worker threads (default: one per core); never changes output\n"
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

/* ---- Virtual patients (issue 4) ---------------------------------------------------------- */

/* A whole number from lo to hi for option name, or -1 after a usage message. */
static int parse_count(const char *name, const char *s, unsigned long long lo,
                       unsigned long long hi, unsigned long long *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = s && *s != '-' ? strtoull(s, &end, 10) : 0;
    if (!s || !*s || *s == '-' || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "bont simulate: %s must be a whole number from %llu to %llu (got \"%s\")\n",
                name, lo, hi, s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

typedef struct progress_t {
    double t0; /* start, seconds */
    int shown; /* percent last drawn, -1 before the first */
} progress_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A bar on stderr once the run has taken a second (only when stderr is a terminal). */
static void progress_draw(double done, void *user)
{
    progress_t *p = user;
    int pct = (int)(100.0 * done);
    if (pct == p->shown || now_s() - p->t0 < 1.0)
        return;
    p->shown = pct;
    char bar[41];
    int n = pct * 40 / 100;
    memset(bar, '#', (size_t)n);
    memset(bar + n, '.', (size_t)(40 - n));
    bar[40] = '\0';
    fprintf(stderr, "\rbont simulate: [%s] %3d%%", bar, pct);
    fflush(stderr);
}

/* The plot of a simulation or a population into the file path; the exit code. */
typedef int (*svg_writer_t)(FILE *f, const void *result, const bont_plan_t *plan);

static int sim_svg(FILE *f, const void *sim, const bont_plan_t *plan)
{
    return bont_report_sim_svg(f, sim, plan);
}

static int pop_svg(FILE *f, const void *pop, const bont_plan_t *plan)
{
    return bont_report_pop_svg(f, pop, plan);
}

static int write_svg(const char *path, svg_writer_t write, const void *result,
                     const bont_plan_t *plan, int exit_code)
{
    FILE *f = bont_cli_create("simulate", path);
    int code =
        f ? bont_cli_finish("simulate", f, path, write(f, result, plan)) : BONT_EXIT_INTERNAL;
    return code ? code : exit_code;
}

static int simulate_population(const bont_kb_t *kb, const bont_plan_t *plan,
                               const bont_model_t *model, const bont_params_t *params,
                               bont_pop_opts_t *opts, int format, const char *svg)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_spread_t *sp = NULL;
    bont_pop_t *pop = NULL;
    progress_t prog = {.t0 = now_s(), .shown = -1};
    opts->model = model;
    opts->params = params;
    if (isatty(fileno(stderr))) {
        opts->progress = progress_draw;
        opts->progress_user = &prog;
    }
    int rc = bont_spread_load(&sp, &err);
    if (rc == 0) {
        opts->spread = sp;
        rc = bont_pop_run(kb, plan, opts, &pop, &err);
    }
    if (prog.shown >= 0)
        fprintf(stderr, "\r%60s\r", "");
    int exit_code = BONT_EXIT_OK;
    if (rc) {
        bont_cli_error(&err);
        exit_code = rc == BONT_ENOMEM || rc == BONT_ENUMERIC ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
        goto cleanup;
    }
    rc = format == 1   ? bont_report_pop_json_write(stdout, pop)
         : format == 2 ? bont_report_pop_csv(stdout, pop)
                       : bont_report_pop_text(stdout, pop, plan);
    exit_code = bont_cli_written("simulate", rc, exit_code);
    if (svg)
        exit_code = write_svg(svg, pop_svg, pop, plan, exit_code);
cleanup:
    bont_pop_free(&pop);
    bont_spread_free(&sp);
    return exit_code;
}

/* ---- end of virtual patients ------------------------------------------------------------- */

/* One virtual patient with typical parameters. */
static int simulate_one(const bont_plan_t *plan, const bont_model_t *model,
                        const bont_params_t *params, int days, bool history, int format,
                        const char *svg)
{
    bont_error_t err;
    bont_error_clear(&err);
    bont_sim_t *sim = NULL;
    int rc = bont_sim_new(&sim, model, params, &err);
    if (rc == 0)
        rc = bont_sim_add_plan(sim, plan, history, &err);
    if (rc == 0)
        rc = bont_sim_run(sim, days, 10, &err);
    if (rc) {
        bont_cli_error(&err);
        bont_sim_free(&sim);
        return rc == BONT_ENOMEM || rc == BONT_ENUMERIC ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
    }
    rc = format == 1   ? bont_report_sim_json_write(stdout, sim)
         : format == 2 ? bont_report_sim_csv(stdout, sim)
                       : bont_report_sim_text(stdout, sim, plan);
    int exit_code = bont_cli_written("simulate", rc, BONT_EXIT_OK);
    if (svg)
        exit_code = write_svg(svg, sim_svg, sim, plan, exit_code);
    bont_sim_free(&sim);
    return exit_code;
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
    bont_pop_opts_t pop_opts = {.seed = 1}; /* --patients N > 0: virtual patients (issue 4) */
    unsigned long long nv;
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
        } else if ((v = opt_value(argc, argv, &i, "--patients"))) {
            if (parse_count("--patients", v, 1, BONT_POP_MAX_PATIENTS, &nv))
                return BONT_EXIT_USAGE;
            pop_opts.n_patients = (size_t)nv;
        } else if ((v = opt_value(argc, argv, &i, "--seed"))) {
            if (parse_count("--seed", v, 0, UINT64_MAX, &nv))
                return BONT_EXIT_USAGE;
            pop_opts.seed = (uint64_t)nv;
        } else if ((v = opt_value(argc, argv, &i, "--threads"))) {
            if (parse_count("--threads", v, 1, 256, &nv))
                return BONT_EXIT_USAGE;
            pop_opts.threads = (int)nv;
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
    int exit_code = BONT_EXIT_USAGE;
    int rc = params_path ? bont_params_load_file(&params, params_path, &err)
                         : bont_params_load(&params, &err);
    if (rc == 0)
        rc = bont_plan_load(kb, path, &plan, &err);
    if (rc == 0 && pop_opts.n_patients > 0) {
        pop_opts.days = days;
        pop_opts.with_history = history;
        exit_code = simulate_population(kb, plan, model, &params, &pop_opts, format, svg);
        goto cleanup;
    }
    if (rc == 0) {
        exit_code = simulate_one(plan, model, &params, days, history, format, svg);
        goto cleanup;
    }
    bont_cli_error(&err);
    exit_code = rc == BONT_ENOMEM ? BONT_EXIT_INTERNAL : BONT_EXIT_USAGE;
cleanup:
    bont_plan_free(&plan);
    return exit_code;
}
