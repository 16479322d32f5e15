/* bench_model.c: speed and accuracy of the model (docs/performance.md, section "Model"):
 * library time per example plan, the model's throughput in target-days per second, and the
 * error of the fixed-step integration against a very fine step. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bont/kb.h"
#include "bont/model.h"
#include "bont/plan.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Library time to load and simulate each example (180 days, 10 steps a day, as the CLI does). */
static void bench_examples(const bont_kb_t *kb, const bont_params_t *p)
{
    DIR *d = opendir("examples");
    char *names[256];
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d)) && n < 256;)
        if (strstr(e->d_name, ".json"))
            names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    printf("Library: load + simulate each example plan, 180 days at 10 steps/day (mean of 20)\n");
    printf("  %-40s %8s %12s\n", "plan", "targets", "ms per run");
    double worst = 0;
    for (int i = 0; i < n; i++) {
        char path[512];
        snprintf(path, sizeof path, "examples/%s", names[i]);
        size_t targets = 0;
        double t0 = now_s();
        int reps = 20, ok = 1;
        for (int r = 0; r < reps && ok; r++) {
            bont_plan_t *plan = NULL;
            bont_sim_t *sim = NULL;
            ok = bont_plan_load(kb, path, &plan, NULL) == 0 &&
                 bont_sim_new(&sim, bont_model_bont, p, NULL) == 0 &&
                 bont_sim_add_plan(sim, plan, false, NULL) == 0 &&
                 bont_sim_run(sim, 180, 10, NULL) == 0;
            targets = bont_sim_n_targets(sim);
            bont_sim_free(&sim);
            bont_plan_free(&plan);
        }
        double ms = 1e3 * (now_s() - t0) / reps;
        if (ok && ms > worst)
            worst = ms;
        printf("  %-40s %8zu %12.3f%s\n", names[i], targets, ms, ok ? "" : "  (failed)");
        free(names[i]);
    }
    printf("  slowest example: %.3f ms\n\n", worst);
}

/* One cervical-dystonia-like muscle: the median exposure of the sternocleidomastoid of
 * examples/cervical_dystonia.json (40 U: about 1.1 U/mL in 40 % of the muscle). */
static void run_target(const bont_params_t *p, int days, int spd, double *e)
{
    bont_target_t t = {.muscle = "sternocleidomastoid",
                       .tissue = BONT_TISSUE_MUSCLE,
                       .volume_ml = 70,
                       .role = "target"};
    bont_dose_t d = {
        .t_days = 0, .serotype = BONT_SERO_A, .ona_u = 40, .conc_u_per_ml = 1.1, .scale = 0.4};
    bont_trace_t tr = {
        .steps_per_day = spd, .n_steps = (size_t)days * (size_t)spd, .effect_frac = e};
    bont_model_bont->run(p, &t, &d, 1, &tr, NULL);
}

static void bench_throughput(const bont_params_t *p)
{
    const int days = 365;
    printf("Model throughput, one target, %d days, one thread\n", days);
    printf("  %-14s %14s %20s %22s\n", "steps per day", "us per target", "target-days per s",
           "issue-4 workload (s)");
    static const int spds[] = {1, 2, 4, 10};
    double *e = malloc(((size_t)days * 10 + 1) * sizeof *e);
    for (size_t i = 0; i < sizeof spds / sizeof spds[0]; i++) {
        int reps = 20000 / spds[i];
        double t0 = now_s();
        for (int r = 0; r < reps; r++)
            run_target(p, days, spds[i], e);
        double per = (now_s() - t0) / reps;
        /* 10,000 patients x 20 targets (8 injected + neighbours) x 365 days, one core. */
        printf("  %-14d %14.2f %20.3g %22.2f\n", spds[i], 1e6 * per, days / per,
               per * 10000.0 * 20.0);
    }
    free(e);
    printf("\n");
}

/* Integration error of the fixed grid: effect against a 1000-steps-a-day run. */
static void bench_accuracy(const bont_params_t *p)
{
    const int days = 365, fine = 1000;
    double *ref = malloc(((size_t)days * fine + 1) * sizeof *ref);
    double *e = malloc(((size_t)days * 10 + 1) * sizeof *e);
    run_target(p, days, fine, ref);
    printf("Accuracy of the fixed step (same target), against 1000 steps per day\n");
    printf("  %-14s %26s\n", "steps per day", "max |effect error| (points)");
    static const int spds[] = {1, 2, 4, 10};
    for (size_t i = 0; i < sizeof spds / sizeof spds[0]; i++) {
        run_target(p, days, spds[i], e);
        double worst = 0;
        for (int dd = 0; dd <= days; dd++)
            worst = fmax(worst, fabs(e[(size_t)dd * spds[i]] - ref[(size_t)dd * fine]));
        printf("  %-14d %26.2e\n", spds[i], 100 * worst);
    }
    free(ref);
    free(e);
    printf("\n");
}

int main(void)
{
    bont_kb_t *kb = NULL;
    bont_params_t p;
    bont_error_t err;
    if (bont_kb_load(&kb, &err) || bont_params_load(&p, &err)) {
        fprintf(stderr, "bench: %s\n", err.message);
        return 1;
    }
    bench_examples(kb, &p);
    bench_throughput(&p);
    bench_accuracy(&p);
    bont_kb_free(&kb);
    return 0;
}
