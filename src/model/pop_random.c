/* pop_random.c: counter-based random numbers for virtual patients: each deviate is a hash of
 * (seed, patient, index), so no result depends on which thread drew it. */
#include <math.h>

#include "model/pop_internal.h"
#include "util/normal.h"

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t bont__pop_stream(uint64_t seed, uint64_t patient)
{
    return mix64(mix64(seed ^ 0x5851f42d4c957f2dull) + patient * 0x9e3779b97f4a7c15ull);
}

double bont__pop_uniform_of(uint64_t stream, uint32_t index)
{
    uint64_t h = mix64(stream + ((uint64_t)index + 1) * 0xd1b54a32d192ed03ull);
    return ((double)(h >> 11) + 0.5) * 0x1.0p-53; /* (0, 1), never 0 or 1 */
}

double bont__pop_uniform(uint64_t seed, uint64_t patient, uint32_t index)
{
    return bont__pop_uniform_of(bont__pop_stream(seed, patient), index);
}

double bont_pop_normal(uint64_t seed, uint64_t patient, uint32_t index)
{
    return bont__normal_quantile(bont__pop_uniform(seed, patient, index));
}
