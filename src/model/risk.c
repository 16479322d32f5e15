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

/* ---- Deviates --------------------------------------------------------------------------------
 */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Latin-hypercube standard-normal deviates, n rows of dims: each dimension takes the midpoint
 * quantile of each of n equal strata once, in an order shuffled by the seed. Deterministic per
 * seed, and far less noisy than plain sampling for a few hundred patients. */
static int stratified_normals(size_t n, size_t dims, uint64_t seed, double *z)
{
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm)
        return BONT_ENOMEM;
    uint64_t s = seed ^ 0x5bd1e9955bd1e995ULL;
    for (size_t d = 0; d < dims; d++) {
        for (size_t i = 0; i < n; i++)
            perm[i] = i;
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)(splitmix64(&s) % i);
            size_t t = perm[i - 1];
            perm[i - 1] = perm[j];
            perm[j] = t;
        }
        for (size_t i = 0; i < n; i++)
            z[i * dims + d] = bont__normal_quantile(((double)perm[i] + 0.5) / (double)n);
    }
    free(perm);
    return 0;
}

/* ---- Population of one plan -------------------------------------------------------------------
 */

typedef struct structure_t {
    bont_reach_t first; /* first reach entry of the structure (muscle, side, spread, volume) */
    bont_tissue_t tissue;
} structure_t;

typedef struct population_t {
    bont__reach_layout_t *layout; /* the plan's reach, shares of any patient */
    structure_t *structs;
    size_t n_structs;
    size_t *entry_struct; /* reach entry -> structure */
    size_t n_entries;
    double *ona_u; /* per injection, onabotulinumtoxinA-equivalent units */
    size_t n_pat;
    float *peak_pct; /* n_structs x n_pat */
    double table[BONT_TISSUE_COUNT][TABLE_N];
    bool have_table[BONT_TISSUE_COUNT];
} population_t;

static void population_free(population_t *P)
{
    bont__reach_layout_free(&P->layout);
    free(P->structs);
    free(P->entry_struct);
    free(P->ona_u);
    free(P->peak_pct);
    memset(P, 0, sizeof *P);
}

/* Peak effect of one dose at concentration 10^(grid) U/mL for a tissue, from the model. The
 * bont model depends on dose only through dose per mL, so one table serves every structure. */
static int build_table(population_t *P, const bont_params_t *params, bont_tissue_t tissue,
                       bont_serotype_t sero, int days, bont_error_t *err)
{
    int spd = 1;
    size_t n_steps = (size_t)days * (size_t)spd;
    double *eff = malloc((n_steps + 1) * sizeof *eff);
    if (!eff) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    int rc = 0;
    bont_target_t t = {.muscle = "table", .tissue = tissue, .volume_ml = 1.0, .role = "target"};
    bont_trace_t tr = {.steps_per_day = spd, .n_steps = n_steps, .effect_frac = eff};
    for (int k = 0; k < TABLE_N && rc == 0; k++) {
        bont_dose_t d = {
            .t_days = 0.0, .serotype = sero, .ona_u = pow(10.0, TABLE_LO + k * TABLE_STEP)};
        rc = bont_model_bont->run(params, &t, &d, 1, &tr, err);
        double peak = 0.0;
        for (size_t s = 0; rc == 0 && s <= n_steps; s++)
            peak = fmax(peak, eff[s]);
        P->table[tissue][k] = 100.0 * peak;
    }
    /* A peak cannot fall as dose rises; enforce it so interpolation never inverts. */
    for (int k = 1; k < TABLE_N; k++)
        P->table[tissue][k] = fmax(P->table[tissue][k], P->table[tissue][k - 1]);
    free(eff);
    P->have_table[tissue] = rc == 0;
    return rc;
}

static double table_peak(const population_t *P, bont_tissue_t tissue, double c_u_per_ml)
{
    const double *tb = P->table[tissue];
    if (!(c_u_per_ml > 0.0))
        return 0.0;
    double x = (log10(c_u_per_ml) - TABLE_LO) / TABLE_STEP;
    if (x <= 0.0)
        return tb[0];
    if (x >= TABLE_N - 1)
        return tb[TABLE_N - 1];
    int k = (int)x;
    double w = x - k;
    return (1.0 - w) * tb[k] + w * tb[k + 1];
}

/* The structures the plan reaches, each entry's structure, each injection's units. */
static int population_layout(population_t *P, const bont_plan_t *plan, bont_error_t *err)
{
    const bont_reach_t *r = bont__reach_layout_entries(P->layout);
    size_t n = bont__reach_layout_n(P->layout);
    bont__index_t where = {0};
    P->structs = calloc(n ? n : 1, sizeof *P->structs);
    P->entry_struct = calloc(n ? n : 1, sizeof *P->entry_struct);
    P->ona_u = calloc(plan->n_injections ? plan->n_injections : 1, sizeof *P->ona_u);
    if (!P->structs || !P->entry_struct || !P->ona_u) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    P->n_entries = n;
    int rc = 0;
    for (size_t k = 0; k < n && rc == 0; k++) {
        size_t s = P->n_structs;
        int added = bont__index_put(&where, r[k].muscle, (int)r[k].side, &s);
        if (added < 0) {
            bont_error_setf(err, NULL, "out of memory");
            rc = BONT_ENOMEM;
        } else if (added) {
            P->structs[s].first = r[k];
            rc = bont_tissue_of_muscle(r[k].muscle, &P->structs[s].tissue);
            if (rc)
                bont_error_setf(err, "muscle", "%s: kind the model does not simulate",
                                r[k].muscle->id);
            P->n_structs++;
        }
        P->entry_struct[k] = s;
    }
    bont__index_free(&where);
    for (size_t i = 0; rc == 0 && i < plan->n_injections; i++) {
        rc = bont_exposure_ona_u(plan->product, plan->injections[i].units, &P->ona_u[i], err);
        if (rc && err) {
            err->line = plan->injections[i].line;
            err->column = plan->injections[i].column;
        }
    }
    return rc;
}

static int population_opts(const bont_risk_opts_t *opts, bont_risk_opts_t *o, bont_params_t *median,
                           bont_error_t *err)
{
    *o = opts ? *opts : (bont_risk_opts_t){0};
    if (o->n_patients == 0)
        o->n_patients = DEFAULT_PATIENTS;
    if (o->days <= 0)
        o->days = DEFAULT_DAYS;
    if (o->seed == 0)
        o->seed = 1;
    if (o->params)
        return 0;
    o->params = median;
    return bont_params_load(median, err);
}

/* Patients per work item: enough to make a thread's start-up and hand-over negligible. */
#define PATIENTS_PER_ITEM 16

typedef struct peaks_job_t {
    population_t *P;
    const bont_spread_t *sp;
    const double *z;
    size_t dims;
    size_t *entry_inj; /* each entry's injection, contiguous for the dose loop */
    double *share;     /* n_threads x n_entries */
    double *dose;      /* n_threads x n_structs */
} peaks_job_t;

/* Item i: the peaks of patients [16 i, 16 i + 16): the shares for each patient's deviates, the
 * units they bring to each structure, the peak from the table. */
static void item_peaks(void *ctx, size_t item, int tid)
{
    peaks_job_t *J = ctx;
    population_t *P = J->P;
    double *share = J->share + (size_t)tid * (P->n_entries ? P->n_entries : 1);
    double *dose = J->dose + (size_t)tid * (P->n_structs ? P->n_structs : 1);
    size_t end = (item + 1) * PATIENTS_PER_ITEM;
    for (size_t p = item * PATIENTS_PER_ITEM; p < end && p < P->n_pat; p++) {
        bont__reach_shares(P->layout, J->sp, J->dims ? J->z + p * J->dims : NULL, share);
        memset(dose, 0, P->n_structs * sizeof *dose);
        for (size_t k = 0; k < P->n_entries; k++)
            dose[P->entry_struct[k]] += share[k] * P->ona_u[J->entry_inj[k]];
        for (size_t s = 0; s < P->n_structs; s++)
            P->peak_pct[s * P->n_pat + p] =
                (float)table_peak(P, P->structs[s].tissue, dose[s] / P->structs[s].first.volume_ml);
    }
}

static int thread_count(int requested)
{
    if (requested > 0)
        return requested < 64 ? requested : 64;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)(n < 64 ? n : 64) : 1;
}

/* Every patient's peak in every structure; patients are independent, so they run on the
 * threads in blocks and the result is the same for any number of threads. */
static int population_peaks(population_t *P, const bont_spread_t *sp, const double *z, size_t dims,
                            int threads)
{
    size_t n_items = (P->n_pat + PATIENTS_PER_ITEM - 1) / PATIENTS_PER_ITEM;
    if ((size_t)threads > n_items)
        threads = n_items ? (int)n_items : 1;
    const bont_reach_t *r = bont__reach_layout_entries(P->layout);
    peaks_job_t J = {P, sp, z, dims, NULL, NULL, NULL};
    J.entry_inj = malloc((P->n_entries ? P->n_entries : 1) * sizeof *J.entry_inj);
    J.share = malloc((size_t)threads * (P->n_entries ? P->n_entries : 1) * sizeof *J.share);
    J.dose = malloc((size_t)threads * (P->n_structs ? P->n_structs : 1) * sizeof *J.dose);
    int rc = J.entry_inj && J.share && J.dose ? 0 : BONT_ENOMEM;
    for (size_t k = 0; rc == 0 && k < P->n_entries; k++)
        J.entry_inj[k] = r[k].injection;
    if (rc == 0) {
        bont__pool_t pool;
        memset(&pool, 0, sizeof pool);
        bont__pool_start(&pool, threads, NULL);
        bont__pool_run(&pool, item_peaks, &J, n_items);
        bont__pool_stop(&pool);
    }
    free(J.entry_inj);
    free(J.share);
    free(J.dose);
    return rc;
}

static int population_run(population_t *P, const bont_kb_t *kb, const bont_plan_t *plan,
                          const bont_spread_t *sp, const bont_risk_opts_t *opts, bont_error_t *err)
{
    memset(P, 0, sizeof *P);
    if (!kb || !plan || !sp || !plan->product || plan->n_injections == 0) {
        bont_error_setf(err, NULL, "a plan with a product and injections is needed");
        return BONT_EINVAL;
    }
    bont_risk_opts_t o;
    bont_params_t median;
    bont_serotype_t sero;
    int rc = population_opts(opts, &o, &median, err);
    if (rc == 0)
        rc = bont_product_serotype(plan->product, &sero, err);
    if (rc == 0)
        rc = bont__reach_layout_new(plan, sp, &P->layout, err);
    if (rc == 0)
        rc = population_layout(P, plan, err);
    for (size_t s = 0; rc == 0 && s < P->n_structs; s++) {
        bont_tissue_t t = P->structs[s].tissue;
        if (P->have_table[t])
            continue;
        if (o.cache && bont__risk_cache_get(o.cache, o.params, (int)t, (int)sero, o.days,
                                            P->table[t], TABLE_N))
            P->have_table[t] = true;
        else if ((rc = build_table(P, o.params, t, sero, o.days, err)) == 0 && o.cache)
            bont__risk_cache_put(o.cache, o.params, (int)t, (int)sero, o.days, P->table[t],
                                 TABLE_N);
    }
    size_t dims = bont_spread_n_random(sp);
    double *z = NULL;
    if (rc == 0) {
        P->n_pat = o.n_patients;
        P->peak_pct = malloc(P->n_structs * P->n_pat * sizeof *P->peak_pct);
        z = malloc((P->n_pat * dims + 1) * sizeof *z);
        if (!P->peak_pct || !z || dims > MAX_RANDOM) {
            bont_error_setf(err, NULL, "out of memory");
            rc = BONT_ENOMEM;
        }
    }
    if (rc == 0 && dims)
        rc = stratified_normals(P->n_pat, dims, o.seed, z);
    if (rc == 0 && (rc = population_peaks(P, sp, z, dims, thread_count(o.threads))) != 0)
        bont_error_setf(err, NULL, "out of memory");
    free(z);
    if (rc)
        population_free(P);
    return rc;
}

int bont_risk_plan(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                   const bont_risk_opts_t *opts, bont_risk_t **out, size_t *n, bont_error_t *err)
{
    *out = NULL;
    *n = 0;
    population_t P;
    int rc = population_run(&P, kb, plan, sp, opts, err);
    if (rc)
        return rc;
    bont_risk_t *risks = calloc(P.n_structs ? P.n_structs : 1, sizeof *risks);
    if (!risks) {
        population_free(&P);
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    size_t k = 0;
    bont__risk_reasons_t *R = NULL;
    if ((rc = bont__risk_reasons_new(plan, P.layout, &R)) != 0)
        bont_error_setf(err, NULL, "out of memory");
    for (size_t s = 0; rc == 0 && s < P.n_structs; s++) {
        bool has = false;
        rc = bont__risk_assess(R, sp, P.structs[s].first.muscle, P.structs[s].first.side,
                               P.peak_pct + s * P.n_pat, P.structs[s].first.effect_scale, P.n_pat,
                               &risks[k], &has);
        k += has;
    }
    bont__risk_reasons_free(&R);
    population_free(&P);
    if (rc) {
        free(risks);
        return rc;
    }
    /* Most probable first; insertion sort keeps the reach order among equals. */
    for (size_t i = 1; i < k; i++) {
        bont_risk_t t = risks[i];
        size_t j = i;
        while (j > 0 && risks[j - 1].probability < t.probability) {
            risks[j] = risks[j - 1];
            j--;
        }
        risks[j] = t;
    }
    *out = risks;
    *n = k;
    return 0;
}

int bont_risk_plan_effect(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                          const bont_risk_opts_t *opts, const char *effect, double *probability,
                          bont_error_t *err)
{
    *probability = 0.0;
    if (!effect) {
        bont_error_setf(err, "effect", "an effect id is needed");
        return BONT_EINVAL;
    }
    population_t P;
    int rc = population_run(&P, kb, plan, sp, opts, err);
    if (rc)
        return rc;
    double thr = bont_spread_threshold_pct(sp, effect);
    /* The structures whose weakness is this side effect: spread-only ones (an injected one's
     * weakness is the intent), each checked once, not once per patient. */
    bool *counts = calloc(P.n_structs ? P.n_structs : 1, sizeof *counts);
    if (!counts) {
        population_free(&P);
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t s = 0; s < P.n_structs; s++) {
        const bont_reach_t *f = &P.structs[s].first;
        counts[s] =
            f->spread && f->muscle->side_effect && strcmp(f->muscle->side_effect, effect) == 0;
    }
    size_t hit = 0;
    for (size_t p = 0; p < P.n_pat; p++) {
        bool any = false;
        for (size_t s = 0; s < P.n_structs && !any; s++)
            any = counts[s] && P.peak_pct[s * P.n_pat + p] * P.structs[s].first.effect_scale >= thr;
        hit += any;
    }
    free(counts);
    *probability = P.n_pat ? (double)hit / (double)P.n_pat : 0.0;
    population_free(&P);
    return 0;
}

int bont_risk_plan_peaks(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                         const bont_risk_opts_t *opts, bont_reach_t **structs, float **peak_pct,
                         size_t *n_structs, size_t *n_patients, bont_error_t *err)
{
    *structs = NULL;
    *peak_pct = NULL;
    *n_structs = *n_patients = 0;
    population_t P;
    int rc = population_run(&P, kb, plan, sp, opts, err);
    if (rc)
        return rc;
    bont_reach_t *st = malloc((P.n_structs ? P.n_structs : 1) * sizeof *st);
    if (!st) {
        population_free(&P);
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t s = 0; s < P.n_structs; s++) {
        st[s] = P.structs[s].first;
        for (size_t p = 0; p < P.n_pat; p++) /* the whole structure's loss of function */
            P.peak_pct[s * P.n_pat + p] *= (float)st[s].effect_scale;
    }
    *structs = st;
    *peak_pct = P.peak_pct; /* handed over */
    P.peak_pct = NULL;
    *n_structs = P.n_structs;
    *n_patients = P.n_pat;
    population_free(&P);
    return 0;
}
