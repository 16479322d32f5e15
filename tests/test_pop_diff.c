/* test_pop_diff.c: the differential test of the population kernel against the independent Python
 * reference (docs/model.md 12.8.4): each patient's parameters, concentrations and scales through
 * bench/reference/v2/model.py run_grid (float64) and through the batched kernel (float32) on the
 * same population grid. The reference runs in the test (Debian's python3-scipy); BONT_DIFF_BLOCKS
 * sets the number of 16-patient blocks (default 8). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bont/model.h"
#include "model/pop_kernel.h"
#include "reference.h"
#include "test.h"

#define TOL_EFFECT 0.4  /* percentage points, every day (12.8.4) */
#define RISK_THR   0.25 /* a side-effect threshold (the default one, 25 %) */

static void params_of(json_t *jp, bont_params_t *p)
{
    memset(p, 0, sizeof *p);
    size_t n_tab;
    const bont_param_info_t *tab = bont_params_table(&n_tab);
    for (size_t k = 0; k < n_tab; k++) {
        json_t *v = json_object_get(jp, tab[k].name);
        CHECK_MSG(json_is_number(v), "the reference has no %s", tab[k].name);
        *bont_params_field(p, tab[k].name) = json_number_value(v);
    }
    CHECK_INT((int)json_object_size(jp), (int)n_tab);
}

static bont_tissue_t tissue_of(const char *s)
{
    for (int t = 0; t < BONT_TISSUE_COUNT; t++)
        if (s && strcmp(bont_tissue_name((bont_tissue_t)t), s) == 0)
            return (bont_tissue_t)t;
    CHECK_MSG(0, "unknown tissue %s", s ? s : "(null)");
    return BONT_TISSUE_MUSCLE;
}

typedef struct diff_t {
    double effect_pts; /* worst daily difference, percentage points */
    int risk_differs;  /* patients counted on one side only, away from the threshold */
    int near_thr;      /* patients within the tolerance of the threshold (not compared) */
} diff_t;

/* Each lane's daily effect and risk count against the reference's. */
static void compare_lanes(json_t *blk, const bont_pop_grid_t *g, const float *eff, int days,
                          size_t bi, bont_tissue_t tissue, diff_t *d)
{
    json_t *je = json_object_get(blk, "effect"), *jpk = json_object_get(blk, "peak");
    for (int l = 0; l < BONT_POP_LANES; l++) {
        json_t *row = json_array_get(je, (size_t)l);
        float peak = 0.0f;
        for (size_t k = 0; k <= g->n_steps; k++)
            peak = fmaxf(peak, eff[k * BONT_POP_LANES + (size_t)l]);
        for (int day = 0; day <= days; day++) {
            double ref = json_number_value(json_array_get(row, (size_t)day));
            double got = eff[g->day_step[day] * BONT_POP_LANES + (size_t)l];
            double dd = 100.0 * fabs(got - ref);
            if (dd > d->effect_pts)
                d->effect_pts = dd;
            if (dd > TOL_EFFECT) {
                CHECK_MSG(0, "block %zu (%s) patient %d day %d: kernel %.3f %%, reference %.3f %%",
                          bi, bont_tissue_name(tissue), l, day, 100.0 * got, 100.0 * ref);
                break;
            }
        }
        /* A risk counts a patient whose peak passes the threshold: the same patients on both
         * sides, except those within the tolerance of it. */
        double ref_peak = json_number_value(json_array_get(jpk, (size_t)l));
        if (fabs(ref_peak - RISK_THR) * 100.0 <= TOL_EFFECT)
            d->near_thr++;
        else if ((ref_peak >= RISK_THR) != (peak >= RISK_THR))
            d->risk_differs++;
    }
}

/* One block: the kernel on the grid of the block's sessions against the reference. */
static void run_block(json_t *blk, int days, size_t bi, diff_t *d)
{
    bont_pop_block_t *b = aligned_alloc(64, sizeof *b);
    bont_pop_prop_t *pr = aligned_alloc(64, 2 * sizeof *pr);
    memset(b, 0, sizeof *b);
    memset(pr, 0, 2 * sizeof *pr);
    json_t *sess = json_object_get(blk, "sessions");
    size_t n_s = json_array_size(sess);
    CHECK(n_s >= 1 && n_s <= 2);
    double t_s[2] = {0, 0};
    int sero[2], n_sero = 0, ch[2];
    for (size_t s = 0; s < n_s && s < 2; s++) {
        json_t *js = json_array_get(sess, s);
        t_s[s] = json_number_value(json_object_get(js, "t_days"));
        bont_serotype_t v = BONT_SERO_A;
        CHECK_INT(bont_serotype_parse(json_string_value(json_object_get(js, "serotype")), &v), 0);
        ch[s] = -1;
        for (int c = 0; c < n_sero; c++)
            if (sero[c] == (int)v)
                ch[s] = c;
        if (ch[s] < 0) {
            sero[n_sero] = (int)v;
            ch[s] = n_sero++;
        }
    }
    json_t *jps = json_object_get(blk, "params");
    for (int l = 0; l < BONT_POP_LANES; l++) {
        bont_params_t p;
        params_of(json_array_get(jps, (size_t)l), &p);
        bont__pop_block_set_lane(b, pr, sero, n_sero, l, &p);
    }
    bont__pop_block_finish(b);
    bont_pop_grid_t g;
    CHECK_INT(bont__pop_grid_build(t_s, n_s, 0.0, days, &g), 0);
    /* The same sample times as the reference's grid. */
    json_t *jt = json_object_get(blk, "t_days");
    CHECK_INT((int)json_array_size(jt), (int)(g.n_steps + 1));
    for (size_t k = 0; k <= g.n_steps && k < json_array_size(jt); k++)
        if (fabs(json_number_value(json_array_get(jt, k)) - g.t_days[k]) > 1e-9) {
            CHECK_MSG(0, "block %zu: sample %zu at %g d, reference %g d", bi, k, g.t_days[k],
                      json_number_value(json_array_get(jt, k)));
            break;
        }
    size_t ni = BONT_POP_IMPULSE(g.n_steps);
    float *imp = aligned_alloc(64, 2 * ni * sizeof(float));
    float *eff = aligned_alloc(64, (g.n_steps + 1) * BONT_POP_LANES * sizeof(float));
    float *scr = aligned_alloc(64, BONT_POP_SCRATCH(g.n_steps) * sizeof(float));
    size_t steps[2];
    int subs[2];
    _Alignas(64) float conc[2][BONT_POP_LANES], scale[2][BONT_POP_LANES];
    const float *imps[2];
    for (size_t s = 0; s < n_s; s++) {
        json_t *js = json_array_get(sess, s);
        steps[s] = bont__pop_grid_index(&g, t_s[s]);
        subs[s] = sero[ch[s]] == BONT_SERO_B || sero[ch[s]] == BONT_SERO_F;
        bont__pop_impulse(&g, &pr[ch[s]], steps[s], imp + s * ni);
        imps[s] = imp + s * ni;
        for (int l = 0; l < BONT_POP_LANES; l++) {
            conc[s][l] = (float)json_number_value(
                json_array_get(json_object_get(js, "conc_u_per_ml"), (size_t)l));
            scale[s][l] =
                (float)json_number_value(json_array_get(json_object_get(js, "scale"), (size_t)l));
        }
    }
    bont_pop_target_in_t in = {.tissue =
                                   tissue_of(json_string_value(json_object_get(blk, "tissue"))),
                               .n_events = n_s,
                               .event_step = steps,
                               .event_substrate = subs,
                               .conc = &conc[0][0],
                               .scale = &scale[0][0],
                               .imp = imps};
    bont__pop_kernel(&g, b, &in, eff, NULL, scr);
    compare_lanes(blk, &g, eff, days, bi, in.tissue, d);
    free(imp);
    free(eff);
    free(scr);
    free(b);
    free(pr);
    bont__pop_grid_clear(&g);
}

TEST_TIMEOUT(differential_population_kernel_run_grid, 900)
{
    if (!bont_test_have_scipy())
        return;
    const char *env = getenv("BONT_DIFF_BLOCKS");
    int n_blocks = env && atoi(env) > 0 ? atoi(env) : 8;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 bench/reference/diff_pop.py --blocks %d", n_blocks);
    json_t *j = bont_test_reference_json(cmd);
    if (!j)
        return;
    int days = (int)json_integer_value(json_object_get(j, "days"));
    CHECK_INT((int)json_integer_value(json_object_get(j, "lanes")), BONT_POP_LANES);
    json_t *blocks = json_object_get(j, "blocks");
    CHECK_INT((int)json_array_size(blocks), n_blocks);
    diff_t d = {0};
    for (size_t i = 0; i < json_array_size(blocks); i++)
        run_block(json_array_get(blocks, i), days, i, &d);
    printf("    population kernel (float) against run_grid (float64): %zu patients, %d days; "
           "largest difference %.4f points; risk counts differ for %d (%d within %.1f point of "
           "the threshold, not compared)\n",
           json_array_size(blocks) * BONT_POP_LANES, days, d.effect_pts, d.risk_differs, d.near_thr,
           TOL_EFFECT);
    CHECK_INT(d.risk_differs, 0);
    json_decref(j);
}
