/* risk.c: side-effect risk of reached structures (docs/model.md, section Side-effect risk): the
 * share of virtual patients whose peak weakness in a structure passes the clinical threshold,
 * and a stand-alone population (spread deviates, median model) for bont check. */
#include "bont/spread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/spread_internal.h"
#include "util/normal.h"

#define DEFAULT_PATIENTS 400
#define DEFAULT_DAYS     180
#define MAX_RANDOM       8
/* Peak-effect table over log10 concentration (U/mL, onabotulinumtoxinA-equivalent). Below the
 * first point the model gives no effect at clinical parameters; above the last it saturates. */
#define TABLE_LO   (-4.0)
#define TABLE_STEP 0.025
#define TABLE_N    281 /* up to 10^3 U/mL */

/* ---- Assessment of one structure ----------------------------------------------------------- */

static bool injected(const bont_plan_t *plan, const bont_muscle_t *m, bont_side_t side)
{
    for (size_t i = 0; i < plan->n_injections; i++)
        if (plan->injections[i].muscle == m && plan->injections[i].side == side)
            return true;
    return false;
}

static const bont_neighbour_t *neighbour_info(const bont_muscle_t *t, const bont_muscle_t *m)
{
    for (size_t k = 0; k < t->n_neighbours; k++)
        if (strcmp(t->neighbours[k].id, m->id) == 0)
            return &t->neighbours[k];
    return NULL;
}

/* The injection (or the same muscle on both sides) that sends most units to m, in words:
 * "sternocleidomastoid 120 U bilateral, 25 mm away; 0.5 mL per site". */
static void reason_of(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                      const bont_muscle_t *m, bont_side_t side, char *buf, size_t size)
{
    bont_reach_t *r = NULL;
    size_t n = 0;
    buf[0] = '\0';
    if (bont_spread_reach(kb, plan, sp, NULL, &r, &n, NULL) != 0)
        return;
    /* Units reaching m from each source muscle, both sides together. */
    const bont_muscle_t *best = NULL;
    double best_u = -1.0;
    for (size_t k = 0; k < n; k++) {
        if (r[k].muscle != m || r[k].side != side)
            continue;
        const bont_muscle_t *src = plan->injections[r[k].injection].muscle;
        double u = 0.0;
        for (size_t j = 0; j < n; j++)
            if (r[j].muscle == m && r[j].side == side &&
                plan->injections[r[j].injection].muscle == src)
                u += r[j].share * plan->injections[r[j].injection].units;
        if (u > best_u) {
            best_u = u;
            best = src;
        }
    }
    free(r);
    if (!best)
        return;
    double units = 0.0, ml = 0.0;
    int sites = 0, left = 0, right = 0;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        if (inj->muscle != best)
            continue;
        units += inj->units;
        ml += inj->volume_ml;
        sites += inj->sites > 0 ? inj->sites : 1;
        left += inj->side == BONT_SIDE_LEFT;
        right += inj->side == BONT_SIDE_RIGHT;
    }
    const char *where = left && right ? "bilateral" : left ? "left" : right ? "right" : "";
    const bont_neighbour_t *nb = neighbour_info(best, m);
    int len = snprintf(buf, size, "%s %.4g U%s%s", best->name_en ? best->name_en : best->id, units,
                       *where ? " " : "", where);
    if (nb && len > 0 && (size_t)len < size)
        len += snprintf(buf + len, size - (size_t)len, ", %g mm away%s", nb->distance_mm,
                        nb->fascia ? " across fascia" : "");
    if (len > 0 && (size_t)len < size && sites > 0 && ml > 0.0)
        snprintf(buf + len, size - (size_t)len, "; %.2g mL per site", ml / sites);
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
    /* An injected structure's weakness is the intent of the plan, not a side effect. */
    if (!m->side_effect || injected(plan, m, side))
        return 0;
    snprintf(out->effect, sizeof out->effect, "%s", m->side_effect);
    out->muscle = m;
    out->side = side;
    out->threshold_pct = bont_spread_threshold_pct(sp, m->side_effect);
    out->calibrated = bont_spread_effect_calibrated(sp, m->side_effect);
    /* The peaks are of the reached layer; the threshold is on the whole structure. */
    double scale = bont_spread_effect_scale_(plan, sp, m, side);
    size_t past = 0;
    for (size_t i = 0; i < n_patients; i++)
        past += peak_effect_pct[i] * scale >= out->threshold_pct;
    out->probability = n_patients ? (double)past / (double)n_patients : 0.0;
    reason_of(kb, plan, sp, m, side, out->reason, sizeof out->reason);
    *has_risk = true;
    return 0;
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
            z[i * dims + d] = bont_normal_quantile(((double)perm[i] + 0.5) / (double)n);
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

static int population_layout(population_t *P, const bont_kb_t *kb, const bont_plan_t *plan,
                             const bont_spread_t *sp, bont_error_t *err)
{
    bont_reach_t *r = NULL;
    size_t n = 0;
    int rc = bont_spread_reach(kb, plan, sp, NULL, &r, &n, err);
    if (rc)
        return rc;
    P->structs = calloc(n ? n : 1, sizeof *P->structs);
    P->entry_struct = calloc(n ? n : 1, sizeof *P->entry_struct);
    P->ona_u = calloc(plan->n_injections ? plan->n_injections : 1, sizeof *P->ona_u);
    if (!P->structs || !P->entry_struct || !P->ona_u) {
        bont_error_setf(err, NULL, "out of memory");
        free(r);
        return BONT_ENOMEM;
    }
    P->n_entries = n;
    for (size_t k = 0; k < n; k++) {
        size_t s = 0;
        while (s < P->n_structs && !(P->structs[s].first.muscle == r[k].muscle &&
                                     P->structs[s].first.side == r[k].side))
            s++;
        if (s == P->n_structs) {
            P->structs[s].first = r[k];
            rc = bont_tissue_of_kind(r[k].muscle->kind, &P->structs[s].tissue);
            if (rc) {
                bont_error_setf(err, "muscle", "%s: kind the model does not simulate",
                                r[k].muscle->id);
                break;
            }
            P->n_structs++;
        }
        P->entry_struct[k] = s;
    }
    free(r);
    for (size_t i = 0; rc == 0 && i < plan->n_injections; i++) {
        rc = bont_exposure_ona_u(plan->product, plan->injections[i].units, &P->ona_u[i], err);
        if (rc && err) {
            err->line = plan->injections[i].line;
            err->column = plan->injections[i].column;
        }
    }
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
    bont_risk_opts_t o = opts ? *opts : (bont_risk_opts_t){0};
    if (o.n_patients == 0)
        o.n_patients = DEFAULT_PATIENTS;
    if (o.days <= 0)
        o.days = DEFAULT_DAYS;
    if (o.seed == 0)
        o.seed = 1;
    bont_params_t median;
    int rc = 0;
    if (!o.params) {
        rc = bont_params_load(&median, err);
        if (rc)
            return rc;
        o.params = &median;
    }
    bont_serotype_t sero;
    rc = bont_product_serotype(plan->product, &sero, err);
    if (rc == 0)
        rc = population_layout(P, kb, plan, sp, err);
    for (size_t s = 0; rc == 0 && s < P->n_structs; s++)
        if (!P->have_table[P->structs[s].tissue])
            rc = build_table(P, o.params, P->structs[s].tissue, sero, o.days, err);
    size_t dims = bont_spread_n_random(sp);
    double *z = NULL, *dose = NULL;
    if (rc == 0) {
        P->n_pat = o.n_patients;
        P->peak_pct = malloc(P->n_structs * P->n_pat * sizeof *P->peak_pct);
        z = malloc((P->n_pat * dims + 1) * sizeof *z);
        dose = malloc((P->n_structs + 1) * sizeof *dose);
        if (!P->peak_pct || !z || !dose || dims > MAX_RANDOM) {
            bont_error_setf(err, NULL, "out of memory");
            rc = BONT_ENOMEM;
        }
    }
    if (rc == 0 && dims)
        rc = stratified_normals(P->n_pat, dims, o.seed, z);
    for (size_t p = 0; rc == 0 && p < P->n_pat; p++) {
        bont_reach_t *r = NULL;
        size_t n = 0;
        rc = bont_spread_reach(kb, plan, sp, dims ? z + p * dims : NULL, &r, &n, err);
        if (rc)
            break;
        if (n != P->n_entries) { /* the contract: the set never depends on z */
            free(r);
            bont_error_setf(err, NULL, "reach layout changed between patients");
            rc = BONT_ENUMERIC;
            break;
        }
        memset(dose, 0, P->n_structs * sizeof *dose);
        for (size_t k = 0; k < n; k++)
            dose[P->entry_struct[k]] += r[k].share * P->ona_u[r[k].injection];
        for (size_t s = 0; s < P->n_structs; s++)
            P->peak_pct[s * P->n_pat + p] =
                (float)table_peak(P, P->structs[s].tissue, dose[s] / P->structs[s].first.volume_ml);
        free(r);
    }
    free(z);
    free(dose);
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
    for (size_t s = 0; rc == 0 && s < P.n_structs; s++) {
        bool has = false;
        rc = bont_risk_assess(kb, plan, sp, P.structs[s].first.muscle, P.structs[s].first.side,
                              P.peak_pct + s * P.n_pat, P.n_pat, &risks[k], &has, err);
        k += has;
    }
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
    size_t hit = 0;
    for (size_t p = 0; p < P.n_pat; p++) {
        bool any = false;
        for (size_t s = 0; s < P.n_structs && !any; s++) {
            const bont_reach_t *f = &P.structs[s].first;
            any = f->muscle->side_effect && strcmp(f->muscle->side_effect, effect) == 0 &&
                  !injected(plan, f->muscle, f->side) &&
                  P.peak_pct[s * P.n_pat + p] * f->effect_scale >= thr;
        }
        hit += any;
    }
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
