/* pop_random.c: counter-based random numbers for virtual patients: each deviate is a hash of
 * (seed, patient, index), so no result depends on which thread drew it; and the strata that
 * stand for a patient's spread deviates. */
#include <math.h>

#include "model/pop_internal.h"
#include "util/normal.h"

/* The spread model (bont_spread_reach) costs about 0.1 ms a call, too much to call once per
 * patient in a 10,000-patient run that must finish in well under a second. Each patient's
 * spread deviates are therefore drawn as usual and then replaced by the mean of the one of
 * SPREAD_STRATA equal-probability strata they fall in (per dimension), so a population needs
 * at most SPREAD_STRATA^d layouts: 1024 for the two deviates of data/spread-params.json. The
 * stratum means keep the mean and 99.1 % of the variance of a standard normal
 * (docs/performance.md). */
#define SPREAD_STRATA BONT__POP_SPREAD_STRATA

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double bont_pop_normal(uint64_t seed, uint64_t patient, uint32_t index)
{
    uint64_t h = mix64(mix64(seed ^ 0x5851f42d4c957f2dull) + patient * 0x9e3779b97f4a7c15ull);
    h = mix64(h + ((uint64_t)index + 1) * 0xd1b54a32d192ed03ull);
    double u = ((double)(h >> 11) + 0.5) * 0x1.0p-53; /* (0, 1), never 0 or 1 */
    return bont__normal_quantile(u);
}

uint64_t bont__pop_spread_key(uint64_t seed, size_t p, size_t first_index, size_t n_z)
{
    uint64_t key = 0;
    for (size_t i = 0; i < n_z; i++) {
        double z = bont_pop_normal(seed, p, (uint32_t)(first_index + i));
        double u = 0.5 * erfc(-z / M_SQRT2);
        int s = (int)floor(u * SPREAD_STRATA);
        s = s < 0 ? 0 : s >= SPREAD_STRATA ? SPREAD_STRATA - 1 : s;
        key = key * SPREAD_STRATA + (uint64_t)s;
    }
    return key;
}

static double normal_pdf(double z)
{
    return isfinite(z) ? exp(-0.5 * z * z) / sqrt(2.0 * M_PI) : 0.0;
}

/* The mean of a standard normal within stratum s of SPREAD_STRATA: (pdf(a) - pdf(b)) * M over
 * its edges a, b. */
static double stratum_mean(int s)
{
    double a = s == 0 ? -INFINITY : bont__normal_quantile((double)s / SPREAD_STRATA);
    double b =
        s == SPREAD_STRATA - 1 ? INFINITY : bont__normal_quantile((double)(s + 1) / SPREAD_STRATA);
    return (normal_pdf(a) - normal_pdf(b)) * SPREAD_STRATA;
}

void bont__pop_spread_deviates(uint64_t key, size_t n_z, double *z)
{
    for (size_t i = n_z; i-- > 0;) {
        z[i] = stratum_mean((int)(key % SPREAD_STRATA));
        key /= SPREAD_STRATA;
    }
}
