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

static int check_trace(const bont_trace_t *tr, bont_error_t *err)
{
    if (!tr || tr->steps_per_day < 1 || !tr->effect_frac) {
        bont_error_setf(err, "trace", "trace needs steps_per_day >= 1 and an effect array");
        return BONT_EINVAL;
    }
    return 0;
}

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

static size_t dose_step(const bont_dose_t *d, int spd)
{
    double k = floor(d->t_days * spd + 0.5);
    return k < 0 ? 0 : (size_t)k;
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
    double prop[BONT_CHAIN_MAX][BONT_CHAIN_MAX];
    bont__chain_propagator(k, n, 1.0 / tr->steps_per_day, prop);
    size_t start = (size_t)-1;
    for (size_t i = 0; i < n_doses; i++)
        if (doses[i].ona_u > 0 && dose_step(&doses[i], tr->steps_per_day) < start)
            start = dose_step(&doses[i], tr->steps_per_day);
    double x[BONT_CHAIN_MAX] = {0};
    for (size_t s = 0; s <= tr->n_steps; s++) {
        double lytic = x[n - 1];
        store(tr, s, lytic, 1.0 - lytic, 1.0 - lytic, 0.0);
        if (s == start)
            x[0] = 1.0;
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

/* ---- The bont model ------------------------------------------------------------------------- */

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
    return (phi - phi0) / (1.0 - phi0);
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

typedef struct channel_t {
    int sero;
    double x[BONT_N];
    double prop[BONT_CHAIN_MAX][BONT_CHAIN_MAX];      /* exp(A h) */
    double prop_half[BONT_CHAIN_MAX][BONT_CHAIN_MAX]; /* exp(A h/2), for the step's midpoint */
} channel_t;

typedef struct junction_t {
    double cov;      /* share of terminals reached */
    double s[2];     /* intact SNAP-25, VAMP */
    double sp1, sp2; /* sprout stages */
    double atrophy;
} junction_t;

typedef struct derived_t {
    double q[2]; /* saturation of cleavage, L/(L+K), per substrate */
    double rp;   /* parent-terminal release */
    double r;    /* total release */
    double fail; /* fibres failing (share of all fibres) */
} derived_t;

typedef struct bont_consts_t {
    double km, kcl, ksyn, n;
    double mu, sigma, phi0;
    double sprout_max;
    bool muscle;
    bont_tissue_t tissue;
} bont_consts_t;

static void derive_light(const bont_consts_t *c, const channel_t *ch, int n_ch, double q[2])
{
    double l[2] = {0.0, 0.0};
    for (int i = 0; i < n_ch; i++)
        l[substrate_of(ch[i].sero)] += ch[i].x[4] + ch[i].x[5];
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
    d->fail = c->muscle ? j->cov * fail_fraction(d->r, c->mu, c->sigma, c->phi0) : 0.0;
}

static void outputs(const bont_consts_t *c, const junction_t *j, const derived_t *d,
                    const bont_trace_t *tr, size_t k)
{
    if (c->muscle) {
        double active = 1.0 - d->fail;
        store(tr, k, 1.0 - active * (1.0 - j->atrophy), active, d->r, j->atrophy);
    } else {
        store(tr, k, j->cov * (1.0 - d->r), NAN, d->r, 0.0);
    }
}

/* One uptake chain per serotype present (section 2; bont__uptake_matrix). */
static int make_channels(const bont_params_t *p, const bont_dose_t *doses, size_t n_doses, double h,
                         channel_t *ch, bont_error_t *err)
{
    int n_ch = 0;
    for (size_t i = 0; i < n_doses; i++) {
        if ((unsigned)doses[i].serotype >= BONT_SERO_COUNT || !(doses[i].ona_u >= 0.0) ||
            !(doses[i].t_days >= 0.0)) {
            bont_error_setf(err, "doses", "dose %zu needs a serotype, units >= 0 and a time >= 0",
                            i);
            return -1;
        }
        int found = 0;
        for (int j = 0; j < n_ch; j++)
            found |= ch[j].sero == (int)doses[i].serotype;
        if (found)
            continue;
        channel_t *cc = &ch[n_ch++];
        memset(cc, 0, sizeof *cc);
        cc->sero = (int)doses[i].serotype;
        double a[BONT_CHAIN_MAX][BONT_CHAIN_MAX];
        bont__uptake_matrix(p, cc->sero, a);
        bont__expm_lower(a, BONT_N, h, cc->prop);
        bont__expm_lower(a, BONT_N, 0.5 * h, cc->prop_half);
    }
    return n_ch;
}

/* A dose and the step it falls on, to walk the doses in step order. */
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

/* The doses by step, and within a step in the order given (so every sum is taken in the same
 * order as a scan of all doses would): each step then costs only its own doses, and a long
 * history O(doses log doses) in all instead of O(steps x doses). */
static dose_at_t *doses_by_step(const bont_dose_t *doses, size_t n_doses, int spd)
{
    dose_at_t *at = malloc((n_doses ? n_doses : 1) * sizeof *at);
    if (!at)
        return NULL;
    for (size_t i = 0; i < n_doses; i++)
        at[i] = (dose_at_t){dose_step(&doses[i], spd), i};
    qsort(at, n_doses, sizeof *at, cmp_dose_at);
    return at;
}

/* The doses at step k, at[*next..] (section 1): coverage widens with the session's total
 * concentration; each serotype's captured amount saturates; sprouts are silenced. */
static void apply_doses(const bont_params_t *p, const bont_consts_t *c, const bont_dose_t *doses,
                        const dose_at_t *at, size_t n_doses, size_t *next, size_t k,
                        double volume_ml, channel_t *ch, int n_ch, junction_t *j, derived_t *d)
{
    size_t first = *next, end = first;
    double c_total = 0.0;
    while (end < n_doses && at[end].step == k)
        c_total += doses[at[end++].index].ona_u / volume_ml;
    *next = end;
    if (!(c_total > 0.0))
        return;
    for (int m = 0; m < n_ch; m++) {
        double cs = 0.0;
        for (size_t i = first; i < end; i++)
            if ((int)doses[at[i].index].serotype == ch[m].sero)
                cs += doses[at[i].index].ona_u / volume_ml;
        if (cs > 0.0)
            ch[m].x[0] += p->uptake_sat_u_per_ml * log1p(cs / p->uptake_sat_u_per_ml);
    }
    j->cov = 1.0; /* v1 coverage is gone; run_bont v2 takes the scale from the dose */
    /* Sprouts are terminals too: the new session's toxin, which saturates cleavage at tiny
     * amounts (section 3), silences those of the last session, and the junction must sprout
     * again (section 4; Rogozhin 2008). */
    j->sp1 = j->sp2 = 0.0;
    derive_release(c, j, d);
}

/* One step of h days after the doses of its start (sections 2-6). */
static void step_bont(const bont_params_t *p, const bont_consts_t *c, const relax_t *sprout,
                      const relax_t *atro, channel_t *ch, int n_ch, double q_prev[2], junction_t *j,
                      derived_t *d, double h)
{
    derived_t d0 = *d;
    /* Light chain (section 2), exact at the step's midpoint and end; then cleavage against
     * resynthesis with the cleavage rate averaged over the step by Simpson's rule (it saturates
     * within hours of a dose, so a trapezoid is too coarse there; section 7). */
    channel_t mid[BONT_SERO_COUNT];
    for (int m = 0; m < n_ch; m++) {
        memcpy(mid[m].x, ch[m].x, sizeof mid[m].x);
        mid[m].sero = ch[m].sero;
        bont__chain_apply(ch[m].prop_half, BONT_N, mid[m].x);
        bont__chain_apply(ch[m].prop, BONT_N, ch[m].x);
    }
    double q[2], qm[2];
    derive_light(c, mid, n_ch, qm);
    derive_light(c, ch, n_ch, q);
    for (int s = 0; s < 2; s++) {
        if (q_prev[s] == 0.0 && q[s] == 0.0 && j->s[s] == 1.0)
            continue; /* substrate of no serotype present: stays intact */
        double lam = c->ksyn + c->kcl * (q_prev[s] + 4.0 * qm[s] + q[s]) / 6.0;
        double eq = c->ksyn / lam;
        j->s[s] = eq + (j->s[s] - eq) * exp(-lam * h);
        q_prev[s] = q[s];
    }
    /* Sprouts follow the parent's loss of release through two stages (section 4). */
    double rp1 = parent_release(c, j);
    double sp1_old = j->sp1;
    j->sp1 = relax_step(sprout, j->sp1, c->sprout_max * (1.0 - d0.rp), c->sprout_max * (1.0 - rp1));
    j->sp2 = relax_step(sprout, j->sp2, sp1_old, j->sp1);
    derive_release(c, j, d);
    /* Atrophy follows the share of fibres failing (section 6). */
    if (c->muscle)
        j->atrophy = relax_step(atro, j->atrophy, p->atrophy_max[c->tissue] * d0.fail,
                                p->atrophy_max[c->tissue] * d->fail);
}

static int run_bont(const bont_params_t *p, const bont_target_t *target, const bont_dose_t *doses,
                    size_t n_doses, bont_trace_t *tr, bont_error_t *err)
{
    int rc = check_trace(tr, err);
    if (rc)
        return rc;
    if (!target || !(target->volume_ml > 0.0) || target->tissue >= BONT_TISSUE_COUNT) {
        bont_error_setf(err, "target", "target needs a tissue and a volume > 0 mL");
        return BONT_EINVAL;
    }
    const double h = 1.0 / tr->steps_per_day;
    bont_consts_t c = {
        .km = p->cleave_km_u_per_ml,
        .kcl = p->cleave_max_per_d,
        .ksyn = p->snare_synth_per_d,
        .n = p->snare_coop,
        .mu = log(p->safety_factor_median),
        .sigma = p->safety_factor_log_sd,
        .sprout_max = p->sprout_max[target->tissue],
        .muscle = bont_tissue_has_junction(target->tissue),
        .tissue = target->tissue,
    };
    c.phi0 = 0.5 * erfc(c.mu / c.sigma / M_SQRT2); /* failures at normal release */
    relax_t sprout = relax_make(p->sprout_rate_per_d[target->tissue], h);
    relax_t atro = relax_make(p->atrophy_rate_per_d, h);
    channel_t ch[BONT_SERO_COUNT];
    int n_ch = make_channels(p, doses, n_doses, h, ch, err);
    if (n_ch < 0)
        return BONT_EINVAL;
    dose_at_t *at = doses_by_step(doses, n_doses, tr->steps_per_day);
    if (!at) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    junction_t j = {.cov = 0.0, .s = {1.0, 1.0}};
    derived_t d;
    double q_prev[2];
    derive_light(&c, ch, n_ch, q_prev);
    derive_release(&c, &j, &d);
    size_t next = 0;
    for (size_t k = 0;; k++) {
        outputs(&c, &j, &d, tr, k); /* at a dose time: the state just before it */
        if (k == tr->n_steps)
            break;
        apply_doses(p, &c, doses, at, n_doses, &next, k, target->volume_ml, ch, n_ch, &j, &d);
        step_bont(p, &c, &sprout, &atro, ch, n_ch, q_prev, &j, &d, h);
    }
    free(at);
    return 0;
}

static const bont_model_t model_bont = {
    .name = "bont",
    .title = "extended mechanistic model: exposure, saturable uptake, light-chain persistence, "
             "SNARE cleavage, sprouting, junction safety factor, force/CMAP/sweat, atrophy",
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
