/* params.c: the model parameter table and its loader from data/model-params.json. */
#include "bont/model.h"

#include "model/paramfile.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P_(field, name, unit)                                                                      \
    {                                                                                              \
        name, unit, offsetof(bont_params_t, field)                                                 \
    }

static const bont_param_info_t param_table[] = {
    P_(k_bulk_per_min, "k_bulk_per_min", "1/min"),
    P_(k_bulk_rodent_per_min, "k_bulk_rodent_per_min", "1/min"),
    P_(k_bind_per_min, "k_bind_per_min", "1/min"),
    P_(k_endo_per_min, "k_endo_per_min", "1/min"),
    P_(k_transloc_per_min, "k_transloc_per_min", "1/min"),
    P_(field_length_mm, "field_length_mm", "mm"),
    P_(dermis_thickness_mm, "dermis_thickness_mm", "mm"),
    P_(uptake_sat_u_per_ml, "uptake_sat_u_per_ml", "U/mL"),
    P_(uptake_fast_fraction, "uptake_fast_fraction", "1"),
    P_(lc_half_life_d[BONT_SERO_A], "lc_half_life_d.A", "d"),
    P_(lc_half_life_d[BONT_SERO_B], "lc_half_life_d.B", "d"),
    P_(lc_half_life_d[BONT_SERO_C1], "lc_half_life_d.C1", "d"),
    P_(lc_half_life_d[BONT_SERO_E], "lc_half_life_d.E", "d"),
    P_(lc_half_life_d[BONT_SERO_F], "lc_half_life_d.F", "d"),
    P_(lc_slow_fraction, "lc_slow_fraction", "1"),
    P_(lc_slow_factor, "lc_slow_factor", "1"),
    P_(cleave_max_per_d, "cleave_max_per_d", "1/d"),
    P_(cleave_km_u_per_ml, "cleave_km_u_per_ml", "U/mL"),
    P_(snare_synth_per_d, "snare_synth_per_d", "1/d"),
    P_(snare_coop, "snare_coop", "1"),
    P_(safety_factor_median, "safety_factor_median", "1"),
    P_(safety_factor_log_sd, "safety_factor_log_sd", "1"),
    P_(sprout_max[BONT_TISSUE_MUSCLE], "sprout_max.muscle", "1"),
    P_(sprout_max[BONT_TISSUE_EXTRAOCULAR], "sprout_max.extraocular", "1"),
    P_(sprout_max[BONT_TISSUE_AUTONOMIC], "sprout_max.autonomic", "1"),
    P_(sprout_rate_per_d[BONT_TISSUE_MUSCLE], "sprout_rate_per_d.muscle", "1/d"),
    P_(sprout_rate_per_d[BONT_TISSUE_EXTRAOCULAR], "sprout_rate_per_d.extraocular", "1/d"),
    P_(sprout_rate_per_d[BONT_TISSUE_AUTONOMIC], "sprout_rate_per_d.autonomic", "1/d"),
    P_(atrophy_max[BONT_TISSUE_MUSCLE], "atrophy_max.muscle", "1"),
    P_(atrophy_max[BONT_TISSUE_EXTRAOCULAR], "atrophy_max.extraocular", "1"),
    P_(atrophy_max[BONT_TISSUE_AUTONOMIC], "atrophy_max.autonomic", "1"),
    P_(atrophy_rate_per_d, "atrophy_rate_per_d", "1/d"),
    P_(atrophy_recovery_per_d, "atrophy_recovery_per_d", "1/d"),
    P_(atrophy_effect_share, "atrophy_effect_share", "1"),
};

#undef P_

#define N_PARAMS (sizeof param_table / sizeof param_table[0])

const bont_param_info_t *bont_params_table(size_t *n)
{
    if (n)
        *n = N_PARAMS;
    return param_table;
}

double *bont_params_field(bont_params_t *p, const char *name)
{
    if (!p || !name)
        return NULL;
    for (size_t i = 0; i < N_PARAMS; i++)
        if (strcmp(param_table[i].name, name) == 0)
            return (double *)((char *)p + param_table[i].offset);
    return NULL;
}

/* Bounds every parameter must respect for the equations to make sense (docs/model.md). */
static int check_range(const char *name, double v, bont_error_t *err)
{
    int ok = isfinite(v) && v >= 0.0;
    if (strcmp(name, "snare_coop") == 0 || strcmp(name, "safety_factor_median") == 0)
        ok = ok && v >= 1.0;
    else if (strncmp(name, "sprout_max", 10) == 0 || strncmp(name, "atrophy_max", 11) == 0 ||
             strcmp(name, "lc_slow_fraction") == 0 || strcmp(name, "uptake_fast_fraction") == 0 ||
             strcmp(name, "atrophy_effect_share") == 0)
        ok = ok && v <= 1.0;
    else if (strncmp(name, "sprout_rate", 11) != 0 && strncmp(name, "atrophy_r", 9) != 0)
        ok = ok && v > 0.0; /* rates, half-lives and concentrations must be positive */
    if (!ok) {
        bont_error_setf(err, name, "parameter %s = %g is out of range (see docs/model.md)", name,
                        v);
        return BONT_ERANGE;
    }
    return 0;
}

static int check_one(size_t i, const char *name, double v, const void *ctx, bont_error_t *err)
{
    (void)i;
    (void)ctx;
    return check_range(name, v, err);
}

static int params_from_root(json_t *root, void *out, bont_error_t *err)
{
    bont_params_t p;
    memset(&p, 0, sizeof p);
    int rc = bont__param_array_read(root, param_table, N_PARAMS, sizeof param_table[0], &p,
                                    check_one, NULL, err);
    if (rc == 0)
        *(bont_params_t *)out = p;
    return rc;
}

int bont_params_parse(bont_params_t *out, const char *text, size_t len, const char *filename,
                      bont_error_t *err)
{
    return bont__model_data_read(text ? text : "", len, filename, NULL, NULL, params_from_root, out,
                                 err);
}

int bont_params_load(bont_params_t *out, bont_error_t *err)
{
    return bont__model_data_read(NULL, 0, NULL, NULL, "model-params.json", params_from_root, out,
                                 err);
}

int bont_params_load_file(bont_params_t *out, const char *path, bont_error_t *err)
{
    if (!path) {
        bont_error_setf(err, NULL, "no parameter file given");
        return BONT_EINVAL;
    }
    return bont__model_data_read(NULL, 0, NULL, path, NULL, params_from_root, out, err);
}
