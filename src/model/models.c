/* models.c: the model type objects (bont, lebeda4, lebeda3) and their run functions. The
 * equations and their sources are in docs/model.md; section numbers below refer to it. */
#include "bont/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/chain.h"

#define MIN_PER_DAY 1440.0
#define CHAIN_N     5 /* Lebeda chain: bulk, free, bound, translocated, lytic */
#define BONT_N      6 /* bont: bulk, free, bound, translocated, light chain, long-lived light chain */

static void store(const bont_trace_t *tr, size_t k, double effect, double cmap, double release,
                  double atrophy)
{
    tr->effect_frac[k] = effect;
    if (tr->cmap_frac)
        tr->cmap_frac[k] = cmap;
    if (tr->release_frac)
        tr->release_frac[k] = release;
    if (tr->atrophy_frac)
        tr->atrophy_frac[k] = atrophy;
}

/* The time of sample k: the trace's own times, or k / steps_per_day. */
static double sample_t(const bont_trace_t *tr, size_t k)
{
    return tr->t_days ? tr->t_days[k] : (double)k / tr->steps_per_day;
}

/* The sample a dose at t_days falls on: the nearest one; with explicit times it must be a
 * sample (within a millionth of a day), else (size_t)-1. */
static size_t dose_step(const bont_trace_t *tr, double t_days)
{
    if (!tr->t_days) {
        double k = floor(t_days * tr->steps_per_day + 0.5);
        return k < 0 ? 0 : (size_t)k;
    }
    size_t lo = 0, hi = tr->n_steps;
    while (lo < hi) { /* first sample >= t - 1e-6 */
        size_t mid = lo + (hi - lo) / 2;
        if (tr->t_days[mid] < t_days - 1e-6)
            lo = mid + 1;
        else
            hi = mid;
    }
    return fabs(tr->t_days[lo] - t_days) <= 1e-6 ? lo : (size_t)-1;
}

static int check_trace(const bont_trace_t *tr, bont_error_t *err)
{
    if (!tr || tr->steps_per_day < 1 || !tr->effect_frac) {
        bont_error_setf(err, "trace", "trace needs steps_per_day >= 1 and an effect array");
        return BONT_EINVAL;
    }
    for (size_t k = 0; tr->t_days && k <= tr->n_steps; k++)
        if (!isfinite(tr->t_days[k]) ||
            (k == 0 ? tr->t_days[0] != 0.0 : !(tr->t_days[k] > tr->t_days[k - 1]))) {
            bont_error_setf(err, "trace", "sample times must rise from 0 (sample %zu)", k);
            return BONT_EINVAL;
        }
    return 0;
}

/* ---- Lebeda 2008 chains (section 2; BIOMD0000000178 and BIOMD0000000267) ----------------------
 */

/* The published chains are concentration-independent: the first dose starts them with the
 * normalised amount 1 and later doses change nothing (they have no recovery to undo). */
static int run_lebeda(const bont_params_t *p, const bont_dose_t *doses, size_t n_doses,
                      const bont_trace_t *tr, int four_step, bont_error_t *err)
{
    int rc = check_trace(tr, err);
    if (rc)
        return rc;
    double k[CHAIN_N];
    int n = 0;
    if (four_step)
        k[n++] = p->k_bulk_per_min * MIN_PER_DAY;
    k[n++] = p->k_bind_per_min * MIN_PER_DAY;
    k[n++] = p->k_endo_per_min * MIN_PER_DAY;
    k[n++] = p->k_transloc_per_min * MIN_PER_DAY;
    k[n++] = 0.0; /* lytic accumulates */
    double prop[BONT_CHAIN_MAX][BONT_CHAIN_MAX], h_prop = -1.0;
    size_t start = (size_t)-1;
    for (size_t i = 0; i < n_doses; i++)
        if (doses[i].ona_u > 0 && dose_step(tr, doses[i].t_days) < start)
            start = dose_step(tr, doses[i].t_days);
    double x[BONT_CHAIN_MAX] = {0};
    for (size_t s = 0; s <= tr->n_steps; s++) {
        double lytic = x[n - 1];
        store(tr, s, lytic, 1.0 - lytic, 1.0 - lytic, 0.0);
        if (tr->release_parent)
            tr->release_parent[s] = 1.0 - lytic;
        if (tr->atrophy_field)
            tr->atrophy_field[s] = 0.0;
        if (s == tr->n_steps)
            break;
        if (s == start)
            x[0] = 1.0;
        double h = sample_t(tr, s + 1) - sample_t(tr, s);
        if (fabs(h - h_prop) > 1e-12 * h) {
            bont__chain_propagator(k, n, h, prop);
            h_prop = h;
        }
        bont__chain_apply(prop, n, x);
    }
    return 0;
}

static int run_lebeda4(const bont_params_t *p, const bont_target_t *target,
                       const bont_dose_t *doses, size_t n_doses, bont_trace_t *trace,
                       bont_error_t *err)
{
    (void)target;
    return run_lebeda(p, doses, n_doses, trace, 1, err);
}

static int run_lebeda3(const bont_params_t *p, const bont_target_t *target,
                       const bont_dose_t *doses, size_t n_doses, bont_trace_t *trace,
                       bont_error_t *err)
{
    (void)target;
    return run_lebeda(p, doses, n_doses, trace, 0, err);
}

/* ---- The bont model (sections 1.5-7; the step of section 12.3) ------------------------------ */

#define N_HCACHE 8 /* distinct step sizes kept (a simulate grid has two or three) */

/* Substrate a serotype cleaves: 0 SNAP-25 (A, C1, E), 1 VAMP (B, F). */
static int substrate_of(int sero)
{
    return (sero == BONT_SERO_B || sero == BONT_SERO_F) ? 1 : 0;
}

/* Fraction of the reached fibres that fail at release R (section 5): a fibre fails when
 * R * SF < 1, ln SF ~ N(ln SF50, sigma^2) across fibres, normalised so that F(1) = 0. */
static double fail_fraction(double r, double mu, double sigma, double phi0)
{
    if (r <= 0.0)
        return 1.0;
    if (r >= 1.0)
        return 0.0;
    double z = (-log(r) - mu) / sigma;
    double phi = 0.5 * erfc(-z / M_SQRT2);
    return fmin(1.0, fmax(0.0, (phi - phi0) / (1.0 - phi0)));
}

/* y' = k (g(t) - y) over one step with g linear between g0 and g1: exact (section 7). */
typedef struct relax_t {
    double decay;  /* exp(-k h) */
    double w0, w1; /* weights of g0 and g1 */
} relax_t;

static relax_t relax_make(double k, double h)
{
    relax_t r;
    double kh = k * h;
    r.decay = exp(-kh);
    if (kh < 1e-8) { /* no relaxation, or a tiny rate: series of the weights */
        r.w1 = 0.5 * kh;
        r.w0 = 0.5 * kh;
        return r;
    }
    double e1 = -expm1(-kh);  /* 1 - exp(-kh) */
    double c = 1.0 - e1 / kh; /* weight of the slope */
    r.w0 = e1 - c;
    r.w1 = c;
    return r;
}

static double relax_step(const relax_t *r, double y, double g0, double g1)
{
    return r->decay * y + r->w0 * g0 + r->w1 * g1;
}

/* One serotype's uptake chain and light-chain pools (section 2). */
typedef struct channel_t {
    int sero;
    double x[BONT_N];
    double a[BONT_CHAIN_MAX][BONT_CHAIN_MAX]; /* rate matrix, per day */
} channel_t;

/* What depends on the step size h: each channel's exp(A h) and exp(A h/2), and the relaxation
 * weights of sprouts and of atrophy building and being regained. */
typedef struct hconsts_t {
    double h;
    double prop[BONT_SERO_COUNT][BONT_CHAIN_MAX][BONT_CHAIN_MAX];
    double half[BONT_SERO_COUNT][BONT_CHAIN_MAX][BONT_CHAIN_MAX];
    relax_t sprout, up, down;
} hconsts_t;

typedef struct junction_t {
    double scale;    /* share of the structure the compartment is (largest over sessions) */
    double s[2];     /* intact SNAP-25, VAMP */
    double sp1, sp2; /* sprout stages */
    double atrophy;  /* loss of mass in the compartment */
} junction_t;

typedef struct derived_t {
    double rp;   /* parent-terminal release */
    double r;    /* junction release, parent plus sprouts */
    double fail; /* share of the compartment's fibres failing */
} derived_t;

typedef struct bont_consts_t {
    const bont_params_t *p;
    double km, kcl, ksyn, n;
    double mu, sigma, phi0;
    double sprout_max, sprout_rate, atrophy_max;
    bool junction;
    channel_t ch[BONT_SERO_COUNT];
    int n_ch;
    hconsts_t hc[N_HCACHE];
    int n_hc;
} bont_consts_t;

/* The constants of step size h, computed on first use (slot 0 is reused when the cache is
 * full, which only an irregular caller grid reaches). */
static const hconsts_t *hconsts(bont_consts_t *c, double h)
{
    for (int i = 0; i < c->n_hc; i++)
        if (fabs(c->hc[i].h - h) <= 1e-12 * h)
            return &c->hc[i];
    hconsts_t *o = &c->hc[c->n_hc < N_HCACHE ? c->n_hc++ : 0];
    o->h = h;
    for (int m = 0; m < c->n_ch; m++) {
        bont__expm_lower(c->ch[m].a, BONT_N, h, o->prop[m]);
        bont__expm_lower(c->ch[m].a, BONT_N, 0.5 * h, o->half[m]);
    }
    o->sprout = relax_make(c->sprout_rate, h);
    o->up = relax_make(c->p->atrophy_rate_per_d, h);
    o->down = relax_make(c->p->atrophy_recovery_per_d, h);
    return o;
}

static void derive_light(const bont_consts_t *c, const double x[][BONT_N], double q[2])
{
    double l[2] = {0.0, 0.0};
    for (int i = 0; i < c->n_ch; i++)
        l[substrate_of(c->ch[i].sero)] += x[i][4] + x[i][5];
    for (int s = 0; s < 2; s++)
        q[s] = l[s] > 0.0 ? l[s] / (l[s] + c->km) : 0.0;
}

/* Parent-terminal release (section 5): intact^n, with a fast path for whole n. */
static double parent_release(const bont_consts_t *c, const junction_t *j)
{
    double x = j->s[0] * j->s[1];
    if (c->n == 3.0)
        return x * x * x;
    return pow(x, c->n);
}

static void derive_release(const bont_consts_t *c, const junction_t *j, derived_t *d)
{
    d->rp = parent_release(c, j);
    d->r = fmin(1.0, d->rp + j->sp2);
    d->fail = c->junction ? fail_fraction(d->r, c->mu, c->sigma, c->phi0) : 0.0;
}

/* Outputs of sample k (section 6.3-6.4): the compartment's effect, scaled to the structure. */
static void outputs(const bont_consts_t *c, const junction_t *j, const derived_t *d,
                    const bont_trace_t *tr, size_t k)
{
    if (c->junction) {
        double field = 1.0 - (1.0 - d->fail) * (1.0 - c->p->atrophy_effect_share * j->atrophy);
        store(tr, k, j->scale * field, 1.0 - j->scale * d->fail, d->r, j->scale * j->atrophy);
    } else {
        store(tr, k, j->scale * (1.0 - d->r), NAN, d->r, 0.0);
    }
    if (tr->release_parent)
        tr->release_parent[k] = d->rp;
    if (tr->atrophy_field)
        tr->atrophy_field[k] = j->atrophy;
}

/* The channels of the serotypes dosed, with their rate matrices (bont__uptake_matrix). */
static int make_channels(bont_consts_t *c, const bont_dose_t *doses, size_t n_doses,
                         bont_error_t *err)
{
    c->n_ch = 0;
    for (size_t i = 0; i < n_doses; i++) {
        const bont_dose_t *d = &doses[i];
        if ((unsigned)d->serotype >= BONT_SERO_COUNT || !(d->t_days >= 0.0) ||
            !isfinite(d->t_days) || !(d->conc_u_per_ml >= 0.0) || !isfinite(d->conc_u_per_ml) ||
            !(d->scale >= 0.0 && d->scale <= 1.0)) {
            bont_error_setf(err, "doses",
                            "dose %zu needs a serotype, a time >= 0, a concentration >= 0 U/mL "
                            "and a scale from 0 to 1",
                            i);
            return BONT_EINVAL;
        }
        int found = 0;
        for (int m = 0; m < c->n_ch; m++)
            found |= c->ch[m].sero == (int)d->serotype;
        if (found)
            continue;
        channel_t *cc = &c->ch[c->n_ch++];
        memset(cc, 0, sizeof *cc);
        cc->sero = (int)d->serotype;
        bont__uptake_matrix(c->p, cc->sero, cc->a);
    }
    return 0;
}

/* A dose and the sample it falls on, to walk the doses in time order. */
typedef struct dose_at_t {
    size_t step, index;
} dose_at_t;

static int cmp_dose_at(const void *x, const void *y)
{
    const dose_at_t *a = x, *b = y;
    if (a->step != b->step)
        return (a->step > b->step) - (a->step < b->step);
    return (a->index > b->index) - (a->index < b->index);
}

/* The doses by sample, and within a sample in the order given (so every sum is taken in the same
 * order as a scan of all doses would): each step then costs only its own doses, and a long
 * history O(doses log doses) in all instead of O(steps x doses). */
static int doses_by_step(const bont_trace_t *tr, const bont_dose_t *doses, size_t n_doses,
                         dose_at_t **out, bont_error_t *err)
{
    dose_at_t *at = malloc((n_doses ? n_doses : 1) * sizeof *at);
    if (!at) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    for (size_t i = 0; i < n_doses; i++) {
        at[i] = (dose_at_t){dose_step(tr, doses[i].t_days), i};
        if (at[i].step == (size_t)-1) {
            free(at);
            bont_error_setf(err, "doses", "dose %zu at day %g is not a sample time", i,
                            doses[i].t_days);
            return BONT_EINVAL;
        }
    }
    qsort(at, n_doses, sizeof *at, cmp_dose_at);
    *out = at;
    return 0;
}

/* The session at sample k, at[*next..] (sections 1.5, 4, 9): each serotype's concentration is
 * captured saturably, its fast share free to bind at once; the compartment's share is the
 * largest of its sessions'; sprouts are silenced. */
static void apply_doses(bont_consts_t *c, const bont_dose_t *doses, const dose_at_t *at,
                        size_t n_doses, size_t *next, size_t k, junction_t *j, derived_t *d)
{
    size_t first = *next, end = first;
    while (end < n_doses && at[end].step == k)
        end++;
    *next = end;
    const bont_params_t *p = c->p;
    bool dosed = false;
    for (int m = 0; m < c->n_ch; m++) {
        double cs = 0.0;
        for (size_t i = first; i < end; i++)
            if ((int)doses[at[i].index].serotype == c->ch[m].sero)
                cs += doses[at[i].index].conc_u_per_ml;
        if (!(cs > 0.0))
            continue;
        double u = p->uptake_sat_u_per_ml * log1p(cs / p->uptake_sat_u_per_ml);
        c->ch[m].x[0] += (1.0 - p->uptake_fast_fraction) * u;
        c->ch[m].x[1] += p->uptake_fast_fraction * u;
        dosed = true;
    }
    if (!dosed)
        return;
    for (size_t i = first; i < end; i++)
        if (doses[at[i].index].conc_u_per_ml > 0.0)
            j->scale = fmax(j->scale, doses[at[i].index].scale);
    /* Sprouts are terminals too: the new session's toxin silences them, and the junction must
     * sprout again (section 4; Rogozhin 2008). */
    j->sp1 = j->sp2 = 0.0;
    derive_release(c, j, d);
}

/* One step of h days after the session of its start (section 12.3). */
static void step_bont(bont_consts_t *c, const hconsts_t *hc, double q_prev[2], junction_t *j,
                      derived_t *d)
{
    derived_t d0 = *d;
    /* Light chain (section 2), exact at the step's midpoint and end; then cleavage against
     * resynthesis with the cleavage rate averaged over the step by Simpson's rule (it saturates
     * within hours of a dose, so a trapezoid is too coarse there; section 7). */
    double mid[BONT_SERO_COUNT][BONT_N], end[BONT_SERO_COUNT][BONT_N];
    for (int m = 0; m < c->n_ch; m++) {
        memcpy(mid[m], c->ch[m].x, sizeof mid[m]);
        bont__chain_apply(hc->half[m], BONT_N, mid[m]);
        bont__chain_apply(hc->prop[m], BONT_N, c->ch[m].x);
        memcpy(end[m], c->ch[m].x, sizeof end[m]);
    }
    double q[2], qm[2];
    derive_light(c, (const double(*)[BONT_N])mid, qm);
    derive_light(c, (const double(*)[BONT_N])end, q);
    for (int s = 0; s < 2; s++) {
        if (q_prev[s] == 0.0 && q[s] == 0.0 && j->s[s] == 1.0)
            continue; /* substrate of no serotype present: stays intact */
        double lam = c->ksyn + c->kcl * (q_prev[s] + 4.0 * qm[s] + q[s]) / 6.0;
        double eq = c->ksyn / lam;
        j->s[s] = eq + (j->s[s] - eq) * exp(-lam * hc->h);
        q_prev[s] = q[s];
    }
    /* Sprouts follow the parent's loss of release through two stages (section 4). */
    double rp1 = parent_release(c, j);
    double sp1_old = j->sp1;
    j->sp1 =
        relax_step(&hc->sprout, j->sp1, c->sprout_max * (1.0 - d0.rp), c->sprout_max * (1.0 - rp1));
    j->sp2 = relax_step(&hc->sprout, j->sp2, sp1_old, j->sp1);
    derive_release(c, j, d);
    /* Atrophy builds towards a_max F at one rate and is regained at a slower one (section 6:
     * the lasting residue); the branch is taken at the step's start. */
    if (c->junction) {
        double g0 = c->atrophy_max * d0.fail, g1 = c->atrophy_max * d->fail;
        j->atrophy = relax_step(g0 >= j->atrophy ? &hc->up : &hc->down, j->atrophy, g0, g1);
    }
}

static int run_bont(const bont_params_t *p, const bont_target_t *target, const bont_dose_t *doses,
                    size_t n_doses, bont_trace_t *tr, bont_error_t *err)
{
    int rc = check_trace(tr, err);
    if (rc)
        return rc;
    if (!p || !target || (unsigned)target->tissue >= BONT_TISSUE_COUNT || (n_doses && !doses)) {
        bont_error_setf(err, "target",
                        "the model needs parameters, a target with a tissue class "
                        "and its doses");
        return BONT_EINVAL;
    }
    bont_consts_t *c = malloc(sizeof *c);
    dose_at_t *at = NULL;
    if (!c) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    *c = (bont_consts_t){
        .p = p,
        .km = p->cleave_km_u_per_ml,
        .kcl = p->cleave_max_per_d,
        .ksyn = p->snare_synth_per_d,
        .n = p->snare_coop,
        .mu = log(p->safety_factor_median),
        .sigma = p->safety_factor_log_sd,
        .sprout_max = p->sprout_max[target->tissue],
        .sprout_rate = p->sprout_rate_per_d[target->tissue],
        .atrophy_max = p->atrophy_max[target->tissue],
        .junction = bont_tissue_has_junction(target->tissue),
    };
    c->phi0 = 0.5 * erfc(c->mu / c->sigma / M_SQRT2); /* failures at normal release */
    if ((rc = make_channels(c, doses, n_doses, err)) != 0 ||
        (rc = doses_by_step(tr, doses, n_doses, &at, err)) != 0)
        goto cleanup;
    junction_t j = {.scale = 0.0, .s = {1.0, 1.0}};
    derived_t d;
    double q_prev[2] = {0.0, 0.0};
    derive_release(c, &j, &d);
    size_t next = 0;
    for (size_t k = 0;; k++) {
        outputs(c, &j, &d, tr, k); /* at a session: the state just before it */
        if (k == tr->n_steps)
            break;
        if (next < n_doses && at[next].step == k)
            apply_doses(c, doses, at, n_doses, &next, k, &j, &d);
        step_bont(c, hconsts(c, sample_t(tr, k + 1) - sample_t(tr, k)), q_prev, &j, &d);
    }
cleanup:
    free(at);
    free(c);
    return rc;
}

static const bont_model_t model_bont = {
    .name = "bont",
    .title = "bont model v2: saturable capture with a fast share, light-chain persistence, deep "
             "SNARE cleavage, sprouting by tissue class, graded junction, force/CMAP/sweat, "
             "lasting atrophy",
    .dose_dependent = true,
    .run = run_bont,
};

static const bont_model_t model_lebeda4 = {
    .name = "lebeda4",
    .title = "Lebeda 2008 four-step chain (BioModels BIOMD0000000178): effect = lytic fraction",
    .dose_dependent = false,
    .run = run_lebeda4,
};

static const bont_model_t model_lebeda3 = {
    .name = "lebeda3",
    .title = "Lebeda 2008 three-step chain (BioModels BIOMD0000000267): effect = lytic fraction",
    .dose_dependent = false,
    .run = run_lebeda3,
};

const bont_model_t *const bont_model_bont = &model_bont;
const bont_model_t *const bont_model_lebeda4 = &model_lebeda4;
const bont_model_t *const bont_model_lebeda3 = &model_lebeda3;

static const bont_model_t *const all_models[] = {&model_bont, &model_lebeda4, &model_lebeda3};

size_t bont_model_count(void)
{
    return sizeof all_models / sizeof all_models[0];
}

const bont_model_t *bont_model_at(size_t i)
{
    return i < bont_model_count() ? all_models[i] : NULL;
}

const bont_model_t *bont_model_find(const char *name)
{
    for (size_t i = 0; name && i < bont_model_count(); i++)
        if (strcmp(all_models[i]->name, name) == 0)
            return all_models[i];
    return NULL;
}
