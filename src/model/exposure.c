/* exposure.c: from a plan's injections to each reached structure's concentration and the share
 * of it the fields reach (docs/model.md sections 1.2-1.4; docs/spread.md sections 1-2), laid
 * out once per plan and evaluated per patient. */
#include "bont/spread.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/spread_internal.h"
#include "util/index.h"

#define MAX_NB 128 /* neighbour entries of one injection (both sides of up to 64 neighbours) */

/* One neighbour entry of an injection (docs/spread.md S.1): what does not depend on the
 * patient. */
typedef struct exp_nb_t {
    size_t k;            /* structure index */
    double distance_mm;  /* atlas distance, before the patient's proximity factor */
    double barrier;      /* fascia, orbital septum and subcutis factors */
    double near;         /* min(1, A_N / A_T): the share of the sites near it */
    double volume_ml;    /* atlas volume */
    double disc_cm2;     /* pi (r_N / 10)^2, the face it turns to a site */
    double thickness_mm; /* a sheet's thickness (atlas), <= 0 for a compact structure */
    size_t di;           /* its distance in the layout's table of distinct distances */
    bool injected;       /* the plan injects it: its scale comes from its own fields */
} exp_nb_t;

/* One injection. */
typedef struct exp_inj_t {
    size_t t;        /* target structure */
    int sites;       /* sites (>= 1) */
    double u_site;   /* ona-eq units per site */
    double site_ml;  /* bolus volume per site */
    double rb_mm;    /* bolus radius (sphere, or the wheal's disc in the dermis) */
    double exp_rb;   /* exp(rb_mm / lambda): S.1's fall-off is exp(-d / lambda) times this */
    bool skin;       /* intradermal: bolus and field are discs in the dermis */
    double g_ep;     /* endplate weight of the target's terminals (S.2) */
    double p_mis;    /* misplacement share of its guidance (0 without neighbours) */
    double v_t;      /* target's atlas volume */
    size_t first_nb; /* its neighbour entries in nb[] */
    size_t n_nb;
} exp_inj_t;

struct bont_exposure_layout_t {
    const bont_spread_t *sp;
    double dermis_mm;
    bont_serotype_t serotype;
    double total_ona_u;
    bont_exposure_struct_t *structs;
    size_t n_structs;
    double *vf_n; /* sites into each injected structure */
    exp_inj_t *inj;
    size_t n_inj;
    exp_nb_t *nb;
    size_t n_nb;
    size_t n_sites;
    size_t *site_first; /* first site of each injection, n_inj + 1 entries */
    double *dist;       /* the distinct atlas distances of the neighbour entries, ascending */
    size_t n_dist;
};

/* min and max of finite numbers, inline: the per-patient loops below call them millions of times
 * and the library's fmin and fmax are calls. */
static inline double min_d(double a, double b)
{
    return a < b ? a : b;
}

static inline double max_d(double a, double b)
{
    return a > b ? a : b;
}

/* Distinct distances up to which a patient's fall-off factors are computed once per patient
 * (one exp each) instead of once per neighbour entry of every injection. */
#define MAX_DIST 256

double bont__radius_mm(double v_ml)
{
    return v_ml > 0.0 ? MM_PER_CM * cbrt(3.0 * v_ml / (4.0 * M_PI)) : 0.0;
}

static bool is_skin(const bont_muscle_t *m)
{
    return m->kind && strcmp(m->kind, "skin") == 0;
}

bool bont__is_orbit(const bont_muscle_t *m)
{
    return m->region && strcmp(m->region, "orbit") == 0;
}

/* Area a structure turns to its neighbours (cm2): the disc of its equivalent sphere, or for
 * skin and sheets their area (volume / dermis or sheet thickness). */
static double face_cm2(const bont_muscle_t *m, double dermis_mm)
{
    if (is_skin(m))
        return m->volume_ml / (dermis_mm / MM_PER_CM);
    if (m->thickness_mm > 0.0)
        return m->volume_ml / (m->thickness_mm / MM_PER_CM);
    double r = bont__radius_mm(m->volume_ml) / MM_PER_CM;
    return M_PI * r * r;
}

bool bont__simulatable(const bont_muscle_t *m)
{
    bont_tissue_t t;
    return m && m->volume_ml > 0.0 && bont_tissue_of_muscle(m, &t) == 0;
}

/* Sides of a neighbour entry: both sides of a sided neighbour of a midline target. */
int bont__neighbour_sides(const bont_muscle_t *nb, bont_side_t target_side, bont_side_t out[2])
{
    if (!nb->sided) {
        out[0] = BONT_SIDE_NONE;
        return 1;
    }
    if (target_side == BONT_SIDE_NONE) {
        out[0] = BONT_SIDE_LEFT;
        out[1] = BONT_SIDE_RIGHT;
        return 2;
    }
    out[0] = target_side;
    return 1;
}

void bont_exposure_layout_free(bont_exposure_layout_t **lp)
{
    if (!lp || !*lp)
        return;
    free((*lp)->structs);
    free((*lp)->vf_n);
    free((*lp)->inj);
    free((*lp)->nb);
    free((*lp)->site_first);
    free((*lp)->dist);
    free(*lp);
    *lp = NULL;
}

size_t bont_exposure_n_structs(const bont_exposure_layout_t *L)
{
    return L ? L->n_structs : 0;
}

const bont_exposure_struct_t *bont_exposure_structs(const bont_exposure_layout_t *L)
{
    return L ? L->structs : NULL;
}

size_t bont_exposure_n_sites(const bont_exposure_layout_t *L)
{
    return L ? L->n_sites : 0;
}

bont_serotype_t bont_exposure_serotype(const bont_exposure_layout_t *L)
{
    return L ? L->serotype : BONT_SERO_A;
}

double bont_exposure_total_ona_u(const bont_exposure_layout_t *L)
{
    return L ? L->total_ona_u : 0.0;
}

/* Adds structure (m, side) unless present; *k receives its index. */
static int add_struct(bont_exposure_layout_t *L, bont__index_t *ix, const bont_muscle_t *m,
                      bont_side_t side, bool injected, size_t *k)
{
    size_t at = L->n_structs;
    int added = bont__index_put(ix, m, (int)side, &at);
    if (added < 0)
        return BONT_ENOMEM;
    *k = at;
    if (added) {
        bont_exposure_struct_t *s = &L->structs[L->n_structs++];
        memset(s, 0, sizeof *s);
        s->muscle = m;
        s->side = side;
        s->injected = injected;
        s->volume_ml = m->volume_ml;
        bont_tissue_of_muscle(m, &s->tissue);
    }
    return 0;
}

static int check_injection(const bont_injection_t *inj, size_t i, bont_error_t *err)
{
    if (bont__simulatable(inj->muscle))
        return 0;
    if (err) {
        err->line = inj->line;
        err->column = inj->column;
    }
    bont_error_setf(err, "injections[].muscle",
                    "%s has no atlas volume or a kind the model does not simulate (injection %zu)",
                    inj->muscle ? inj->muscle->id : "(none)", i);
    return BONT_ERANGE;
}

/* Counts the neighbour entries of the plan, to size the arrays once. */
static size_t count_nb(const bont_plan_t *plan)
{
    size_t n = 0;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_muscle_t *t = plan->injections[i].muscle;
        size_t used = 0;
        for (size_t k = 0; k < t->n_neighbours && used < MAX_NB / 2; k++) {
            bont_side_t s[2];
            if (!bont__simulatable(t->neighbours[k].muscle))
                continue;
            used++;
            n +=
                (size_t)bont__neighbour_sides(t->neighbours[k].muscle, plan->injections[i].side, s);
        }
    }
    return n;
}

/* Fills injection i (its target is structure t) and its neighbour entries. */
static int layout_injection(bont_exposure_layout_t *L, bont__index_t *ix, const bont_plan_t *plan,
                            size_t i, size_t t, double ona_u)
{
    const bont_spread_t *sp = L->sp;
    const bont_injection_t *in = &plan->injections[i];
    const bont_muscle_t *m = in->muscle;
    exp_inj_t *e = &L->inj[i];
    e->t = t;
    e->sites = in->sites > 0 ? in->sites : 1;
    e->u_site = ona_u / e->sites;
    /* Without a dilution or a given volume the labels' usual volume per site. */
    double vol = in->volume_ml > 0.0 ? in->volume_ml : sp->site_ref_ml * e->sites;
    e->site_ml = vol / e->sites;
    e->skin = is_skin(m);
    if (e->skin) /* a wheal: a disc of the dermis's thickness */
        e->rb_mm = MM_PER_CM * sqrt(e->site_ml / (M_PI * L->dermis_mm / MM_PER_CM));
    else
        e->rb_mm = bont__radius_mm(e->site_ml);
    /* Distance from the endplate band (Lapatki 2011), relative to the reference injection,
     * counted from the bolus edge (S.2). */
    double ep = in->endplate_mm >= 0.0 ? in->endplate_mm : sp->endplate_ref_mm;
    double ep_ref = fmax(0.0, sp->endplate_ref_mm - bont__radius_mm(sp->site_ref_ml));
    e->g_ep = fmin(exp2(ep_ref / sp->endplate_half_mm),
                   exp2((ep_ref - fmax(0.0, ep - e->rb_mm)) / sp->endplate_half_mm));
    e->v_t = m->volume_ml;
    e->first_nb = L->n_nb;
    double face_t = face_cm2(m, L->dermis_mm);
    size_t used = 0;
    for (size_t k = 0; k < m->n_neighbours && used < MAX_NB / 2; k++) {
        const bont_neighbour_t *info = &m->neighbours[k];
        const bont_muscle_t *n = info->muscle;
        if (!bont__simulatable(n))
            continue;
        used++;
        bont_side_t sides[2];
        int ns = bont__neighbour_sides(n, in->side, sides);
        double barrier = (info->fascia ? sp->fascia : 1.0) *
                         (bont__is_orbit(n) && !bont__is_orbit(m) ? sp->septum : 1.0) *
                         (e->skin && !is_skin(n) ? sp->subcutis : 1.0);
        double r_n = bont__radius_mm(n->volume_ml) / MM_PER_CM;
        for (int s = 0; s < ns; s++) {
            size_t idx = bont__index_get(ix, n, (int)sides[s]);
            bool injected = idx != BONT__INDEX_NONE && L->structs[idx].injected;
            if (idx == BONT__INDEX_NONE) {
                int rc = add_struct(L, ix, n, sides[s], false, &idx);
                if (rc)
                    return rc;
            }
            L->nb[L->n_nb++] = (exp_nb_t){.k = idx,
                                          .distance_mm = info->distance_mm,
                                          .barrier = barrier,
                                          .near = fmin(1.0, face_cm2(n, L->dermis_mm) / face_t),
                                          .volume_ml = n->volume_ml,
                                          .disc_cm2 = M_PI * r_n * r_n,
                                          .thickness_mm = n->thickness_mm,
                                          .injected = injected};
        }
    }
    e->n_nb = L->n_nb - e->first_nb;
    unsigned g = (unsigned)in->guidance < N_GUIDE ? (unsigned)in->guidance : 0;
    e->p_mis = e->n_nb ? sp->misplaced[g] : 0.0;
    return 0;
}

/* The injection each structure receives most from (median patient), for the risk reasons. */
static void find_sources(bont_exposure_layout_t *L, double field_mm);

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The table of distinct neighbour distances, each entry's index in it, and each injection's
 * exp(r_b / lambda): a patient's fall-off factors exp(-d dfac / lambda) are then one exp per
 * distinct distance (S.1 factorises beyond the bolus edge). */
static int distance_table(bont_exposure_layout_t *L)
{
    L->dist = malloc((L->n_nb ? L->n_nb : 1) * sizeof *L->dist);
    if (!L->dist)
        return BONT_ENOMEM;
    for (size_t j = 0; j < L->n_nb; j++)
        L->dist[j] = L->nb[j].distance_mm;
    qsort(L->dist, L->n_nb, sizeof *L->dist, cmp_double);
    size_t n = 0;
    for (size_t j = 0; j < L->n_nb; j++)
        if (n == 0 || L->dist[j] != L->dist[n - 1])
            L->dist[n++] = L->dist[j];
    L->n_dist = n;
    for (size_t j = 0; j < L->n_nb; j++) {
        const double *hit = bsearch(&L->nb[j].distance_mm, L->dist, n, sizeof *L->dist, cmp_double);
        L->nb[j].di = (size_t)(hit - L->dist);
    }
    for (size_t i = 0; i < L->n_inj; i++)
        L->inj[i].exp_rb = exp(L->inj[i].rb_mm / L->sp->length_mm);
    return 0;
}

int bont_exposure_layout_new(const bont_plan_t *plan, const bont_spread_t *sp,
                             const bont_params_t *params, bont_exposure_layout_t **out,
                             bont_error_t *err)
{
    *out = NULL;
    if (!plan || !sp || !params || !plan->product) {
        bont_error_setf(err, NULL, "a plan with a product, spread and model parameters are needed");
        return BONT_EINVAL;
    }
    int rc = 0;
    bont__index_t ix = {0};
    size_t n_inj = plan->n_injections, n_nb = count_nb(plan);
    bont_exposure_layout_t *L = calloc(1, sizeof *L);
    if (!L)
        goto nomem;
    L->sp = sp;
    L->dermis_mm = params->dermis_thickness_mm;
    L->structs = calloc(n_inj + n_nb + 1, sizeof *L->structs);
    L->vf_n = calloc(n_inj + n_nb + 1, sizeof *L->vf_n);
    L->inj = calloc(n_inj + 1, sizeof *L->inj);
    L->nb = calloc(n_nb + 1, sizeof *L->nb);
    L->site_first = calloc(n_inj + 1, sizeof *L->site_first);
    if (!L->structs || !L->vf_n || !L->inj || !L->nb || !L->site_first)
        goto nomem;
    if ((rc = bont_product_serotype(plan->product, &L->serotype, err)) != 0)
        goto cleanup;
    /* Injected structures first, in plan order. */
    for (size_t i = 0; i < n_inj; i++) {
        const bont_injection_t *in = &plan->injections[i];
        size_t t;
        double ona;
        if ((rc = check_injection(in, i, err)) != 0 ||
            (rc = bont_exposure_ona_u(plan->product, in->units, &ona, err)) != 0)
            goto cleanup;
        if ((rc = add_struct(L, &ix, in->muscle, in->side, true, &t)) != 0)
            goto nomem;
        L->structs[t].weight_ona_u += ona;
        L->total_ona_u += ona;
        L->inj[i].u_site = ona; /* per injection until layout_injection divides it */
        L->vf_n[t] += in->sites > 0 ? in->sites : 1;
    }
    for (size_t i = 0; i < n_inj; i++) {
        size_t t = bont__index_get(&ix, plan->injections[i].muscle, (int)plan->injections[i].side);
        if ((rc = layout_injection(L, &ix, plan, i, t, L->inj[i].u_site)) != 0)
            goto nomem;
        L->site_first[i] = L->n_sites;
        L->n_sites += (size_t)L->inj[i].sites;
    }
    L->n_inj = n_inj;
    L->site_first[n_inj] = L->n_sites;
    if (distance_table(L) != 0)
        goto nomem;
    find_sources(L, params->field_length_mm);
    bont__index_free(&ix);
    *out = L;
    return 0;
nomem:
    rc = BONT_ENOMEM;
    bont_error_setf(err, NULL, "out of memory");
cleanup:
    bont__index_free(&ix);
    bont_exposure_layout_free(&L);
    return rc;
}

/* ---- One patient ----------------------------------------------------------------------------- */

/* The injection of a site (n_inj when out of range): binary search in site_first. */
static size_t site_injection(const bont_exposure_layout_t *L, size_t site)
{
    if (site >= L->n_sites)
        return L->n_inj;
    size_t lo = 0, hi = L->n_inj; /* site_first[lo] <= site < site_first[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (L->site_first[mid] <= site)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Field of one site of injection e for field length l (docs/model.md 1.2): radius, volume. */
static void field_of(const bont_exposure_layout_t *L, const exp_inj_t *e, double l, double *rf,
                     double *vf)
{
    *rf = e->rb_mm + l;
    double r = *rf / MM_PER_CM;
    *vf = e->skin ? M_PI * r * r * (L->dermis_mm / MM_PER_CM) : 4.0 / 3.0 * M_PI * r * r * r;
}

/* The layer of neighbour n at distance d from a site of field radius rf that shares the site's
 * units (docs/spread.md S.1, V_in): what lies within the field behind the face it turns to the
 * site, at least depth_mm deep. */
static inline double layer_ml(const bont_exposure_layout_t *L, const exp_nb_t *n, double rf,
                              double d)
{
    return min_d(n->volume_ml, n->disc_cm2 * max_d(L->sp->depth_mm, rf - d) / MM_PER_CM);
}

/* The site's reach of its neighbours (S.1) for distance factor dfac: weights w, reached layers
 * v_in and the back-transfer to the target of a bolus misplaced at each. */
static void site_reach(const bont_exposure_layout_t *L, const exp_inj_t *e, double dfac, double rf,
                       const double *fall, double *w, double *v_in, double *back)
{
    const bont_spread_t *sp = L->sp;
    for (size_t j = 0; j < e->n_nb; j++) {
        const exp_nb_t *n = &L->nb[e->first_nb + j];
        double d = n->distance_mm * dfac;
        /* exp(-max(0, d - r_b) / lambda); fall[] holds the patient's exp(-d / lambda) */
        double f = !(d > e->rb_mm) ? 1.0
                   : fall          ? fall[n->di] * e->exp_rb
                                   : exp(-(d - e->rb_mm) / sp->length_mm);
        back[j] = f * n->barrier;
        w[j] = n->near * back[j];
        v_in[j] = layer_ml(L, n, rf, d);
    }
}

/* Adds one site (misplaced at neighbour `mis`, or well placed when mis == n_nb) of injection e
 * count times to the neighbours' conc, and returns what it adds to the target's own sites' sum:
 * the units are shared by the terminals in reach (docs/model.md 1.3). */
static double add_site(const bont_exposure_layout_t *L, const exp_inj_t *e, double vf, double rf,
                       const double *w, const double *v_in, const double *back, size_t mis,
                       double count, double *conc)
{
    double tau = mis < e->n_nb ? back[mis] : e->g_ep;
    double v_bind = min_d(vf, e->v_t) * tau;
    double v_mis = 0.0;
    if (mis < e->n_nb) {
        /* The bolus lies against that neighbour, on its side of the barriers. */
        const exp_nb_t *n = &L->nb[e->first_nb + mis];
        v_mis = layer_ml(L, n, rf, 0.0);
    }
    for (size_t j = 0; j < e->n_nb; j++)
        v_bind += j == mis ? v_mis : w[j] * v_in[j];
    double per_ml = e->u_site / v_bind * count;
    for (size_t j = 0; j < e->n_nb; j++)
        conc[L->nb[e->first_nb + j].k] += per_ml * (j == mis ? 1.0 : w[j]);
    return per_ml * tau;
}

/* The neighbour a misplaced site with uniform u (< p_mis) lands at. */
static size_t misplaced_at(const exp_inj_t *e, double u)
{
    size_t j = (size_t)(u / e->p_mis * (double)e->n_nb);
    return j < e->n_nb ? j : e->n_nb - 1;
}

/* The share of neighbour n a site of field radius rf reaches at distance d, given its layer
 * (site_reach's v_in, docs/spread.md section 2): the layer for a compact structure; for a sheet,
 * the field's cross-section at that distance (at least the ring depth_mm wide inside the field's
 * edge) times its thickness, at most that layer. Both fall with distance. */
static double reached_share(const bont_exposure_layout_t *L, const exp_nb_t *n, double rf, double d,
                            double layer_ml)
{
    double v = layer_ml;
    if (n->thickness_mm > 0.0) {
        double dd = min_d(d, max_d(0.0, rf - L->sp->depth_mm));
        v = min_d(v, M_PI * (rf * rf - dd * dd) / (MM_PER_CM * MM_PER_CM) *
                         (n->thickness_mm / MM_PER_CM));
    }
    return v / n->volume_ml;
}

/* The reached share of neighbour j of e when a bolus lies against it. */
static double misplaced_reach(const bont_exposure_layout_t *L, const exp_inj_t *e, size_t j,
                              double rf)
{
    const exp_nb_t *n = &L->nb[e->first_nb + j];
    return reached_share(L, n, rf, 0.0, layer_ml(L, n, rf, 0.0));
}

/* Adds injection e (its sites from u_site[site0]) to conc and own, and its neighbours' reached
 * shares to scale when scale is not NULL. */
static void add_injection(const bont_exposure_layout_t *L, const exp_inj_t *e, size_t site0,
                          double dfac, const double *fall, double field_mm, const double *u_site,
                          double *conc, double *own, double *scale)
{
    double w[MAX_NB], v_in[MAX_NB], back[MAX_NB];
    double rf, vf;
    field_of(L, e, field_mm, &rf, &vf);
    site_reach(L, e, dfac, rf, fall, w, v_in, back);
    for (size_t j = 0; scale && j < e->n_nb; j++) {
        const exp_nb_t *n = &L->nb[e->first_nb + j];
        if (!n->injected)
            scale[n->k] =
                max_d(scale[n->k], reached_share(L, n, rf, n->distance_mm * dfac, v_in[j]));
    }
    /* A share p_mis of the sites lands at the edge of one neighbour, each equally likely: the
     * site's uniform picks both (docs/spread.md section 2). */
    int well = e->sites;
    for (int s = 0; u_site && e->p_mis > 0.0 && s < e->sites; s++) {
        double u = u_site[site0 + (size_t)s];
        if (!(u < e->p_mis))
            continue;
        size_t j = misplaced_at(e, u);
        const exp_nb_t *n = &L->nb[e->first_nb + j];
        if (scale && !n->injected)
            scale[n->k] = fmax(scale[n->k], misplaced_reach(L, e, j, rf));
        own[e->t] += add_site(L, e, vf, rf, w, v_in, back, j, 1.0, conc);
        well--;
    }
    if (well > 0)
        own[e->t] += add_site(L, e, vf, rf, w, v_in, back, e->n_nb, (double)well, conc);
}

/* A structure's sums take the same terms in the same order as over the whole plan whenever
 * every injection that targets or neighbours it is listed. */
void bont__spread_exposure_part(const bont_exposure_layout_t *L, const size_t *inj, size_t n,
                                double field_mm, double z_prox, const double *u_site, double *conc,
                                double *scale, double *own)
{
    size_t ns = L->n_structs;
    double dfac = exp(-L->sp->log_sd * z_prox);
    double fall_buf[MAX_DIST], *fall = L->n_dist <= MAX_DIST ? fall_buf : NULL;
    for (size_t k = 0; fall && k < L->n_dist; k++)
        fall[k] = exp(-L->dist[k] * dfac / L->sp->length_mm);
    memset(conc, 0, ns * sizeof *conc);
    memset(scale, 0, ns * sizeof *scale);
    memset(own, 0, ns * sizeof *own);
    for (size_t a = 0; a < n; a++) {
        size_t i = inj ? inj[a] : a;
        const exp_inj_t *e = &L->inj[i];
        double rf, vf;
        field_of(L, e, field_mm, &rf, &vf);
        scale[e->t] += vf * e->sites; /* the fields' total volume until the end */
        add_injection(L, e, L->site_first[i], dfac, fall, field_mm, u_site, conc, own, scale);
    }
    /* Injected structures (docs/model.md 1.4): the share inside at least one field, and the
     * overlap of their fields. One no listed injection targets has no field. */
    for (size_t k = 0; k < ns; k++) {
        const bont_exposure_struct_t *st = &L->structs[k];
        if (!st->injected || !(scale[k] > 0.0))
            continue;
        double v = st->volume_ml, vf_sum = scale[k], x = vf_sum / v;
        /* Intradermal sites lie evenly 1-2 cm apart (axillary label): a square lattice of discs
         * covers the area once their total area reaches pi/2 of it. Sites in a muscle fall
         * where the needle finds it: fields at random (a Boolean model). */
        double phi = st->tissue == BONT_TISSUE_AUTONOMIC && is_skin(st->muscle)
                         ? fmin(1.0, x * 2.0 / M_PI)
                         : -expm1(-x);
        double kappa = fmin(1.0, (vf_sum / L->vf_n[k]) / (phi * v));
        scale[k] = phi;
        conc[k] += kappa * own[k];
        own[k] = kappa; /* for bont_spread_exposure_misplace */
    }
}

void bont_spread_exposure(const bont_exposure_layout_t *L, double field_mm, double z_prox,
                          const double *u_site, double *conc, double *scale, double *own)
{
    bont__spread_exposure_part(L, NULL, L->n_inj, field_mm, z_prox, u_site, conc, scale, own);
}

size_t bont__exposure_select(const bont_exposure_layout_t *L, const bool *need, size_t *inj)
{
    size_t n = 0;
    for (size_t i = 0; i < L->n_inj; i++) {
        const exp_inj_t *e = &L->inj[i];
        bool hit = need[e->t];
        for (size_t j = 0; !hit && j < e->n_nb; j++)
            hit = need[L->nb[e->first_nb + j].k];
        if (hit)
            inj[n++] = i;
    }
    return n;
}

void bont__exposure_sites(const bont_exposure_layout_t *L, size_t i, size_t *first, size_t *n)
{
    *first = L->site_first[i];
    *n = (size_t)L->inj[i].sites;
}

double bont_exposure_site_misplacement(const bont_exposure_layout_t *L, size_t site)
{
    size_t i = site_injection(L, site);
    return i < L->n_inj ? L->inj[i].p_mis : 0.0;
}

void bont_spread_exposure_misplace(const bont_exposure_layout_t *L, double field_mm, double z_prox,
                                   size_t site, double u, double *conc, double *scale,
                                   const double *work)
{
    size_t i = site_injection(L, site);
    if (i >= L->n_inj || !(u < L->inj[i].p_mis))
        return;
    const exp_inj_t *e = &L->inj[i];
    double w[MAX_NB], v_in[MAX_NB], back[MAX_NB], rf, vf;
    field_of(L, e, field_mm, &rf, &vf);
    site_reach(L, e, exp(-L->sp->log_sd * z_prox), rf, NULL, w, v_in, back);
    size_t j = misplaced_at(e, u);
    /* The site leaves the well-placed ones and lands at neighbour j; the target's own sites
     * enter its concentration through its overlap factor kappa (work). */
    double d_own = add_site(L, e, vf, rf, w, v_in, back, e->n_nb, -1.0, conc) +
                   add_site(L, e, vf, rf, w, v_in, back, j, 1.0, conc);
    conc[e->t] += work[e->t] * d_own;
    const exp_nb_t *n = &L->nb[e->first_nb + j];
    if (!n->injected)
        scale[n->k] = fmax(scale[n->k], misplaced_reach(L, e, j, rf));
}

static void find_sources(bont_exposure_layout_t *L, double field_mm)
{
    size_t ns = L->n_structs;
    double *buf = calloc(3 * (ns ? ns : 1), sizeof *buf);
    if (!buf)
        return; /* sources stay 0: the reasons then name the first injection */
    double *best = buf, *conc = buf + ns, *own = buf + 2 * ns;
    for (size_t k = 0; k < ns; k++)
        best[k] = -1.0;
    /* Each injection alone, compared on its own structures only: O(sites + neighbours). */
    for (size_t i = 0; i < L->n_inj; i++) {
        const exp_inj_t *e = &L->inj[i];
        add_injection(L, e, 0, 1.0, NULL, field_mm, NULL, conc, own, NULL);
        for (size_t j = 0; j <= e->n_nb; j++) {
            size_t k = j == 0 ? e->t : L->nb[e->first_nb + j - 1].k;
            double c = conc[k] + own[k];
            if (c > best[k]) {
                best[k] = c;
                L->structs[k].source = i;
            }
        }
        for (size_t j = 0; j <= e->n_nb; j++) {
            size_t k = j == 0 ? e->t : L->nb[e->first_nb + j - 1].k;
            conc[k] = own[k] = 0.0;
        }
    }
    free(buf);
}
