/* pop_kernel_impl.h: the vector body of the population kernel, included by pop_kernel.c once
 * per instruction set with POP_W lanes per vector and POP_SUFFIX naming its functions. Every
 * variant performs the same float operations in the same order on each lane (no lane ever
 * reads another, and ISO C mode forbids contracting a*b+c), so all give bit-identical results
 * and a block of BONT_POP_LANES patients is simply processed BONT_POP_LANES / POP_W lanes at a
 * time. */

#define CAT2_(a, b) a##b
#define CAT2(a, b)  CAT2_(a, b)
#define FN(name)    CAT2(name, POP_SUFFIX)
#define vf          FN(vf_)
#define vi          FN(vi_)

typedef float vf __attribute__((vector_size(4 * POP_W)));
typedef int32_t vi __attribute__((vector_size(4 * POP_W)));

static inline vf FN(vs)(float x)
{
    return (vf){0} + x;
}

static inline vf FN(vld)(const float *p)
{
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void FN(vst)(float *p, vf v)
{
    memcpy(p, &v, sizeof v);
}

static inline vf FN(vsel)(vi m, vf a, vf b)
{
    return (vf)((m & (vi)a) | (~m & (vi)b));
}

static inline vf FN(vmin)(vf a, vf b)
{
    return FN(vsel)(a < b, a, b);
}

static inline vf FN(vmax)(vf a, vf b)
{
    return FN(vsel)(a > b, a, b);
}

/* exp: Cody-Waite reduction by ln 2 and the Cephes expf polynomial (relative error about 1e-7);
 * the argument is clamped to the normal range, so underflow gives 2^-126 rather than 0. */
static inline vf FN(vexp)(vf x)
{
    x = FN(vmin)(FN(vmax)(x, FN(vs)(-87.3f)), FN(vs)(88.3f));
    vf n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f; /* round to nearest */
    vf r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    vf z = r * r;
    vf p = FN(vs)(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * z + r + 1.0f;
    vi e = (__builtin_convertvector(n, vi) + 127) << 23;
    return p * (vf)e;
}

/* log of a positive normal number: frexp by bit fields and the Cephes logf polynomial. */
static inline vf FN(vlog)(vf x)
{
    vi xi = (vi)x;
    vi e = ((xi >> 23) & 0xff) - 126;
    vf m = (vf)((xi & 0x007fffff) | 0x3f000000); /* [0.5, 1) */
    vi lt = m < 0.707106781186547524f;
    e = e + lt; /* lt is -1 where true */
    m = m + FN(vsel)(lt, m, FN(vs)(0.0f)) - 1.0f;
    vf z = m * m;
    vf y = FN(vs)(7.0376836292e-2f);
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    vf fe = __builtin_convertvector(e, vf);
    y = y + fe * -2.12194440e-4f;
    y = y - 0.5f * z;
    return m + y + fe * 0.693359375f;
}

/* erfc: Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7 in exact arithmetic). The
 * junction needs Phi to about 1e-5 (0.001 percentage points of effect), so the five-term form
 * does, at half the cost of a relative-accuracy fit. */
static inline vf FN(verfc)(vf x)
{
    vf z = (vf)((vi)x & 0x7fffffff);
    vf t = 1.0f / (1.0f + 0.3275911f * z);
    vf p = FN(vs)(1.061405429f);
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    vf ans = t * p * FN(vexp)(-z * z);
    return FN(vsel)(x >= 0.0f, ans, 2.0f - ans);
}

static void FN(math_array)(int which, const float *x, float *y, size_t n)
{
    for (size_t i = 0; i < n; i += POP_W) {
        float in[POP_W], res[POP_W];
        size_t m = n - i < POP_W ? n - i : POP_W;
        for (size_t l = 0; l < POP_W; l++)
            in[l] = x[i + (l < m ? l : 0)];
        vf v = FN(vld)(in);
        v = which == 0 ? FN(vexp)(v) : which == 1 ? FN(vlog)(v) : FN(verfc)(v);
        FN(vst)(res, v);
        memcpy(y + i, res, m * sizeof *y);
    }
}

/* Share of reached fibres that fail at release r (section 5; models.c fail_fraction), 0 above
 * the lane's r_cut. */
/* Whether any lane of a comparison is true. */
static inline bool FN(vany)(vi m)
{
    uint64_t w[POP_W / 2], acc = 0;
    memcpy(w, &m, sizeof w);
    for (int i = 0; i < POP_W / 2; i++)
        acc |= w[i];
    return acc != 0;
}

static inline vf FN(fail_fraction)(const bont_pop_block_t *b, size_t o, vf r)
{
    vi low = r < FN(vld)(b->r_cut + o);
    bool any = FN(vany)(low);
    if (!any)
        return FN(vs)(0.0f);
    vf rr = FN(vmin)(FN(vmax)(r, FN(vs)(1e-30f)), FN(vs)(1.0f));
    vf z = (-FN(vlog)(rr) - FN(vld)(b->mu + o)) * FN(vld)(b->inv_sigma + o);
    vf phi = 0.5f * FN(verfc)(-z * 0.70710678118654752f);
    vf f = (phi - FN(vld)(b->phi0 + o)) * FN(vld)(b->inv_1m_phi0 + o);
    f = FN(vsel)(low, f, FN(vs)(0.0f));
    return FN(vsel)(r <= 0.0f, FN(vs)(1.0f), f);
}

static void FN(impulse)(const bont_pop_grid_t *g, const bont_pop_prop_t *prop, size_t k_dose,
                        float *out)
{
    const size_t K = g->n_steps;
    float *mid = out + (K + 1) * BONT_POP_LANES;
    for (size_t o = 0; o < BONT_POP_LANES; o += POP_W) {
        for (size_t k = 0; k <= k_dose && k <= K; k++) {
            FN(vst)(out + k * BONT_POP_LANES + o, FN(vs)(0.0f));
            if (k < k_dose && k < K)
                FN(vst)(mid + k * BONT_POP_LANES + o, FN(vs)(0.0f));
        }
        /* A session's captured toxin: its fast share free to bind at once, the rest in the
         * depot (equation 1.6). */
        const vf ff = FN(vld)(prop->ffast + o);
        vf x0 = 1.0f - ff, x1 = ff, x2 = FN(vs)(0.0f), x3 = x2, x4 = x2, x5 = x2;
        for (size_t k = k_dose; k < K; k++) {
            const int hc = g->h_class[k];
            /* The midpoint (not carried on), then the step. */
            const float(*q)[BONT_POP_LANES] = prop->half[hc];
#define Q(i) FN(vld)(q[i] + o)
            vf m4 = Q(10) * x0 + Q(11) * x1 + Q(12) * x2 + Q(13) * x3 + Q(14) * x4;
            vf m5 = Q(15) * x0 + Q(16) * x1 + Q(17) * x2 + Q(18) * x3 + Q(19) * x4 + Q(20) * x5;
#undef Q
            FN(vst)(mid + k * BONT_POP_LANES + o, m4 + m5);
            const float(*p)[BONT_POP_LANES] = prop->p[hc];
#define P(i) FN(vld)(p[i] + o)
            vf y0 = P(0) * x0;
            vf y1 = P(1) * x0 + P(2) * x1;
            vf y2 = P(3) * x0 + P(4) * x1 + P(5) * x2;
            vf y3 = P(6) * x0 + P(7) * x1 + P(8) * x2 + P(9) * x3;
            vf y4 = P(10) * x0 + P(11) * x1 + P(12) * x2 + P(13) * x3 + P(14) * x4;
            vf y5 = P(15) * x0 + P(16) * x1 + P(17) * x2 + P(18) * x3 + P(19) * x4 + P(20) * x5;
#undef P
            x0 = y0;
            x1 = y1;
            x2 = y2;
            x3 = y3;
            x4 = y4;
            x5 = y5;
            FN(vst)(out + (k + 1) * BONT_POP_LANES + o, x4 + x5);
        }
    }
}

/* Captured amounts (section 1) of the events at step k, into u; returns the session's total
 * concentration. */
static inline vf FN(dose_events)(const bont_pop_block_t *b, const bont_pop_target_in_t *in,
                                 size_t o, size_t k, size_t *next, size_t n_ev, vf *u)
{
    vf ctot = FN(vs)(0.0f);
    for (; *next < n_ev && in->event_step[*next] == k; (*next)++) {
        size_t e = *next;
        if (u)
            for (int l = 0; l < POP_W; l++) {
                float c = in->conc[e * BONT_POP_LANES + o + (size_t)l];
                double csat = b->csat[o + (size_t)l];
                if (c > 0.0f)
                    u[e][l] = (float)(csat * log1p((double)c / csat));
            }
        ctot += FN(vld)(in->conc + e * BONT_POP_LANES + o);
    }
    return ctot;
}

/* What the passes of one structure for lanes o..o+POP_W share. */
typedef struct FN(pass_t) {
    const bont_pop_grid_t *g;
    const bont_pop_block_t *b;
    const bont_pop_target_in_t *in;
    size_t o, K, N, n_ev;
    bool has_sub[2];
    float *eq_s[2], *dec_s[2];       /* per substrate, each step's cleavage equilibrium and decay */
    vf r_reset[BONT_POP_MAX_EVENTS]; /* release at each event once its sprouts are silenced */
} FN(pass_t);

/* Pass 1: light chain at the end of each step from the events' impulse responses (section 2),
 * and the cleavage rate averaged over the step (section 3). */
static inline void FN(pass_cleavage)(FN(pass_t) * P)
{
    const bont_pop_block_t *b = P->b;
    const bont_pop_target_in_t *in = P->in;
    const size_t K = P->K, L = BONT_POP_LANES, o = P->o, n_ev = P->n_ev;
    const vf zero = FN(vs)(0.0f);
    const vf km = FN(vld)(b->km + o), kcl = FN(vld)(b->kcl + o), ksyn = FN(vld)(b->ksyn + o);
    vf u[BONT_POP_MAX_EVENTS]; /* captured amount of each event, 0 until it happens */
    for (size_t e = 0; e < n_ev; e++)
        u[e] = zero;
    vf qp0 = zero, qp1 = zero;
    size_t next = 0;
    for (size_t k = 0; k < K; k++) {
        if (next < n_ev && in->event_step[next] == k)
            (void)FN(dose_events)(b, in, o, k, &next, n_ev, u);
        const float h = (float)bont__pop_h_days[P->g->h_class[k]];
        vf light0 = zero, light1 = zero, mid0 = zero, mid1 = zero;
        for (size_t e = 0; e < n_ev; e++) {
            vf l_e = u[e] * FN(vld)(in->imp[e] + (k + 1) * L + o);
            vf m_e = u[e] * FN(vld)(in->imp[e] + (K + 1 + k) * L + o);
            if (in->event_substrate[e]) {
                light1 += l_e;
                mid1 += m_e;
            } else {
                light0 += l_e;
                mid0 += m_e;
            }
        }
        /* Simpson's rule over the step: saturation at its start, midpoint and end. */
#define CLEAVE(v, light, mid, qp)                                                                  \
    do {                                                                                           \
        vf q = FN(vsel)(light > 0.0f, light / (light + km), zero);                                 \
        vf qm = FN(vsel)(mid > 0.0f, mid / (mid + km), zero);                                      \
        vf lam = ksyn + kcl * (qp + 4.0f * qm + q) / 6.0f;                                         \
        FN(vst)(P->eq_s[v] + k * L + o, ksyn / lam);                                               \
        FN(vst)(P->dec_s[v] + k * L + o, FN(vexp)(-lam * h));                                      \
        qp = q;                                                                                    \
    } while (0)
        if (P->has_sub[0])
            CLEAVE(0, light0, mid0, qp0);
        if (P->has_sub[1])
            CLEAVE(1, light1, mid1, qp1);
#undef CLEAVE
    }
}

/* Pass 2: intact substrate, parent release, sprouts (section 4); total release r at each sample
 * into effect[] for now. */
static inline void FN(pass_release)(FN(pass_t) * P, float *effect)
{
    const bont_pop_block_t *b = P->b;
    const bont_pop_target_in_t *in = P->in;
    const size_t K = P->K, L = BONT_POP_LANES, o = P->o, n_ev = P->n_ev;
    const vf zero = FN(vs)(0.0f), one = FN(vs)(1.0f);
    const vf sm = FN(vld)(b->spmax[in->tissue] + o);
    vf s0 = one, s1 = one, rp = one, sp1 = zero, sp2 = zero;
    FN(vst)(effect + o, one);
    size_t next = 0;
    for (size_t k = 0; k < K; k++) {
        const int hc = P->g->h_class[k];
        const vf rp0 = rp;
        /* A new session's toxin silences the last session's sprouts (section 4). */
        for (; next < n_ev && in->event_step[next] == k; next++) {
            sp1 = sp2 = zero;
            P->r_reset[next] = FN(vmin)(one, rp);
        }
        if (P->has_sub[0]) {
            vf eq = FN(vld)(P->eq_s[0] + k * L + o);
            s0 = eq + (s0 - eq) * FN(vld)(P->dec_s[0] + k * L + o);
        }
        if (P->has_sub[1]) {
            vf eq = FN(vld)(P->eq_s[1] + k * L + o);
            s1 = eq + (s1 - eq) * FN(vld)(P->dec_s[1] + k * L + o);
        }
        vf x = s0 * s1;
        rp = b->coop3 ? x * x * x
                      : FN(vexp)(FN(vld)(b->coop + o) * FN(vlog)(FN(vmax)(x, FN(vs)(1e-30f))));
        const float(*spr)[BONT_POP_LANES] = b->sprout[in->tissue][hc];
        const vf sd = FN(vld)(spr[0] + o), w0 = FN(vld)(spr[1] + o), w1 = FN(vld)(spr[2] + o);
        vf sp1_old = sp1;
        sp1 = sd * sp1 + w0 * (sm * (1.0f - rp0)) + w1 * (sm * (1.0f - rp));
        sp2 = sd * sp2 + w0 * sp1_old + w1 * sp1;
        FN(vst)(effect + (k + 1) * L + o, FN(vmin)(one, rp + sp2));
    }
}

/* Pass 4: the compartment's share of the structure from the sessions, atrophy (section 6) and
 * the outputs; at a session the outputs are the state just before it. effect[] holds F(r) for
 * a junction (pass 3), r otherwise. */
static inline void FN(pass_outputs)(FN(pass_t) * P, bool junction, float *effect, float *cmap)
{
    const bont_pop_block_t *b = P->b;
    const bont_pop_target_in_t *in = P->in;
    const size_t K = P->K, L = BONT_POP_LANES, o = P->o, n_ev = P->n_ev;
    const vf zero = FN(vs)(0.0f);
    const vf amax = FN(vld)(b->amax[in->tissue] + o), beta = FN(vld)(b->beta + o);
    vf scale = zero, atr = zero;
    size_t next = 0;
    for (size_t k = 0;; k++) {
        vf cur = FN(vld)(effect + k * L + o); /* F(r) with a junction, r otherwise */
        if (junction) {
            /* (6.3-6.4): effect scale x e_f, CMAP 1 - scale F */
            vf ef = 1.0f - (1.0f - cur) * (1.0f - beta * atr);
            FN(vst)(effect + k * L + o, scale * ef);
            if (cmap)
                FN(vst)(cmap + k * L + o, 1.0f - scale * cur);
        } else {
            FN(vst)(effect + k * L + o, scale * (1.0f - cur));
        }
        if (k == K)
            break;
        vf f0 = cur; /* F(r) just after the step's start; a session resets the sprouts */
        if (next < n_ev && in->event_step[next] == k) {
            if (junction)
                f0 = FN(fail_fraction)(b, o, P->r_reset[next]);
            for (; next < n_ev && in->event_step[next] == k; next++) {
                /* The largest share any session dosing the compartment reaches (section 9). */
                vi dosed = FN(vld)(in->conc + next * L + o) > 0.0f;
                scale = FN(vmax)(scale, FN(vsel)(dosed, FN(vld)(in->scale + next * L + o), zero));
            }
        }
        if (!junction)
            continue; /* no junction, no atrophy (section 6) */
        const vf f1 = FN(vld)(effect + (k + 1) * L + o);
        const vf g0 = amax * f0, g1 = amax * f1;
        /* Atrophy builds at k_up towards a_max F and is regained at k_down, chosen per lane at
         * the step's start (6.2). */
        const int hc = P->g->h_class[k];
        const vi up = g0 >= atr;
        const float(*au)[BONT_POP_LANES] = b->atro_up[hc];
        const float(*ad)[BONT_POP_LANES] = b->atro_dn[hc];
        vf d = FN(vsel)(up, FN(vld)(au[0] + o), FN(vld)(ad[0] + o));
        vf w0 = FN(vsel)(up, FN(vld)(au[1] + o), FN(vld)(ad[1] + o));
        vf w1 = FN(vsel)(up, FN(vld)(au[2] + o), FN(vld)(ad[2] + o));
        atr = d * atr + w0 * g0 + w1 * g1;
    }
}

/* One structure for lanes o..o+POP_W of a block (pop_kernel.c bont__pop_kernel), in passes over
 * the grid so that only the short recurrences run step by step and the costly functions
 * (exp, log, erfc) stream through independent samples, which the processor overlaps. */
static void FN(kernel_part)(const bont_pop_grid_t *g, const bont_pop_block_t *b,
                            const bont_pop_target_in_t *in, size_t o, float *effect, float *cmap,
                            float *scratch)
{
    const bool junction = bont_tissue_has_junction(in->tissue);
    FN(pass_t) P = {.g = g, .b = b, .in = in, .o = o, .K = g->n_steps};
    P.N = (P.K + 1) * BONT_POP_LANES;
    P.n_ev = in->n_events < BONT_POP_MAX_EVENTS ? in->n_events : BONT_POP_MAX_EVENTS;
    for (size_t e = 0; e < P.n_ev; e++)
        P.has_sub[in->event_substrate[e]] = true;
    P.eq_s[0] = scratch;
    P.eq_s[1] = scratch + 2 * P.N;
    P.dec_s[0] = scratch + P.N;
    P.dec_s[1] = scratch + 3 * P.N;
    FN(pass_cleavage)(&P);
    FN(pass_release)(&P, effect);
    /* Pass 3 (junction): share of reached fibres failing at each sample (section 5), in place. */
    if (junction)
        for (size_t k = 0; k <= P.K; k++)
            FN(vst)
    (effect + k * BONT_POP_LANES + o,
     FN(fail_fraction)(b, o, FN(vld)(effect + k * BONT_POP_LANES + o)));
    FN(pass_outputs)(&P, junction, effect, cmap);
}

static void FN(kernel)(const bont_pop_grid_t *g, const bont_pop_block_t *b,
                       const bont_pop_target_in_t *in, float *effect, float *cmap, float *scratch)
{
    for (size_t o = 0; o < BONT_POP_LANES; o += POP_W)
        FN(kernel_part)(g, b, in, o, effect, cmap, scratch);
}

/* Readouts of lanes o..o+POP_W (pop_kernel.c bont__pop_readouts). */
static void FN(readouts_part)(const bont_pop_grid_t *g, const float *e, size_t k0, double t0,
                              size_t o, bont_readouts_t *out, float *peak_frac)
{
    const size_t K = g->n_steps, L = BONT_POP_LANES;
    vf pk = FN(vld)(e + k0 * L + o);
    vi kp = (vi){0} + (int32_t)k0;
    for (size_t k = k0 + 1; k <= K; k++) {
        vf v = FN(vld)(e + k * L + o);
        vi m = v > pk;
        pk = FN(vsel)(m, v, pk);
        kp = (m & ((vi){0} + (int32_t)k)) | (~m & kp);
    }
    int32_t kp_max = (int32_t)k0, kp_min = (int32_t)K;
    for (int l = 0; l < POP_W; l++) {
        kp_max = kp[l] > kp_max ? kp[l] : kp_max;
        kp_min = kp[l] < kp_min ? kp[l] : kp_min;
    }
    /* First sample at or above a quarter of the peak, up to the peak; first after the peak
     * below half of it. */
    vf thr_on = 0.25f * pk, thr_du = 0.5f * pk;
    vi kon = (vi){0} - 1, kdu = (vi){0} - 1;
    for (size_t k = k0; k <= (size_t)kp_max; k++) {
        vf v = FN(vld)(e + k * L + o);
        vi kk = (vi){0} + (int32_t)k;
        vi m = (kon < 0) & (v >= thr_on) & (kk <= kp);
        kon = (m & kk) | (~m & kon);
    }
    for (size_t k = (size_t)kp_min + 1; k <= K; k++) {
        vf v = FN(vld)(e + k * L + o);
        vi kk = (vi){0} + (int32_t)k;
        vi m = (kdu < 0) & (v < thr_du) & (kk > kp);
        kdu = (m & kk) | (~m & kdu);
    }
    for (int l = 0; l < POP_W; l++) {
        size_t lane = o + (size_t)l;
        bont_readouts_t *ro = &out[lane];
        double peak = pk[l];
        peak_frac[lane] = pk[l];
        ro->onset_day = ro->peak_day = ro->duration_days = NAN;
        ro->peak_effect_pct = 100.0 * peak;
        if (!(peak >= 5e-4))
            continue;
        ro->peak_day = g->t_days[kp[l]] - t0;
        if (kon[l] >= 0) {
            size_t k = (size_t)kon[l];
            double t = g->t_days[k];
            float ek = e[k * L + lane], ep = k > k0 ? e[(k - 1) * L + lane] : 0.0f;
            if (k > k0 && ek > ep)
                t = g->t_days[k - 1] + (double)(thr_on[l] - ep) / (double)(ek - ep) *
                                           (g->t_days[k] - g->t_days[k - 1]);
            ro->onset_day = t - t0;
        }
        if (kdu[l] >= 0) {
            size_t k = (size_t)kdu[l];
            float ek = e[k * L + lane], ep = e[(k - 1) * L + lane];
            double t = g->t_days[k - 1] + (double)(ep - thr_du[l]) / (double)(ep - ek) *
                                              (g->t_days[k] - g->t_days[k - 1]);
            ro->duration_days = t - t0;
        }
    }
}

static void FN(readouts)(const bont_pop_grid_t *g, const float *e, size_t k0, double t0,
                         bont_readouts_t *out, float *peak_frac)
{
    for (size_t o = 0; o < BONT_POP_LANES; o += POP_W)
        FN(readouts_part)(g, e, k0, t0, o, out, peak_frac);
}

/* Daily samples as 16-bit fractions (round(f * 65535), f clamped to 0..1) into day rows:
 * rows[d * stride + col + l] for lanes l < lanes. */
static void FN(quantize_days)(const float *samples, const size_t *day_step, int days,
                              uint16_t *rows, size_t stride, size_t col, size_t lanes)
{
    typedef uint16_t vu16 __attribute__((vector_size(2 * POP_W)));
    for (int d = 0; d <= days; d++) {
        const float *v = samples + day_step[d] * BONT_POP_LANES;
        uint16_t q[BONT_POP_LANES];
        for (size_t o = 0; o < BONT_POP_LANES; o += POP_W) {
            vf f = FN(vmin)(FN(vmax)(FN(vld)(v + o), FN(vs)(0.0f)), FN(vs)(1.0f));
            vi i = __builtin_convertvector(f * 65535.0f + 0.5f, vi);
            vu16 h = __builtin_convertvector(i, vu16);
            memcpy(q + o, &h, sizeof h);
        }
        if (lanes == BONT_POP_LANES)
            memcpy(rows + (size_t)d * stride + col, q, sizeof q);
        else
            memcpy(rows + (size_t)d * stride + col, q, lanes * sizeof *q);
    }
}

static const pop_impl_t FN(impl_) = {
    .name = POP_NAME,
    .kernel = FN(kernel),
    .impulse = FN(impulse),
    .readouts = FN(readouts),
    .math_array = FN(math_array),
    .quantize_days = FN(quantize_days),
};

#undef vf
#undef vi
#undef FN
#undef CAT2
#undef CAT2_
