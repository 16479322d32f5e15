/* risk.c: side-effect risk of reached structures (docs/model.md, section Side-effect risk): the
 * share of virtual patients whose peak weakness in a structure passes the clinical threshold,
 * and a stand-alone population (spread deviates, median model) for bont check. */
#include "bont/spread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/spread_internal.h"
#include "util/index.h"
#include "util/normal.h"
#include "util/pool.h"

#define DEFAULT_PATIENTS 400
#define DEFAULT_DAYS     180
#define MAX_RANDOM       8
/* Peak-effect table over log10 concentration (U/mL, onabotulinumtoxinA-equivalent). Below the
 * first point the model gives no effect at clinical parameters; above the last it saturates. */
#define TABLE_LO   (-4.0)
#define TABLE_STEP 0.025
#define TABLE_N    281 /* up to 10^3 U/mL */

/* ---- Assessment of one structure ----------------------------------------------------------- */

/* Per source muscle, what the plan injects into it (every injection of the muscle, in plan
 * order), for the reason text. */
typedef struct source_t {
    const bont_muscle_t *muscle;
    double units, ml;
    int sites, left, right;
} source_t;

/* Per reached structure, the source muscle that sends it most units in the median patient. */
typedef struct reason_row_t {
    const bont_muscle_t *best; /* NULL when nothing reaches it */
    double best_u;
} reason_row_t;

struct bont__risk_reasons_t {
    bont__index_t injected; /* (muscle, side) of every injection */
    bont__index_t rows;     /* (muscle, side) -> reached structure */
    reason_row_t *row;
    bont__index_t sources; /* muscle -> source */
    source_t *src;
};

void bont__risk_reasons_free(bont__risk_reasons_t **rp)
{
    if (!rp || !*rp)
        return;
    bont__risk_reasons_t *R = *rp;
    bont__index_free(&R->injected);
    bont__index_free(&R->rows);
    bont__index_free(&R->sources);
    free(R->row);
    free(R->src);
    free(R);
    *rp = NULL;
}

/* Indexes the plan's injected structures and totals each injected muscle. */
static int index_sources(bont__risk_reasons_t *R, const bont_plan_t *plan)
{
    size_t n_src = 0;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        size_t one = 1, at = n_src;
        int added = bont__index_put(&R->sources, inj->muscle, 0, &at);
        if (bont__index_put(&R->injected, inj->muscle, (int)inj->side, &one) < 0 || added < 0)
            return BONT_ENOMEM;
        source_t *s = &R->src[at];
        if (added) {
            s->muscle = inj->muscle;
            n_src++;
        }
        s->units += inj->units;
        s->ml += inj->volume_ml;
        s->sites += inj->sites > 0 ? inj->sites : 1;
        s->left += inj->side == BONT_SIDE_LEFT;
        s->right += inj->side == BONT_SIDE_RIGHT;
    }
    return 0;
}

/* Units reaching each structure from each source muscle, summed in reach order, and the largest
 * per structure (the first source to reach it wins a tie). */
static int find_best_sources(bont__risk_reasons_t *R, const bont_plan_t *plan,
                             const bont_reach_t *r, size_t n)
{
    bont__index_t pairs = {0}; /* (source muscle, structure) -> pair */
    double *u = calloc(n ? n : 1, sizeof *u);
    size_t *pair_row = calloc(n ? n : 1, sizeof *pair_row);
    const bont_muscle_t **pair_src = calloc(n ? n : 1, sizeof *pair_src);
    size_t n_rows = 0, n_pairs = 0;
    int rc = u && pair_row && pair_src ? 0 : BONT_ENOMEM;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        size_t row = n_rows, pair = n_pairs;
        int added = bont__index_put(&R->rows, r[k].muscle, (int)r[k].side, &row);
        n_rows += added == 1;
        const bont_muscle_t *src = plan->injections[r[k].injection].muscle;
        int padded = added < 0 ? -1 : bont__index_put(&pairs, src, (int)row, &pair);
        if (added < 0 || padded < 0) {
            rc = BONT_ENOMEM;
            break;
        }
        if (padded) {
            pair_row[pair] = row;
            pair_src[pair] = src;
            n_pairs++;
        }
        u[pair] += r[k].share * plan->injections[r[k].injection].units;
    }
    R->row = rc == 0 ? calloc(n_rows ? n_rows : 1, sizeof *R->row) : NULL;
    if (rc == 0 && !R->row)
        rc = BONT_ENOMEM;
    for (size_t q = 0; rc == 0 && q < n_pairs; q++) {
        reason_row_t *row = &R->row[pair_row[q]];
        if (!row->best || u[q] > row->best_u) {
            row->best = pair_src[q];
            row->best_u = u[q];
        }
    }
    bont__index_free(&pairs);
    free(u);
    free(pair_row);
    free(pair_src);
    return rc;
}

int bont__risk_reasons_new(const bont_plan_t *plan, const bont__reach_layout_t *layout,
                           bont__risk_reasons_t **out)
{
    *out = NULL;
    bont__risk_reasons_t *R = calloc(1, sizeof *R);
    if (!R)
        return BONT_ENOMEM;
    R->src = calloc(plan->n_injections ? plan->n_injections : 1, sizeof *R->src);
    int rc = R->src ? index_sources(R, plan) : BONT_ENOMEM;
    if (rc == 0) /* without a layout nothing is reached, so no structure gets a reason */
        rc = find_best_sources(R, plan, bont__reach_layout_entries(layout),
                               bont__reach_layout_n(layout));
    if (rc) {
        bont__risk_reasons_free(&R);
        return rc;
    }
    *out = R;
    return 0;
}

/* The source that sends most units to m, in words: "sternocleidomastoid 120 U bilateral, 25 mm
 * away; 0.5 mL per site". */
static void reason_of(const bont__risk_reasons_t *R, const bont_muscle_t *m, bont_side_t side,
                      char *buf, size_t size)
{
    buf[0] = '\0';
    size_t row = bont__index_get(&R->rows, m, (int)side);
    const bont_muscle_t *best = row == BONT__INDEX_NONE ? NULL : R->row[row].best;
    if (!best)
        return;
    const source_t *s = &R->src[bont__index_get(&R->sources, best, 0)];
    const char *where = s->left && s->right ? "bilateral"
                        : s->left           ? "left"
                        : s->right          ? "right"
                                            : "";
    const bont_neighbour_t *nb = NULL;
    for (size_t k = 0; k < best->n_neighbours && !nb; k++)
        if (best->neighbours[k].muscle == m)
            nb = &best->neighbours[k];
    int len = snprintf(buf, size, "%s %.4g U%s%s", best->name_en ? best->name_en : best->id,
                       s->units, *where ? " " : "", where);
    if (nb && len > 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, ", %g mm away%s", nb->distance_mm,
                        nb->fascia ? " across fascia" : "");
    if (len > 0 && (size_t)len < size && s->sites > 0 && s->ml > 0.0)
        snprintf(buf + len, size - (size_t)len, "; %.2g mL per site", s->ml / s->sites);
}

void bont_risk_wilson(size_t k, size_t n, double *lo, double *hi)
{
    if (n == 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    const double z = 1.959963984540054; /* the 97.5th percentile of the standard normal */
    double p = (double)k / (double)n, nn = (double)n, d = 1.0 + z * z / nn;
    double c = (p + z * z / (2.0 * nn)) / d;
    double h = z * sqrt(p * (1.0 - p) / nn + z * z / (4.0 * nn * nn)) / d;
    /* At k = 0 and k = n the bound is exactly 0 or 1; rounding would leave 1e-19. */
    *lo = k == 0 ? 0.0 : fmax(0.0, c - h);
    *hi = k == n ? 1.0 : fmin(1.0, c + h);
}

int bont__risk_assess(const bont__risk_reasons_t *R, const bont_spread_t *sp,
                      const bont_muscle_t *m, bont_side_t side, const float *peak_effect_pct,
                      double scale, size_t n_patients, bont_risk_t *out, bool *has_risk)
{
    *has_risk = false;
    memset(out, 0, sizeof *out);
    /* An injected structure's weakness is the intent of the plan, not a side effect. */
    bool injected = bont__index_get(&R->injected, m, (int)side) != BONT__INDEX_NONE;
    if (!m->side_effect || injected)
        return 0;
    snprintf(out->effect, sizeof out->effect, "%s", m->side_effect);
    out->muscle = m;
    out->side = side;
    out->threshold_pct = bont_spread_threshold_pct(sp, m->side_effect);
    out->calibrated = bont_spread_effect_calibrated(sp, m->side_effect);
    /* The threshold is on the whole structure. */
    size_t past = 0;
    for (size_t i = 0; i < n_patients; i++)
        past += peak_effect_pct[i] * scale >= out->threshold_pct;
    out->probability = n_patients ? (double)past / (double)n_patients : 0.0;
    bont_risk_wilson(past, n_patients, &out->ci95_lo, &out->ci95_hi);
    reason_of(R, m, side, out->reason, sizeof out->reason);
    *has_risk = true;
    return 0;
}

int bont_risk_assess(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                     const bont_muscle_t *m, bont_side_t side, const float *peak_effect_pct,
                     size_t n_patients, bont_risk_t *out, bool *has_risk, bont_error_t *err)
{
    *has_risk = false;
    if (!kb || !plan || !sp || !m || !out || (n_patients && !peak_effect_pct)) {
        bont_error_setf(err, NULL, "kb, plan, spread parameters, a structure and peaks needed");
        return BONT_EINVAL;
    }
    memset(out, 0, sizeof *out);
    bont__reach_layout_t *layout = NULL;
    bont__risk_reasons_t *R = NULL;
    /* A plan the spread model cannot lay out still has risks, without a reason. */
    bont_error_t ignored;
    int rc = bont__reach_layout_new(plan, sp, &layout, &ignored);
    if (rc == 0 || rc != BONT_ENOMEM)
        rc = bont__risk_reasons_new(plan, layout, &R);
    if (rc == 0)
        rc = bont__risk_assess(R, sp, m, side, peak_effect_pct, 1.0, n_patients, out, has_risk);
    else
        bont_error_setf(err, NULL, "out of memory");
    bont__risk_reasons_free(&R);
    bont__reach_layout_free(&layout);
    return rc;
}
