/* cvode_bont.c: the bont model v2 as an ODE per structure for SUNDIALS CVODE (see cvode_bont.h;
 * the right-hand side of bench/reference/v2/model.py Rhs). State per serotype channel: bulk,
 * free, bound, translocated, light chain, long-lived light chain; then intact SNAP-25, intact
 * VAMP, sprout stages 1 and 2, atrophy in the field. Doses are discontinuities: the solver stops
 * at each one, the dose is added (its fast share free to bind at once, sprouts silenced) and the
 * solver restarts. */
#include "cvode_bont.h"

#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#define MIN_PER_DAY 1440.0
#define MAX_CH      BONT_SERO_COUNT
#define NX          6

typedef struct problem_t {
    int n_ch, sero[MAX_CH];
    double kS, kB, kT, kL, fslow, klc[MAX_CH], klc_slow[MAX_CH];
    double km, kcl, ksyn, coop, mu, sigma, phi0, spmax, ksp, amax, kup, kdown, beta;
    int junction;
    double scale;
} problem_t;

/* Integrator memory for one state size (one per number of channels). */
typedef struct solver_t {
    void *mem;
    N_Vector y;
    SUNMatrix a;
    SUNLinearSolver ls;
    int n;
} solver_t;

struct cvode_bont_t {
    SUNContext ctx;
    double rtol, atol;
    solver_t s[MAX_CH + 1];
    problem_t pb;
};

static int substrate_of(int sero)
{
    return (sero == BONT_SERO_B || sero == BONT_SERO_F) ? 1 : 0;
}

static double fail_of(const problem_t *pb, double r)
{
    if (r >= 1.0)
        return 0.0;
    if (r <= 0.0)
        return 1.0;
    double z = (-log(r) - pb->mu) / pb->sigma;
    return (0.5 * erfc(-z / M_SQRT2) - pb->phi0) / (1.0 - pb->phi0);
}

static void release(const problem_t *pb, const double *y, double *rp, double *r)
{
    int o = NX * pb->n_ch;
    double x = y[o] * y[o + 1];
    *rp = pb->coop == 3.0 ? x * x * x : pow(fmax(x, 0.0), pb->coop);
    *r = fmin(1.0, *rp + y[o + 3]);
}

static int rhs(sunrealtype t, N_Vector yv, N_Vector dv, void *user)
{
    (void)t;
    const problem_t *pb = user;
    const double *y = N_VGetArrayPointer(yv);
    double *d = N_VGetArrayPointer(dv);
    double light[2] = {0.0, 0.0};
    for (int c = 0; c < pb->n_ch; c++) {
        const double *x = y + NX * c;
        double *dx = d + NX * c;
        dx[0] = -pb->kS * x[0];
        dx[1] = pb->kS * x[0] - pb->kB * x[1];
        dx[2] = pb->kB * x[1] - pb->kT * x[2];
        dx[3] = pb->kT * x[2] - pb->kL * x[3];
        dx[4] = (1.0 - pb->fslow) * pb->kL * x[3] - pb->klc[c] * x[4];
        dx[5] = pb->fslow * pb->kL * x[3] - pb->klc_slow[c] * x[5];
        light[substrate_of(pb->sero[c])] += x[4] + x[5];
    }
    int o = NX * pb->n_ch;
    for (int i = 0; i < 2; i++) {
        double q = light[i] > 0.0 ? light[i] / (light[i] + pb->km) : 0.0;
        d[o + i] = pb->ksyn * (1.0 - y[o + i]) - pb->kcl * q * y[o + i];
    }
    double rp, r;
    release(pb, y, &rp, &r);
    d[o + 2] = pb->ksp * (pb->spmax * (1.0 - rp) - y[o + 2]);
    d[o + 3] = pb->ksp * (y[o + 2] - y[o + 3]);
    /* Atrophy builds at k_up and is regained at k_down (section 6). */
    double g = pb->junction ? pb->amax * fail_of(pb, r) : 0.0;
    d[o + 4] = pb->junction ? (g >= y[o + 4] ? pb->kup : pb->kdown) * (g - y[o + 4]) : 0.0;
    return 0;
}

static double effect_of(const problem_t *pb, const double *y)
{
    double rp, r;
    release(pb, y, &rp, &r);
    if (pb->junction) {
        double f = fail_of(pb, r);
        return pb->scale * (1.0 - (1.0 - f) * (1.0 - pb->beta * y[NX * pb->n_ch + 4]));
    }
    return pb->scale * (1.0 - r);
}

cvode_bont_t *cvode_bont_new(double rtol, double atol)
{
    cvode_bont_t *cv = calloc(1, sizeof *cv);
    if (!cv || SUNContext_Create(NULL, &cv->ctx) != 0) {
        free(cv);
        return NULL;
    }
    cv->rtol = rtol;
    cv->atol = atol;
    return cv;
}

void cvode_bont_free(cvode_bont_t **pcv)
{
    if (!pcv || !*pcv)
        return;
    cvode_bont_t *cv = *pcv;
    for (int i = 0; i <= MAX_CH; i++) {
        solver_t *s = &cv->s[i];
        if (s->mem)
            CVodeFree(&s->mem);
        if (s->ls)
            SUNLinSolFree(s->ls);
        if (s->a)
            SUNMatDestroy(s->a);
        if (s->y)
            N_VDestroy(s->y);
    }
    SUNContext_Free(&cv->ctx);
    free(cv);
    *pcv = NULL;
}

static solver_t *solver_for(cvode_bont_t *cv, int n_ch)
{
    solver_t *s = &cv->s[n_ch];
    if (s->mem)
        return s;
    s->n = NX * n_ch + 5;
    s->y = N_VNew_Serial(s->n, cv->ctx);
    s->a = SUNDenseMatrix(s->n, s->n, cv->ctx);
    s->ls = SUNLinSol_Dense(s->y, s->a, cv->ctx);
    s->mem = CVodeCreate(CV_BDF, cv->ctx);
    if (!s->y || !s->a || !s->ls || !s->mem)
        return NULL;
    N_VConst(0.0, s->y);
    if (CVodeInit(s->mem, rhs, 0.0, s->y) != CV_SUCCESS ||
        CVodeSStolerances(s->mem, cv->rtol, cv->atol) != CV_SUCCESS ||
        CVodeSetLinearSolver(s->mem, s->ls, s->a) != CV_SUCCESS ||
        CVodeSetMaxNumSteps(s->mem, 200000) != CV_SUCCESS)
        return NULL;
    CVodeSetUserData(s->mem, &cv->pb);
    return s;
}

static int cmp_dose(const void *a, const void *b)
{
    const bont_dose_t *x = a, *y = b;
    return (x->t_days > y->t_days) - (x->t_days < y->t_days);
}

/* The doses at doses[i].t_days (section 1.5): each serotype's summed concentration captured
 * saturably, its fast share free to bind at once; the largest scale kept; sprouts silenced.
 * Returns the index of the first later dose. */
static size_t apply_session(problem_t *pb, const bont_params_t *p, const bont_dose_t *doses,
                            size_t n_doses, size_t i, double *y)
{
    double cs[MAX_CH] = {0}, at = doses[i].t_days;
    int dosed = 0;
    for (; i < n_doses && doses[i].t_days == at; i++) {
        double c = doses[i].conc_u_per_ml;
        if (!(c > 0.0))
            continue;
        dosed = 1;
        pb->scale = fmax(pb->scale, doses[i].scale);
        for (int c2 = 0; c2 < pb->n_ch; c2++)
            if (pb->sero[c2] == (int)doses[i].serotype)
                cs[c2] += c;
    }
    for (int c = 0; c < pb->n_ch; c++)
        if (cs[c] > 0.0) {
            double u = p->uptake_sat_u_per_ml * log1p(cs[c] / p->uptake_sat_u_per_ml);
            y[NX * c] += (1.0 - p->uptake_fast_fraction) * u;
            y[NX * c + 1] += p->uptake_fast_fraction * u;
        }
    if (dosed) /* the new toxin silences the sprouts (section 4) */
        y[NX * pb->n_ch + 2] = y[NX * pb->n_ch + 3] = 0.0;
    return i;
}

int cvode_bont_run(cvode_bont_t *cv, const bont_params_t *p, bont_tissue_t tissue,
                   const bont_dose_t *doses_in, size_t n_doses, const double *t, size_t n,
                   double *effect, long *steps)
{
    problem_t *pb = &cv->pb;
    memset(pb, 0, sizeof *pb);
    bont_dose_t doses[64];
    n_doses = n_doses < 64 ? n_doses : 64;
    memcpy(doses, doses_in, n_doses * sizeof *doses);
    qsort(doses, n_doses, sizeof *doses, cmp_dose);
    for (size_t i = 0; i < n_doses; i++) {
        int found = 0;
        for (int c = 0; c < pb->n_ch; c++)
            found |= pb->sero[c] == (int)doses[i].serotype;
        if (!found)
            pb->sero[pb->n_ch++] = (int)doses[i].serotype;
    }
    pb->kS = p->k_bulk_per_min * MIN_PER_DAY;
    pb->kB = p->k_bind_per_min * MIN_PER_DAY;
    pb->kT = p->k_endo_per_min * MIN_PER_DAY;
    pb->kL = p->k_transloc_per_min * MIN_PER_DAY;
    pb->fslow = p->lc_slow_fraction;
    for (int c = 0; c < pb->n_ch; c++) {
        pb->klc[c] = M_LN2 / p->lc_half_life_d[pb->sero[c]];
        pb->klc_slow[c] = pb->klc[c] / p->lc_slow_factor;
    }
    pb->km = p->cleave_km_u_per_ml;
    pb->kcl = p->cleave_max_per_d;
    pb->ksyn = p->snare_synth_per_d;
    pb->coop = p->snare_coop;
    pb->mu = log(p->safety_factor_median);
    pb->sigma = p->safety_factor_log_sd;
    pb->phi0 = 0.5 * erfc(pb->mu / pb->sigma / M_SQRT2);
    pb->spmax = p->sprout_max[tissue];
    pb->ksp = p->sprout_rate_per_d[tissue];
    pb->amax = p->atrophy_max[tissue];
    pb->kup = p->atrophy_rate_per_d;
    pb->kdown = p->atrophy_recovery_per_d;
    pb->beta = p->atrophy_effect_share;
    pb->junction = bont_tissue_has_junction(tissue);
    if (pb->n_ch == 0) {
        for (size_t k = 0; k < n; k++)
            effect[k] = 0.0;
        return 0;
    }
    solver_t *s = solver_for(cv, pb->n_ch);
    if (!s)
        return -1;
    double *y = N_VGetArrayPointer(s->y);
    memset(y, 0, (size_t)s->n * sizeof *y);
    y[NX * pb->n_ch] = y[NX * pb->n_ch + 1] = 1.0;
    if (CVodeReInit(s->mem, 0.0, s->y) != CV_SUCCESS)
        return -1;
    size_t k = 0, i = 0;
    double now = 0.0;
    while (k < n) {
        /* Outputs up to and including the next dose time are before it. */
        double next = i < n_doses ? doses[i].t_days : INFINITY;
        while (k < n && t[k] <= next) {
            if (t[k] > now) {
                sunrealtype tret;
                CVodeSetStopTime(s->mem, next < INFINITY ? next : t[n - 1]);
                if (CVode(s->mem, t[k], s->y, &tret, CV_NORMAL) < 0)
                    return -1;
                now = tret;
            }
            effect[k++] = effect_of(pb, y);
        }
        if (i >= n_doses)
            break;
        /* The dose events at this time (section 1), then a restart. */
        if (now < next) {
            sunrealtype tret;
            CVodeSetStopTime(s->mem, next);
            if (CVode(s->mem, next, s->y, &tret, CV_NORMAL) < 0)
                return -1;
            now = tret;
        }
        i = apply_session(pb, p, doses, n_doses, i, y);
        long nst = 0;
        CVodeGetNumSteps(s->mem, &nst);
        *steps += nst;
        if (CVodeReInit(s->mem, next, s->y) != CV_SUCCESS)
            return -1;
    }
    long nst = 0;
    CVodeGetNumSteps(s->mem, &nst);
    *steps += nst;
    return 0;
}
