/* pop_kernel.c: the bont model (docs/model.md sections 1-7) for BONT_POP_LANES patients at once,
 * in float lanes: the same equations and the same exponential integrators as run_bont in
 * models.c, on a grid that is fine where the effect changes fast and coarse where it does not.
 * Math functions are our own polynomial ones so every lane, every instruction set and every
 * thread count gives bit-identical results (no libm vector variants, no -ffast-math). */
#include "model/pop_kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/chain.h"

#define W BONT_POP_LANES

const double bont__pop_h_days[BONT_POP_NH] = {0.03125, 0.125, 0.25, 0.5, 1.0};

/* Days after a session at which the step grows to the next size (docs/model.md section 7). The
 * fast share of a dose starts the effect within hours, which needs 1/32-day steps for the first
 * day; onset falls within the first days and the peak within weeks; after a month the effect
 * changes by a few percent a day, where a one-day exponential step is accurate to about 0.03
 * points (docs/performance.md, "Accuracy of the grid"). */
static const double h_until_days[BONT_POP_NH - 1] = {1.0, 4.0, 10.0, 30.0};

/* One instruction set's kernels (pop_kernel_impl.h). */
typedef struct pop_impl_t {
    const char *name;
    void (*kernel)(const bont_pop_grid_t *, const bont_pop_block_t *, const bont_pop_target_in_t *,
                   float *, float *, float *);
    void (*impulse)(const bont_pop_grid_t *, const bont_pop_prop_t *, size_t, float *);
    void (*readouts)(const bont_pop_grid_t *, const float *, size_t, double, bont_readouts_t *,
                     float *);
    void (*math_array)(int, const float *, float *, size_t);
    void (*quantize_days)(const float *, const size_t *, int, uint16_t *, size_t, size_t, size_t);
} pop_impl_t;

/* The baseline: four lanes a vector (SSE2 on x86-64, NEON on arm64). */
#define POP_W      4
#define POP_SUFFIX _generic
#define POP_NAME   "generic"
#include "model/pop_kernel_impl.h"
#undef POP_W
#undef POP_SUFFIX
#undef POP_NAME

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define POP_HAVE_X86 1
/* Sixteen lanes need AVX-512's 32 vector registers; with AVX2's 16, eight lanes keep the
 * kernel's state in registers. */
#pragma GCC push_options
#pragma GCC target("avx2")
#define POP_W      8
#define POP_SUFFIX _avx2
#define POP_NAME   "avx2"
#include "model/pop_kernel_impl.h"
#undef POP_W
#undef POP_SUFFIX
#undef POP_NAME
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f")
#define POP_W      16
#define POP_SUFFIX _avx512
#define POP_NAME   "avx512"
#include "model/pop_kernel_impl.h"
#undef POP_W
#undef POP_SUFFIX
#undef POP_NAME
#pragma GCC pop_options
#endif

static _Atomic(const pop_impl_t *) forced;

static const pop_impl_t *impl(void)
{
    const pop_impl_t *f = forced;
    if (f)
        return f;
#ifdef POP_HAVE_X86
    if (__builtin_cpu_supports("avx512f"))
        return &impl__avx512;
    if (__builtin_cpu_supports("avx2"))
        return &impl__avx2;
#endif
    return &impl__generic;
}

const char *bont__pop_isa(void)
{
    return impl()->name;
}

int bont__pop_isa_force(const char *name)
{
    if (!name) {
        forced = NULL;
        return 0;
    }
    if (strcmp(name, "generic") == 0) {
        forced = &impl__generic;
        return 0;
    }
#ifdef POP_HAVE_X86
    if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2")) {
        forced = &impl__avx2;
        return 0;
    }
    if (strcmp(name, "avx512") == 0 && __builtin_cpu_supports("avx512f")) {
        forced = &impl__avx512;
        return 0;
    }
#endif
    return BONT_EINVAL;
}

void bont__pop_kernel(const bont_pop_grid_t *g, const bont_pop_block_t *b,
                      const bont_pop_target_in_t *in, float *effect, float *cmap, float *scratch)
{
    impl()->kernel(g, b, in, effect, cmap, scratch);
}

void bont__pop_impulse(const bont_pop_grid_t *g, const bont_pop_prop_t *prop, size_t k_dose,
                       float *out)
{
    impl()->impulse(g, prop, k_dose, out);
}

/* First time at or after sample k0 where lane l's effect e >= thr, interpolated; NAN if never
 * (readouts.c first_up on float samples). */
static double lane_first_up(const bont_pop_grid_t *g, const float *e, size_t l, size_t k0,
                            double thr, size_t *k_hit)
{
    const double *t = g->t_days;
    for (size_t k = k0; k <= g->n_steps; k++) {
        double ek = e[k * W + l];
        if (ek >= thr) {
            *k_hit = k;
            double ep = k > k0 ? e[(k - 1) * W + l] : 0.0;
            if (k > k0 && ek > ep)
                return t[k - 1] + (thr - ep) / (ek - ep) * (t[k] - t[k - 1]);
            return t[k];
        }
    }
    return NAN;
}

/* Noticeable onset and response duration of lane l (docs/model.md section 8; readouts.c
 * bont_readouts_at): the first up-crossing of each threshold and, for the response, the first
 * sample after it below the threshold (INFINITY: still above at the end). */
static void lane_clinical(const bont_pop_grid_t *g, const float *e, size_t l, size_t k0, double t0,
                          double thr_n, double thr_r, bont_readouts_t *ro)
{
    const double *t = g->t_days;
    size_t k_hit = 0;
    ro->noticeable_onset_day = ro->response_duration_days = NAN;
    if (thr_n > 0.0)
        ro->noticeable_onset_day = lane_first_up(g, e, l, k0, thr_n, &k_hit) - t0;
    if (!(thr_r > 0.0))
        return;
    double up = lane_first_up(g, e, l, k0, thr_r, &k_hit);
    if (isnan(up))
        return;
    /* The first sample at or after the up-crossing is the hit sample; look past it. */
    ro->response_duration_days = INFINITY;
    for (size_t k = k_hit + 1; k <= g->n_steps; k++) {
        double ek = e[k * W + l], ep = e[(k - 1) * W + l];
        if (ek < thr_r) {
            double frac = ep > ek ? (ep - thr_r) / (ep - ek) : 0.0;
            ro->response_duration_days = t[k - 1] + frac * (t[k] - t[k - 1]) - up;
            break;
        }
    }
}

void bont__pop_readouts(const bont_pop_grid_t *g, const float *effect, size_t k0, double t0_days,
                        double perceptible_frac, double response_frac,
                        bont_readouts_t out[BONT_POP_LANES], float peak_frac[BONT_POP_LANES])
{
    impl()->readouts(g, effect, k0, t0_days, out, peak_frac);
    for (size_t l = 0; l < W; l++)
        lane_clinical(g, effect, l, k0, t0_days, perceptible_frac, response_frac, &out[l]);
}

void bont__pop_quantize_days(const bont_pop_grid_t *g, const float *samples, uint16_t *rows,
                             size_t stride, size_t col, size_t lanes)
{
    impl()->quantize_days(samples, g->day_step, g->days, rows, stride, col, lanes);
}

void bont__pop_exp_array(const float *x, float *y, size_t n)
{
    impl()->math_array(0, x, y, n);
}

void bont__pop_log_array(const float *x, float *y, size_t n)
{
    impl()->math_array(1, x, y, n);
}

void bont__pop_erfc_array(const float *x, float *y, size_t n)
{
    impl()->math_array(2, x, y, n);
}

/* ---- Grid ------------------------------------------------------------------------------- */

static int h_class_at(double since_session_days)
{
    int c = 0;
    while (c < BONT_POP_NH - 1 && since_session_days >= h_until_days[c])
        c++;
    return c;
}

/* Walks the grid: returns the number of steps, filling t and cls when not NULL. Every time is a
 * multiple of the current step (sessions and class changes fall on whole days), so the walk
 * lands exactly on every whole day and every session. */
static size_t grid_walk(const double *sess, size_t n_sess, double t_end, double *t, uint8_t *cls)
{
    size_t k = 0, s = 0;
    double now = 0.0;
    if (t)
        t[0] = 0.0;
    while (now < t_end) {
        while (s + 1 < n_sess && sess[s + 1] <= now)
            s++;
        int c = h_class_at(now - sess[s]);
        double h = bont__pop_h_days[c];
        if (s + 1 < n_sess && now + h > sess[s + 1]) /* cannot happen with whole-day sessions */
            h = sess[s + 1] - now;
        if (cls)
            cls[k] = (uint8_t)c;
        now += h;
        k++;
        if (t)
            t[k] = now;
    }
    return k;
}

int bont__pop_grid_build(const double *sess, size_t n_sess, double t_out_days, int days,
                         bont_pop_grid_t *g)
{
    memset(g, 0, sizeof *g);
    if (!sess || n_sess == 0 || sess[0] != 0.0 || days < 1)
        return BONT_EINVAL;
    for (size_t i = 0; i < n_sess; i++)
        if (sess[i] != floor(sess[i]) || (i && sess[i] < sess[i - 1]))
            return BONT_EINVAL;
    if (t_out_days != floor(t_out_days) || t_out_days < 0.0)
        return BONT_EINVAL;
    double t_end = t_out_days + days;
    size_t k = grid_walk(sess, n_sess, t_end, NULL, NULL);
    g->t_days = malloc((k + 1) * sizeof *g->t_days);
    g->h_class = malloc((k ? k : 1) * sizeof *g->h_class);
    g->day_step = malloc(((size_t)days + 1) * sizeof *g->day_step);
    if (!g->t_days || !g->h_class || !g->day_step) {
        bont__pop_grid_clear(g);
        return BONT_ENOMEM;
    }
    g->n_steps = grid_walk(sess, n_sess, t_end, g->t_days, g->h_class);
    g->days = days;
    size_t j = 0;
    for (int d = 0; d <= days; d++) {
        double t = t_out_days + d;
        while (j < g->n_steps && g->t_days[j] < t)
            j++;
        if (g->t_days[j] != t) {
            bont__pop_grid_clear(g);
            return BONT_ENUMERIC;
        }
        g->day_step[d] = j;
    }
    g->first_output = g->day_step[0];
    return 0;
}

void bont__pop_grid_clear(bont_pop_grid_t *g)
{
    free(g->t_days);
    free(g->h_class);
    free(g->day_step);
    memset(g, 0, sizeof *g);
}

size_t bont__pop_grid_index(const bont_pop_grid_t *g, double t_days)
{
    size_t lo = 0, hi = g->n_steps + 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->t_days[mid] < t_days)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo <= g->n_steps && g->t_days[lo] == t_days ? lo : (size_t)-1;
}

/* ---- Per-patient constants -------------------------------------------------------------- */

typedef double mat_t[BONT_CHAIN_MAX][BONT_CHAIN_MAX];

static void mat_square_lower(const mat_t a, mat_t out)
{
    mat_t r;
    memset(r, 0, sizeof r);
    for (int i = 0; i < BONT_POP_NX; i++)
        for (int j = 0; j <= i; j++) {
            double s = 0.0;
            for (int m = j; m <= i; m++)
                s += a[i][m] * a[m][j];
            r[i][j] = s;
        }
    memcpy(out, r, sizeof r);
}

/* The relaxation y' = k (g - y) over a step with g linear: models.c relax_make (section 7). */
static void relax_weights(double k, double h, double out[3])
{
    double kh = k * h;
    out[0] = exp(-kh);
    if (kh < 1e-8) {
        out[1] = out[2] = 0.5 * kh;
        return;
    }
    double e1 = -expm1(-kh);
    double c = 1.0 - e1 / kh;
    out[1] = e1 - c;
    out[2] = c;
}

/* Stores the relaxation weights of rate k for every step class into w[class][3][lane]. */
static void relax_lane(double k, int lane, float (*w)[3][BONT_POP_LANES])
{
    for (int c = 0; c < BONT_POP_NH; c++) {
        double r[3];
        relax_weights(k, bont__pop_h_days[c], r);
        for (int i = 0; i < 3; i++)
            w[c][i][lane] = (float)r[i];
    }
}

static void store_lower(const mat_t m, float (*dst)[BONT_POP_LANES], int lane)
{
    int e = 0;
    for (int i = 0; i < BONT_POP_NX; i++)
        for (int j = 0; j <= i; j++)
            dst[e++][lane] = (float)m[i][j];
}

void bont__pop_block_set_lane(bont_pop_block_t *b, bont_pop_prop_t *props, const int *sero,
                              int n_sero, int lane, const bont_params_t *p)
{
    b->km[lane] = (float)p->cleave_km_u_per_ml;
    b->kcl[lane] = (float)p->cleave_max_per_d;
    b->ksyn[lane] = (float)p->snare_synth_per_d;
    b->coop[lane] = (float)p->snare_coop;
    b->mu[lane] = (float)log(p->safety_factor_median);
    b->inv_sigma[lane] = (float)(1.0 / p->safety_factor_log_sd);
    b->csat[lane] = (float)p->uptake_sat_u_per_ml;
    b->beta[lane] = (float)p->atrophy_effect_share;
    for (int t = 0; t < BONT_TISSUE_COUNT; t++) {
        b->amax[t][lane] = (float)p->atrophy_max[t];
        b->spmax[t][lane] = (float)p->sprout_max[t];
        relax_lane(p->sprout_rate_per_d[t], lane, b->sprout[t]);
    }
    relax_lane(p->atrophy_rate_per_d, lane, b->atro_up);
    relax_lane(p->atrophy_recovery_per_d, lane, b->atro_dn);
    /* Uptake chain and light-chain pools (section 2), as in run_bont, over each step and its
     * first half, by squaring from the propagator of 1/64 day (scaling and squaring): the
     * steps are 1/32, 1/8, 1/4, 1/2 and 1 day, so each half step is a square away from the
     * step before (1/16 = (1/32)^2 once more). */
    for (int s = 0; s < n_sero; s++) {
        mat_t a, prop;
        bont__uptake_matrix(p, sero[s], a);
        props[s].ffast[lane] = (float)p->uptake_fast_fraction;
        bont__expm_lower(a, BONT_POP_NX, 0.5 * bont__pop_h_days[0], prop);
        for (int c = 0; c < BONT_POP_NH; c++) {
            if (c > 0) /* prop is exp(A h_{c-1}); make it exp(A h_c / 2) */
                for (double h = bont__pop_h_days[c - 1]; h < 0.5 * bont__pop_h_days[c] - 1e-12;
                     h *= 2.0)
                    mat_square_lower(prop, prop);
            store_lower(prop, props[s].half[c], lane);
            mat_square_lower(prop, prop);
            store_lower(prop, props[s].p[c], lane);
        }
    }
}

void bont__pop_block_finish(bont_pop_block_t *b)
{
    b->coop3 = true;
    for (int l = 0; l < W; l++) {
        double mu = b->mu[l], sigma = 1.0 / b->inv_sigma[l];
        /* Failures at normal release (models.c: phi0), and the release above which z < -6,
         * Phi(z) < 1e-9: no fibre fails, and a block skips the log and erfc while every lane
         * is there (most of the time for structures reached only by spread). */
        b->phi0[l] = (float)(0.5 * erfc(mu / sigma / M_SQRT2));
        b->inv_1m_phi0[l] = (float)(1.0 / (1.0 - b->phi0[l]));
        b->r_cut[l] = (float)exp(6.0 * sigma - mu);
        b->coop3 = b->coop3 && b->coop[l] == 3.0f;
    }
}
