/* spread.c: the share of each injection that acts in its target and in each atlas neighbour,
 * from dose volume, distances, fascia and needle placement (docs/model.md, section Spread);
 * parameters from data/spread-params.json. */
#include "bont/spread.h"
#include "model/paramfile.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/spread_internal.h"
#include "util/index.h"

#define N_RANDOM     2 /* z[0] spread, z[1] placement */
#define MAX_NEIGHBOR 64

/* ---- Parameters --------------------------------------------------------------------------- */

/* The side effects whose predicted rates were compared with published ones; each names what it
 * was compared against. */
static int parse_calibrated(bont_spread_t *sp, json_t *arr, bont_error_t *err)
{
    size_t i;
    json_t *e;
    if (!json_is_array(arr)) {
        bont_error_setf(err, "calibrated_effects", "expected an array \"calibrated_effects\"");
        return BONT_EMISSING;
    }
    json_array_foreach(arr, i, e)
    {
        const char *effect = json_string_value(json_object_get(e, "effect"));
        const char *against = json_string_value(json_object_get(e, "against"));
        if (!effect || !against || !*against || strlen(effect) >= sizeof sp->calibrated[0] ||
            sp->n_calibrated == MAX_THRESH) {
            bont_error_setf(err, "calibrated_effects",
                            "entry %zu needs an effect id and what it was calibrated against", i);
            return BONT_EMISSING;
        }
        snprintf(sp->calibrated[sp->n_calibrated++], sizeof sp->calibrated[0], "%s", effect);
    }
    return 0;
}

typedef struct field_t {
    bont_param_info_t info; /* name, unit, offset in struct bont_spread_t */
    double lo, hi;          /* valid range, inclusive */
} field_t;

#define F_(member, name, unit, lo, hi)                                                             \
    {                                                                                              \
        {name, unit, offsetof(struct bont_spread_t, member)}, lo, hi                               \
    }

static const field_t fields[] = {
    F_(length_mm, "spread_length_mm", "mm", 0.1, 100.0),
    F_(log_sd, "proximity_log_sd", "1", 0.0, 5.0),
    F_(fascia, "fascia_factor", "1", 0.0, 1.0),
    F_(septum, "orbital_septum_factor", "1", 0.0, 1.0),
    F_(subcutis, "subcutis_factor", "1", 0.0, 1.0),
    F_(depth_mm, "reach_depth_mm", "mm", 0.1, 100.0),
    F_(misplaced[BONT_GUIDE_UNKNOWN], "misplacement.unknown", "1", 0.0, 0.5),
    F_(misplaced[BONT_GUIDE_PALPATION], "misplacement.palpation", "1", 0.0, 0.5),
    F_(misplaced[BONT_GUIDE_EMG], "misplacement.emg", "1", 0.0, 0.5),
    F_(misplaced[BONT_GUIDE_STIMULATION], "misplacement.stimulation", "1", 0.0, 0.5),
    F_(misplaced[BONT_GUIDE_ULTRASOUND], "misplacement.ultrasound", "1", 0.0, 0.5),
    F_(endplate_half_mm, "endplate_half_mm", "mm", 0.1, 100.0),
    F_(endplate_ref_mm, "endplate_ref_mm", "mm", 0.0, 100.0),
    F_(site_ref_ml, "site_volume_ref_ml", "mL", 0.001, 10.0),
};

#undef F_

#define N_FIELDS (sizeof fields / sizeof fields[0])

static int parse_thresholds(bont_spread_t *sp, json_t *arr, bont_error_t *err)
{
    size_t i;
    json_t *e;
    bool have_default = false;
    if (!json_is_array(arr)) {
        bont_error_setf(err, "thresholds", "expected an array \"thresholds\"");
        return BONT_EMISSING;
    }
    json_array_foreach(arr, i, e)
    {
        char path[64];
        snprintf(path, sizeof path, "thresholds[%zu]", i);
        const char *effect = json_string_value(json_object_get(e, "effect"));
        const char *source = json_string_value(json_object_get(e, "source"));
        json_t *val = json_object_get(e, "threshold_pct");
        if (!effect || !*effect || !source || !*source || !json_is_number(val)) {
            bont_error_setf(err, path, "each threshold needs effect, threshold_pct and source");
            return BONT_EMISSING;
        }
        double v = json_number_value(val);
        if (!(v > 0.0 && v < 100.0)) {
            bont_error_setf(err, path, "threshold_pct must be between 0 and 100 (got %g)", v);
            return BONT_ERANGE;
        }
        if (strcmp(effect, "default") == 0) {
            sp->threshold_default = v;
            have_default = true;
            continue;
        }
        if (sp->n_thresholds == MAX_THRESH || strlen(effect) >= sizeof sp->thresholds[0].effect) {
            bont_error_setf(err, path, "too many thresholds or effect id too long");
            return BONT_ERANGE;
        }
        threshold_t *t = &sp->thresholds[sp->n_thresholds++];
        snprintf(t->effect, sizeof t->effect, "%s", effect);
        t->pct = v;
    }
    if (!have_default) {
        bont_error_setf(err, "thresholds", "a threshold with effect \"default\" is needed");
        return BONT_EMISSING;
    }
    return 0;
}

static int check_field(size_t i, const char *name, double v, const void *ctx, bont_error_t *err)
{
    (void)ctx;
    if (!(v >= fields[i].lo && v <= fields[i].hi)) {
        bont_error_setf(err, name, "%s = %g is outside %g..%g", name, v, fields[i].lo,
                        fields[i].hi);
        return BONT_ERANGE;
    }
    return 0;
}

static int spread_from_root(json_t *root, void *out, bont_error_t *err)
{
    bont_spread_t *sp = out;
    int rc = bont__param_array_read(root, fields, N_FIELDS, sizeof fields[0], sp, check_field, NULL,
                                    err);
    if (rc == 0)
        rc = parse_thresholds(sp, json_object_get(root, "thresholds"), err);
    if (rc == 0)
        rc = parse_calibrated(sp, json_object_get(root, "calibrated_effects"), err);
    return rc;
}

int bont_spread_load(bont_spread_t **out, bont_error_t *err)
{
    *out = NULL;
    bont_spread_t *sp = calloc(1, sizeof *sp);
    if (!sp) {
        bont_error_setf(err, NULL, "out of memory");
        return BONT_ENOMEM;
    }
    int rc =
        bont__model_data_read(NULL, 0, NULL, NULL, "spread-params.json", spread_from_root, sp, err);
    if (rc) {
        free(sp);
        return rc;
    }
    *out = sp;
    return 0;
}

void bont_spread_free(bont_spread_t **sp)
{
    if (!sp)
        return;
    free(*sp);
    *sp = NULL;
}

size_t bont_spread_n_random(const bont_spread_t *sp)
{
    return sp ? N_RANDOM : 0;
}

bool bont_spread_effect_calibrated(const bont_spread_t *sp, const char *effect)
{
    for (size_t i = 0; sp && effect && i < sp->n_calibrated; i++)
        if (strcmp(sp->calibrated[i], effect) == 0)
            return true;
    return false;
}

double bont_spread_threshold_pct(const bont_spread_t *sp, const char *effect)
{
    for (size_t i = 0; sp && effect && i < sp->n_thresholds; i++)
        if (strcmp(sp->thresholds[i].effect, effect) == 0)
            return sp->thresholds[i].pct;
    return sp ? sp->threshold_default : NAN;
}

double *bont_spread_field(bont_spread_t *sp, const char *name)
{
    if (!sp || !name)
        return NULL;
    for (size_t k = 0; k < N_FIELDS; k++)
        if (strcmp(fields[k].info.name, name) == 0)
            return (double *)((char *)sp + fields[k].info.offset);
    if (strncmp(name, "threshold.", 10) == 0) {
        if (strcmp(name + 10, "default") == 0)
            return &sp->threshold_default;
        for (size_t i = 0; i < sp->n_thresholds; i++)
            if (strcmp(sp->thresholds[i].effect, name + 10) == 0)
                return &sp->thresholds[i].pct;
    }
    return NULL;
}

/* ---- Geometry (docs/model.md, Spread) ------------------------------------------------------
 */

/* The layer a spread-only neighbour's dose acts in: toxin arrives by bulk flow along tissue
 * planes and binds within minutes, so it acts in a layer reach_depth_mm deep behind the face
 * the structure turns to the injection (the disc of its equivalent sphere), never more than
 * the structure. */
static double reached_volume_ml(const bont_spread_t *sp, const bont_muscle_t *m)
{
    double r = bont__radius_mm(m->volume_ml);
    return fmin(m->volume_ml, M_PI * r * r * sp->depth_mm / 1000.0);
}

/* Share of all directions from a point that meet a disc of radius r_mm facing it at d_mm (the
 * solid angle over 2 pi, 1 for a large structure touching the point): the face a neighbour turns
 * to the injection, seen as the disc of its equivalent sphere. */
static double face_share(double d_mm, double r_mm)
{
    return 1.0 - d_mm / sqrt(d_mm * d_mm + r_mm * r_mm);
}

/* Share of a bolus of radius bolus_mm that acts in a structure of radius r_mm whose edge lies
 * d_mm from the bolus centre: edge share times barriers (edge_barrier, one product) times the
 * face it turns to the bolus, exponential fall-off beyond the bolus edge. */
static double edge_transfer(double edge_barrier, double d_mm, double r_mm, double bolus_mm,
                            double length_mm)
{
    return edge_barrier * face_share(d_mm, r_mm) * exp(-fmax(0.0, d_mm - bolus_mm) / length_mm);
}

/* ---- The reach of a plan: laid out once, shares per patient ---------------------------------
 *
 * Everything but the two patient deviates is fixed by the plan: which structures each injection
 * reaches, their distances, radii and barriers, the bolus, the endplate factor. The layout holds
 * it, built in one pass over the injections with an index of the injected structures, so a
 * population evaluates only what the deviates move (the distance factor and the placement
 * accuracy) for each patient, in O(entries). */

typedef struct reach_nb_t {
    double distance_mm;  /* atlas distance, before the patient's factor */
    double edge_barrier; /* edge share times fascia and septum factors */
    double r_mm;         /* radius of the neighbour's equivalent sphere */
    int n_sides;         /* entries it adds (both sides of a sided neighbour of a midline one) */
} reach_nb_t;

typedef struct reach_inj_t {
    size_t first;          /* entry of the target; its neighbours' entries follow */
    size_t first_nb, n_nb; /* its neighbours in bont__reach_layout_t.nb */
    unsigned guide;        /* index into accuracy[] */
    double bolus_mm;       /* radius of one site's bolus */
    double back;           /* share of a misplaced bolus that crosses back into the target */
    double endplate;       /* factor for the distance from the endplate band */
} reach_inj_t;

struct bont__reach_layout_t {
    bont_reach_t *entries; /* n_entries, shares of the median patient */
    size_t n_entries;
    reach_inj_t *inj; /* one per injection */
    size_t n_inj;
    reach_nb_t *nb; /* every injection's simulatable neighbours */
    size_t n_nb;
};

void bont__reach_layout_free(bont__reach_layout_t **lp)
{
    if (!lp || !*lp)
        return;
    free((*lp)->entries);
    free((*lp)->inj);
    free((*lp)->nb);
    free(*lp);
    *lp = NULL;
}

size_t bont__reach_layout_n(const bont__reach_layout_t *L)
{
    return L ? L->n_entries : 0;
}

const bont_reach_t *bont__reach_layout_entries(const bont__reach_layout_t *L)
{
    return L ? L->entries : NULL;
}

static int check_plan(const bont_plan_t *plan, const bont_spread_t *sp, bont_error_t *err)
{
    if (!plan || !sp) {
        bont_error_setf(err, NULL, "a plan and spread parameters are needed");
        return BONT_EINVAL;
    }
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        if (!bont__simulatable(inj->muscle)) {
            if (err) {
                err->line = inj->line;
                err->column = inj->column;
            }
            bont_error_setf(err, "injections[].muscle",
                            "%s has no atlas volume or a kind the model does not simulate",
                            inj->muscle ? inj->muscle->id : "(none)");
            return BONT_ERANGE;
        }
    }
    return 0;
}

/* Counts the entries and neighbours of the plan, and indexes the injected structures. */
static int count_reach(const bont_plan_t *plan, bont__index_t *injected, size_t *n_entries,
                       size_t *n_nb)
{
    *n_entries = *n_nb = 0;
    for (size_t i = 0; i < plan->n_injections; i++) {
        const bont_injection_t *inj = &plan->injections[i];
        size_t one = 1;
        if (bont__index_put(injected, inj->muscle, (int)inj->side, &one) < 0)
            return BONT_ENOMEM;
        (*n_entries)++;
        size_t used = 0;
        for (size_t k = 0; k < inj->muscle->n_neighbours && used < MAX_NEIGHBOR; k++) {
            const bont_muscle_t *m = inj->muscle->neighbours[k].muscle;
            bont_side_t sides[2];
            if (!bont__simulatable(m))
                continue;
            used++;
            (*n_nb)++;
            *n_entries += (size_t)bont__neighbour_sides(m, inj->side, sides);
        }
    }
    return 0;
}

/* Lays out injection i: its target entry, its neighbours and their entries. */
static void layout_injection(bont__reach_layout_t *L, const bont_plan_t *plan,
                             const bont_spread_t *sp, const bont__index_t *injected, size_t i,
                             size_t *e, size_t *nb_at)
{
    const bont_injection_t *inj = &plan->injections[i];
    const bont_muscle_t *t = inj->muscle;
    reach_inj_t *ri = &L->inj[i];
    bool skin = t->kind && strcmp(t->kind, "skin") == 0;
    double edge = skin ? sp->subcutis : 1.0;
    int sites = inj->sites > 0 ? inj->sites : 1;
    ri->first = *e;
    ri->first_nb = *nb_at;
    ri->guide = (unsigned)inj->guidance < N_GUIDE ? (unsigned)inj->guidance : 0;
    ri->bolus_mm = bont__radius_mm(inj->volume_ml / sites);
    /* Of a misplaced bolus only what crosses back over the target's fascia acts there, the rest
     * is lost to tissue the atlas does not list (fat, fascial planes, vessels). */
    ri->back = edge_transfer(edge * sp->fascia, 0.0, bont__radius_mm(t->volume_ml), ri->bolus_mm,
                             sp->length_mm);
    /* Distance from the endplate band (Lapatki 2011): relative to the reference injection of
     * the model's calibration, counted from the bolus edge, so a larger bolus reaches the band
     * from further away. */
    double ep = inj->endplate_mm >= 0.0 ? inj->endplate_mm : sp->endplate_ref_mm;
    double ep_ref = fmax(0.0, sp->endplate_ref_mm - bont__radius_mm(sp->site_ref_ml));
    ri->endplate = exp2((ep_ref - fmax(0.0, ep - ri->bolus_mm)) / sp->endplate_half_mm);
    L->entries[(*e)++] = (bont_reach_t){.muscle = t,
                                        .side = inj->side,
                                        .spread = false,
                                        .injection = i,
                                        .volume_ml = t->volume_ml,
                                        .effect_scale = 1.0};
    for (size_t k = 0; k < t->n_neighbours && *nb_at - ri->first_nb < MAX_NEIGHBOR; k++) {
        const bont_neighbour_t *info = &t->neighbours[k];
        const bont_muscle_t *m = info->muscle;
        if (!bont__simulatable(m))
            continue;
        reach_nb_t *nb = &L->nb[(*nb_at)++];
        bont_side_t sides[2];
        nb->n_sides = bont__neighbour_sides(m, inj->side, sides);
        nb->distance_mm = info->distance_mm;
        nb->edge_barrier = edge * ((info->fascia ? sp->fascia : 1.0) *
                                   (bont__is_orbit(m) && !bont__is_orbit(t) ? sp->septum : 1.0));
        nb->r_mm = bont__radius_mm(m->volume_ml);
        for (int s = 0; s < nb->n_sides; s++) {
            bont_reach_t *o = &L->entries[(*e)++];
            o->muscle = m;
            o->side = sides[s];
            o->injection = i;
            o->spread = bont__index_get(injected, m, (int)sides[s]) == BONT__INDEX_NONE;
            o->volume_ml = o->spread ? reached_volume_ml(sp, m) : m->volume_ml;
            o->effect_scale = o->volume_ml / m->volume_ml;
        }
    }
    ri->n_nb = *nb_at - ri->first_nb;
}

int bont__reach_layout_new(const bont_plan_t *plan, const bont_spread_t *sp,
                           bont__reach_layout_t **out, bont_error_t *err)
{
    *out = NULL;
    int rc = check_plan(plan, sp, err);
    if (rc)
        return rc;
    bont__index_t injected = {0};
    bont__reach_layout_t *L = calloc(1, sizeof *L);
    size_t n_entries = 0, n_nb = 0;
    rc = L ? count_reach(plan, &injected, &n_entries, &n_nb) : BONT_ENOMEM;
    if (rc == 0) {
        L->entries = calloc(n_entries ? n_entries : 1, sizeof *L->entries);
        L->inj = calloc(plan->n_injections ? plan->n_injections : 1, sizeof *L->inj);
        L->nb = calloc(n_nb ? n_nb : 1, sizeof *L->nb);
        rc = L->entries && L->inj && L->nb ? 0 : BONT_ENOMEM;
    }
    size_t e = 0, nb_at = 0;
    for (size_t i = 0; rc == 0 && i < plan->n_injections; i++)
        layout_injection(L, plan, sp, &injected, i, &e, &nb_at);
    bont__index_free(&injected);
    if (rc) {
        bont_error_setf(err, NULL, "out of memory");
        bont__reach_layout_free(&L);
        return rc;
    }
    L->n_entries = e;
    L->n_inj = plan->n_injections;
    L->n_nb = nb_at;
    double *share = malloc((e ? e : 1) * sizeof *share);
    if (!share) {
        bont_error_setf(err, NULL, "out of memory");
        bont__reach_layout_free(&L);
        return BONT_ENOMEM;
    }
    bont__reach_shares(L, sp, NULL, share);
    for (size_t k = 0; k < e; k++)
        L->entries[k].share = share[k];
    free(share);
    *out = L;
    return 0;
}

/* Shares of injection ri's entries for a patient whose distances are scaled by d_factor and
 * whose placement accuracy is a. */
static void injection_shares(const bont__reach_layout_t *L, const reach_inj_t *ri,
                             const bont_spread_t *sp, double d_factor, double a, double *share)
{
    double len = sp->length_mm, bolus = ri->bolus_mm;
    /* A well-placed bolus sits in the target; a misplaced one (share 1 - a) lies miss_mm nearer
     * the neighbours, outside the target's fascia. */
    double out_placed = 0.0, out_total = 0.0;
    size_t e = ri->first + 1;
    for (size_t k = 0; k < ri->n_nb; k++) {
        const reach_nb_t *nb = &L->nb[ri->first_nb + k];
        double d = nb->distance_mm * d_factor;
        double placed = edge_transfer(nb->edge_barrier, d, nb->r_mm, bolus, len);
        double missed = edge_transfer(nb->edge_barrier, 0.0, nb->r_mm, bolus, len);
        double s = a * placed + (1.0 - a) * missed;
        for (int side = 0; side < nb->n_sides; side++) {
            share[e++] = s;
            out_placed += placed;
            out_total += s;
        }
    }
    if (out_total > 1.0) { /* many close neighbours cannot take more than the dose */
        for (size_t k = ri->first + 1; k < e; k++)
            share[k] /= out_total;
        out_placed /= out_total;
        out_total = 1.0;
    }
    /* What the neighbours do not take stays in the target. */
    double in_target = a * fmax(0.0, 1.0 - out_placed) + (1.0 - a) * ri->back;
    in_target *= ri->endplate;
    share[ri->first] = fmin(in_target, fmax(0.0, 1.0 - out_total));
}

void bont__reach_shares(const bont__reach_layout_t *L, const bont_spread_t *sp, const double *z,
                        double *share)
{
    /* Patient deviates: z[0] brings every neighbour nearer or farther (log-normal factor on
     * the atlas distances: anatomy, needle depth, tissue planes); z[1] moves the placement
     * accuracy on the logit scale. */
    double z_near = z ? z[0] : 0.0;
    double d_factor = exp(-sp->log_sd * z_near);
    double acc[N_GUIDE];
    for (int g = 0; g < N_GUIDE; g++)
        acc[g] = 1.0 - sp->misplaced[g];
    for (size_t i = 0; i < L->n_inj; i++)
        injection_shares(L, &L->inj[i], sp, d_factor, acc[L->inj[i].guide], share);
}

int bont_spread_reach(const bont_kb_t *kb, const bont_plan_t *plan, const bont_spread_t *sp,
                      const double *z, bont_reach_t **out, size_t *n, bont_error_t *err)
{
    (void)kb; /* the atlas neighbours are resolved when the kb loads */
    *out = NULL;
    *n = 0;
    bont__reach_layout_t *L = NULL;
    int rc = bont__reach_layout_new(plan, sp, &L, err);
    if (rc)
        return rc;
    bont_reach_t *r = L->entries;
    L->entries = NULL;
    if (z) {
        double *share = malloc((L->n_entries ? L->n_entries : 1) * sizeof *share);
        if (!share) {
            free(r);
            bont__reach_layout_free(&L);
            bont_error_setf(err, NULL, "out of memory");
            return BONT_ENOMEM;
        }
        bont__reach_shares(L, sp, z, share);
        for (size_t k = 0; k < L->n_entries; k++)
            r[k].share = share[k];
        free(share);
    }
    *out = r;
    *n = L->n_entries;
    bont__reach_layout_free(&L);
    return 0;
}

double bont__spread_effect_scale(const bont_spread_t *sp, const bont_muscle_t *m, bool injected)
{
    if (!sp || !m || !(m->volume_ml > 0.0) || injected)
        return 1.0;
    return reached_volume_ml(sp, m) / m->volume_ml;
}

int bont_spread_target(const bont_reach_t *r, bont_target_t *out, bont_error_t *err)
{
    if (!r) {
        bont_error_setf(err, NULL, "no reach entry given");
        return BONT_EINVAL;
    }
    int rc = bont_target_from_muscle(r->muscle, r->side, out, err);
    if (rc)
        return rc;
    out->volume_ml = r->volume_ml > 0.0 ? r->volume_ml : out->volume_ml;
    out->role = r->spread ? "spread" : "target";
    return 0;
}
