/* spread_internal.h: what risk.c and the population engine need from spread.c beyond the public
 * contract: the reach of a plan laid out once, and its shares for any patient. */
#ifndef BONT_MODEL_SPREAD_INTERNAL_H
#define BONT_MODEL_SPREAD_INTERNAL_H

#include "bont/spread.h"

#define N_GUIDE    5 /* bont_guidance_t values */
#define MAX_THRESH 32
#define MM_PER_CM  10.0

typedef struct threshold_t {
    char effect[32];
    double pct;
} threshold_t;

/* data/spread-params.json (docs/spread.md section 4 lists the parameters). */
struct bont_spread_t {
    double length_mm;          /* lambda: decay length of toxin leaving the bolus */
    double log_sd;             /* SD of ln(distance factor) between patients (z_prox) */
    double fascia;             /* transfer factor across a fascial plane */
    double septum;             /* further factor into the orbit (orbital septum) */
    double subcutis;           /* further factor from an intradermal site to a structure below */
    double depth_mm;           /* least depth of the layer a neighbour's dose acts in */
    double misplaced[N_GUIDE]; /* share of sites landing at a neighbour's edge, by guidance */
    double endplate_half_mm;   /* distance from the endplate band that halves the acting share */
    double endplate_ref_mm;    /* distance of the calibration's reference injections */
    double site_ref_ml;        /* per-site volume of the reference injection */
    threshold_t thresholds[MAX_THRESH];
    size_t n_thresholds;
    double threshold_default;
    char calibrated[MAX_THRESH][32]; /* effects whose rates were checked against a published rate */
    size_t n_calibrated;
};

/* ---- Geometry shared by the exposure and the reach (exposure.c) ---------------------------- */

/* Radius of the sphere of v_ml millilitres, mm (0 for no volume). */
double bont__radius_mm(double v_ml);
/* The atlas structure has a volume and a kind the model simulates. */
bool bont__simulatable(const bont_muscle_t *m);
/* The structure lies in the orbit (behind the orbital septum). */
bool bont__is_orbit(const bont_muscle_t *m);
/* Sides of a neighbour entry into out: both sides of a sided neighbour of a midline target;
 * returns how many. */
int bont__neighbour_sides(const bont_muscle_t *nb, bont_side_t target_side, bont_side_t out[2]);

/* The injections of an exposure layout that target or neighbour a structure k with need[k]
 * (need: bont_exposure_n_structs entries), in plan order into inj (room for every injection);
 * returns how many. */
size_t bont__exposure_select(const bont_exposure_layout_t *layout, const bool *need, size_t *inj);
/* The sites of injection i: their first index among the plan's sites and how many. */
void bont__exposure_sites(const bont_exposure_layout_t *layout, size_t i, size_t *first, size_t *n);
/* bont_spread_exposure over the injections inj[0..n) of bont__exposure_select (NULL: all): the same
 * numbers, bit for bit, for every structure the selection needed (the others are left partial);
 * u_site is read only at those injections' sites. It skips the injections that cannot change the
 * structures a run simulates (the risk-only run of bont check). */
void bont__spread_exposure_part(const bont_exposure_layout_t *layout, const size_t *inj, size_t n,
                                double field_mm, double z_prox, const double *u_site,
                                double *conc_u_per_ml, double *scale, double *work);

/* The part of bont_spread_reach that no patient deviate changes (structures, distances, radii,
 * barriers, boluses), laid out once for a plan in O(entries). */
typedef struct bont__reach_layout_t bont__reach_layout_t;

int bont__reach_layout_new(const bont_plan_t *plan, const bont_spread_t *sp,
                           bont__reach_layout_t **out, bont_error_t *err);
void bont__reach_layout_free(bont__reach_layout_t **layout);

/* The entries, as bont_spread_reach gives them for the median patient (z = NULL). */
size_t bont__reach_layout_n(const bont__reach_layout_t *layout);
const bont_reach_t *bont__reach_layout_entries(const bont__reach_layout_t *layout);

/* Every entry's share for deviates z (bont_spread_n_random of them; NULL for the median
 * patient) into share[bont__reach_layout_n]: the same numbers bont_spread_reach gives. */
void bont__reach_shares(const bont__reach_layout_t *layout, const bont_spread_t *sp,
                        const double *z, double *share);

/* effect_scale of structure m: reached layer over atlas volume when only spread reaches it, 1
 * when the plan injects it. */
double bont__spread_effect_scale(const bont_spread_t *sp, const bont_muscle_t *m, bool injected);

/* ---- risk.c ------------------------------------------------------------------------------ */

/* What bont_risk_assess needs of a plan beyond one structure's peaks, built once in O(entries):
 * the injected structures and, per reached structure, the source that sends it most units. */
typedef struct bont__risk_reasons_t bont__risk_reasons_t;

/* layout may be NULL (a plan the spread model cannot lay out): no structure gets a reason. */
int bont__risk_reasons_new(const bont_plan_t *plan, const bont__reach_layout_t *layout,
                           bont__risk_reasons_t **out);
void bont__risk_reasons_free(bont__risk_reasons_t **reasons);

/* bont_risk_assess with the plan's reasons built once; the threshold applies to
 * peak_effect_pct x effect_scale (1 when the peaks are already of the whole structure, as the
 * v2 model's effect = scale x e_f is). */
int bont__risk_assess(const bont__risk_reasons_t *reasons, const bont_spread_t *sp,
                      const bont_muscle_t *m, bont_side_t side, const float *peak_effect_pct,
                      double effect_scale, size_t n_patients, bont_risk_t *out, bool *has_risk);

#endif
